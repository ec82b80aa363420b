"""Verifiable random draws (双随机): freeze the inputs and commit to the seed, execute, reveal,
redraw. Every step is asked of the policy on the locked draw (or plan) first."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from institutions.models import Institution, InstitutionStatus
from supervision.core import policy
from supervision.core.models import Region
from supervision.core.transitions import transition

from ..draw import run_draw
from ..draw import seed_hash as hash_seed
from ..models import (
    DRAW_TRANSITIONS,
    Draw,
    DrawExclusion,
    DrawStatus,
    Inspection,
    InspectionKind,
    InspectionPlan,
    InspectionStatus,
    Inspector,
    InspectorConflict,
)
from ..risk import risk_class_for
from .common import _create, _save
from .directories import coverage_period, drawable_inspectors, inspection_objects, period_bounds
from .inspections import inspection_cancel


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


def already_drawn(plan: InspectionPlan, on: dt.date) -> dict[int, str]:
    """Institutions a later draw of ``plan`` must leave out, with the reason: those with a
    pending inspection of the plan (whenever it was drawn: a second task would duplicate it)
    and those whose inspection under the plan was finished in the period containing ``on``."""
    start, end = period_bounds(coverage_period(plan), plan.year, on)
    out: dict[int, str] = {}
    done = Inspection.objects.filter(
        plan=plan,
        status__in=[InspectionStatus.CLOSED, InspectionStatus.PUBLISHED],
        inspected_on__gte=start,
        inspected_on__lte=end,
    )
    for inst_id in done.values_list("institution_id", flat=True):
        out[inst_id] = DrawExclusion.INSPECTED.value
    pending = Inspection.objects.filter(
        plan=plan, status__in=[InspectionStatus.PLANNED, InspectionStatus.IN_PROGRESS]
    )
    for inst_id in pending.values_list("institution_id", flat=True):
        out[inst_id] = DrawExclusion.PENDING.value  # pending wins: it is the task that would be duplicated
    return out


def draw_inputs(plan: InspectionPlan, on: dt.date) -> dict[str, Any]:
    """Freeze the published inputs of a draw from the directories as they are now.
    Institutions already drawn under the plan (``already_drawn``) are not candidates; they are
    listed under ``excluded`` with the reason, which the algorithm never reads, so the public
    re-run of the draw is unaffected."""
    skip = already_drawn(plan, on)
    everyone = list(inspection_objects(plan.region).order_by("pk"))
    institutions = [i for i in everyone if i.pk not in skip]
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
        "excluded": sorted(
            (
                {
                    "code": institution_code(i),
                    "name": i.name,
                    "listed": i.status != InstitutionStatus.UNREGISTERED,
                    "reason": skip[i.pk],
                }
                for i in everyone
                if i.pk in skip
            ),
            key=lambda r: str(r["code"]),
        ),
    }


def short_team_candidates(inputs: dict[str, Any]) -> list[str]:
    """Codes of candidate institutions whose team cannot reach ``team_size`` after recusal
    whatever the seed (too few inspectors left, or a joint plan's department with nobody left).
    Read from the published inputs only, so it can be shown before the draw runs."""
    size = int(inputs.get("team_size", 2))
    inspectors = set(inputs.get("inspectors", []))
    groups = [set(members) for members in (inputs.get("groups") or {}).values()]
    exclusions = inputs.get("exclusions", {})
    out = []
    for row in inputs.get("institutions", []):
        banned = set(exclusions.get(row["code"], ()))
        if len(inspectors - banned) < max(size, len(groups)) or any(not (g - banned) for g in groups):
            out.append(row["code"])
    return out


def draw_create(plan: InspectionPlan, *, actor: Any, on: dt.date | None = None) -> Draw:
    """Commit: generate the secret seed, freeze the inputs and publish sha256(seed). Refused
    while another draw of the plan waits to be executed: its tasks do not exist yet, so the
    new inputs could not leave its institutions out."""
    on = on or timezone.localdate()
    with transaction.atomic():
        plan = InspectionPlan.objects.select_for_update(of=("self",)).get(pk=plan.pk)  # one commit at a time
        policy.require(actor, plan, "draw")
        if plan.team_size < 2:
            raise ValidationError("每个检查对象至少需要 2 名检查人员。")
        waiting = plan.draws.filter(status=DrawStatus.COMMITTED).order_by("pk").first()
        if waiting is not None:
            raise ValidationError(
                f"本计划的随机抽取 #{waiting.pk} 尚未执行，请先执行该抽取（或作废重新抽取）后再发起新的抽取。"
            )
        seed = secrets.token_hex(32)
        draw = Draw(
            plan=plan,
            seed=seed,
            seed_hash=hash_seed(seed),
            inputs=draw_inputs(plan, on),
            created_by=policy.as_user(actor),
        )
        _create(draw, actor, "commit")
    return draw


def draw_accept_short_teams(draw: Draw, *, actor: Any) -> Draw:
    """Record the explicit confirmation that teams left smaller than the plan's team size
    after recusal (回避后人员不足) may go ahead: who confirmed and when, audited. Only before
    the draw is executed; ``draw_execute`` refuses a short result without it."""
    with transaction.atomic():
        draw = Draw.objects.select_for_update(of=("self",)).get(pk=draw.pk)
        policy.require(actor, draw, "accept_short_teams")
        if not getattr(actor, "pk", None):  # the system cannot confirm: a named person must
            raise ValidationError("人员不足须由工作人员确认。")
        if draw.short_team_accepted:
            return draw
        if draw.status != DrawStatus.COMMITTED:
            raise ValidationError(f"抽取状态为“{draw.get_status_display()}”，不能再确认人员不足。")
        before = {
            "short_team_accepted": False,
            "short_team_accepted_by": draw.short_team_accepted_by,
            "short_team_accepted_at": draw.short_team_accepted_at,
        }
        draw.short_team_accepted = True
        draw.short_team_accepted_by = actor
        draw.short_team_accepted_at = timezone.now()
        _save(draw, actor, "accept_short_teams", before)
    return draw


def draw_execute(draw: Draw, *, actor: Any, accept_short_teams: bool = False) -> Draw:
    """Run the committed draw and create a planned inspection per drawn institution. A result
    with teams smaller than the plan's team size after recusal is refused unless the short
    teams are explicitly accepted (``accept_short_teams``, recorded by
    ``draw_accept_short_teams`` only when the result is short); a team below the legal two
    is refused whatever is accepted."""
    with transaction.atomic():
        draw = Draw.objects.select_for_update(of=("self",)).get(pk=draw.pk)
        policy.require(actor, draw, "execute")
        if draw.status in (DrawStatus.EXECUTED, DrawStatus.REVEALED):
            return draw
        if draw.status != DrawStatus.COMMITTED:  # superseded: the table refuses it, nothing runs
            transition(
                draw, DrawStatus.EXECUTED, step="execute", actor=actor, table=DRAW_TRANSITIONS, field="status"
            )
            return draw
        result = run_draw(draw.seed, draw.inputs)
        if result["short"]:
            size = int(draw.inputs.get("team_size", 2))
            teams = [row["team"] for row in result["drawn"]]
            if any(len(team) < 2 for team in teams):
                raise ValidationError(
                    "回避后有检查对象的检查人员少于 2 人，不能执行抽取。请补充执法检查人员后作废并重新抽取。"
                )
            if not (draw.short_team_accepted or accept_short_teams):
                raise ValidationError(
                    f"回避后人员不足：{len(result['short'])} 个抽中的检查对象检查组少于 {size} 人。"
                    "请补充执法检查人员后作废并重新抽取，或确认人员不足仍执行（将记录确认人）。"
                )
            if not draw.short_team_accepted:
                draw = draw_accept_short_teams(draw, actor=actor)
        draw, _changed = transition(
            draw,
            DrawStatus.EXECUTED,
            step="execute",
            actor=actor,
            table=DRAW_TRANSITIONS,
            field="status",
            updates={"result": result, "executed_at": timezone.now()},
        )
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
                created_by=policy.as_user(actor),
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
    with transaction.atomic():
        draw = Draw.objects.select_for_update(of=("self",)).get(pk=draw.pk)
        policy.require(actor, draw, "reveal")
        if draw.revealed_at is not None:  # revealed, or superseded (its seed was revealed then)
            return draw
        draw, _changed = transition(
            draw,
            DrawStatus.REVEALED,
            step="reveal",
            actor=actor,
            table=DRAW_TRANSITIONS,
            field="status",
            updates={"revealed_at": timezone.now()},
        )
    return draw


def draw_redraw(draw: Draw, *, actor: Any, reason: str) -> Draw:
    """Supersede a draw (with a recorded reason) and commit a new one for the same plan. The
    old seed is revealed at once so that the abandoned result stays verifiable, and its
    inspections that have not started are cancelled."""
    reason = (reason or "").strip()
    with transaction.atomic():
        old = Draw.objects.select_for_update(of=("self",)).get(pk=draw.pk)
        policy.require(actor, old, "redraw")
        if not reason:
            raise ValidationError("重新抽取必须填写原因。")
        if old.status == DrawStatus.SUPERSEDED:
            raise ValidationError("该抽取已作废，不能再次重新抽取。")
        old, _changed = transition(
            old,
            DrawStatus.SUPERSEDED,
            step="redraw",
            actor=actor,
            table=DRAW_TRANSITIONS,
            field="status",
            updates={"revealed_at": old.revealed_at or timezone.now()},
        )
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
            created_by=policy.as_user(actor),
        )
        _create(new, actor, "redraw")
    return new
