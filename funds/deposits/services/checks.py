"""The deposit checks (set-based): each finding is a ``FundFlag`` through ``flag_raise`` with a
clock for the institution's response (``deposits.flag_response``), escalated when it lapses.

Rules (labels and sources registered below, configuration in ``DepositPolicy`` per region):

* ``deposit.over_cap`` – a deposit or guarantee above the region's cap (months of fees);
* ``prepaid.over_months`` – a prepaid fee covering more months than permitted (002 (六):
  原则上床位、护理、伙食等费用按月收取);
* ``refund.late`` – a deposit or prepaid fee not refunded (or refunded late) after the
  contract ended;
* ``escrow.shortfall`` – deposits and prepaid fees held exceed the escrow balance;
* ``escrow.missing`` – deposits held by an institution without an active escrow account
  (004 (六): 全面落实养老机构收取的保证金、押金专户存储规定).

One query per rule and configuration group; ``flag_raise`` is idempotent, so running the
checks again raises nothing twice while a flag is unresolved.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import DecimalField, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from funds.models import FlagStatus, FundFlag
from funds.services.flags import flag_raise, register_flag_rule
from institutions.models import Institution
from supervision.core import policy
from supervision.core.models import Department, Region
from supervision.deadlines.services import deadline_meet, deadline_open, register_stage_handler

from ..models import (
    CAPPED_KINDS,
    AccountStatus,
    BalanceReport,
    DepositPolicy,
    EscrowAccount,
    FeeEntry,
    FeeKind,
    FlagEscalation,
)
from .accounts import policy_for

RESPONSE_RULE = "deposits.flag_response"
S004 = "酉阳县“养老服务监管效能提升年”活动通知（004）（六）、附件1 4.18"
S002 = "内蒙古自治区养老服务综合监管办法（002）（六）"

OVER_CAP = register_flag_rule(
    "deposit.over_cap",
    "押金、保证金超过地区上限",
    f"{S004}；上限为地区资金监管规则（押金上限月数），默认值待对照省级规定确认",
    domain="fees",
)
PREPAID_MONTHS = register_flag_rule(
    "prepaid.over_months",
    "超过允许月数预收服务费",
    f"{S002}：原则上床位、护理、伙食等费用按月收取",
    domain="fees",
)
REFUND_LATE = register_flag_rule(
    "refund.late",
    "合同终止后未按期退费",
    "000（三）预收服务费用规范管理；退费期限为地区资金监管规则，默认 30 日为本平台默认值",
    domain="fees",
)
SHORTFALL = register_flag_rule(
    "escrow.shortfall",
    "押金与预收费未足额存入监管专户",
    f"{S004}：全面落实养老机构收取的保证金、押金专户存储规定",
    domain="fees",
)
MISSING = register_flag_rule(
    "escrow.missing",
    "收取押金、预收费但未开设监管专户",
    f"{S004}：全面落实养老机构收取的保证金、押金专户存储规定",
    domain="fees",
)

ZERO = Decimal("0")
HELD = ExpressionWrapper(
    F("amount") - F("refunded_amount"), output_field=DecimalField(max_digits=14, decimal_places=2)
)


@dataclass
class CheckResult:
    """What one run found: new flags per rule, and flags already open that were found again."""

    raised: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    again: int = 0
    flags: list[FundFlag] = field(default_factory=list)

    @property
    def total_raised(self) -> int:
        return sum(self.raised.values())


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f} 元"


def _num(value: Decimal) -> str:
    """12.00 → 12, 1.50 → 1.5."""
    text = f"{Decimal(value).normalize():f}"
    return text


def _lead_department() -> Department | None:
    return (
        Department.objects.filter(code="civil_affairs").first()
        or Department.objects.filter(is_lead=True).first()
    )


def _raise(
    result: CheckResult, institution: Institution, rule: str, reason: str, subject: Any, on: dt.date
) -> None:
    flag, created = flag_raise(institution=institution, rule=rule, reason=reason, subject=subject)
    if not created:
        result.again += 1
        return
    result.raised[rule] += 1
    result.flags.append(flag)
    department = _lead_department()
    if department is not None:
        deadline_open(
            flag,
            RESPONSE_RULE,
            on,
            department=department,
            region=institution.region,
            note=f"{institution.name}：{flag.rule_label}，请机构说明情况并整改",
        )


def _policy_groups(entries: QuerySet[FeeEntry]) -> list[tuple[DepositPolicy, list[int]]]:
    """The institutions' regions grouped by the configuration that applies to them."""
    region_ids = set(entries.values_list("institution__region", flat=True).distinct())
    groups: dict[Any, tuple[DepositPolicy, list[int]]] = {}
    for region in Region.objects.filter(pk__in=region_ids):
        p = policy_for(region)
        key = p.pk if p.pk is not None else "default"
        groups.setdefault(key, (p, []))[1].append(region.pk)
    return list(groups.values())


def prepaid_held(
    entry_amount: Decimal, refunded: Decimal, received_on: dt.date, months: int | None, on: dt.date
) -> Decimal:
    """What a prepaid fee still holds on ``on``: it counts in full until the months it covers
    have passed (conservative: the fee is earned month by month, but the escrow must cover it
    until then)."""
    if not months:
        return max(entry_amount - refunded, ZERO)
    end = received_on + dt.timedelta(days=31 * months)
    return max(entry_amount - refunded, ZERO) if on < end else ZERO


def checks_run(
    *,
    actor: Any,
    region: Region | None = None,
    institution: Institution | None = None,
    on: dt.date | None = None,
) -> CheckResult:
    """Run every deposit check over ``institution`` or the institutions of ``region`` (subtree)."""
    on = on or timezone.localdate()
    where = region or (institution.region if institution else None)
    if where is None:
        raise ValueError("checks_run needs a region or an institution")
    policy.require(actor, EscrowAccount, "check", region=where)
    if institution is not None:
        entries = FeeEntry.objects.filter(institution=institution)
        institutions = Institution.objects.filter(pk=institution.pk)
    else:
        entries = FeeEntry.objects.filter(institution__region__code__startswith=region.prefix)  # type: ignore[union-attr]
        institutions = Institution.objects.filter(region__code__startswith=region.prefix)  # type: ignore[union-attr]
    result = CheckResult()
    with transaction.atomic():
        for conf, region_ids in _policy_groups(entries):
            group = entries.filter(institution__region__in=region_ids).select_related(
                "institution", "institution__region"
            )
            _cap(result, group, conf, on)
            _prepaid(result, group, conf, on)
            _refunds(result, group, conf, on)
        _coverage(result, institutions, entries, on)
    return result


def _cap(result: CheckResult, group: QuerySet[FeeEntry], conf: DepositPolicy, on: dt.date) -> None:
    over = (
        group.filter(kind__in=CAPPED_KINDS, amount__gt=F("monthly_fee") * conf.deposit_cap_months)
        .annotate(held=HELD)
        .filter(held__gt=0)
    )
    for e in over.order_by("pk"):
        cap = e.monthly_fee * conf.deposit_cap_months
        reason = (
            f"{e.get_kind_display()}{_yuan(e.amount)}（老人 {e.id_masked}，"
            f"{e.received_on:%Y-%m-%d} 收取），超过月费用合计 {_yuan(e.monthly_fee)} 的 "
            f"{_num(conf.deposit_cap_months)} 倍（上限 {_yuan(cap)}）。"
        )
        _raise(result, e.institution, OVER_CAP.code, reason, e, on)


def _prepaid(result: CheckResult, group: QuerySet[FeeEntry], conf: DepositPolicy, on: dt.date) -> None:
    over = group.filter(kind=FeeKind.PREPAID, months_covered__gt=conf.prepay_max_months)
    for e in over.order_by("pk"):
        reason = (
            f"{e.received_on:%Y-%m-%d} 一次预收 {e.months_covered} 个月服务费 {_yuan(e.amount)}"
            f"（老人 {e.id_masked}），超过允许的 {conf.prepay_max_months} 个月（原则上按月收取）。"
        )
        _raise(result, e.institution, PREPAID_MONTHS.code, reason, e, on)


def _refunds(result: CheckResult, group: QuerySet[FeeEntry], conf: DepositPolicy, on: dt.date) -> None:
    limit = dt.timedelta(days=conf.refund_days)
    # Not (fully) refunded although the period has passed …
    unpaid = group.filter(contract_ended_on__lt=on - limit, refunded_amount__lt=F("amount"))
    # … or refunded, but after the period (candidates in SQL, the period per row in Python).
    late = group.filter(
        contract_ended_on__isnull=False,
        refunded_amount__gte=F("amount"),
        refunded_on__gt=F("contract_ended_on"),
    )
    for e in unpaid.order_by("pk"):
        due = e.contract_ended_on + limit  # type: ignore[operator]
        reason = (
            f"老人 {e.id_masked} 的服务合同于 {e.contract_ended_on:%Y-%m-%d} 终止，"
            f"{e.get_kind_display()}尚有 {_yuan(e.outstanding)} 未退，"
            f"已超过 {conf.refund_days} 日的退费期限（{due:%Y-%m-%d}）。"
        )
        _raise(result, e.institution, REFUND_LATE.code, reason, e, on)
    for e in late.order_by("pk"):
        due = e.contract_ended_on + limit  # type: ignore[operator]
        if e.refunded_on and e.refunded_on > due:  # type: ignore[operator]
            reason = (
                f"老人 {e.id_masked} 的服务合同于 {e.contract_ended_on:%Y-%m-%d} 终止，"
                f"{e.get_kind_display()}于 {e.refunded_on:%Y-%m-%d} 才退还，"
                f"超过 {conf.refund_days} 日的退费期限（{due:%Y-%m-%d}）。"
            )
            _raise(result, e.institution, REFUND_LATE.code, reason, e, on)


def held_by_institution(entries: QuerySet[FeeEntry], on: dt.date) -> dict[int, Decimal]:
    """Deposits, guarantees and prepaid fees held on ``on``, per institution id."""
    held: dict[int, Decimal] = defaultdict(lambda: ZERO)
    capped = (
        entries.filter(kind__in=CAPPED_KINDS, received_on__lte=on)
        .values("institution")
        .annotate(total=Sum(HELD))
        .values_list("institution", "total")
    )
    for inst_id, total in capped:
        held[inst_id] += max(total or ZERO, ZERO)
    prepaid = entries.filter(kind=FeeKind.PREPAID, received_on__lte=on).filter(
        Q(refunded_amount__lt=F("amount"))
    )
    for inst_id, amount, refunded, received, months in prepaid.values_list(
        "institution", "amount", "refunded_amount", "received_on", "months_covered"
    ):
        held[inst_id] += prepaid_held(amount, refunded, received, months, on)
    return dict(held)


def balances_by_institution(
    institutions: QuerySet[Institution], on: dt.date
) -> dict[int, tuple[Decimal, int, EscrowAccount]]:
    """(latest balance summed over active accounts, number of accounts, first account) per
    institution id; an account without any balance report counts as zero."""
    latest = BalanceReport.objects.filter(account=OuterRef("pk"), as_of__lte=on).order_by("-as_of", "-pk")
    accounts = (
        EscrowAccount.objects.filter(institution__in=institutions, status=AccountStatus.ACTIVE)
        .annotate(latest_balance=Subquery(latest.values("balance")[:1]))
        .order_by("pk")
    )
    out: dict[int, tuple[Decimal, int, EscrowAccount]] = {}
    for account in accounts:
        balance = account.latest_balance or ZERO  # type: ignore[attr-defined]
        if account.institution_id in out:
            total, count, first = out[account.institution_id]
            out[account.institution_id] = (total + balance, count + 1, first)
        else:
            out[account.institution_id] = (balance, 1, account)
    return out


def _coverage(
    result: CheckResult, institutions: QuerySet[Institution], entries: QuerySet[FeeEntry], on: dt.date
) -> None:
    held = held_by_institution(entries, on)
    if not held:
        return
    balances = balances_by_institution(institutions.filter(pk__in=list(held)), on)
    by_id = Institution.objects.in_bulk([i for i, amount in held.items() if amount > 0])
    for inst_id, amount in sorted(held.items()):
        if amount <= 0 or inst_id not in by_id:
            continue
        institution = by_id[inst_id]
        if inst_id not in balances:
            reason = f"机构收取押金、预收费未退余额 {_yuan(amount)}，但未登记在用的资金监管专户。"
            _raise(result, institution, MISSING.code, reason, None, on)
            continue
        balance, count, first = balances[inst_id]
        if balance < amount:
            reason = (
                f"截至 {on:%Y-%m-%d}，押金、保证金与预收费未退余额 {_yuan(amount)}，"
                f"监管专户（{count} 个）最新余额合计 {_yuan(balance)}，缺口 {_yuan(amount - balance)}。"
            )
            _raise(result, institution, SHORTFALL.code, reason, first, on)


# --- the response clock ------------------------------------------------------------------------


def flag_respond(flag: FundFlag, *, actor: Any, text: str) -> Any:
    """机构说明情况: staff record the institution's explanation of a deposit flag, which meets the
    flag's response clock (the flag stays open until it is reviewed with ``flag_review``)."""
    from django.core.exceptions import ValidationError

    from supervision.core.audit import create_audited

    from ..models import FlagResponse

    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写机构的说明。"})
    with transaction.atomic():
        locked = FundFlag.objects.select_for_update().get(pk=flag.pk)
        policy.require(actor, locked, "review")
        if locked.status == FlagStatus.CLOSED:
            raise ValidationError({"text": "该疑点已办结。"})
        response = FlagResponse(flag=locked, text=text, recorded_by=policy.as_user(actor))
        create_audited(response, policy.as_user(actor), "respond_flag")
        deadline_meet(locked, RESPONSE_RULE, by=response)
        return response


@register_stage_handler(RESPONSE_RULE, "*escalate")
def flag_response_lapsed(deadline: Any, stage: str, now: dt.datetime) -> None:
    """The institution did not answer in time: record the escalation on the flag once (the
    engine has notified the department's leaders). A flag closed meanwhile needs no answer:
    its clock is met instead."""
    from supervision.core.audit import audit

    flag = FundFlag.objects.filter(pk=deadline.object_id).first()
    if flag is None:
        return
    if flag.status == FlagStatus.CLOSED:
        deadline_meet(flag, RESPONSE_RULE, at=now)
        return
    _escalation, created = FlagEscalation.objects.get_or_create(
        flag=flag, defaults={"deadline": deadline, "escalated_at": now}
    )
    if created:
        audit(flag, None, "escalate_flag", {"escalated_at": (None, now.isoformat())})
