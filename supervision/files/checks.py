"""Deployment check: the private store must not lie inside anything a web server serves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register("files")
def private_root_outside_web_roots(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    private = Path(settings.PRIVATE_STORAGE_ROOT).resolve()
    served = [settings.STATIC_ROOT, settings.MEDIA_ROOT, *getattr(settings, "STATICFILES_DIRS", [])]
    errors = []
    for web in filter(None, served):
        web_path = Path(web).resolve()
        if private == web_path or web_path in private.parents:
            errors.append(
                Error(
                    f"PRIVATE_STORAGE_ROOT ({private}) overlaps a web root ({web_path}).",
                    hint="Keep uploads outside STATIC_ROOT, MEDIA_ROOT and STATICFILES_DIRS.",
                    id="files.E001",
                )
            )
    return errors
