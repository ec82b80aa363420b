"""The two keys of this app and their refusal when DEBUG is off: the Fernet key encrypting ID
and mobile numbers (``PERSONAL_DATA_ENCRYPTION_KEY``) and the key signing audit archives
(``AUDIT_ARCHIVE_KEY``). A system check refuses every ``manage.py`` command (migrate,
runserver, check --deploy) with a development default, and the first use of a key in a
running server raises the same refusal (``REFUSE_DEV_KEYS``: DEBUG was off when the settings
loaded), so a deployment cannot encrypt with a key from the repository."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

DEV_ARCHIVE_KEY = "dev-insecure-audit-archive-key"


def _valid_fernet_keys(value: str) -> bool:
    from cryptography.fernet import Fernet

    keys = [k.strip() for k in value.split(",") if k.strip()]
    try:
        for k in keys:
            Fernet(k.encode())
    except ValueError:
        return False
    return bool(keys)


def _dev_keys() -> list[str]:
    """The keys left at the repository's default, at a ``change-me`` placeholder (.env.example)
    or, for the Fernet key, not a valid key at all."""
    found = []
    fernet_key = str(settings.PERSONAL_DATA_ENCRYPTION_KEY)
    if (
        getattr(settings, "DEV_PERSONAL_DATA_ENCRYPTION_KEY", None) == fernet_key
        or fernet_key.startswith("change-me")
        or not _valid_fernet_keys(fernet_key)
    ):
        found.append("PERSONAL_DATA_ENCRYPTION_KEY")
    archive = str(settings.AUDIT_ARCHIVE_KEY)
    if archive == DEV_ARCHIVE_KEY or archive.startswith("change-me") or len(archive) < 16:
        found.append("AUDIT_ARCHIVE_KEY")
    return found


def refuse_dev_key(name: str) -> None:
    if getattr(settings, "REFUSE_DEV_KEYS", not settings.DEBUG) and name in _dev_keys():
        raise ImproperlyConfigured(
            f"DEBUG 已关闭，但 {name} 仍是代码仓库中的开发默认值：请在环境变量中设置（见 .env.example）。"
        )


@checks.register(checks.Tags.security, deploy=False)
def check_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if not getattr(settings, "REFUSE_DEV_KEYS", not settings.DEBUG):
        return []
    return [
        checks.Error(
            f"{name} 仍是开发默认值，DEBUG 关闭时不得使用。",
            hint="在环境变量中设置新的密钥（见 .env.example）。",
            id="audit.E001",
        )
        for name in _dev_keys()
    ]


@lru_cache(maxsize=4)
def _fernet(key: str) -> Any:
    from cryptography.fernet import Fernet, MultiFernet

    # Several keys, comma-separated, the first encrypting: old keys still decrypt (rotation).
    return MultiFernet([Fernet(k.strip().encode()) for k in key.split(",") if k.strip()])


def fernet() -> Any:
    refuse_dev_key("PERSONAL_DATA_ENCRYPTION_KEY")
    return _fernet(str(settings.PERSONAL_DATA_ENCRYPTION_KEY))


def archive_key() -> bytes:
    refuse_dev_key("AUDIT_ARCHIVE_KEY")
    return str(settings.AUDIT_ARCHIVE_KEY).encode()
