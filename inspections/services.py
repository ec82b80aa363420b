"""Every write of the inspections app that matters: one function per state change, each in one
transaction, re-reading the row with ``select_for_update``, returning at once when already in
the target state, refusing what the transition tables do not allow (in Chinese), and writing
one audit entry (actor, verb, before → after).

Clocks go through ``inspections.clocks`` (the deadline engine's contract): closing an
inspection meets ``filing.onsite_check`` and ``unfiled.onsite_check`` and opens
``inspection.publish_result``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import secrets
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from institutions.models import Institution, InstitutionStatus
from supervision.core.audit import create_audited, save_audited
from supervision.core.models import Department, Domain, Region, Remit, RemitRole
from supervision.core.scoping import ensure_visible

from . import clocks
from .draw import run_draw
from .draw import seed_hash as hash_seed
from .ledger import feed_credit
from .models import (
    DRAW_TRANSITIONS,
    INSPECTION_TRANSITIONS,
    Conclusion,
    CoveragePeriod,
    Draw,
    DrawStatus,
    Evidence,
    Finding,
    FindingStatus,
    Inspection,
    InspectionItem,
    InspectionKind,
    InspectionPlan,
    InspectionStatus,
    Inspector,
    InspectorConflict,
    ItemOutcome,
    ItemResult,
    Severity,
    publication_end,
    responsible_department_for,
)
from .risk import risk_class_for

# Institutions that are operating and therefore in the inspection-object directory.
OPERATING_STATUSES = (
    InstitutionStatus.FILED,
    InstitutionStatus.REGISTERED_NOT_FILED,
    InstitutionStatus.UNREGISTERED,
)

# --- audit -----------------------------------------------------------------------------------


_save = save_audited


# Never written to the audit trail: the draw seed must stay secret until it is revealed
# (audit readers would otherwise know the result before the draw runs).
SECRET_FIELDS = frozenset({"seed"})


def _create(obj: models.Model, actor: Any, verb: str) -> Any:
    return create_audited(obj, actor, verb, secret_fields=SECRET_FIELDS)


def _scope(actor: Any, obj: models.Model) -> None:
    if actor is not None and getattr(actor, "is_authenticated", False):
        ensure_visible(actor, obj)


# --- who acts --------------------------------------------------------------------------------


def acting_department(user: Any, region: Region | None = None) -> Department | None:
    """The department a user acts for at ``region``: the first active assignment whose
    jurisdiction contains it (the lead department first)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    assignments = sorted(user.active_assignments(), key=lambda a: (not a.department.is_lead, a.pk))
    for a in assignments:
        if region is None or region.code.startswith(a.region.prefix):
            return a.department
    return None


def department_covers(department: Department, domain: Domain) -> bool:
    """Whether the department answers for the domain (role lead or responsible in the matrix)."""
    return Remit.objects.filter(
        department=department, domain=domain, role__in=[RemitRole.LEAD, RemitRole.RESPONSIBLE]
    ).exists()


# --- directories -------------------------------------------------------------------------------


def inspection_objects(region: Region) -> models.QuerySet[Institution]:
    """检查对象名录库: a live view of the registry (never a copy) — operating institutions in
    the region's subtree."""
    return Institution.objects.filter(region__code__startswith=region.prefix, status__in=OPERATING_STATUSES)


def drawable_inspectors(plan: InspectionPlan, on: dt.date) -> models.QuerySet[Inspector]:
    """Inspectors of the plan's departments inside its region with a certificate valid on ``on``."""
    departments = [plan.department_id, *plan.partner_departments.values_list("pk", flat=True)]
    return Inspector.objects.filter(
        active=True,
        certificate_expires__gte=on,
        department_id__in=departments,
        region__code__startswith=plan.region.prefix,
    )


def coverage_period(plan: InspectionPlan) -> str:
    """The stricter of the region's ``inspection.yearly_coverage`` rule (when the rules
    engine exposes it; regional overrides included) and the plan's own field: the rule sets
    the minimum, a plan may ask for more (e.g. every half year jointly, 001 (十))."""
    ruled = clocks.coverage_period_override(plan.region)
    if CoveragePeriod.HALF_YEAR in (ruled, plan.coverage_period):
        return CoveragePeriod.HALF_YEAR
    return CoveragePeriod.YEAR


def period_bounds(period: str, year: int, on: dt.date) -> tuple[dt.date, dt.date]:
    if period == CoveragePeriod.HALF_YEAR:
        if on.year == year and on.month > 6:
            return dt.date(year, 7, 1), dt.date(year, 12, 31)
        return dt.date(year, 1, 1), dt.date(year, 6, 30)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def uncovered_institutions(plan: InspectionPlan, on: dt.date | None = None) -> models.QuerySet[Institution]:
    """Coverage obligation: institutions in the plan's region with no finished on-site
    inspection in the current period (the year, or the half-year containing ``on``)."""
    on = on or timezone.localdate()
    start, end = period_bounds(coverage_period(plan), plan.year, on)
    covered = Inspection.objects.done().filter(inspected_on__gte=start, inspected_on__lte=end)
    return inspection_objects(plan.region).exclude(pk__in=covered.values("institution_id"))


# --- draws ---------------------------------------------------------------------------------------


def institution_code(inst: Institution) -> str:
    """The public key of an institution in draw inputs: the credit code, or ``ID<pk>`` for an
    unregistered institution that has none."""
    return inst.credit_code or f"ID{inst.pk:08d}"


def recusals(
    region: Region, institutions: list[Institution], inspectors: list[Inspector]
) -> dict[str, list[str]]:
    """Inspector codes that must not inspect each institution: declared conflicts and relatives
    (InspectorConflict), and the team of the institution's most recent finished inspection.
    Queries are bounded by the plan's region (not by huge IN lists) and filtered here."""
    by_id = {i.pk: institution_code(i) for i in institutions}
    inspector_ids = {i.pk for i in inspectors}
    in_region = {"institution__region__code__startswith": region.prefix}
    out: dict[str, set[str]] = {}
    conflicts = InspectorConflict.objects.filter(active=True, **in_region).values_list(
        "institution_id", "inspector_id"
    )
    for inst_id, insp_id in conflicts.iterator(chunk_size=5000):
        if inst_id in by_id and insp_id in inspector_ids:
            out.setdefault(by_id[inst_id], set()).add(f"I{insp_id:06d}")
    latest: dict[int, int] = {}
    done = Inspection.objects.done().filter(**in_region).order_by("institution_id", "-inspected_on", "-pk")
    for pk, inst_id in done.values_list("pk", "institution_id").iterator(chunk_size=5000):
        latest.setdefault(inst_id, pk)
    institution_of = {inspection_pk: inst_id for inst_id, inspection_pk in latest.items() if inst_id in by_id}
    team = Inspection.team.through
    members = team.objects.filter(inspection__in=Inspection.objects.done().filter(**in_region)).values_list(
        "inspection_id", "inspector_id"
    )
    for inspection_pk, insp_id in members.iterator(chunk_size=5000):
        owner = institution_of.get(inspection_pk)
        if owner is not None and insp_id in inspector_ids:
            out.setdefault(by_id[owner], set()).add(f"I{insp_id:06d}")
    return {k: sorted(v) for k, v in sorted(out.items())}


def draw_inputs(plan: InspectionPlan, on: dt.date) -> dict[str, Any]:
    """Freeze the published inputs of a draw from the directories as they are now."""
    institutions = list(inspection_objects(plan.region).order_by("pk"))
    classes = risk_class_for(institutions)
    weights = {k: str(v) for k, v in (plan.risk_weights or {}).items()}
    uncapped = set(plan.uncapped_classes or [])
    inspectors = list(drawable_inspectors(plan, on).select_related("department").order_by("pk"))
    groups: dict[str, list[str]] = {}
    if plan.partner_departments.exists():  # joint plan: one inspector of each department per team
        for inspector in inspectors:
            groups.setdefault(inspector.department.code, []).append(inspector.public_code)
    rows = sorted(
        (
            {
                "code": institution_code(i),
                "name": i.name,
                # Unregistered institutions never appear by name on public pages (README).
                "listed": i.status != InstitutionStatus.UNREGISTERED,
                "risk": classes[i.pk],
                "weight": weights.get(classes[i.pk], "1"),
                "uncapped": classes[i.pk] in uncapped,
            }
            for i in institutions
        ),
        key=lambda r: str(r["code"]),
    )
    return {
        "plan": plan.pk,
        "date": on.isoformat(),
        "ratio": str(plan.sampling_ratio),
        "risk_weights": weights,
        "class_ratios": {k: str(v) for k, v in sorted((plan.class_ratios or {}).items())},
        "uncapped_classes": sorted(uncapped),
        "team_size": plan.team_size,
        "max_per_inspector": 0,
        "institutions": rows,
        "inspectors": sorted(i.public_code for i in inspectors),
        "exclusions": recusals(plan.region, institutions, inspectors),
        "groups": {k: sorted(v) for k, v in sorted(groups.items())},
    }


def draw_create(plan: InspectionPlan, *, actor: Any, on: dt.date | None = None) -> Draw:
    """Commit: generate the secret seed, freeze the inputs and publish sha256(seed)."""
    if plan.team_size < 2:
        raise ValidationError("每个检查对象至少需要 2 名检查人员。")
    _scope(actor, plan)
    on = on or timezone.localdate()
    seed = secrets.token_hex(32)
    with transaction.atomic():
        draw = Draw(
            plan=plan, seed=seed, seed_hash=hash_seed(seed), inputs=draw_inputs(plan, on), created_by=actor
        )
        _create(draw, actor, "commit")
    return draw


def _transition(draw: Draw, target: str) -> None:
    if (draw.status, target) not in DRAW_TRANSITIONS:
        raise ValidationError(f"抽取状态为“{draw.get_status_display()}”，不能执行此操作。")


def draw_execute(draw: Draw, *, actor: Any) -> Draw:
    """Run the committed draw and create a planned inspection per drawn institution."""
    _scope(actor, draw)
    with transaction.atomic():
        draw = Draw.objects.select_for_update().get(pk=draw.pk)
        if draw.status != DrawStatus.COMMITTED:
            if draw.status in (DrawStatus.EXECUTED, DrawStatus.REVEALED):
                return draw
            _transition(draw, DrawStatus.EXECUTED)
        result = run_draw(draw.seed, draw.inputs)
        before = {"status": draw.status, "result": draw.result, "executed_at": draw.executed_at}
        draw.status, draw.result, draw.executed_at = DrawStatus.EXECUTED, result, timezone.now()
        _save(draw, actor, "execute", before)
        codes = [row["code"] for row in result["drawn"]]
        by_code = {institution_code(i): i for i in _institutions_by_code(codes)}
        wanted = sorted(_inspector_ids(result))
        inspectors = {
            i.public_code: i
            for start in range(0, len(wanted), 2000)
            for i in Inspector.objects.filter(pk__in=wanted[start : start + 2000])
        }
        plan = draw.plan
        partners = list(plan.partner_departments.all())
        for row in result["drawn"]:
            inst = by_code.get(row["code"])
            if inst is None:
                continue
            inspection = Inspection(
                kind=InspectionKind.JOINT if partners else InspectionKind.ROUTINE,
                institution=inst,
                department=plan.department,
                plan=plan,
                draw=draw,
                created_by=actor,
            )
            _create(inspection, actor, "plan")
            if partners:
                inspection.partner_departments.set(partners)
            inspection.team.set([inspectors[c] for c in row["team"] if c in inspectors])
    return draw


def _institutions_by_code(codes: list[str]) -> list[Institution]:
    found: list[Institution] = []
    for start in range(0, len(codes), 2000):  # bounded IN lists (SQLite caps parameters)
        chunk = codes[start : start + 2000]
        ids = [int(c[2:]) for c in chunk if c.startswith("ID")]
        credit = [c for c in chunk if not c.startswith("ID")]
        found.extend(Institution.objects.filter(Q(credit_code__in=credit) | Q(pk__in=ids)))
    return found


def _inspector_ids(result: dict[str, Any]) -> set[int]:
    return {int(c[1:]) for row in result["drawn"] for c in row["team"]}


def draw_reveal(draw: Draw, *, actor: Any) -> Draw:
    """Reveal the seed so that anyone can re-run the draw."""
    _scope(actor, draw)
    with transaction.atomic():
        draw = Draw.objects.select_for_update().get(pk=draw.pk)
        if draw.revealed_at is not None:
            return draw
        _transition(draw, DrawStatus.REVEALED)
        before = {"status": draw.status, "revealed_at": None}
        draw.status, draw.revealed_at = DrawStatus.REVEALED, timezone.now()
        _save(draw, actor, "reveal", before)
    return draw


def draw_redraw(draw: Draw, *, actor: Any, reason: str) -> Draw:
    """Supersede a draw (with a recorded reason) and commit a new one for the same plan. The
    old seed is revealed at once so that the abandoned result stays verifiable, and its
    inspections that have not started are cancelled."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("重新抽取必须填写原因。")
    _scope(actor, draw)
    with transaction.atomic():
        old = Draw.objects.select_for_update().get(pk=draw.pk)
        if old.status == DrawStatus.SUPERSEDED:
            raise ValidationError("该抽取已作废，不能再次重新抽取。")
        _transition(old, DrawStatus.SUPERSEDED)
        before = {"status": old.status, "revealed_at": old.revealed_at}
        old.status = DrawStatus.SUPERSEDED
        old.revealed_at = old.revealed_at or timezone.now()
        _save(old, actor, "supersede", before)
        for inspection in old.inspections.filter(status=InspectionStatus.PLANNED):
            inspection_cancel(inspection, actor=actor)
        seed = secrets.token_hex(32)
        new = Draw(
            plan=old.plan,
            seed=seed,
            seed_hash=hash_seed(seed),
            inputs=draw_inputs(old.plan, timezone.localdate()),
            previous=old,
            redraw_reason=reason,
            created_by=actor,
        )
        _create(new, actor, "redraw")
    return new


# --- inspections ---------------------------------------------------------------------------------


def _inspection_transition(inspection: Inspection, target: str) -> None:
    if (inspection.status, target) not in INSPECTION_TRANSITIONS:
        raise ValidationError(f"检查状态为“{inspection.get_status_display()}”，不能执行此操作。")


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
    """Open a non-drawn inspection (special campaign, complaint/lead, re-inspection, joint)."""
    _scope(actor, institution)
    department = department or acting_department(actor, institution.region)
    if department is None:
        raise ValidationError("您在该机构所在辖区没有岗位，不能发起检查。")
    team = list(team)
    if len(team) < 2:  # law enforcement on site always needs at least two officers
        raise ValidationError("检查人员不得少于 2 人。")
    if kind == InspectionKind.REINSPECTION and previous is None:
        raise ValidationError("复查须关联原检查。")
    with transaction.atomic():
        inspection = Inspection(
            kind=kind,
            institution=institution,
            department=department,
            previous=previous,
            unannounced=kind == InspectionKind.COMPLAINT,
            scheduled_on=scheduled_on,
            created_by=actor,
        )
        _create(inspection, actor, "create")
        inspection.team.set(team)
        inspection.partner_departments.set([d for d in partner_departments if d.pk != department.pk])
    return inspection


def recording_department(inspection: Inspection, item: InspectionItem, actor: Any) -> Department:
    """谁检查、谁录入: in a joint inspection the participating department whose remit covers the
    item's domain records it; otherwise the inspecting department does. Returns the actor's
    department or raises."""
    mine = {a.department_id: a.department for a in actor.active_assignments()} if actor else {}
    participants = inspection.departments()
    if getattr(actor, "is_superuser", False):
        mine = {d.pk: d for d in participants}
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
    if outcome not in ItemOutcome.values:
        raise ValidationError("检查结果无效。")
    _scope(actor, inspection)
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
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
                    recorded_by=actor,
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
                actor,
            )
            _save(result, actor, "record", {**before, "recorded_at": result.recorded_at})
        if inspection.status == InspectionStatus.PLANNED:
            before = {"status": inspection.status}
            inspection.status = InspectionStatus.IN_PROGRESS
            _save(inspection, actor, "record", before)
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


def inspection_sign(inspection: Inspection, *, actor: Any, name: str, acknowledged: bool) -> Inspection:
    """The institution's representative signs the record (name, time, acknowledgement)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError("请填写机构签字人姓名。")
    if not acknowledged:
        raise ValidationError("签字须确认已知悉检查结果。")
    _scope(actor, inspection)
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if not inspection.is_open:
            raise ValidationError("检查已办结，不能再签字。")
        before = {
            "representative_name": inspection.representative_name,
            "representative_signed_at": inspection.representative_signed_at,
            "representative_ack": inspection.representative_ack,
        }
        inspection.representative_name = name
        inspection.representative_signed_at = timezone.now()
        inspection.representative_ack = True
        _save(inspection, actor, "sign", before)
    return inspection


def inspection_close(
    inspection: Inspection,
    *,
    actor: Any,
    conclusion: str = "",
    note: str = "",
    inspected_on: dt.date | None = None,
) -> Inspection:
    """Close (办结) an inspection: set the conclusion; meet the institution's on-site check
    clocks (``filing.onsite_check``, ``unfiled.onsite_check``); open the publishing clock."""
    _scope(actor, inspection)
    with transaction.atomic():
        inspection = (
            Inspection.objects.select_for_update().select_related("institution__region").get(pk=inspection.pk)
        )
        if inspection.status in (InspectionStatus.CLOSED, InspectionStatus.PUBLISHED):
            return inspection
        _inspection_transition(inspection, InspectionStatus.CLOSED)
        if inspection.team.count() < 2:
            raise ValidationError("检查人员不得少于 2 人，不能办结。")
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
        before = {
            "status": inspection.status,
            "conclusion": inspection.conclusion,
            "conclusion_note": inspection.conclusion_note,
            "inspected_on": inspection.inspected_on,
            "closed_at": inspection.closed_at,
        }
        inspection.status = InspectionStatus.CLOSED
        inspection.conclusion = conclusion
        inspection.conclusion_note = note or inspection.conclusion_note
        inspection.inspected_on = inspected_on or inspection.inspected_on or timezone.localdate()
        inspection.closed_at = now
        _save(inspection, actor, "close", before)
        institution = inspection.institution
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
                entered_by=actor if getattr(actor, "pk", None) else None,
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
    (``models.PUBLICATION_MONTHS["inspection_result"]`` from today); meets the publishing clock."""
    _scope(actor, inspection)
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if inspection.status == InspectionStatus.PUBLISHED:
            return inspection
        _inspection_transition(inspection, InspectionStatus.PUBLISHED)
        before = {
            "status": inspection.status,
            "published_at": None,
            "published_until": inspection.published_until,
            "public_summary": inspection.public_summary,
        }
        inspection.status = InspectionStatus.PUBLISHED
        inspection.published_at = timezone.now()
        # Public up to and including this day; every public read filters on it (see public.py).
        inspection.published_until = publication_end(
            timezone.localdate(inspection.published_at), "inspection_result"
        )
        inspection.public_summary = (
            summary or inspection.public_summary or inspection.get_conclusion_display()
        )
        _save(inspection, actor, "publish", before)
        clocks.meet(inspection, clocks.PUBLISH_RESULT, by=inspection, at=inspection.published_at)
    return inspection


def inspection_cancel(inspection: Inspection, *, actor: Any) -> Inspection:
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if inspection.status == InspectionStatus.CANCELLED:
            return inspection
        _inspection_transition(inspection, InspectionStatus.CANCELLED)
        before = {"status": inspection.status}
        inspection.status = InspectionStatus.CANCELLED
        _save(inspection, actor, "cancel", before)
    return inspection


# --- evidence photos -----------------------------------------------------------------------------

MAX_UPLOAD_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "HEIF", "MPO"}
MAX_SIDE = 2560


def private_root() -> Path:
    return Path(settings.PRIVATE_STORAGE_ROOT)


def clean_photo(data: bytes) -> tuple[bytes, int, int]:
    """Content-check an upload (must decode as a real image, whatever its name says) and
    re-encode it as JPEG: EXIF (GPS, device) and any trailing payload are dropped, the
    orientation is applied first so the photo still shows upright."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError("照片不能超过 15 MB。")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError("照片像素过大。")
            probe.verify()
        if fmt not in ALLOWED_FORMATS:
            raise ValidationError("只能上传 JPEG、PNG 或 WebP 照片。")
        with Image.open(io.BytesIO(data)) as source:
            upright = ImageOps.exif_transpose(source) or source
            img = upright.convert("RGB")
            img.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            img.save(out, format="JPEG", quality=85, optimize=True)
            return out.getvalue(), img.width, img.height
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError("文件不是有效的图片。") from exc


def evidence_add(
    inspection: Inspection,
    data: bytes,
    *,
    actor: Any,
    caption: str = "",
    item_result: ItemResult | None = None,
) -> Evidence:
    """Store a cleaned evidence photo under PRIVATE_STORAGE_ROOT (served only by the
    authorised view)."""
    _scope(actor, inspection)
    if item_result is not None and item_result.inspection_id != inspection.pk:
        raise ValidationError("检查事项不属于本次检查。")
    clean, width, height = clean_photo(data)
    relative = Path("inspections") / f"{inspection.pk}" / f"{uuid.uuid4().hex}.jpg"
    target = private_root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(clean)
    try:
        with transaction.atomic():
            evidence = Evidence(
                inspection=inspection,
                item_result=item_result,
                path=str(relative),
                caption=caption[:200],
                width=width,
                height=height,
                size=len(clean),
                sha256=hashlib.sha256(clean).hexdigest(),
                uploaded_by=actor,
            )
            return _create(evidence, actor, "upload")
    except Exception:
        target.unlink(missing_ok=True)
        raise


def evidence_path(evidence: Evidence) -> Path:
    root = private_root().resolve()
    path = (root / evidence.path).resolve()
    if root not in path.parents:
        raise ValidationError("invalid evidence path")
    return path


# --- findings ------------------------------------------------------------------------------------


def finding_create(
    institution: Institution,
    domain: Domain,
    *,
    actor: Any,
    description: str,
    department: Department | None = None,
    severity: str = Severity.GENERAL,
    inspection: Inspection | None = None,
    item_result: ItemResult | None = None,
    evidence_note: str = "",
    rectification_required: str = "",
    rectify_by: dt.date | None = None,
    responsible_person: str = "",
    found_on: dt.date | None = None,
    source_system: str = "",
) -> Finding:
    """Record a finding. The supervising department is the one the remit matrix makes
    responsible for the domain; when that is not the finder's department the finding is
    flagged for referral. A 重大 finding is listed for 挂牌督办."""
    _scope(actor, institution)
    department = department or acting_department(actor, institution.region)
    if department is None:
        raise ValidationError("您在该机构所在辖区没有岗位，不能登记问题。")
    if severity not in Severity.values:
        raise ValidationError("隐患等级无效。")
    with transaction.atomic():
        finding = Finding(
            institution=institution,
            domain=domain,
            severity=severity,
            description=description,
            evidence_note=evidence_note,
            rectification_required=rectification_required,
            rectify_by=rectify_by,
            responsible_person=responsible_person or institution.principal,
            supervising_department=department,
            found_by_department=department,
            found_by=actor if getattr(actor, "pk", None) else None,
            found_on=found_on or timezone.localdate(),
            inspection=inspection,
            item_result=item_result,
            listed_supervision=severity == Severity.MAJOR,
            source_system=source_system,
        )
        _create(finding, actor, "create")
        if severity == Severity.MAJOR:
            feed_credit(
                institution,
                "major_hazard",
                title=f"{domain.name}重大隐患：{description[:80]}",
                source=finding,
                effective=finding.found_on,
                domain=domain,
                department=department,
                entered_by=finding.found_by,
            )
        if not department_covers(department, domain):
            finding_flag_for_referral(finding, actor=actor)
    return finding


def finding_flag_for_referral(finding: Finding, *, actor: Any = None) -> Department | None:
    """Flag a finding outside the finder's remit for referral (抄告) and hand supervision to the
    department the remit matrix makes responsible for its domain. Returns that department
    (None when the matrix names nobody: the finder keeps it). The referral issue calls this
    and then sends the written referral."""
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        responsible = responsible_department_for(finding.domain)
        if responsible is None or responsible.pk == finding.found_by_department_id:
            return None
        if finding.needs_referral and finding.supervising_department_id == responsible.pk:
            return responsible
        before = {
            "needs_referral": finding.needs_referral,
            "supervising_department": finding.supervising_department,
        }
        finding.needs_referral = True
        finding.supervising_department = responsible
        _save(finding, actor, "flag_for_referral", before)
        finding_refer(finding, to_department=responsible, actor=actor)
    return responsible


def _finder_region(finding: Finding, actor: Any) -> Region:
    """Where the finder's department sits: the actor's post covering the institution, else the
    county above the institution's township."""
    region = finding.institution.region
    for a in getattr(actor, "active_assignments", list)():
        if a.department_id == finding.found_by_department_id and region.code.startswith(a.region.prefix):
            return a.region
    for ancestor in region.ancestors():
        if ancestor.level == 3:
            return ancestor
    return region


def finding_refer(finding: Finding, *, to_department: Department, actor: Any = None) -> Any:
    """Open the written referral (抄告) of an out-of-remit finding: a draft referral whose
    7-working-day sending clock runs from the day the finding was recorded (000 (十))."""
    from supervision.referrals.services import refer

    inst = finding.institution
    return refer(
        finding,
        domain=finding.domain,
        from_department=finding.found_by_department,
        from_region=_finder_region(finding, actor),
        user=actor,
        title=f"{inst.name}{finding.domain.name}问题抄告",
        description=finding.description,
        institution_name=inst.name,
        credit_code=inst.credit_code or "",
        evidence_summary=finding.evidence_note,
        to_department=to_department,
        found_on=finding.found_on,
    )


def finding_record_referral_result(referral: Any, finding: Finding) -> None:
    """Result listener: the sender recognised the receiving department's result (结果互认);
    record it on the finding."""
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    before = {"referral_result": finding.referral_result, "referral_result_at": finding.referral_result_at}
    finding.referral_result = f"{referral.to_department.name}：{referral.result or referral.action_taken}"
    finding.referral_result_at = timezone.now()
    _save(finding, None, "referral_result", before)


def finding_mark_rectified(finding: Finding, *, actor: Any = None, by: Any = None) -> Finding:
    """The rectification of this problem was accepted on re-inspection (一整改一验收): the finding
    leaves the hazard and rectification lists. ``by`` is the acceptance record (for the audit)."""
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        if finding.status != FindingStatus.OPEN:
            return finding
        before = {"status": finding.status}
        finding.status = FindingStatus.RECTIFIED
        _save(finding, actor, f"rectified by {by}" if by is not None else "rectified", before)
    return finding


def finding_set_severity(finding: Finding, *, actor: Any, severity: str) -> Finding:
    """Change the grade; a 重大 finding is listed for 挂牌督办 (and stays listed until closed)."""
    if severity not in Severity.values:
        raise ValidationError("隐患等级无效。")
    _scope(actor, finding)
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        if finding.severity == severity:
            return finding
        before = {"severity": finding.severity, "listed_supervision": finding.listed_supervision}
        finding.severity = severity
        finding.listed_supervision = finding.listed_supervision or severity == Severity.MAJOR
        _save(finding, actor, "grade", before)
        if severity == Severity.MAJOR:
            finding.institution.refresh_from_db(fields=["credit_code"])
            feed_credit(
                finding.institution,
                "major_hazard",
                title=f"{finding.domain.name}重大隐患：{finding.description[:80]}",
                source=finding,
                effective=finding.found_on,
                domain=finding.domain,
                department=finding.supervising_department,
                entered_by=actor if getattr(actor, "pk", None) else None,
            )
    return finding
