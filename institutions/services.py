"""Every write of the registry that matters: one function per state change, each in one
transaction, re-reading the row with ``select_for_update``, with a no-op guard, refusing what
the transition table does not allow (in Chinese), and writing one audit entry (actor, verb,
before, after). Views, API actions and admin actions call these; nothing else writes
``Institution.status``.

Clocks are opened and closed through ``supervision.deadlines.services`` only:
``filing.onsite_check`` (20 working days after filing), ``unfiled.onsite_check`` (20 working
days after an unfiled institution is found taking in residents) and ``drill.half_yearly``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from supervision.core.audit import create_audited, plain, save_audited
from supervision.core.models import Department
from supervision.core.scoping import ensure_visible

from .models import (
    CERTIFIED_ROLES,
    SCORE_SECTIONS,
    STATUS_TRANSITIONS,
    AssetDisposalStatus,
    Certificate,
    Drill,
    DrillKind,
    EmergencyPlan,
    ExitKind,
    ExitPlan,
    Filing,
    FilingKind,
    GradeRating,
    GradeThreshold,
    IncidentReport,
    Institution,
    InstitutionKind,
    InstitutionRestriction,
    InstitutionStatus,
    OnsiteCheck,
    OnsiteResult,
    Person,
    PersonRestriction,
    PersonRestrictionKind,
    Post,
    RegistrationAuthority,
    Staff,
    StaffRole,
    TrainingRecord,
)
from .personal import id_hash, mask_id
from .validators import explain_id_number, normalise_credit_code, validate_credit_code

RULE_FILING_CHECK = "filing.onsite_check"
RULE_UNFILED_CHECK = "unfiled.onsite_check"
RULE_DRILL = "drill.half_yearly"
# The fire-drill clock of 000 (五): "属于消防安全重点单位的养老机构 … 至少每半年进行1次消防演练，
# 其他单位 … 至少每年组织1次消防演练". The deadlines rules do not ship it yet (see
# ``fire_drill_clock``); once ``drill.fire`` exists (365 calendar days) it is opened with a
# length of 182 days for key fire units.
RULE_FIRE_DRILL = "drill.fire"
FIRE_DRILL_DAYS_KEY_UNIT = 182

VERB_LABELS = {
    "file": "备案",
    "resume": "恢复服务",
    "mark_not_operating": "标记为登记但未开展养老服务",
    "mark_operating": "标记为已开展养老服务",
    "register": "补办登记",
    "suspend": "暂停服务",
    "terminate": "终止服务",
}

# Registry fields a change filing (变更备案) may change.
CHANGE_FILING_FIELDS = (
    "name",
    "address",
    "beds",
    "floor_area",
    "premises_ownership",
    "contact_phone",
    "complaint_phone",
    "service_items",
    "fee_standards",
)


# --- audit -----------------------------------------------------------------------------------


def _create(obj: models.Model, actor: Any, verb: str) -> Any:
    return create_audited(obj, actor, verb, clean=True)


_save = save_audited


def _check_scope(actor: Any, inst: Institution) -> None:
    if actor is not None and getattr(actor, "is_authenticated", False):
        ensure_visible(actor, inst)


def can_keep_registry(actor: Any, region: Any) -> bool:
    """Whether ``actor`` may write the registry for an institution in ``region``: the registry,
    filings, status, staff and grade ratings are kept by civil affairs (the lead department;
    《养老机构管理办法》 arts. 10–12), so a write needs an admin, inspector or leader post of the
    lead department over the region. Partner departments and auditors read; ``None`` is a
    system call (a task or another service)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return True
    return bool(actor.acts_over(region, lead=True))


def keeps_registry_anywhere(actor: Any) -> bool:
    """Whether ``actor`` holds any post that may write the registry (for the "新增机构" entry)."""
    return bool(actor.acts_over(None, lead=True))


REGISTRY_READ_ONLY = "机构名录、备案、从业人员和等级评定由民政部门维护，您只能查看。"


def can_report(actor: Any, region: Any) -> bool:
    """Whether ``actor`` may record what any department may report about an institution in
    ``region`` (discovery of an unfiled institution, emergency plans, drills, incidents): an
    admin, inspector or leader post of any department over the region. Auditors and liaisons
    read; ``None`` is a system call."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return True
    return bool(actor.acts_over(region))


REPORT_READ_ONLY = "审计员和联络员只能查看，不能登记机构情况。"


def _check_reporter(actor: Any, inst: Institution) -> None:
    _check_scope(actor, inst)
    if not can_report(actor, inst.region):
        raise PermissionDenied(REPORT_READ_ONLY)


def _check_writer(actor: Any, inst: Institution) -> None:
    """Scope first (404 outside it), then the registry-keeper rule (403 with the reason)."""
    _check_scope(actor, inst)
    if not can_keep_registry(actor, inst.region):
        raise PermissionDenied(REGISTRY_READ_ONLY)


# --- clocks ----------------------------------------------------------------------------------


def responsible_department() -> Department | None:
    """Civil affairs (the lead department) is responsible for filing checks and drill clocks."""
    return Department.objects.filter(is_lead=True).order_by("pk").first()


def _open_clock(
    inst: Institution, rule: str, start: dt.date, note: str = "", length: int | None = None
) -> Any:
    from supervision.deadlines import services as deadlines

    return deadlines.deadline_open(
        inst,
        rule,
        start,
        department=responsible_department(),
        region=inst.county or inst.region,
        note=note,
        length=length,
    )


def _meet_clock(inst: Institution, rule: str, by: models.Model, at: dt.date) -> int:
    from supervision.deadlines import services as deadlines

    return deadlines.deadline_meet(inst, rule, by=by, at=at)


# --- registry --------------------------------------------------------------------------------

EDITABLE_FIELDS = (
    "credit_code",
    "name",
    "kind",
    "nature",
    "registration_authority",
    "region",
    "address",
    "beds",
    "floor_area",
    "premises_ownership",
    "contact_phone",
    "complaint_phone",
    "service_items",
    "fee_standards",
    "party_organisation",
    "fire_acceptance",
    "fire_acceptance_note",
    "is_key_fire_unit",
    "food_licence",
    "introduction",
    "opened_on",
    "rules",
    "medical_service",
    "residents",
    "disclosure_updated_on",
)


def institution_create(*, actor: Any, **fields: Any) -> Institution:
    """Register an institution in the registry. Without a credit code it is recorded as
    未登记（黑机构）; with one, as 登记未备案 (filing moves it on)."""
    if fields.get("credit_code"):
        fields["credit_code"] = normalise_credit_code(fields["credit_code"])
    else:
        fields["credit_code"] = None
    status = fields.pop("status", None)
    if status is None:
        status = (
            InstitutionStatus.REGISTERED_NOT_FILED
            if fields["credit_code"]
            else InstitutionStatus.UNREGISTERED
        )
    if status == InstitutionStatus.UNREGISTERED:
        fields.setdefault("registration_authority", RegistrationAuthority.NONE)
    inst = Institution(status=status, **fields)
    if actor is not None and getattr(actor, "is_authenticated", False) and not actor.is_superuser:
        from supervision.core.querysets import regions_visible_to

        if not regions_visible_to(actor).filter(pk=inst.region_id).exists():
            raise ValidationError({"region": "所选乡镇（街道）不在您的辖区内。"})
        if not can_keep_registry(actor, inst.region):
            raise PermissionDenied("机构名录由民政部门维护，您不能新增机构。")
    with transaction.atomic():
        _create(inst, actor, "create")
    return inst


def institution_update(inst: Institution, *, actor: Any, **fields: Any) -> Institution:
    """Edit registry facts (not the status, which only transitions change)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    with transaction.atomic():
        _check_writer(actor, inst)
        locked = Institution.objects.select_for_update().get(pk=inst.pk)
        if "credit_code" in fields:
            fields["credit_code"] = normalise_credit_code(fields["credit_code"] or "") or None
        attnames = {("region_id" if f == "region" else f): f for f in fields}
        before = {att: getattr(locked, att) for att in attnames}
        for name, value in fields.items():
            setattr(locked, name, value)
        if all(before[att] == getattr(locked, att) for att in attnames):
            return locked
        locked.full_clean()
        if "name" in fields or "kind" in fields:
            before["name_nonstandard"] = locked.name_nonstandard
        _save(locked, actor, "update", before)
    return locked


def _transition(
    inst: Institution, target: str, verb: str, actor: Any, updates: dict[str, Any] | None = None
) -> tuple[Institution, bool]:
    """Move ``inst`` to ``target`` if the table allows it; returns (row, changed). Call inside
    ``transaction.atomic``."""
    _check_writer(actor, inst)
    locked = Institution.objects.select_for_update().get(pk=inst.pk)
    if locked.status == target:
        return locked, False
    if STATUS_TRANSITIONS.get((locked.status, target)) != verb:
        raise ValidationError(
            f"机构当前状态为“{locked.get_status_display()}”，不能{VERB_LABELS.get(verb, verb)}"
            f"（目标状态“{InstitutionStatus(target).label}”）。",
            code="transition_not_allowed",
        )
    before: dict[str, Any] = {"status": locked.status}
    for name, value in (updates or {}).items():
        before[name] = getattr(locked, name)
        setattr(locked, name, value)
    locked.status = target
    _save(locked, actor, verb, before)
    inst.status = locked.status
    return locked, True


def institution_mark_not_operating(inst: Institution, *, actor: Any) -> Institution:
    """登记但未开展养老服务: registered with elderly care in scope, not actually operating."""
    with transaction.atomic():
        return _transition(inst, InstitutionStatus.REGISTERED_NOT_OPERATING, "mark_not_operating", actor)[0]


def institution_mark_operating(inst: Institution, *, actor: Any) -> Institution:
    """A registered-not-operating institution starts serving residents (and must then file)."""
    with transaction.atomic():
        return _transition(inst, InstitutionStatus.REGISTERED_NOT_FILED, "mark_operating", actor)[0]


def institution_register(inst: Institution, *, actor: Any, credit_code: str, authority: str) -> Institution:
    """An unregistered (black) institution obtains its registration: record the credit code."""
    code = normalise_credit_code(credit_code)
    validate_credit_code(code)
    if Institution.objects.filter(credit_code=code).exclude(pk=inst.pk).exists():
        raise ValidationError("该统一社会信用代码已属于另一家机构。")
    if authority == RegistrationAuthority.NONE:
        raise ValidationError("请选择登记管理机关。")
    with transaction.atomic():
        return _transition(
            inst,
            InstitutionStatus.REGISTERED_NOT_FILED,
            "register",
            actor,
            {"credit_code": code, "registration_authority": authority},
        )[0]


def institution_file(inst: Institution, *, actor: Any) -> Institution:
    """Mark as 已备案 (called by ``filing_submit``, which records the filing itself)."""
    with transaction.atomic():
        return _transition(inst, InstitutionStatus.FILED, "file", actor)[0]


def institution_resume(inst: Institution, *, actor: Any, resumed_on: dt.date | None = None) -> Institution:
    """A suspended, filed institution resumes service: its drill clocks start again."""
    with transaction.atomic():
        locked, changed = _transition(inst, InstitutionStatus.FILED, "resume", actor)
        if changed:
            drill_clocks_open(locked, resumed_on or timezone.localdate())
        return locked


def institution_suspend(
    inst: Institution,
    *,
    actor: Any,
    effective_on: dt.date,
    reason: str,
    resettlement_plan: str,
    residents_to_resettle: int = 0,
) -> ExitPlan | None:
    """暂停服务 with a resettlement plan for the residents (003 7.). Returns None if already suspended."""
    return _exit(
        inst,
        ExitKind.SUSPEND,
        actor=actor,
        effective_on=effective_on,
        reason=reason,
        resettlement_plan=resettlement_plan,
        residents_to_resettle=residents_to_resettle,
    )


def institution_terminate(
    inst: Institution,
    *,
    actor: Any,
    effective_on: dt.date,
    reason: str,
    resettlement_plan: str,
    residents_to_resettle: int = 0,
    asset_disposal_plan: str = "",
) -> ExitPlan | None:
    """终止服务 with a resettlement plan and, for non-profit and 公建民营 institutions, an asset
    disposal plan that civil affairs then supervises (003 7.)."""
    return _exit(
        inst,
        ExitKind.TERMINATE,
        actor=actor,
        effective_on=effective_on,
        reason=reason,
        resettlement_plan=resettlement_plan,
        residents_to_resettle=residents_to_resettle,
        asset_disposal_plan=asset_disposal_plan,
    )


def _exit(inst: Institution, kind: str, *, actor: Any, **data: Any) -> ExitPlan | None:
    target = InstitutionStatus.SUSPENDED if kind == ExitKind.SUSPEND else InstitutionStatus.TERMINATED
    errors: dict[str, str] = {}
    if not (data.get("resettlement_plan") or "").strip():
        errors["resettlement_plan"] = "请填写老年人安置方案。"
    if not (data.get("reason") or "").strip():
        errors["reason"] = "请填写原因。"
    asset_required = kind == ExitKind.TERMINATE and inst.is_non_profit
    if asset_required and not (data.get("asset_disposal_plan") or "").strip():
        errors["asset_disposal_plan"] = (
            "非营利性（含公建民营）机构终止服务须提交财产处置方案，接受民政部门监管。"
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked, changed = _transition(
            inst, target, "suspend" if kind == ExitKind.SUSPEND else "terminate", actor
        )
        if not changed:
            return None
        plan = ExitPlan(
            institution=locked,
            kind=kind,
            created_by=actor if getattr(actor, "pk", None) else None,
            asset_disposal_status=AssetDisposalStatus.PENDING
            if asset_required
            else AssetDisposalStatus.NOT_REQUIRED,
            **data,
        )
        _create(plan, actor, f"exit_{kind}")
        drill_clocks_stop(locked, reason=f"机构{ExitKind(kind).label}（{plan.effective_on} 起）")
        return plan


def exit_asset_disposal_supervise(plan: ExitPlan, *, actor: Any, note: str) -> ExitPlan:
    """Civil affairs confirms the supervised disposal of a non-profit's assets."""
    with transaction.atomic():
        _check_writer(actor, plan.institution)
        locked = ExitPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.asset_disposal_status == AssetDisposalStatus.SUPERVISED:
            return locked
        if locked.asset_disposal_status != AssetDisposalStatus.PENDING:
            raise ValidationError("该退出事项不涉及财产处置监管。")
        before = {
            "asset_disposal_status": locked.asset_disposal_status,
            "asset_disposal_note": locked.asset_disposal_note,
        }
        locked.asset_disposal_status = AssetDisposalStatus.SUPERVISED
        locked.asset_disposal_note = note
        _save(locked, actor, "asset_disposal_supervise", before)
        return locked


# --- filing ----------------------------------------------------------------------------------


def filing_submit(
    inst: Institution,
    *,
    actor: Any,
    submitted_on: dt.date,
    commitment_text: str,
    certificate_number: str,
    applicant: str = "",
    certificate_file: Any = None,
    note: str = "",
) -> Filing:
    """Record a filing (application, registration certificate, written credit commitment),
    move the institution to 已备案 and open the 20-working-day on-site verification clock."""
    missing = {}
    if not (commitment_text or "").strip():
        missing["commitment_text"] = "备案材料不齐：缺少书面信用承诺书。"
    if not (certificate_number or "").strip():
        missing["certificate_number"] = "备案材料不齐：缺少登记证书编号。"
    if missing:
        raise ValidationError(missing)
    with transaction.atomic():
        _check_writer(actor, inst)
        current = Institution.objects.select_for_update().get(pk=inst.pk)
        if current.status == InstitutionStatus.FILED:
            raise ValidationError("该机构已备案；备案事项变化请办理变更备案。")
        if current.status == InstitutionStatus.UNREGISTERED:
            raise ValidationError("未登记机构不能备案：请先督促其依法办理登记。")
        locked, _changed = _transition(current, InstitutionStatus.FILED, "file", actor)
        filing = Filing(
            institution=locked,
            kind=FilingKind.INITIAL,
            submitted_on=submitted_on,
            applicant=applicant,
            certificate_number=certificate_number.strip(),
            commitment_text=commitment_text.strip(),
            note=note,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        if certificate_file:
            filing.certificate_file = certificate_file
        _create(filing, actor, "filing_submit")
        _open_clock(locked, RULE_FILING_CHECK, submitted_on, note=f"备案 {submitted_on}")
        drill_clocks_open(locked, submitted_on)
    inst.status = locked.status
    return filing


def filing_change(
    inst: Institution, *, actor: Any, submitted_on: dt.date, changes: dict[str, Any], note: str = ""
) -> Filing | None:
    """变更备案: apply the changed filing facts and keep the diff in the filing history.
    Returns None when nothing actually changes."""
    unknown = set(changes) - set(CHANGE_FILING_FIELDS)
    if unknown:
        raise ValidationError(f"以下事项不能通过变更备案修改：{', '.join(sorted(unknown))}")
    with transaction.atomic():
        _check_writer(actor, inst)
        locked = Institution.objects.select_for_update().get(pk=inst.pk)
        if locked.status != InstitutionStatus.FILED:
            raise ValidationError(
                f"机构当前状态为“{locked.get_status_display()}”，只有已备案机构可以办理变更备案。"
            )
        diff = {f: [getattr(locked, f), v] for f, v in changes.items() if getattr(locked, f) != v}
        if not diff:
            return None
        before = {f: old for f, (old, _new) in diff.items()}
        for f, (_old, new) in diff.items():
            setattr(locked, f, new)
        locked.full_clean()
        if "name" in diff:
            before["name_nonstandard"] = locked.name_nonstandard
        _save(locked, actor, "filing_change", before)
        filing = Filing(
            institution=locked,
            kind=FilingKind.CHANGE,
            submitted_on=submitted_on,
            changes={f: [plain(a), plain(b)] for f, (a, b) in diff.items()},
            note=note,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        _create(filing, actor, "filing_change")
    return filing


def institution_discover_unfiled(
    inst: Institution, *, actor: Any, discovered_on: dt.date, residents: int | None = None, note: str = ""
) -> Institution:
    """An unregistered or unfiled institution is found taking in residents: record it and open
    the 20-working-day on-site check clock (003 1., 004 2.6: check and urge filing)."""
    allowed = (
        InstitutionStatus.UNREGISTERED,
        InstitutionStatus.REGISTERED_NOT_FILED,
        InstitutionStatus.REGISTERED_NOT_OPERATING,
    )
    with transaction.atomic():
        _check_reporter(actor, inst)
        locked = Institution.objects.select_for_update().get(pk=inst.pk)
        if locked.status not in allowed:
            raise ValidationError(f"机构当前状态为“{locked.get_status_display()}”，不属于未备案机构。")
        if locked.status == InstitutionStatus.REGISTERED_NOT_OPERATING:
            locked, _ = _transition(locked, InstitutionStatus.REGISTERED_NOT_FILED, "mark_operating", actor)
        if locked.unfiled_discovered_on == discovered_on and (
            residents is None or residents == locked.residents
        ):
            return locked
        before: dict[str, Any] = {"unfiled_discovered_on": locked.unfiled_discovered_on}
        locked.unfiled_discovered_on = discovered_on
        if residents is not None:
            before["residents"] = locked.residents
            locked.residents = residents
        _save(locked, actor, "discover_unfiled", before)
        _open_clock(
            locked, RULE_UNFILED_CHECK, discovered_on, note=note or f"发现未备案开展服务 {discovered_on}"
        )
    return locked


def onsite_check_record(
    inst: Institution,
    *,
    actor: Any,
    checked_on: dt.date,
    inspectors: str,
    result: str,
    notes: str = "",
) -> OnsiteCheck:
    """Record an on-site verification; it meets the open filing/unfiled check clocks."""
    with transaction.atomic():
        _check_writer(actor, inst)
        locked = Institution.objects.select_for_update().get(pk=inst.pk)
        check = OnsiteCheck(
            institution=locked,
            checked_on=checked_on,
            inspectors=inspectors,
            result=result,
            notes=notes,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        _create(check, actor, "onsite_check")
        _meet_clock(locked, RULE_FILING_CHECK, check, checked_on)
        _meet_clock(locked, RULE_UNFILED_CHECK, check, checked_on)
        if result == OnsiteResult.NOT_OPERATING and locked.status == InstitutionStatus.REGISTERED_NOT_FILED:
            _transition(locked, InstitutionStatus.REGISTERED_NOT_OPERATING, "mark_not_operating", actor)
    return check


# --- persons and restrictions ----------------------------------------------------------------


def person_for(name: str, id_number: str) -> Person:
    """The registry person with this ID number (matched by keyed hash), created if new."""
    message = explain_id_number(id_number)
    if message:
        raise ValidationError({"id_number": message})
    person, _created = Person.objects.get_or_create(
        id_hash=id_hash(id_number), defaults={"name": name.strip(), "id_masked": mask_id(id_number)}
    )
    return person


# Which restrictions bar which posts: an industry ban bars every post; a joint-punishment
# listing bars legal representative and principal (民发〔2019〕103号).
BARRING_KINDS: dict[str, tuple[str, ...]] = {
    Post.LEGAL_REPRESENTATIVE: (PersonRestrictionKind.INDUSTRY_BAN, PersonRestrictionKind.JOINT_PUNISHMENT),
    Post.PRINCIPAL: (PersonRestrictionKind.INDUSTRY_BAN, PersonRestrictionKind.JOINT_PUNISHMENT),
    "staff": (PersonRestrictionKind.INDUSTRY_BAN,),
}
POST_LABELS = {Post.LEGAL_REPRESENTATIVE: "法定代表人", Post.PRINCIPAL: "主要负责人", "staff": "从业人员"}


def ensure_not_restricted(person: Person, post: str, on: dt.date) -> None:
    """Refuse, with a clear message, a person barred from ``post`` on ``on``."""
    hit = (
        PersonRestriction.objects.filter(person=person, kind__in=BARRING_KINDS[post])
        .active_on(on)
        .order_by("-permanent", "-starts_on")
        .first()
    )
    if hit is not None:
        raise ValidationError(
            f"{person.name}（身份证号 {person.id_masked}）因“{hit.get_kind_display()}”"
            f"（{hit.term_display()}，依据：{hit.source}）不得担任{POST_LABELS[post]}。",
            code="person_restricted",
        )


def person_restrict(
    *,
    actor: Any,
    kind: str,
    source: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    permanent: bool = False,
    note: str = "",
    person: Person | None = None,
    name: str = "",
    id_number: str = "",
) -> PersonRestriction:
    """Record a restriction decided elsewhere (the credit app, a court) on a person, given either
    the registry ``person`` (the credit app holds only hashes) or a name and clear ID number."""
    if person is None and not id_number:
        raise ValidationError({"id_number": "请填写身份证号码。"})
    if not permanent and ends_on is None:
        raise ValidationError({"ends_on": "请填写截止日期，或勾选终身/永久。"})
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": "截止日期不能早于起始日期。"})
    with transaction.atomic():
        if person is None:
            person = person_for(name, id_number)
        existing = PersonRestriction.objects.filter(
            person=person, kind=kind, source=source, starts_on=starts_on, lifted_on__isnull=True
        ).first()
        if existing is not None:
            return existing
        restriction = PersonRestriction(
            person=person,
            kind=kind,
            source=source,
            starts_on=starts_on,
            ends_on=None if permanent else ends_on,
            permanent=permanent,
            note=note,
        )
        _create(restriction, actor, "restrict")
        return restriction


def institution_restrict(
    inst: Institution,
    *,
    actor: Any,
    kind: str,
    source: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    permanent: bool = False,
    note: str = "",
) -> InstitutionRestriction:
    """Record an institution-level restriction (e.g. listed for joint punishment)."""
    if not permanent and ends_on is None:
        raise ValidationError({"ends_on": "请填写截止日期，或勾选终身/永久。"})
    with transaction.atomic():
        existing = InstitutionRestriction.objects.filter(
            institution=inst, kind=kind, source=source, starts_on=starts_on, lifted_on__isnull=True
        ).first()
        if existing is not None:
            return existing
        restriction = InstitutionRestriction(
            institution=inst,
            kind=kind,
            source=source,
            starts_on=starts_on,
            ends_on=None if permanent else ends_on,
            permanent=permanent,
            note=note,
        )
        _create(restriction, actor, "restrict")
        return restriction


def restriction_lift(
    restriction: PersonRestriction | InstitutionRestriction, *, actor: Any, lifted_on: dt.date, reason: str
) -> PersonRestriction | InstitutionRestriction:
    """Lift a restriction early (e.g. removal from the list after credit repair)."""
    with transaction.atomic():
        locked = type(restriction).objects.select_for_update().get(pk=restriction.pk)
        if locked.lifted_on is not None:
            return locked
        before = {"lifted_on": None, "lift_reason": locked.lift_reason}
        locked.lifted_on = lifted_on
        locked.lift_reason = reason
        _save(locked, actor, "lift", before)
        return locked


def appointment_make(
    inst: Institution, *, actor: Any, post: str, name: str, id_number: str, started_on: dt.date
) -> Any:
    """Appoint the legal representative or principal; the previous holder's term ends."""
    from .models import Appointment

    with transaction.atomic():
        _check_writer(actor, inst)
        locked = Institution.objects.select_for_update().get(pk=inst.pk)
        person = person_for(name, id_number)
        ensure_not_restricted(person, post, started_on)
        current = locked.appointments.filter(post=post, ended_on__isnull=True).select_related("person")
        for old in current:
            if old.person_id == person.pk:
                return old
            before = {"ended_on": old.ended_on}
            old.ended_on = started_on
            _save(old, actor, "appointment_end", before)
        appointment = Appointment(institution=locked, person=person, post=post, started_on=started_on)
        _create(appointment, actor, "appoint")
        field = "legal_representative" if post == Post.LEGAL_REPRESENTATIVE else "principal"
        before_name = {field: getattr(locked, field)}
        setattr(locked, field, person.name)
        if before_name[field] != person.name:
            _save(locked, actor, "appoint", before_name)
    return appointment


def staff_appoint(
    inst: Institution,
    *,
    actor: Any,
    name: str,
    id_number: str,
    role: str,
    hired_on: dt.date,
    skill_level: str = "",
    certificate: dict[str, Any] | None = None,
) -> Staff:
    """Employ a person as staff. Refused for a person under an industry ban (anywhere), and for
    医疗护理/康复治疗/消防管理 roles without a certificate valid on the hiring day."""
    if role in CERTIFIED_ROLES:
        expires = (certificate or {}).get("expires_on")
        if not certificate or not certificate.get("name"):
            raise ValidationError(
                {"certificate_name": f"{StaffRole(role).label}须持有相应资格证书，请填写证书信息。"}
            )
        if expires is not None and expires < hired_on:
            raise ValidationError({"certificate_expires_on": f"资格证书已于 {expires} 过期，不能上岗。"})
    with transaction.atomic():
        _check_writer(actor, inst)
        person = person_for(name, id_number)
        ensure_not_restricted(person, "staff", hired_on)
        existing = Staff.objects.filter(
            institution=inst, person=person, role=role, left_on__isnull=True
        ).first()
        if existing is not None:
            return existing
        staff = Staff(institution=inst, person=person, role=role, hired_on=hired_on, skill_level=skill_level)
        _create(staff, actor, "staff_appoint")
        if certificate and certificate.get("name"):
            certificate_add(staff, actor=actor, **certificate)
    return staff


def staff_leave(staff: Staff, *, actor: Any, left_on: dt.date) -> Staff:
    with transaction.atomic():
        _check_writer(actor, staff.institution)
        locked = Staff.objects.select_for_update().get(pk=staff.pk)
        if locked.left_on is not None:
            return locked
        before = {"left_on": None}
        locked.left_on = left_on
        _save(locked, actor, "staff_leave", before)
        return locked


def certificate_add(
    staff: Staff,
    *,
    actor: Any,
    name: str,
    number: str = "",
    issued_on: dt.date | None = None,
    expires_on: dt.date | None = None,
) -> Certificate:
    cert = Certificate(staff=staff, name=name, number=number, issued_on=issued_on, expires_on=expires_on)
    with transaction.atomic():
        _check_writer(actor, staff.institution)
        _create(cert, actor, "certificate_add")
    return cert


def training_record(
    staff: Staff, *, actor: Any, course: str, held_on: dt.date, provider: str = "", hours: Decimal | int = 0
) -> TrainingRecord:
    record = TrainingRecord(staff=staff, course=course, held_on=held_on, provider=provider, hours=hours)
    with transaction.atomic():
        _check_writer(actor, staff.institution)
        _create(record, actor, "training")
    return record


def staff_missing_certificates(qs: Iterable[Staff] | None = None, on: dt.date | None = None) -> list[Staff]:
    """Active staff in certified roles without a certificate valid on ``on``."""
    on = on or timezone.localdate()
    staff = qs if qs is not None else Staff.objects.filter(left_on__isnull=True, role__in=CERTIFIED_ROLES)
    return [
        s
        for s in staff
        if s.role in CERTIFIED_ROLES and not any(c.is_valid_on(on) for c in s.certificates.all())
    ]


# --- grade rating ----------------------------------------------------------------------------


def level_for_total(total: Decimal) -> GradeThreshold | None:
    """The highest configured level whose threshold ``total`` reaches."""
    return GradeThreshold.objects.filter(min_total__lte=total).order_by("-level").first()


def grade_rate(
    inst: Institution, *, actor: Any, scores: dict[str, Decimal], rated_on: dt.date, rated_by: str = ""
) -> GradeRating:
    """Record a grade rating: the level follows from the total and the configured thresholds.
    Refused while the institution is under a restriction (e.g. on the joint-punishment list)."""
    errors = {}
    for section, maximum in SCORE_SECTIONS.items():
        value = scores.get(section)
        if value is None:
            errors[section] = "请填写该项得分。"
        elif not (0 <= Decimal(value) <= maximum):
            errors[section] = f"该项得分应在 0–{maximum} 分之间。"
    if errors:
        raise ValidationError(errors)
    total = sum((Decimal(scores[s]) for s in SCORE_SECTIONS), Decimal(0))
    with transaction.atomic():
        _check_writer(actor, inst)
        locked = Institution.objects.select_for_update().get(pk=inst.pk)
        hit = locked.restrictions.active_on(rated_on).first()
        if hit is not None:
            raise ValidationError(
                f"该机构处于“{hit.get_kind_display()}”限制期（{hit.term_display()}，依据：{hit.source}），"
                "不得参加等级评定。",
                code="institution_restricted",
            )
        threshold = level_for_total(total)
        if threshold is None:
            lowest = GradeThreshold.objects.order_by("level").first()
            raise ValidationError(
                f"总分 {total} 未达到一级分数线（{lowest.min_total if lowest else '未配置'}），不予评定等级。"
            )
        try:
            valid_until = rated_on.replace(year=rated_on.year + threshold.validity_years) - dt.timedelta(
                days=1
            )
        except ValueError:  # 29 February
            valid_until = rated_on.replace(year=rated_on.year + threshold.validity_years, day=28)
        rating = GradeRating(
            institution=locked,
            level=threshold.level,
            total=total,
            rated_on=rated_on,
            valid_until=valid_until,
            rated_by=rated_by,
            **{k: Decimal(scores[k]) for k in SCORE_SECTIONS},
        )
        _create(rating, actor, "grade_rate")
    return rating


# --- operations ------------------------------------------------------------------------------


def emergency_plan_add(
    inst: Institution, *, actor: Any, kind: str, title: str, adopted_on: dt.date, summary: str = ""
) -> EmergencyPlan:
    plan = EmergencyPlan(institution=inst, kind=kind, title=title, adopted_on=adopted_on, summary=summary)
    with transaction.atomic():
        _check_reporter(actor, inst)
        _create(plan, actor, "emergency_plan_add")
    return plan


def fire_drill_clock(inst: Institution) -> tuple[str, int | None] | None:
    """Which clock a fire drill of ``inst`` meets and reopens: ``(rule code, length override)``.

    With the ``drill.fire`` rule present: that rule, half-yearly (182 days) for key fire units,
    the rule's own yearly length otherwise. Without it, a key fire unit falls back on the
    half-yearly drill clock (same period; every drill already reopens it), and a unit that is
    not a key fire unit has no yearly clock to use — returns None.
    """
    from supervision.deadlines.models import Rule

    if Rule.objects.filter(code=RULE_FIRE_DRILL, active=True).exists():
        return RULE_FIRE_DRILL, (FIRE_DRILL_DAYS_KEY_UNIT if inst.is_key_fire_unit else None)
    if inst.is_key_fire_unit:
        return RULE_DRILL, None
    return None


# Kinds that run elderly-care services on premises and so must drill (000 (五)); assessment and
# training bodies are not held to the drill clocks.
DRILL_KINDS = frozenset({InstitutionKind.CARE_HOME, InstitutionKind.COMMUNITY})


def drill_clocks_open(inst: Institution, start: dt.date) -> None:
    """Start the drill clocks of 000 (五) for an institution entering supervision (at filing):
    the half-yearly emergency drill and, where the fire rule applies, the fire drill (half-yearly
    for key fire units, yearly otherwise). Idempotent: a live clock is left as it is (e.g. one a
    drill recorded before filing already opened)."""
    if inst.kind not in DRILL_KINDS:
        return
    _open_clock(inst, RULE_DRILL, start, note=f"备案 {start}，首次应急演练")
    fire = fire_drill_clock(inst)
    if fire is not None and fire[0] != RULE_DRILL:
        rule, length = fire
        _open_clock(inst, rule, start, note=f"备案 {start}，首次消防演练", length=length)


def drill_clocks_stop(inst: Institution, *, reason: str) -> int:
    """A suspended or terminated institution has no residents to drill with: its live drill
    clocks are waived with the reason (a system waiver; the exit record is the authority).
    Returns how many were waived."""
    from supervision.deadlines import services as deadlines

    live = deadlines.open_deadlines_for(inst).filter(rule__code__in=[RULE_DRILL, RULE_FIRE_DRILL])
    waived = 0
    for clock in live:
        deadlines.deadline_waive(clock, reason=reason, actor=None)
        waived += 1
    return waived


def drill_record(
    inst: Institution,
    *,
    actor: Any,
    held_on: dt.date,
    kind: str,
    participants: int = 0,
    participants_note: str = "",
    notes: str = "",
    plan: EmergencyPlan | None = None,
) -> Drill:
    """Record a drill: it meets the open half-yearly drill clock and opens the next one."""
    drill = Drill(
        institution=inst,
        held_on=held_on,
        kind=kind,
        participants=participants,
        participants_note=participants_note,
        notes=notes,
        plan=plan,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    with transaction.atomic():
        _check_reporter(actor, inst)
        Institution.objects.select_for_update().get(pk=inst.pk)
        _create(drill, actor, "drill_record")
        _meet_clock(inst, RULE_DRILL, drill, held_on)
        _open_clock(inst, RULE_DRILL, held_on, note=f"上次演练 {held_on}")
        fire = fire_drill_clock(inst) if kind == DrillKind.FIRE else None
        if fire is not None and fire[0] != RULE_DRILL:
            rule, length = fire
            _meet_clock(inst, rule, drill, held_on)
            _open_clock(inst, rule, held_on, note=f"上次消防演练 {held_on}", length=length)
    return drill


def incident_report(
    inst: Institution,
    *,
    actor: Any,
    kind: str,
    occurred_at: dt.datetime,
    reported_at: dt.datetime,
    summary: str,
    reported_to: list[str],
    affected: int = 0,
    measures: str = "",
) -> IncidentReport:
    """Record an incident or epidemic report; ``missing_recipients`` shows who was not told."""
    if reported_at < occurred_at:
        raise ValidationError({"reported_at": "报告时间不能早于发生时间。"})
    report = IncidentReport(
        institution=inst,
        kind=kind,
        occurred_at=occurred_at,
        reported_at=reported_at,
        summary=summary,
        reported_to=list(reported_to),
        affected=affected,
        measures=measures,
    )
    with transaction.atomic():
        _check_reporter(actor, inst)
        _create(report, actor, "incident_report")
    return report
