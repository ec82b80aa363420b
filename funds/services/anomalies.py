"""Anomaly rules over claim lines: each is ONE set-based statement (an indexed ``EXISTS`` or a
grouped ``HAVING``), so a sweep over millions of monthly lines costs what the database costs
(``bench/bench_funds.py`` measures it against the hand-written SQL of the same rule). Only the
hits come back to Python, streamed, and each hit claim gets one flag per rule (``flag_raise``
is idempotent), whose reason lists what was found.

Rules are switched on and off and given thresholds in ``AnomalyRuleConfig`` (admin); a
missing row means the default below. Sources:

* ``subsidy.duplicate_resident`` — the same resident claimed at two institutions for the same
  month (虚报冒领, 003 4.; 002 (五) 骗取补贴);
* ``subsidy.beyond_beds`` — residents or occupied beds claimed beyond the institution's beds;
* ``subsidy.inactive_month`` — months when the institution was suspended or terminated;
* ``subsidy.deceased_absent`` — a resident deceased, or absent ``threshold`` days or more
  (default 15), in the claimed month (imported civil-affairs / medical-insurance lists);
* ``subsidy.history_jump`` — a month's units above ``threshold`` (default 1.5) times the
  institution's own monthly average before the claim;
* ``subsidy.beds_not_found`` — more beds claimed than a check found to exist.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Exists, F, FloatField, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Cast

from institutions.models import ExitKind, ExitPlan, InstitutionStatus

from ..models import (
    AnomalyRuleConfig,
    ClaimLine,
    ClaimStatus,
    LineKind,
    ResidentStatusKind,
    ResidentStatusRecord,
    SubsidyClaim,
    VerifiedBeds,
)
from .flags import flag_raise, register_flag_rule

# Claims that count: filed and not withdrawn by a return or a rejection.
LIVE = (
    ClaimStatus.SUBMITTED,
    ClaimStatus.REVIEWED,
    ClaimStatus.APPROVED,
    ClaimStatus.PAID,
    ClaimStatus.RECOVERING,
    ClaimStatus.RECOVERED,
)
COUNTED_KINDS = (LineKind.RESIDENT, LineKind.OCCUPIED_BEDS, LineKind.NEW_BEDS)
SOURCE_003 = "楚政办函〔2021〕48号（003）4.：依法打击虚报冒领等骗取补贴资金的行为"
SOURCE_002 = "内政办发〔2021〕26号（002）（五）：对存在骗取政府补贴资金情形的养老服务机构，要全额追回"


@dataclass(frozen=True)
class AnomalyRule:
    code: str
    label: str
    source: str
    default_threshold: Decimal | None
    threshold_label: str
    detect: Callable[[QuerySet[ClaimLine], Decimal | None], Iterable[dict[str, Any]]]
    describe: Callable[[dict[str, Any]], str]
    # Adds what the reason shows to the few hits described (never run over all the lines).
    enrich: Callable[[list[dict[str, Any]]], None] | None = None


def _lines(claim_ids: list[int] | None) -> QuerySet[ClaimLine]:
    qs = ClaimLine.objects.filter(claim__status__in=LIVE)
    if claim_ids is not None:
        qs = qs.filter(claim_id__in=claim_ids)
    return qs


# --- the rules: each a single statement ---------------------------------------------------------


def duplicate_resident(lines: QuerySet[ClaimLine], _t: Decimal | None) -> QuerySet:
    other = ClaimLine.objects.filter(
        kind=LineKind.RESIDENT, month=OuterRef("month"), id_hash=OuterRef("id_hash"), claim__status__in=LIVE
    ).exclude(institution_id=OuterRef("institution_id"))
    return (
        lines.filter(kind=LineKind.RESIDENT)
        .filter(Exists(other))
        .values("claim_id", "institution_id", "month", "id_masked", "id_hash")
        .order_by()
    )


def _other_homes(rows: list[dict[str, Any]]) -> None:
    """For the hits shown in a reason only: the other home's name (a query per 500 hits)."""
    keys = sorted({(r["month"], r["id_hash"]) for r in rows})
    homes: dict[tuple[Any, str], list[tuple[int, str]]] = defaultdict(list)
    for start in range(0, len(keys), 500):
        q = Q(pk__in=[])
        for month, digest in keys[start : start + 500]:
            q |= Q(month=month, id_hash=digest)
        found = (
            ClaimLine.objects.filter(q, kind=LineKind.RESIDENT, claim__status__in=LIVE)
            .values_list("month", "id_hash", "institution_id", "institution__name")
            .order_by("institution_id")
        )
        for month, digest, inst, name in found:
            homes[(month, digest)].append((inst, name))
    for r in rows:
        others = [n for i, n in homes[(r["month"], r["id_hash"])] if i != r["institution_id"]]
        r["other"] = others[0] if others else "其他机构"


def beyond_beds(lines: QuerySet[ClaimLine], _t: Decimal | None) -> QuerySet:
    return (
        lines.filter(kind__in=(LineKind.RESIDENT, LineKind.OCCUPIED_BEDS))
        .values("claim_id", "institution_id", "month")
        .annotate(n=Sum("quantity"), beds=Max("institution__beds"))
        .filter(n__gt=F("beds"))
        .order_by()
    )


def inactive_month(lines: QuerySet[ClaimLine], _t: Decimal | None) -> QuerySet:
    # Inactive for the whole month: suspended or terminated on or before its first day, by an
    # exit in force (a termination, or a suspension the institution has not resumed from).
    exits = ExitPlan.objects.filter(
        institution_id=OuterRef("institution_id"), effective_on__lte=OuterRef("month")
    ).filter(
        Q(kind=ExitKind.TERMINATE)
        | Q(institution__status__in=(InstitutionStatus.SUSPENDED, InstitutionStatus.TERMINATED))
    )
    latest = exits.order_by("-effective_on").values("effective_on")[:1]
    return (
        lines.annotate(exit_on=Subquery(latest))
        .filter(exit_on__isnull=False)
        .values("claim_id", "institution_id", "month", "exit_on")
        .distinct()
        .order_by()
    )


def deceased_absent(lines: QuerySet[ClaimLine], threshold: Decimal | None) -> QuerySet:
    days = int(threshold if threshold is not None else 15)
    records = ResidentStatusRecord.objects.filter(id_hash=OuterRef("id_hash")).filter(
        Q(kind=ResidentStatusKind.DECEASED, month__lte=OuterRef("month"))
        | Q(kind=ResidentStatusKind.ABSENT, month=OuterRef("month"), days_absent__gte=days)
    )
    first = records.order_by("kind", "date")
    return (
        lines.filter(kind=LineKind.RESIDENT)
        .annotate(
            status_kind=Subquery(first.values("kind")[:1]),
            status_date=Subquery(first.values("date")[:1]),
            status_days=Subquery(first.values("days_absent")[:1]),
        )
        .filter(status_kind__isnull=False)
        .values(
            "claim_id", "institution_id", "month", "id_masked", "status_kind", "status_date", "status_days"
        )
        .order_by()
    )


def history_jump(lines: QuerySet[ClaimLine], threshold: Decimal | None) -> QuerySet:
    factor = float(threshold if threshold is not None else Decimal("1.5"))
    history = (
        ClaimLine.objects.filter(
            institution_id=OuterRef("institution_id"),
            claim__programme_id=OuterRef("claim__programme_id"),
            month__lt=OuterRef("claim__period_start"),
            kind__in=COUNTED_KINDS,
            claim__status__in=LIVE,
        )
        .values("institution_id")
        .annotate(avg=Cast(Sum("quantity"), FloatField()) / Count("month", distinct=True))
        .values("avg")[:1]
    )
    return (
        lines.filter(kind__in=COUNTED_KINDS)
        .values("claim_id", "institution_id", "month", "claim__programme_id", "claim__period_start")
        .annotate(n=Sum("quantity"), avg=Subquery(history, output_field=FloatField()))
        .filter(avg__gt=0, n__gt=F("avg") * factor)
        .values("claim_id", "institution_id", "month", "n", "avg")
        .order_by()
    )


def beds_not_found(lines: QuerySet[ClaimLine], _t: Decimal | None) -> QuerySet:
    latest = VerifiedBeds.objects.filter(institution_id=OuterRef("institution_id")).order_by(
        "-verified_on", "-pk"
    )
    return (
        lines.filter(kind__in=COUNTED_KINDS)
        .values("claim_id", "institution_id", "month")
        .annotate(
            n=Sum("quantity"),
            found=Subquery(latest.values("beds_found")[:1]),
            found_on=Subquery(latest.values("verified_on")[:1]),
            found_source=Subquery(latest.values("source")[:1]),
        )
        .filter(found__isnull=False, n__gt=F("found"))
        .order_by()
    )


def _m(row: dict[str, Any]) -> str:
    return f"{row['month']:%Y-%m}"


RULES: dict[str, AnomalyRule] = {
    r.code: r
    for r in (
        AnomalyRule(
            "subsidy.duplicate_resident",
            "同一老人同月在两家机构申报",
            SOURCE_003,
            None,
            "",
            duplicate_resident,
            lambda r: f"{r['id_masked']} 于 {_m(r)} 同时在“{r['other']}”申报",
            _other_homes,
        ),
        AnomalyRule(
            "subsidy.beyond_beds",
            "申报人数超过机构床位数",
            SOURCE_003,
            None,
            "",
            beyond_beds,
            lambda r: f"{_m(r)} 申报 {r['n']} 人（床），机构床位 {r['beds']} 张",
        ),
        AnomalyRule(
            "subsidy.inactive_month",
            "机构暂停或终止服务期间申报",
            SOURCE_003,
            None,
            "",
            inactive_month,
            lambda r: f"{_m(r)} 机构已于 {r['exit_on']:%Y-%m-%d} 暂停或终止服务",
        ),
        AnomalyRule(
            "subsidy.deceased_absent",
            "老人已死亡或当月离院 15 天以上",
            SOURCE_003 + "；死亡、住院名单来自民政殡葬、医保结算数据",
            Decimal("15"),
            "离院天数（≥）",
            deceased_absent,
            lambda r: (
                f"{r['id_masked']} 已于 {r['status_date']:%Y-%m-%d} 死亡，仍申报 {_m(r)}"
                if r["status_kind"] == ResidentStatusKind.DECEASED
                else f"{r['id_masked']} {_m(r)} 离院 {r['status_days']} 天"
            ),
        ),
        AnomalyRule(
            "subsidy.history_jump",
            "申报量较本机构历史异常增长",
            SOURCE_003 + "（本平台默认阈值：超过历史月均 1.5 倍）",
            Decimal("1.5"),
            "较历史月均倍数（>）",
            history_jump,
            lambda r: f"{_m(r)} 申报 {r['n']}，本机构此前月均 {r['avg']:.1f}",
        ),
        AnomalyRule(
            "subsidy.beds_not_found",
            "申报床位超过核查实有床位",
            SOURCE_002,
            None,
            "",
            beds_not_found,
            lambda r: (
                f"{_m(r)} 申报 {r['n']} 张（人），"
                f"{r['found_on']:%Y-%m-%d} 核查实有 {r['found']} 张（{r['found_source']}）"
            ),
        ),
    )
}

for _rule in RULES.values():
    register_flag_rule(_rule.code, _rule.label, _rule.source)


def settings_for(code: str) -> tuple[bool, Decimal | None]:
    """(enabled, threshold) of a rule: its config row, else on with the default threshold."""
    rule = RULES[code]
    row = AnomalyRuleConfig.objects.filter(code=code).first()
    if row is None:
        return True, rule.default_threshold
    return row.enabled, row.threshold if row.threshold is not None else rule.default_threshold


def detect(code: str, claim_ids: list[int] | None = None) -> QuerySet:
    """The rule's hits (one statement); for the bench and the tests."""
    _enabled, threshold = settings_for(code)
    return RULES[code].detect(_lines(claim_ids), threshold)  # type: ignore[return-value]


def stream(qs: QuerySet) -> Iterator[dict[str, Any]]:
    """Iterate a rule's hits without holding them all. On PostgreSQL ``iterator`` reads through
    a server-side cursor, which the planner optimises for the first 10 % of the rows
    (``cursor_tuple_fraction``), a fast-start plan instead of the hash join it picks for the
    whole result (2.4 × the plain statement in bench_funds). Every hit is read, so the cursor
    is told so, for this transaction only (1.03 × then, over 5,000,000 lines)."""
    if connection.vendor != "postgresql":
        yield from qs.iterator(chunk_size=2000)
        return
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL cursor_tuple_fraction = 1.0")
        yield from qs.iterator(chunk_size=2000)
        # back to the default for the rest of an enclosing transaction (an error ends it anyway)
        cur.execute("SET LOCAL cursor_tuple_fraction TO DEFAULT")


MAX_DETAILS = 5


def run_rules(claim_ids: list[int] | None = None, codes: Iterable[str] | None = None) -> dict[str, int]:
    """Run the enabled rules over the live claims (or ``claim_ids``); returns the number of
    new flags per rule. Memory holds the hits only (streamed), never the lines."""
    created: dict[str, int] = {}
    for code in codes or RULES:
        enabled, threshold = settings_for(code)
        if not enabled:
            continue
        rule = RULES[code]
        shown: dict[int, list[dict[str, Any]]] = defaultdict(list)
        counts: dict[int, int] = defaultdict(int)
        for row in stream(rule.detect(_lines(claim_ids), threshold)):  # type: ignore[arg-type]
            counts[row["claim_id"]] += 1
            if len(shown[row["claim_id"]]) < MAX_DETAILS:
                shown[row["claim_id"]].append(row)
        if rule.enrich is not None:
            rule.enrich([r for rows in shown.values() for r in rows])
        details = {pk: [rule.describe(r) for r in rows] for pk, rows in shown.items()}
        created[code] = 0
        claims = SubsidyClaim.objects.filter(pk__in=list(counts)).select_related(
            "institution", "institution__region"
        )
        for claim in claims:
            text = "；".join(details[claim.pk])
            more = counts[claim.pk] - len(details[claim.pk])
            reason = f"{rule.label}：{text}" + (f"；另有 {more} 处" if more > 0 else "") + "。"
            _flag, new = flag_raise(institution=claim.institution, rule=code, reason=reason, claim=claim)
            created[code] += int(new)
    return created
