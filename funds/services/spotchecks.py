"""Quarterly spot checks of paid claims (003 4.: 每季度进行1次抽查、核查).

One ``SpotCheckRound`` per county and quarter carries the ``subsidy.quarterly_spot_check``
clock of the deadline engine (opened for the quarter: the rule's unit with the quarter's own
length in days, from the day before the quarter starts, since the start day is never counted),
met when every drawn claim has been checked.

The draw is the double-random draw's (``supervision.core.draw``): commit (a secret seed from
``secrets``, ``sha256(seed)`` published with the frozen population of paid claims and the
ratio), then draw (the seed revealed; ``draw_institutions(seed, claims, ratio)`` with each
claim as an element of weight 1), so anyone can re-run it from the page's seed and inputs."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from supervision.core import policy
from supervision.core.audit import create_audited
from supervision.core.draw import ALGORITHM, canonical_json, draw_institutions, seed_hash
from supervision.core.models import Department, Region
from supervision.core.policy import SYSTEM
from supervision.core.transitions import transition
from supervision.deadlines.services import deadline_meet, deadline_open
from supervision.files import store

from ..models import (
    SPOT_CHECK_RULE,
    CheckResult,
    ClaimStatus,
    RoundStatus,
    SpotCheckItem,
    SpotCheckRound,
    SubsidyClaim,
    SubsidyProgramme,
    VerifiedBeds,
)

PAID = (ClaimStatus.PAID, ClaimStatus.RECOVERING, ClaimStatus.RECOVERED)
ROUND_TRANSITIONS: dict[tuple[str, str], str] = {
    (RoundStatus.OPEN, RoundStatus.COMMITTED): "commit",
    (RoundStatus.COMMITTED, RoundStatus.DRAWN): "draw",
    (RoundStatus.DRAWN, RoundStatus.COMPLETED): "complete",
}


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * (quarter - 1) + 1, 1)
    nxt = dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return start, nxt - dt.timedelta(days=1)


def _civil_affairs() -> Department:
    return Department.objects.get(is_lead=True)


def spot_check_open(region: Region, year: int, quarter: int, *, actor: Any = SYSTEM) -> SpotCheckRound:
    """The county's round for the quarter with its clock (idempotent)."""
    if region.level != 3:
        raise ValidationError("季度抽查按县（市、区）开展。")
    with transaction.atomic():
        policy.require(actor, SpotCheckRound, "check", region=region)
        found = SpotCheckRound.objects.filter(region=region, year=year, quarter=quarter).first()
        if found is None:
            found = SpotCheckRound(region=region, year=year, quarter=quarter)
            create_audited(found, policy.as_user(actor), "open")
        start, end = quarter_bounds(year, quarter)
        deadline_open(
            found,
            SPOT_CHECK_RULE,
            start - dt.timedelta(days=1),
            department=_civil_affairs(),
            region=region,
            length=(end - start).days + 1,
            note=f"{year}年第{quarter}季度",
        )
    return found


def counties_with_subsidies() -> list[Region]:
    """Counties that run a programme, or contain a claim."""
    codes = set(
        SubsidyProgramme.objects.filter(active=True, region__level=3).values_list("region__code", flat=True)
    )
    for code in SubsidyClaim.objects.values_list("region__code", flat=True).distinct():
        codes.add(code[:6] + "000000")
    return list(Region.objects.filter(level=3, code__in=codes).order_by("code"))


def spot_checks_open_quarter(on: dt.date | None = None) -> list[SpotCheckRound]:
    """The quarterly task: open this quarter's round and clock in every county with subsidies."""
    year, quarter = quarter_of(on or timezone.localdate())
    return [spot_check_open(r, year, quarter) for r in counties_with_subsidies()]


def population(round_: SpotCheckRound) -> list[SubsidyClaim]:
    """Paid claims of the county paid up to the end of the quarter, never drawn before."""
    _start, end = quarter_bounds(round_.year, round_.quarter)
    return list(
        SubsidyClaim.objects.filter(
            status__in=PAID, region__code__startswith=round_.region.prefix, paid_on__lte=end
        )
        .exclude(spot_checks__isnull=False)
        .order_by("number")
    )


def spot_check_commit(
    round_: SpotCheckRound, *, actor: Any, ratio: Decimal | str | None = None
) -> SpotCheckRound:
    """Commit: freeze the population and ratio, publish sha256 of a secret seed."""
    with transaction.atomic():
        value = Decimal(str(ratio)) if ratio not in (None, "") else round_.ratio
        if not (Decimal("0") < value <= Decimal("1")):
            raise ValidationError({"ratio": "抽查比例须大于 0、不超过 1（如 0.2 表示 20%）。"})
        locked = SpotCheckRound.objects.select_for_update(of=("self",)).get(pk=round_.pk)
        policy.require(actor, locked, "check")
        claims = population(locked)
        if not claims:
            raise ValidationError("本县本季度没有可抽查的已拨付补贴申报。")
        seed = secrets.token_hex(32)
        inputs = {
            "algorithm": ALGORITHM,
            "ratio": str(value),
            "region": locked.region.code,
            "year": locked.year,
            "quarter": locked.quarter,
            "institutions": [{"code": c.number, "weight": "1"} for c in claims],
        }
        locked.seed = seed  # kept secret until the draw (never shown, left out of the audit)
        round_, _changed = transition(
            locked,
            RoundStatus.COMMITTED,
            step="commit",
            actor=actor,
            action=None,
            field="status",
            table=ROUND_TRANSITIONS,
            updates={
                "ratio": value,
                "seed_hash": seed_hash(seed),
                "inputs": inputs,
                "committed_at": timezone.now(),
            },
        )
        SpotCheckRound.objects.filter(pk=round_.pk).update(seed=seed)
    round_.seed = seed
    return round_


def rerun(seed: str, inputs: dict[str, Any]) -> list[str]:
    """The public re-run: the claim numbers drawn from ``seed`` and ``inputs``."""
    return draw_institutions(seed, list(inputs["institutions"]), str(inputs["ratio"]))


def spot_check_draw(round_: SpotCheckRound, *, actor: Any) -> SpotCheckRound:
    """Draw: reveal the seed, run the draw, create one item per drawn claim."""
    with transaction.atomic():
        locked = SpotCheckRound.objects.select_for_update(of=("self",)).get(pk=round_.pk)
        policy.require(actor, locked, "check")
        drawn = rerun(locked.seed, locked.inputs)
        result = {
            "algorithm": ALGORITHM,
            "drawn": drawn,
            "inputs_sha256": seed_hash(canonical_json(locked.inputs)),
        }
        locked, changed = transition(
            locked,
            RoundStatus.DRAWN,
            step="draw",
            actor=actor,
            action=None,
            field="status",
            table=ROUND_TRANSITIONS,
            updates={"result": result, "drawn_at": timezone.now(), "drawn_by": policy.as_user(actor)},
        )
        if changed:
            by_number = {c.number: c for c in SubsidyClaim.objects.filter(number__in=drawn)}
            SpotCheckItem.objects.bulk_create(
                [SpotCheckItem(round=locked, claim=by_number[n]) for n in drawn]
            )
    return locked


def spot_check_record(
    item: SpotCheckItem,
    *,
    actor: Any,
    result: str,
    checked_on: dt.date,
    beds_found: int | None = None,
    status_ok: bool | None = None,
    staff_ok: bool | None = None,
    inspections_note: str = "",
    note: str = "",
    third_party: str = "",
    third_party_conclusion: str = "",
    third_party_report: Any = None,
) -> SpotCheckItem:
    """Record the check of one drawn claim; a bed count becomes a ``VerifiedBeds`` fact (and the
    institution's live claims are re-run through the rule); the last check completes the round
    and meets its clock."""
    if result not in (CheckResult.PASSED, CheckResult.PROBLEM):
        raise ValidationError({"result": "请选择核查结果。"})
    if result == CheckResult.PROBLEM and not (note or "").strip():
        raise ValidationError({"note": "发现问题时请写明核查说明。"})
    if checked_on > timezone.localdate():
        raise ValidationError({"checked_on": "核查日期不能晚于今天。"})
    if (third_party_conclusion.strip() or third_party_report) and not third_party.strip():
        raise ValidationError({"third_party": "请填写第三方核查机构名称。"})
    from supervision.core.audit import save_audited

    with transaction.atomic():
        locked = (
            SpotCheckItem.objects.select_for_update(of=("self",))
            .select_related("round", "claim")
            .get(pk=item.pk)
        )
        policy.require(actor, locked, "check")
        if locked.round.status != RoundStatus.DRAWN:
            raise ValidationError("本轮抽查不在核查阶段。")
        updates = {
            "result": result,
            "checked_on": checked_on,
            "checked_by": policy.as_user(actor),
            "beds_found": beds_found,
            "status_ok": status_ok,
            "staff_ok": staff_ok,
            "inspections_note": inspections_note.strip(),
            "note": note.strip(),
            "third_party": third_party.strip(),
            "third_party_conclusion": third_party_conclusion.strip(),
        }
        before = {k: getattr(locked, k) for k in (*updates, "third_party_report")}
        for k, v in updates.items():
            setattr(locked, k, v)
        # The third-party report (001 (四)) goes to the private store; the item keeps its name.
        with store.receive(
            third_party_report,
            accept=store.EVIDENCE,
            area="spotcheck",
            actor=policy.as_user(actor),
            field="third_party_report",
        ) as stored:
            if stored is not None:
                locked.third_party_report = stored.name
            save_audited(locked, policy.as_user(actor), "check", before)
        claim = locked.claim
        if beds_found is not None:
            verified_beds_record(
                claim.institution, beds=beds_found, on=checked_on, source=str(locked.round), actor=actor
            )
        round_ = locked.round
        if not round_.items.filter(result=CheckResult.PENDING).exists():
            transition(
                round_,
                RoundStatus.COMPLETED,
                step="complete",
                actor=SYSTEM,
                field="status",
                table=ROUND_TRANSITIONS,
                updates={"completed_at": timezone.now()},
            )
            deadline_meet(round_, SPOT_CHECK_RULE, by=round_)
    return locked


def verified_beds_record(
    institution: Any, *, beds: int, on: dt.date, source: str, actor: Any
) -> VerifiedBeds:
    """Keep the beds a check found at ``institution`` as the ``VerifiedBeds`` fact and run the
    rule "beds claimed that a check found not to exist" over its live claims. Called by a spot
    check here, and by an inspection through ``institutions.bed_counts`` (registered in
    ``apps.py``): the calling service has judged its own write, so this fact asks no policy."""
    from .anomalies import LIVE, run_rules

    fact = VerifiedBeds.objects.create(
        institution=institution,
        region_id=institution.region_id,
        verified_on=on,
        beds_found=beds,
        source=source[:200],
        recorded_by=policy.as_user(actor),
    )
    claims = list(
        SubsidyClaim.objects.filter(institution=institution, status__in=LIVE).values_list("pk", flat=True)
    )
    if claims:
        run_rules(claim_ids=claims, codes=["subsidy.beds_not_found"])
    return fact
