"""Every write of the complaints app: one function per state change, each in one transaction
that locks the row, asks the write policy first (``Complaint.write_rules``), returns at once
when already in the target state and moves the state through the one transition helper
(``supervision.core.transitions.transition``: the ``TRANSITIONS`` table with a Chinese refusal,
one audited save, one ``ComplaintEvent``). Routing on receipt is the system's
(``policy.SYSTEM``); intake of a 12345 work order is civil affairs' over the place, intake of a
referral its receiving department's.

Routing (民政牵头、归口负责): the department whose Remit covers the complaint's domain with role
"responsible" (else "lead"), at the county of the institution (or of the place the complainant
named). With no domain, or when several departments are equally responsible, civil affairs
(the lead department) takes it and routes it on by hand (``complaint_reassign``).

The feedback clock ``complaint.feedback`` (5 working days, 003 10.) opens on receipt through the
deadline engine and is met by the reply (or by the merge of a duplicate).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from institutions.models import Institution
from supervision.core import policy
from supervision.core.audit import save_audited
from supervision.core.models import Department, Domain, Region, RegionLevel, Remit, RemitRole
from supervision.core.scoping import ensure_visible
from supervision.core.transitions import transition
from supervision.deadlines.services import deadline_meet, deadline_open, deadline_reassign

from ..ledger import feed_credit
from .models import (
    OPEN_STATES,
    TRANSITIONS,
    UPHELD_OUTCOMES,
    Channel,
    Complaint,
    ComplaintEvent,
    Outcome,
    State,
)

RULE = "complaint.feedback"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # base32 without look-alikes (I, O, 0, 1)
CODE_LENGTH = 12


def new_tracking_code() -> str:
    """12 characters from a 32-letter alphabet: 60 bits from ``secrets``, unguessable."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Complaint.objects.filter(tracking_code=code).exists():
            return code


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[:CODE_LENGTH]


# --- routing ---------------------------------------------------------------------------------


def lead_department() -> Department:
    dept = Department.objects.filter(is_lead=True).order_by("code").first()
    if dept is None:
        raise ValidationError("未配置牵头部门（民政）。")
    return dept


def county_of(region: Region) -> Region:
    node = region
    while node.level > RegionLevel.COUNTY and node.parent_id is not None:
        node = node.parent  # type: ignore[assignment]
    return node


def route_for(domain: Domain | None, region: Region) -> tuple[Department, Region, str]:
    """(department, region, why) for a complaint in ``domain`` at ``region``."""
    county = county_of(region)
    if domain is None:
        return lead_department(), county, "未确定监管领域，由民政部门牵头受理"
    for role in (RemitRole.RESPONSIBLE, RemitRole.LEAD):
        depts = list(
            Remit.objects.filter(domain=domain, role=role)
            .select_related("department")
            .order_by("department__code")
        )
        if len(depts) == 1:
            return (
                depts[0].department,
                county,
                f"按职责清单：{domain.name} 由{depts[0].department.name}{depts[0].get_role_display()}",
            )
        if len(depts) > 1:
            return (
                lead_department(),
                county,
                f"{domain.name} 有多个{depts[0].get_role_display()}部门，由民政部门牵头分办",
            )
    return lead_department(), county, f"职责清单未列明 {domain.name} 的负责部门，由民政部门牵头受理"


# --- helpers ---------------------------------------------------------------------------------


def _lock(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update(of=("self",)).get(pk=complaint.pk)


def _event(step: str, actor: Any, note: str = "", from_department: Any = None) -> Any:
    """The ``event`` of ``transition``: one ComplaintEvent with where the step left it."""

    def make(c: Complaint, from_state: str, to_state: str) -> ComplaintEvent:
        return ComplaintEvent(
            complaint=c,
            step=step,
            from_state=from_state,
            to_state=to_state,
            from_department=from_department,
            to_department=c.handling_department,
            to_region=c.handling_region,
            note=note,
            actor=policy.as_user(actor),
        )

    return make


def _save_step(
    c: Complaint, actor: Any, step: str, updates: dict[str, Any], note: str = "", **event: Any
) -> None:
    """A step that keeps the state (a reroute of an assigned complaint, an inspection of one in
    progress): the transition helper's no-op guard is by state, so the same steps by hand —
    the caller asked the policy on the locked row; one audited save, one event."""
    before = {k: getattr(c, k) for k in updates}
    for k, v in updates.items():
        setattr(c, k, v)
    save_audited(c, policy.as_user(actor), step, before)
    _event(step, actor, note, **event)(c, c.state, c.state).save()


def _public_changed() -> None:
    from supervision.publicity.web import invalidate_public_pages

    invalidate_public_pages()


def is_handler(user: Any, complaint: Complaint) -> bool:
    """Whether ``user`` works for the handling department over the complaint's place (any
    role): who sees the complainant's identity. Who may handle it is the policy's."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    region = complaint.region
    return any(
        a.department_id == complaint.handling_department_id and region.code.startswith(a.region.prefix)
        for a in user.active_assignments()
    )


# --- intake ----------------------------------------------------------------------------------


def _create(
    *,
    channel: str,
    content: str,
    region: Region | None,
    institution: Institution | None = None,
    institution_name: str = "",
    institution_address: str = "",
    category: str = "",
    domain: Domain | None = None,
    complainant_name: str = "",
    complainant_phone: str = "",
    hotline_number: str = "",
    referral: Any = None,
    actor: Any = None,
    received_at: dt.datetime | None = None,
    anonymous: bool = False,
    photos: Any = (),
) -> Complaint:
    """Insert a received complaint and route it (as the system). ``actor`` is the member of
    staff who registered it (None for the public form); callers have asked the policy.

    ``anonymous``: no name or phone is stored, whatever was typed. ``photos``: uploads kept in
    the private file store (images only, at most ``MAX_PHOTOS``); a refused one refuses the
    complaint with the store's Chinese reason, and nothing is kept."""
    content = (content or "").strip()
    if not content:
        raise ValidationError({"content": "请填写投诉内容。"})
    if institution is not None:
        region = institution.region
    if region is None:
        raise ValidationError({"region": "请选择发生地所在县（市、区）或乡镇（街道）。"})
    if domain is None and category:
        domain = Domain.objects.filter(code=category).first()
    user = policy.as_user(actor)
    with transaction.atomic(), set_actor(user) if user is not None else _nullcontext():
        complaint = Complaint.objects.create(
            tracking_code=new_tracking_code(),
            channel=channel,
            hotline_number=hotline_number.strip(),
            referral=referral,
            institution=institution,
            institution_name=(institution_name or (institution.name if institution else "")).strip()[:200],
            institution_address=(institution_address or (institution.address if institution else "")).strip()[
                :300
            ],
            region=region,
            category=category or (domain.code if domain else ""),
            domain=domain,
            content=content,
            complainant_name="" if anonymous else complainant_name.strip(),
            complainant_phone="" if anonymous else complainant_phone.strip(),
            anonymous=anonymous,
            received_at=received_at or timezone.now(),
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        ComplaintEvent.objects.create(
            complaint=complaint,
            step="receive",
            to_state=complaint.state,
            note=str(Channel(channel).label),
            actor=user if getattr(user, "is_authenticated", False) else None,
        )
        kept = _keep_photos(complaint, photos, user)
        try:
            # Routing by the remit matrix is the system's, whoever registered the complaint.
            complaint_route(complaint, actor=policy.SYSTEM)
            complaint.refresh_from_db()
        except BaseException:
            _forget(kept)  # the rows roll back with the complaint; the files must go too
            raise
    return complaint


class _nullcontext:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        return None


MAX_PHOTOS = 3


def _forget(names: list[str]) -> None:
    from supervision.files import store

    for name in names:
        store.path(name).unlink(missing_ok=True)


def _keep_photos(complaint: Complaint, photos: Any, user: Any) -> list[str]:
    """Store the photos and link them to the complaint; the stored names are returned."""
    from supervision.files import store

    from .models import ComplaintPhoto

    photos = [p for p in (photos or ()) if p]
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": f"最多上传 {MAX_PHOTOS} 张照片。"})
    kept: list[str] = []
    try:
        for upload in photos:
            stored = store.store(upload, accept=store.IMAGES, area="complaints", actor=user, field="photos")
            kept.append(stored.name)
            ComplaintPhoto.objects.create(
                complaint=complaint,
                file=stored.name,
                sha256=stored.sha256,
                original_name=stored.original_name,
            )
    except BaseException:
        _forget(kept)
        raise
    return kept


def complaint_submit_public(
    *,
    content: str,
    region: Region | None = None,
    institution: Institution | None = None,
    institution_name: str = "",
    institution_address: str = "",
    category: str = "",
    name: str = "",
    phone: str = "",
    received_at: dt.datetime | None = None,
    anonymous: bool = False,
    photos: Any = (),
) -> Complaint:
    """A complaint from the public web form (no login: anyone may complain); the caller shows
    the tracking code. An anonymous complaint keeps no name or phone."""
    return _create(
        channel=Channel.WEB,
        content=content,
        region=region,
        institution=institution,
        institution_name=institution_name,
        institution_address=institution_address,
        category=category,
        complainant_name=name,
        complainant_phone=phone,
        received_at=received_at,
        anonymous=anonymous,
        photos=photos,
    )


def complaint_register_hotline(
    *,
    actor: Any,
    hotline_number: str,
    content: str,
    region: Region | None = None,
    institution: Institution | None = None,
    institution_name: str = "",
    institution_address: str = "",
    category: str = "",
    domain: Domain | None = None,
    name: str = "",
    phone: str = "",
    received_at: dt.datetime | None = None,
) -> Complaint:
    """A 12345 work order entered by staff; one complaint per work-order number. Civil affairs
    over the place where it happened takes it (``intake_hotline``): the place is judged before
    anything is looked up, and an order already registered elsewhere is not shown."""
    hotline_number = (hotline_number or "").strip()
    place = institution.region if institution is not None else region
    with transaction.atomic():
        if place is not None:
            policy.require(actor, Complaint, "intake_hotline", region=place)
        else:  # the missing place is an input error for a post that may take orders at all
            policy.require_ever(actor, Complaint, "intake_hotline")
        if not hotline_number:
            raise ValidationError({"hotline_number": "请填写 12345 工单号。"})
        existing = Complaint.objects.filter(channel=Channel.HOTLINE, hotline_number=hotline_number).first()
        if existing is not None:
            if not policy.can(actor, Complaint, "intake_hotline", region=existing.region):
                # Neither the place nor the handling body of another county's order is told.
                raise policy.Denied("该 12345 工单号已在其他辖区登记，您的岗位无权查看或重复登记。")
            return existing
        return _create(
            channel=Channel.HOTLINE,
            hotline_number=hotline_number,
            content=content,
            region=region,
            institution=institution,
            institution_name=institution_name,
            institution_address=institution_address,
            category=category,
            domain=domain,
            complainant_name=name,
            complainant_phone=phone,
            actor=actor,
            received_at=received_at,
        )


def complaint_from_referral(referral: Any, *, actor: Any) -> Complaint:
    """A complaint handed over by another department (a supervision.referrals Referral),
    registered by the referral's receiving department (``intake_referral``): institution by
    credit code, domain and place from the referral. Idempotent per referral."""
    with transaction.atomic():
        policy.require(
            actor, Complaint, "intake_referral", region=referral.to_region, department=referral.to_department
        )
        existing = Complaint.objects.filter(referral=referral).first()
        if existing is not None:
            return existing
        institution = (
            Institution.objects.filter(credit_code=referral.credit_code).first()
            if referral.credit_code
            else None
        )
        return _create(
            channel=Channel.REFERRAL,
            content=f"{referral.title}\n{referral.description}",
            region=institution.region if institution else (referral.to_region or referral.from_region),
            institution=institution,
            institution_name=referral.institution_name,
            domain=referral.domain,
            referral=referral,
            actor=actor,
        )


def referral_for_intake(user: Any, ref: str) -> Any:
    """The referral ``ref`` (its letter number, or its id) as ``user`` may see it, or a
    ValidationError in Chinese. Whether ``user`` may register it is the policy's
    (``complaint_from_referral``: the receiving department); the complaint is then routed by
    the remit matrix as usual."""
    from supervision.referrals.models import Referral

    ref = (ref or "").strip()
    if not ref:
        raise ValidationError({"referral": "请填写抄告函文号或编号。"})
    qs = Referral.objects.visible_to(user)
    found = qs.filter(number=ref).first() or (
        qs.filter(pk=int(ref)).first() if ref.isascii() and ref.isdigit() else None
    )
    if found is None:
        raise ValidationError({"referral": "未找到该抄告（或无权查看）。"})
    return found


# --- routing and handling --------------------------------------------------------------------


def complaint_route(complaint: Complaint, *, actor: Any) -> Complaint:
    """Route a received complaint by the remit matrix and open its feedback clock (the system's
    step, on receipt)."""
    with transaction.atomic():
        c = _lock(complaint)
        policy.require(actor, c, "route")
        if c.state != State.RECEIVED:
            return c
        dept, region, why = route_for(c.domain, c.region)
        deadline = deadline_open(c, RULE, c.received_at, department=dept, region=region, note=c.tracking_code)
        transition(
            c,
            State.ASSIGNED,
            step="route",
            actor=actor,
            table=TRANSITIONS,
            updates={"handling_department": dept, "handling_region": region, "feedback_due": deadline.due},
            event=_event("route", actor, why),
            on_commit=[_public_changed],
        )
    return c


def complaint_reassign(
    complaint: Complaint,
    *,
    actor: Any,
    to_department: Department,
    reason: str,
    to_region: Region | None = None,
) -> Complaint:
    """Send a misrouted complaint to another department, with the reason: the handling
    department or the lead department (民政牵头). The feedback clock keeps its start (the
    citizen's 5 days do not restart) and moves to the new department."""
    with transaction.atomic():
        c = _lock(complaint)
        policy.require(actor, c, "reassign")
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": "请填写改派理由。"})
        to_region = to_region or c.handling_region or county_of(c.region)
        if c.handling_department_id == to_department.pk and c.handling_region_id == to_region.pk:
            return c
        from_dept = c.handling_department
        updates = {"handling_department": to_department, "handling_region": to_region}
        if c.state == State.ASSIGNED:  # (assigned, assigned) is the table's "reassign"
            _save_step(c, actor, "reassign", updates, reason, from_department=from_dept)
        else:  # in progress → assigned; any other state is refused by the table
            transition(
                c,
                State.ASSIGNED,
                step="reassign",
                actor=actor,
                table=TRANSITIONS,
                updates=updates,
                event=_event("reassign", actor, reason, from_department=from_dept),
            )
        # The clock follows its case: the reassignment was authorised by the complaint's own
        # rule above, so the system hands the feedback clock on with it.
        deadline_reassign(c, RULE, department=to_department, region=to_region, actor=policy.SYSTEM)
    return c


def complaint_start(complaint: Complaint, *, actor: Any) -> Complaint:
    """The handling department starts work on it (办理中)."""
    with transaction.atomic():
        c = _lock(complaint)
        policy.require(actor, c, "start")
        if c.state == State.IN_PROGRESS:
            return c
        transition(
            c,
            State.IN_PROGRESS,
            step="start",
            actor=actor,
            table=TRANSITIONS,
            event=_event("start", actor),
            on_commit=[_public_changed],
        )
    return c


def complaint_merge(duplicate: Complaint, into: Complaint, *, actor: Any) -> Complaint:
    """Merge a duplicate into the complaint that will be answered; the duplicate's complainant
    sees the reply of ``into`` with their own tracking code, and its clock is met by ``into``."""
    if duplicate.pk == into.pk:
        raise ValidationError("不能与自身合并。")
    with transaction.atomic():
        c = _lock(duplicate)
        policy.require(actor, c, "merge")
        target = _lock(into)
        if not policy.is_system(actor):
            ensure_visible(actor, target)
        if c.state == State.MERGED and c.merged_into_id == target.pk:
            return c
        while target.merged_into_id is not None:  # merge into the surviving complaint
            target = Complaint.objects.get(pk=target.merged_into_id)
        if target.pk == c.pk:
            raise ValidationError("不能合并到已合并至本件的投诉。")
        transition(
            c,
            State.MERGED,
            step="merge",
            actor=actor,
            table=TRANSITIONS,
            updates={"merged_into": target},
            event=_event("merge", actor, f"合并至 {target.tracking_code}"),
            on_commit=[_public_changed],
        )
        Complaint.objects.filter(merged_into=c).update(merged_into=target)
        deadline_meet(c, RULE, by=target)
    return c


def complaint_reply(
    complaint: Complaint,
    *,
    actor: Any,
    findings: str,
    reply: str,
    outcome: str = "",
    at: dt.datetime | None = None,
) -> Complaint:
    """Record the findings, the verification outcome and the reply (the complainant sees the
    reply); meets the clock. An upheld complaint (属实/部分属实) against a registered institution
    enters its credit record."""
    findings, reply = (findings or "").strip(), (reply or "").strip()
    with transaction.atomic():
        c = _lock(complaint)
        policy.require(actor, c, "reply")
        errors = {}
        if outcome and outcome not in Outcome.values:
            errors["outcome"] = "查证结论无效。"
        if not findings:
            errors["findings"] = "请填写核查情况。"
        if not reply:
            errors["reply"] = "请填写答复意见。"
        if errors:
            raise ValidationError(errors)
        if c.state == State.REPLIED:
            if c.reply == reply:
                return c
            raise ValidationError(
                f"当前状态为“{c.get_state_display()}”，不能再次答复。", code="transition_not_allowed"
            )
        replied_at = at or timezone.now()
        transition(
            c,
            State.REPLIED,
            step="reply",
            actor=actor,
            table=TRANSITIONS,
            updates={"findings": findings, "reply": reply, "replied_at": replied_at, "outcome": outcome},
            event=_event("reply", actor),
            on_commit=[_public_changed],
        )
        deadline_meet(c, RULE, by=c, at=c.replied_at)
        if outcome in UPHELD_OUTCOMES and c.institution is not None:
            feed_credit(
                c.institution,
                "complaint_upheld",
                title=f"投诉举报查证{Outcome(outcome).label}：{c.get_category_display() or '其他'}",
                source=c,
                document=c.hotline_number or c.tracking_code,
                effective=timezone.localtime(c.replied_at).date(),
                domain=c.domain,
                department=c.handling_department,
                entered_by=policy.as_user(actor),
            )
    return c


def complaint_close(complaint: Complaint, *, actor: Any) -> Complaint:
    """办结 a replied complaint."""
    with transaction.atomic():
        c = _lock(complaint)
        policy.require(actor, c, "close")
        if c.state == State.CLOSED:
            return c
        transition(
            c,
            State.CLOSED,
            step="close",
            actor=actor,
            table=TRANSITIONS,
            event=_event("close", actor),
            on_commit=[_public_changed],
        )
    return c


def complaint_launch_inspection(
    complaint: Complaint, *, actor: Any, team: Iterable[Any], scheduled_on: dt.date | None = None
) -> Any:
    """Open a complaint-triggered, unannounced inspection of the institution through the
    inspections service (which checks the team of at least two officers and the scope)."""
    from inspections.models import InspectionKind
    from inspections.services import inspection_create

    with transaction.atomic():
        c = _lock(complaint)
        policy.require(actor, c, "inspect")
        if c.inspection_id is not None:
            return c.inspection
        if c.institution_id is None:
            raise ValidationError("投诉未关联到已登记的机构，请先在投诉中确认机构。")
        if not c.is_open:
            raise ValidationError("投诉已答复或办结，不能再发起核查检查。")
        inspection = inspection_create(
            c.institution,  # type: ignore[arg-type]
            actor=actor,
            kind=InspectionKind.COMPLAINT,
            department=c.handling_department,
            team=team,
            scheduled_on=scheduled_on,
        )
        note = f"发起投诉核查检查 #{inspection.pk}"
        if c.state == State.ASSIGNED:  # the inspection starts the handling
            transition(
                c,
                State.IN_PROGRESS,
                step="start",
                actor=actor,
                table=TRANSITIONS,
                updates={"inspection": inspection},
                event=_event("inspect", actor, note),
            )
        else:
            _save_step(c, actor, "inspect", {"inspection": inspection}, note)
    return inspection


# --- reads for other apps ----------------------------------------------------------------------


def complaint_counts(institution_ids: Iterable[int], since: dt.datetime | None = None) -> dict[int, int]:
    """Complaints per institution received since ``since`` (default: the last 365 days),
    duplicates not counted twice."""
    since = since or timezone.now() - dt.timedelta(days=365)
    ids = set(institution_ids)
    rows = (
        Complaint.objects.filter(received_at__gte=since, institution__isnull=False)
        .exclude(state=State.MERGED)
        .values("institution_id")
        .annotate(n=Count("pk"))
    )
    # Complaints are few next to institutions: filter in Python rather than bind a huge IN list.
    return {r["institution_id"]: r["n"] for r in rows if r["institution_id"] in ids}


def risk_source(institutions: Sequence[Any]) -> dict[int, str]:
    """Draw risk class from complaints (差异化监管, "many complaints"): ``COMPLAINT_HIGH`` or
    more in the last year → high."""
    from inspections.risk import COMPLAINT_HIGH

    counts = complaint_counts([i.pk for i in institutions])
    return {k: "high" for k, n in counts.items() if n >= COMPLAINT_HIGH}


__all__ = [
    "OPEN_STATES",
    "complaint_close",
    "complaint_counts",
    "complaint_from_referral",
    "complaint_launch_inspection",
    "complaint_merge",
    "complaint_reassign",
    "complaint_register_hotline",
    "complaint_reply",
    "complaint_route",
    "complaint_start",
    "complaint_submit_public",
    "referral_for_intake",
]
