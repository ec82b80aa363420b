"""Inspections: open one, record its items (谁检查、谁录入), the team's confirmations, the
representative's signature or refusal, close (办结), publish (一公开) and cancel. Each write asks
the policy on the locked inspection first (``Inspection.write_rules``); state changes go
through the one transition helper.

Clocks go through ``inspections.clocks`` (the deadline engine's contract): closing an
inspection meets ``filing.onsite_check`` and ``unfiled.onsite_check`` and opens
``inspection.publish_result``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from institutions.bed_counts import report_beds_found
from institutions.models import Institution
from supervision.core import policy
from supervision.core.models import Department
from supervision.core.transitions import transition

from .. import clocks
from ..ledger import feed_credit
from ..models import (
    INSPECTION_TRANSITIONS,
    Conclusion,
    Finding,
    Inspection,
    InspectionItem,
    InspectionKind,
    InspectionStatus,
    Inspector,
    InspectorConfirmation,
    ItemOutcome,
    ItemResult,
    Severity,
    publication_end,
)
from .common import _create, _save, acting_department, department_covers
from .findings import finding_create


def _locked(inspection: Inspection, actor: Any, action: str, *related: str) -> Inspection:
    """Re-read the inspection ``FOR UPDATE`` and ask the policy for ``action`` on it."""
    qs = Inspection.objects.select_for_update(of=("self",))
    if related:
        qs = qs.select_related(*related)
    locked = qs.get(pk=inspection.pk)
    policy.require(actor, locked, action)
    return locked


def inspection_create(
    institution: Institution,
    *,
    actor: Any,
    kind: str,
    department: Department | None = None,
    team: Iterable[Inspector] = (),
    partner_departments: Iterable[Department] = (),
    scheduled_on: dt.date | None = None,
    previous: Inspection | None = None,
) -> Inspection:
    """Open a non-drawn inspection (special campaign, complaint/lead, re-inspection, joint) for
    ``department`` (by default the one the actor acts for at the institution): only an acting
    post of that department over the institution's region may."""
    department = department or acting_department(actor, institution.region)
    team = list(team)
    with transaction.atomic():
        policy.require(actor, Inspection, "create", region=institution.region, department=department)
        if department is None:  # the system or a superuser without a post names the department
            raise ValidationError("请指明检查部门。")
        if len(team) < 2:  # law enforcement on site always needs at least two officers
            raise ValidationError("检查人员不得少于 2 人。")
        if kind == InspectionKind.REINSPECTION and previous is None:
            raise ValidationError("复查须关联原检查。")
        inspection = Inspection(
            kind=kind,
            institution=institution,
            department=department,
            previous=previous,
            unannounced=kind == InspectionKind.COMPLAINT,
            scheduled_on=scheduled_on,
            created_by=policy.as_user(actor),
        )
        _create(inspection, actor, "create")
        inspection.team.set(team)
        inspection.partner_departments.set([d for d in partner_departments if d.pk != department.pk])
    return inspection


def recording_department(inspection: Inspection, item: InspectionItem, actor: Any) -> Department:
    """谁检查、谁录入: in a joint inspection the participating department whose remit covers the
    item's domain records it; otherwise the inspecting department does. Returns the department
    the actor records for (one of their acting posts over the institution, or any participant
    for the system and superusers) or raises. Whether the actor may record at all is the
    policy's (``Inspection.write_rules["record"]``)."""
    participants = inspection.departments()
    if policy.is_system(actor) or getattr(actor, "is_superuser", False):
        mine = {d.pk: d for d in participants}
    else:
        region = inspection.institution.region
        mine = {
            a.department_id: a.department
            for a in actor.active_assignments()
            if a.role in policy.ACTING and region.code.startswith(a.region.prefix)
        }
    owners = [d for d in participants if department_covers(d, item.domain)]
    if inspection.kind == InspectionKind.JOINT:
        owners = owners or [inspection.department]
        for d in owners:
            if d.pk in mine:
                return mine[d.pk]
        raise ValidationError(f"“{item.title}”由{owners[0].name}检查并录入（谁检查、谁录入）。")
    for d in participants:
        if d.pk in mine:
            return mine[d.pk]
    raise ValidationError("您所在部门未参加本次检查，不能录入结果。")


def item_result_record(
    inspection: Inspection,
    item: InspectionItem,
    *,
    actor: Any,
    outcome: str,
    note: str = "",
    severity: str = Severity.GENERAL,
) -> ItemResult:
    """Record (or change) one item's result. A failed item opens a finding in the item's
    domain (once); the inspection moves to 检查中."""
    with transaction.atomic():
        inspection = _locked(inspection, actor, "record", "institution__region")
        if outcome not in ItemOutcome.values:
            raise ValidationError("检查结果无效。")
        if not inspection.is_open:
            raise ValidationError("检查已办结，不能再修改检查结果。")
        department = recording_department(inspection, item, actor)
        result = ItemResult.objects.filter(inspection=inspection, item=item).first()
        if result is None:
            result = _create(
                ItemResult(
                    inspection=inspection,
                    item=item,
                    outcome=outcome,
                    note=note,
                    department=department,
                    recorded_by=policy.as_user(actor),
                ),
                actor,
                "record",
            )
        elif (result.outcome, result.note) != (outcome, note):
            before = {
                "outcome": result.outcome,
                "note": result.note,
                "department": result.department,
                "recorded_by": result.recorded_by,
            }
            result.outcome, result.note, result.department, result.recorded_by = (
                outcome,
                note,
                department,
                policy.as_user(actor),
            )
            _save(result, actor, "record", {**before, "recorded_at": result.recorded_at})
        if inspection.status == InspectionStatus.PLANNED:
            inspection, _changed = transition(
                inspection,
                InspectionStatus.IN_PROGRESS,
                step="record",
                actor=actor,
                table=INSPECTION_TRANSITIONS,
                field="status",
            )
        if outcome == ItemOutcome.FAIL and not Finding.objects.filter(item_result=result).exists():
            finding_create(
                inspection.institution,
                item.domain,
                actor=actor,
                department=department,
                severity=severity,
                description=f"{item.title}：{note}" if note else item.title,
                inspection=inspection,
                item_result=result,
                found_on=inspection.inspected_on or timezone.localdate(),
            )
    return result


def _signature_state(inspection: Inspection) -> dict[str, Any]:
    return {
        "representative_name": inspection.representative_name,
        "representative_signed_at": inspection.representative_signed_at,
        "representative_ack": inspection.representative_ack,
        "refusal_witness": inspection.refusal_witness,
        "refusal_note": inspection.refusal_note,
        "refusal_recorded_at": inspection.refusal_recorded_at,
    }


def inspection_sign(inspection: Inspection, *, actor: Any, name: str, acknowledged: bool) -> Inspection:
    """The institution's representative signs the record (name, time, acknowledgement). A
    refusal recorded earlier is replaced: the representative has signed after all."""
    name = (name or "").strip()
    with transaction.atomic():
        inspection = _locked(inspection, actor, "sign")
        if not name:
            raise ValidationError("请填写机构签字人姓名。")
        if not acknowledged:
            raise ValidationError("签字须确认已知悉检查结果。")
        if not inspection.is_open:
            raise ValidationError("检查已办结，不能再签字。")
        before = _signature_state(inspection)
        inspection.representative_name = name
        inspection.representative_signed_at = timezone.now()
        inspection.representative_ack = True
        inspection.refusal_witness = inspection.refusal_note = ""
        inspection.refusal_recorded_at = None
        _save(inspection, actor, "sign", before)
    return inspection


def inspection_record_refusal(
    inspection: Inspection, *, actor: Any, name: str, witness: str, note: str = ""
) -> Inspection:
    """The institution's representative refuses to sign (拒绝签字): record who refused and the
    witness present (见证人, not one of the inspectors), so that the record can still be
    closed. Refused once the representative has signed."""
    name, witness, note = (name or "").strip(), (witness or "").strip(), (note or "").strip()
    with transaction.atomic():
        inspection = _locked(inspection, actor, "refuse")
        if not name:
            raise ValidationError("请填写拒绝签字的机构代表姓名。")
        if not witness:
            raise ValidationError("记录拒签须填写见证人姓名。")
        if witness == name:
            raise ValidationError("见证人不能是拒绝签字的机构代表本人。")
        if not inspection.is_open:
            raise ValidationError("检查已办结，不能再记录拒签。")
        if inspection.representative_signed:
            raise ValidationError("机构代表已签字确认，不能再记录拒签。")
        if inspection.team.filter(name=witness).exists():
            raise ValidationError("见证人不能是本次检查的检查人员。")
        if inspection.signature_refused and (
            inspection.representative_name,
            inspection.refusal_witness,
            inspection.refusal_note,
        ) == (name, witness, note[:300]):
            return inspection
        before = _signature_state(inspection)
        inspection.representative_name = name
        inspection.refusal_witness = witness
        inspection.refusal_note = note[:300]
        inspection.refusal_recorded_at = timezone.now()
        _save(inspection, actor, "refuse_to_sign", before)
    return inspection


def inspection_confirm_inspector(inspection: Inspection, inspector: Inspector, *, actor: Any) -> Any:
    """An inspector of the team confirms the record (执法人员确认). An inspector with a platform
    account confirms with it; for one without, a colleague records it on their behalf (or the
    system, for records it loads)."""
    with transaction.atomic():
        inspection = _locked(inspection, actor, "confirm")
        if not inspection.is_open:
            raise ValidationError("检查已办结，不能再确认。")
        if not inspection.team.filter(pk=inspector.pk).exists():
            raise ValidationError(f"{inspector.name}不是本次检查的检查人员。")
        if inspector.user_id is not None and inspector.user_id != actor.pk:
            raise ValidationError(f"{inspector.name}有平台账号，须由本人登录确认。")
        existing = InspectorConfirmation.objects.filter(inspection=inspection, inspector=inspector).first()
        if existing is not None:
            return existing
        return _create(
            InspectorConfirmation(
                inspection=inspection,
                inspector=inspector,
                confirmed_by=policy.as_user(actor),
                confirmed_at=timezone.now(),
            ),
            actor,
            "confirm",
        )


def checklist_items(inspection: Inspection) -> list[InspectionItem]:
    """The items of the inspection's checklist: the plan's items (all active items when the plan
    lists none, or for an inspection without a plan), plus every active key item (重点检查事项),
    which are always checked."""
    items = inspection.plan.items.all() if inspection.plan is not None else InspectionItem.objects.none()
    if items.exists():
        items = InspectionItem.objects.filter(Q(pk__in=items.values("pk")) | Q(active=True, is_key=True))
    else:
        items = InspectionItem.objects.filter(active=True)
    return list(items.select_related("domain").order_by("sort", "code"))


def required_items(inspection: Inspection) -> list[InspectionItem]:
    """The items that must have a result before closing: every active key item and every item
    the plan lists."""
    required = Q(active=True, is_key=True)
    if inspection.plan_id is not None:
        required |= Q(pk__in=inspection.plan.items.values("pk"))  # type: ignore[union-attr]
    return list(InspectionItem.objects.filter(required).order_by("sort", "code"))


def close_blockers(inspection: Inspection, *, conclusion: str = "", note: str = "") -> list[str]:
    """What is still missing before ``inspection`` may be closed, in Chinese, one line each
    (empty when it may be closed). ``conclusion`` and ``note`` are what the close would add.
    An institution not found on site (停业/失联) has no items and no representative to sign."""
    missing: list[str] = []
    not_found = (conclusion or inspection.conclusion) == Conclusion.CLOSED_DOWN
    if not not_found:
        answered = set(inspection.results.values_list("item_id", flat=True))
        unanswered = [i.title for i in required_items(inspection) if i.pk not in answered]
        if unanswered:
            missing.append(
                f"重点检查事项及计划要求的事项尚有 {len(unanswered)} 项未录入结果："
                + "、".join(f"“{title}”" for title in unanswered)
            )
    if not (note or inspection.conclusion_note).strip():
        missing.append("未填写检查结论（检查情况）")
    confirmed = set(inspection.confirmations.values_list("inspector_id", flat=True))
    unconfirmed = [i.name for i in inspection.team.order_by("pk") if i.pk not in confirmed]
    if unconfirmed:
        missing.append("检查人员尚未确认：" + "、".join(unconfirmed))
    if not not_found and not (inspection.representative_signed or inspection.signature_refused):
        missing.append("机构代表尚未签字，也未记录拒签及见证人")
    return missing


def inspection_close(
    inspection: Inspection,
    *,
    actor: Any,
    conclusion: str = "",
    note: str = "",
    inspected_on: dt.date | None = None,
    beds_found: int | None = None,
) -> Inspection:
    """Close (办结) an inspection: set the conclusion; meet the institution's on-site check
    clocks (``filing.onsite_check``, ``unfiled.onsite_check``); open the publishing clock; a
    bed count found on site (``beds_found``) is reported through ``institutions.bed_counts``.
    Refused, with the list of what is missing (``close_blockers``), until every key item and
    every item the plan requires has a result, the conclusion is written, each inspector of
    the team has confirmed and the representative has signed or their refusal is recorded
    with a witness."""
    note = (note or "").strip()
    with transaction.atomic():
        inspection = _locked(inspection, actor, "close", "institution__region")
        if inspection.status in (InspectionStatus.CLOSED, InspectionStatus.PUBLISHED):
            return inspection
        if not inspection.is_open:  # cancelled: the table refuses it before anything is checked
            transition(
                inspection,
                InspectionStatus.CLOSED,
                step="close",
                actor=actor,
                table=INSPECTION_TRANSITIONS,
                field="status",
            )
        if inspection.team.count() < 2:
            raise ValidationError("检查人员不得少于 2 人，不能办结。")
        if conclusion and conclusion not in Conclusion.values:
            raise ValidationError("检查结论无效。")
        missing = close_blockers(inspection, conclusion=conclusion, note=note)
        if missing:
            raise ValidationError("不能办结，尚缺：" + "；".join(missing) + "。")
        if not conclusion:
            has_major = inspection.findings.filter(severity=Severity.MAJOR).exists()
            conclusion = (
                Conclusion.SERIOUS
                if has_major
                else Conclusion.ISSUES
                if inspection.findings.exists()
                else Conclusion.COMPLIANT
            )
        now = timezone.now()
        inspection, _changed = transition(
            inspection,
            InspectionStatus.CLOSED,
            step="close",
            actor=actor,
            table=INSPECTION_TRANSITIONS,
            field="status",
            updates={
                "conclusion": conclusion,
                "conclusion_note": note or inspection.conclusion_note,
                "inspected_on": inspected_on or inspection.inspected_on or timezone.localdate(),
                "closed_at": now,
                **({"beds_found": beds_found} if beds_found is not None else {}),
            },
        )
        institution = inspection.institution
        if inspection.beds_found is not None:
            on = inspection.inspected_on or timezone.localdate()
            source = f"{inspection.department.name}{inspection.get_kind_display()}（{on:%Y-%m-%d}）"
            report_beds_found(institution, beds=inspection.beds_found, on=on, source=source, actor=actor)
        clocks.meet(institution, clocks.FILING_ONSITE, by=inspection, at=now)
        clocks.meet(institution, clocks.UNFILED_ONSITE, by=inspection, at=now)
        if conclusion != Conclusion.CLOSED_DOWN:
            # The inspection result enters the institution's credit record (001 (十二)).
            passed = conclusion == Conclusion.COMPLIANT
            feed_credit(
                institution,
                "inspection_passed" if passed else "inspection_failed",
                title=f"{inspection.get_kind_display()}：{inspection.get_conclusion_display()}",
                source=inspection,
                effective=inspection.inspected_on,
                department=inspection.department,
                entered_by=actor,
            )
        clocks.open_clock(
            inspection,
            clocks.PUBLISH_RESULT,
            inspection.inspected_on,
            department=inspection.department,
            region=institution.county or institution.region,
            note=f"{institution.name} 检查结果公开",
        )
    return inspection


def inspection_publish(inspection: Inspection, *, actor: Any, summary: str = "") -> Inspection:
    """Publish (一公开) the result of a closed inspection for its publication period
    (``models.PUBLICATION_MONTHS["inspection_result"]`` from today); meets the publishing clock.
    Only the inspecting department publishes (谁检查、谁公开)."""
    with transaction.atomic():
        inspection = _locked(inspection, actor, "publish")
        if inspection.status == InspectionStatus.PUBLISHED:
            return inspection
        now = timezone.now()
        inspection, _changed = transition(
            inspection,
            InspectionStatus.PUBLISHED,
            step="publish",
            actor=actor,
            table=INSPECTION_TRANSITIONS,
            field="status",
            updates={
                "published_at": now,
                # Public up to and including this day; every public read filters on it (public.py).
                "published_until": publication_end(timezone.localdate(now), "inspection_result"),
                "public_summary": summary or inspection.public_summary or inspection.get_conclusion_display(),
            },
        )
        clocks.meet(inspection, clocks.PUBLISH_RESULT, by=inspection, at=now)
    return inspection


def inspection_cancel(inspection: Inspection, *, actor: Any) -> Inspection:
    """Cancel an inspection that has not started (a superseded draw's tasks)."""
    with transaction.atomic():
        inspection, _changed = transition(
            inspection,
            InspectionStatus.CANCELLED,
            step="cancel",
            actor=actor,
            action="cancel",
            table=INSPECTION_TRANSITIONS,
            field="status",
        )
    return inspection
