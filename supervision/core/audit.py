"""Audited writes for services: exactly one audit entry (actor, verb, before → after) per
state change, with django-auditlog's automatic entry switched off for that save so that a
service write is never logged twice. Every app's services use these three functions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.db import models


def plain(value: Any) -> str:
    """A field value as stored in an audit diff (related objects by primary key)."""
    if value is None:
        return "None"
    if isinstance(value, models.Model):
        return str(value.pk)
    return str(value)


def audit(
    obj: models.Model, actor: Any, verb: str, changes: dict[str, Any], *, created: bool = False
) -> None:
    """Write one audit entry; ``changes`` maps a field to its (before, after) pair."""
    LogEntry.objects.log_create(
        obj,
        force_log=True,
        action=LogEntry.Action.CREATE if created else LogEntry.Action.UPDATE,
        changes={k: [plain(a), plain(b)] for k, (a, b) in changes.items()},
        actor=actor if getattr(actor, "pk", None) else None,
        additional_data={"verb": verb},
    )


def save_audited(obj: models.Model, actor: Any, verb: str, before: dict[str, Any]) -> None:
    """Save the fields named in ``before`` (plus an ``updated_at`` stamp, if the model has one)
    with ``update_fields`` and audit what changed."""
    changes = {f: (old, getattr(obj, f)) for f, old in before.items() if old != getattr(obj, f)}
    fields = list(before)
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields) and "updated_at" not in fields:
        fields.append("updated_at")
    with disable_auditlog():
        obj.save(update_fields=fields)
    audit(obj, actor, verb, changes)


def create_audited(
    obj: models.Model, actor: Any, verb: str, *, clean: bool = False, secret_fields: Iterable[str] = ()
) -> Any:
    """Insert ``obj`` and audit its fields, leaving out ``secret_fields`` (e.g. a draw seed that
    must stay unknown until it is revealed)."""
    if clean:
        obj.full_clean()
    with disable_auditlog():
        obj.save()
    hidden = {"id", *secret_fields}
    fields = {
        f.attname: (None, getattr(obj, f.attname))
        for f in obj._meta.concrete_fields
        if f.attname not in hidden
    }
    audit(obj, actor, verb, fields, created=True)
    return obj
