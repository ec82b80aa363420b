"""Demo data: escrow accounts of two 阳谷 care homes (outside 博济桥街道), their residents'
deposits and prepaid fees, balance reports, and the checks run once: one home is covered, the
other has a shortfall (and a three-month prepayment), so the flag list shows open flags with
their response clocks. Residents' names and ID numbers are made up. Idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any


def _id(n: int) -> str:
    from stdnum.cn import ric

    body = f"37252219{40 + n % 20:02d}0101{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


RESIDENTS = ["王桂兰", "刘振华", "陈淑珍", "赵德明", "孙秀英", "周长青"]


def seed(stdout: Any) -> None:
    from institutions.models import Institution, InstitutionStatus
    from supervision.core.policy import SYSTEM

    from . import services
    from .models import EscrowAccount

    if EscrowAccount.objects.exists():
        stdout.write("deposits: demo data already present\n")
        return
    homes = list(
        Institution.objects.filter(region__code__startswith="371521", status=InstitutionStatus.FILED)
        .exclude(region__code__startswith="371521001")
        .order_by("pk")[:2]
    )
    if len(homes) < 2:
        stdout.write("deposits: no filed demo institutions outside 博济桥街道, skipped\n")
        return
    covered, short = homes
    today = dt.date(2026, 11, 30)
    for n, (home, bank, number) in enumerate(
        [
            (covered, "中国农业银行阳谷县支行", "6228480012345670011"),
            (short, "阳谷农村商业银行", "6230910098765430022"),
        ]
    ):
        account = services.account_open(
            institution=home,
            actor=SYSTEM,
            bank_name=bank,
            account_name=f"{home.name}押金监管专户",
            account_number=number,
            opened_on=dt.date(2025, 3, 1),
        )
        for i, name in enumerate(RESIDENTS[n * 3 : n * 3 + 3]):
            services.fee_record(
                institution=home,
                actor=SYSTEM,
                kind="deposit",
                resident_name=name,
                id_number=_id(n * 10 + i + 1),
                amount=Decimal("10000"),
                received_on=dt.date(2026, 3, 1 + i),
                monthly_fee=Decimal("2600"),
            )
        services.balance_report(
            account,
            actor=SYSTEM,
            as_of=today,
            balance=Decimal("30000") if home is covered else Decimal("18000"),
            source="bank",
            note="监管银行月度对账单",
        )
    services.fee_record(
        institution=short,
        actor=SYSTEM,
        kind="prepaid",
        resident_name="吴玉梅",
        id_number=_id(31),
        amount=Decimal("7800"),
        received_on=dt.date(2026, 11, 2),
        monthly_fee=Decimal("2600"),
        months_covered=3,
    )
    result = services.checks_run(actor=SYSTEM, region=short.region.parent or short.region, on=today)
    stdout.write(f"deposits: 2 escrow accounts, 7 ledger rows, {result.total_raised} flags\n")
