"""Disclosure kept by the institution. ``disclosure_submit`` records the change (always shown to
civil affairs); where the region's rule publishes at once it is applied at once, else it waits
for ``disclosure_decide``. Applying a change stamps ``disclosure_updated_on`` and restarts the
yearly ``disclosure.yearly`` clock (a disclosure not updated in a year reminds the institution)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from institutions.models import Institution
from institutions.services.common import _meet_clock, _open_clock
from supervision.core import policy
from supervision.core.audit import create_audited, save_audited

from ..disclosure_models import (
    DISCLOSURE_FIELDS,
    QUALITY_LABELS,
    ChangeState,
    DisclosureChange,
    DisclosureRule,
    QualityDisclosure,
)

RULE_DISCLOSURE = "disclosure.yearly"
QUALITY_PREFIX = "quality."


def publishes_at_once(inst: Institution) -> bool:
    codes = [r.code for r in inst.region.ancestors()]
    rules = {
        r.region.code: r
        for r in DisclosureRule.objects.filter(region__code__in=codes).select_related("region")
    }
    for code in codes:  # nearest first
        if code in rules:
            return rules[code].publish_at_once
    return False


def current_values(inst: Institution) -> dict[str, str]:
    values = {f: str(getattr(inst, f) or "") for f in DISCLOSURE_FIELDS}
    quality = QualityDisclosure.objects.filter(institution=inst).first()
    data = quality.data if quality else {}
    for key in QUALITY_LABELS:
        values[QUALITY_PREFIX + key] = str(data.get(key, "") or "")
    return values


def disclosure_submit(inst: Institution, *, actor: Any, values: dict[str, Any]) -> DisclosureChange | None:
    """The institution changes its disclosure; None when nothing changes."""
    with transaction.atomic():
        locked = Institution.objects.select_for_update().select_related("region").get(pk=inst.pk)
        policy.require(actor, DisclosureChange, "submit", institution=locked)
        known = set(DISCLOSURE_FIELDS) | {QUALITY_PREFIX + k for k in QUALITY_LABELS}
        unknown = set(values) - known
        if unknown:
            raise ValidationError(f"以下事项不属于机构公开信息：{', '.join(sorted(unknown))}")
        before = current_values(locked)
        diff = {
            k: [before.get(k, ""), str(v or "").strip()]
            for k, v in values.items()
            if before.get(k, "") != str(v or "").strip()
        }
        if not diff:
            return None
        at_once = publishes_at_once(locked)
        change = DisclosureChange(
            institution=locked,
            changes=diff,
            state=ChangeState.PUBLISHED if at_once else ChangeState.PENDING,
            submitted_by=policy.as_user(actor),
            submitted_at=timezone.now(),
        )
        create_audited(change, actor, "disclosure_submit")
        if at_once:
            _apply(locked, change, actor)
    return change


def disclosure_decide(
    change: DisclosureChange, *, actor: Any, accept: bool, reason: str = ""
) -> DisclosureChange:
    """Civil affairs accepts a pending change (it reaches the public page) or rejects it with a reason."""
    with transaction.atomic():
        locked = (
            DisclosureChange.objects.select_for_update()
            .select_related("institution__region")
            .get(pk=change.pk)
        )
        policy.require(actor, locked, "decide")
        if locked.state != ChangeState.PENDING:
            return locked
        if not accept and not reason.strip():
            raise ValidationError({"reason": "请说明未予确认的理由。"})
        before = {"state": locked.state, "decided_by": None, "decided_at": None, "reason": ""}
        locked.state = ChangeState.ACCEPTED if accept else ChangeState.REJECTED
        locked.decided_by = policy.as_user(actor)
        locked.decided_at = timezone.now()
        locked.reason = reason.strip()[:300]
        save_audited(locked, actor, "disclosure_accept" if accept else "disclosure_reject", before)
        if accept:
            inst = Institution.objects.select_for_update().get(pk=locked.institution_id)
            _apply(inst, locked, actor)
    return locked


def _apply(inst: Institution, change: DisclosureChange, actor: Any, today: dt.date | None = None) -> None:
    today = today or timezone.localdate()
    fields = {k: after for k, (_before, after) in change.changes.items() if not k.startswith(QUALITY_PREFIX)}
    quality = {
        k[len(QUALITY_PREFIX) :]: after
        for k, (_b, after) in change.changes.items()
        if k.startswith(QUALITY_PREFIX)
    }
    before: dict[str, Any] = {f: getattr(inst, f) for f in fields}
    for f, value in fields.items():
        setattr(inst, f, value)
    before["disclosure_updated_on"] = inst.disclosure_updated_on
    inst.disclosure_updated_on = today
    save_audited(inst, actor, "disclosure_publish", before)
    if quality:
        row, _ = QualityDisclosure.objects.get_or_create(institution=inst)
        row.data = {**row.data, **quality}
        row.updated_on = today
        row.save(update_fields=["data", "updated_on"])
    _meet_clock(inst, RULE_DISCLOSURE, change, today)
    _open_clock(inst, RULE_DISCLOSURE, today, note=f"公开信息更新 {today}")


def change_rows(change: DisclosureChange) -> list[tuple[str, str, str]]:
    """(label, before, after) for display."""
    from institutions.history import field_label

    rows = []
    for key, (before, after) in change.changes.items():
        if key.startswith(QUALITY_PREFIX):
            label = QUALITY_LABELS.get(key[len(QUALITY_PREFIX) :], key)
        else:
            label = str(field_label(Institution, key))
        rows.append((label, before, after))
    return rows
