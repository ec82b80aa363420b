"""Writes of the public face: the change log and policy pages.

Apps call ``record_public_change(dataset, key, action, payload)`` inside the transaction that
publishes, changes or withdraws something public; the row commits (or rolls back) with it, and
the page cache is invalidated once the transaction commits.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from supervision.core import policy

from .masking import scrub
from .models import ChangeAction, PolicyPage, PublicChange
from .registry import (  # noqa: F401 (re-exported: apps register through services)
    Column,
    PublicDataset,
    register_public_dataset,
    register_public_feed,
    register_public_section,
)
from .web import invalidate_public_pages

POLICY_FIELDS = (
    "category",
    "title",
    "slug",
    "summary",
    "body",
    "source",
    "region",
    "publish_from",
    "publish_until",
)


def record_public_change(
    dataset: str, key: str, action: str, payload: dict[str, Any] | None = None
) -> PublicChange:
    """Append one change to the public change log. ``payload`` must hold allow-listed public
    fields only (the caller's public serializer); a delete carries no payload."""
    if action not in ChangeAction.values:
        raise ValueError(f"unknown action {action!r}")
    change = PublicChange.objects.create(
        dataset=dataset,
        key=str(key),
        action=action,
        payload=None if action == ChangeAction.DELETE else payload,
        at=timezone.now(),
    )
    transaction.on_commit(invalidate_public_pages)
    return change


# --- policy pages --------------------------------------------------------------------------


def can_manage_policies(user: Any) -> bool:
    """Whether the user manages policy pages somewhere (``PolicyPage.write_rules`` "manage":
    lead-department administrators, and system administrators): the management pages exist
    only for them."""
    return policy.can_ever(user, PolicyPage, "manage")


def policy_row(page: PolicyPage) -> dict[str, Any]:
    """The public (allow-listed) form of a policy page: the dataset row and the feed payload."""
    return {
        "slug": page.slug,
        "category": page.category,
        "category_name": str(page.get_category_display()),
        "title": scrub(page.title),
        "summary": scrub(page.summary),
        "body": scrub(page.body),
        "source": page.source,
        "region_code": page.region.code if page.region is not None else None,
        "region_name": page.region.name if page.region is not None else None,
        "publish_from": page.publish_from.isoformat(),
        "publish_until": page.publish_until.isoformat() if page.publish_until else None,
    }


def _require_region(actor: Any, region: Any, page: PolicyPage | None = None) -> None:
    """The page's (new) region must lie in the manager's jurisdiction; a page for every region
    is the system administrators' (a field error, so the form can say so)."""
    if region is None and not (policy.is_system(actor) or getattr(actor, "is_superuser", False)):
        raise ValidationError({"region": "请选择适用区域（全部区域的页面由系统管理员发布）。"})
    allowed, _reason = policy.decide(actor, page or PolicyPage, "manage", region=region)
    if not allowed:
        raise policy.Denied("只能发布本辖区的政策指南。")


def _validate(data: dict[str, Any]) -> None:
    start, until = data.get("publish_from"), data.get("publish_until")
    if start and until and until <= start:
        raise ValidationError({"publish_until": "公开截止时间须晚于公开起始时间。"})


def _record(page: PolicyPage) -> None:
    # What a mirror sees: an upsert while published; the row is in the feed from the
    # moment it is saved, with its period, so a mirror can honour publish_until itself.
    record_public_change("policies", page.slug, ChangeAction.UPSERT, policy_row(page))


def policy_page_create(*, actor: Any, **data: Any) -> PolicyPage:
    """Create a policy page (lead-department admins only, within their jurisdiction)."""
    user = policy.as_user(actor) if getattr(actor, "pk", None) else None
    with transaction.atomic(), set_actor(user):
        policy.require_ever(actor, PolicyPage, "manage")
        _require_region(actor, data.get("region"))
        _validate(data)
        if not data.get("slug"):
            data["slug"] = f"p-{timezone.now():%Y%m%d}-{secrets.token_hex(3)}"
        page = PolicyPage(created_by=user, **{k: v for k, v in data.items() if k in POLICY_FIELDS})
        page.full_clean()
        page.save()
        _record(page)
    return page


def policy_page_update(page: PolicyPage, *, actor: Any, **data: Any) -> PolicyPage:
    """Edit a policy page; the new content is public once the transaction commits."""
    user = policy.as_user(actor) if getattr(actor, "pk", None) else None
    with transaction.atomic(), set_actor(user):
        page = PolicyPage.objects.select_for_update().get(pk=page.pk)
        policy.require(actor, page, "manage")
        if "region" in data and data["region"] != page.region:
            _require_region(actor, data["region"], page)
        changed = [k for k in POLICY_FIELDS if k in data and getattr(page, k) != data[k]]
        if not changed:
            return page
        for k in changed:
            setattr(page, k, data[k])
        _validate({"publish_from": page.publish_from, "publish_until": page.publish_until})
        page.full_clean()
        page.save(update_fields=[*changed, "updated_at"])
        _record(page)
    return page


def policy_page_withdraw(page: PolicyPage, *, actor: Any, at: dt.datetime | None = None) -> PolicyPage:
    """Take a page off the public site now (publish_until = now); it stays for the record."""
    at = at or timezone.now()
    with transaction.atomic():
        page = PolicyPage.objects.select_for_update().get(pk=page.pk)
        policy.require(actor, page, "manage")
        if page.publish_until is not None and page.publish_until <= at:
            return page
        if page.publish_from > at:
            at = page.publish_from + dt.timedelta(seconds=1)
        return policy_page_update(page, actor=actor, publish_until=at)


def policy_page_delete(page: PolicyPage, *, actor: Any) -> None:
    """Delete a page outright (a mistaken entry); mirrors get a delete."""
    user = policy.as_user(actor) if getattr(actor, "pk", None) else None
    with transaction.atomic(), set_actor(user):
        page = PolicyPage.objects.select_for_update().get(pk=page.pk)
        policy.require(actor, page, "manage")
        slug = page.slug
        page.delete()
        record_public_change("policies", slug, ChangeAction.DELETE)
