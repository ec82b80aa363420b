"""Unmasking personal data: a staff page shows ID and mobile numbers masked; a post the write
policy allows (action ``unmask`` in the model's rules) may see the full value once, after
giving a reason, and each unmasking is an audit entry (who, what, why, from where).

The models that hold such data register what may be revealed (``register``), so this floor
names no model of the floors above it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from supervision.core import policy
from supervision.core.models import SecurityEvent
from supervision.core.signals import record

MIN_REASON = 5


@dataclass(frozen=True)
class Revealable:
    slug: str
    model: type[models.Model]
    # (label, attribute path, mask function) per value shown
    values: tuple[tuple[str, str, Callable[[str], str]], ...]
    describe: Callable[[Any], str]
    # the page to go back to
    back: Callable[[Any], str] | None = None


REGISTRY: dict[str, Revealable] = {}


def register(entry: Revealable) -> Revealable:
    REGISTRY[entry.slug] = entry
    return entry


def follow(obj: Any, path: str) -> str:
    value = obj
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return ""
    return str(value)


def masked_values(entry: Revealable, obj: Any) -> list[tuple[str, str]]:
    return [
        (label, mask(follow(obj, path)) if follow(obj, path) else "") for label, path, mask in entry.values
    ]


def may_unmask(user: Any, obj: Any) -> bool:
    return policy.can(user, obj, "unmask")


def reveal(
    actor: Any, entry: Revealable, obj: Any, reason: str, request: Any = None
) -> list[tuple[str, str]]:
    """The full values, after the policy allows the actor's post and a reason is given; the
    unmasking is recorded before anything is shown."""
    policy.require(actor, obj, "unmask")
    reason = " ".join((reason or "").split())
    if len(reason) < MIN_REASON:
        raise ValidationError({"reason": f"请填写查看完整信息的理由（至少 {MIN_REASON} 个字）。"})
    labels = "、".join(label for label, _path, _mask in entry.values)
    record(
        SecurityEvent.Kind.UNMASK,
        request,
        actor,
        detail=f"{entry.describe(obj)}：查看完整{labels}；理由：{reason}"[:500],
    )
    return [(label, follow(obj, path)) for label, path, _mask in entry.values]
