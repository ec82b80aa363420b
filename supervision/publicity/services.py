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

from supervision.core.scoping import ensure_visible

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
    """Lead-department (civil affairs) administrators, and system administrators."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(a.department.is_lead and a.role == "admin" for a in user.active_assignments())


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


def _check_region(user: Any, region: Any) -> None:
    if user.is_superuser:
        return
    if region is None:
        raise ValidationError({"region": "请选择适用区域（全部区域的页面由系统管理员发布）。"})
    if not any(
        a.department.is_lead and a.role == "admin" and region.code.startswith(a.region.prefix)
        for a in user.active_assignments()
    ):
        raise ValidationError({"region": "只能发布本辖区的政策指南。"})


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
    if not can_manage_policies(actor):
        raise ValidationError("只有民政部门管理员可以发布政策指南。")
    _check_region(actor, data.get("region"))
    _validate(data)
    if not data.get("slug"):
        data["slug"] = f"p-{timezone.now():%Y%m%d}-{secrets.token_hex(3)}"
    with transaction.atomic(), set_actor(actor):
        page = PolicyPage(created_by=actor, **{k: v for k, v in data.items() if k in POLICY_FIELDS})
        page.full_clean()
        page.save()
        _record(page)
    return page


def policy_page_update(page: PolicyPage, *, actor: Any, **data: Any) -> PolicyPage:
    """Edit a policy page; the new content is public once the transaction commits."""
    if not can_manage_policies(actor):
        raise ValidationError("只有民政部门管理员可以修改政策指南。")
    ensure_visible(actor, page)
    _check_region(actor, data.get("region", page.region))
    with transaction.atomic(), set_actor(actor):
        page = PolicyPage.objects.select_for_update().get(pk=page.pk)
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
    if page.publish_until is not None and page.publish_until <= at:
        return page
    if page.publish_from > at:
        at = page.publish_from + dt.timedelta(seconds=1)
    return policy_page_update(page, actor=actor, publish_until=at)


def policy_page_delete(page: PolicyPage, *, actor: Any) -> None:
    """Delete a page outright (a mistaken entry); mirrors get a delete."""
    if not can_manage_policies(actor):
        raise ValidationError("只有民政部门管理员可以删除政策指南。")
    ensure_visible(actor, page)
    with transaction.atomic(), set_actor(actor):
        slug = page.slug
        page.delete()
        record_public_change("policies", slug, ChangeAction.DELETE)
