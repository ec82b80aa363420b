"""Demo data: a membership-card risk at a 阳谷 care home (outside 博济桥街道) recorded by the
civil-affairs inspector and referred to 地方金融监管 (letter sent) and 公安, plus screenings of
three institutions this year for the coverage page. Idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any


def seed(stdout: Any) -> None:
    from institutions.models import Institution, InstitutionStatus
    from supervision.core.models import Department, User
    from supervision.referrals.services import referral_send

    from . import services
    from .models import RiskItem

    if RiskItem.objects.exists():
        stdout.write("fundraising: demo data already present\n")
        return
    homes = list(
        Institution.objects.filter(region__code__startswith="371521", status=InstitutionStatus.FILED)
        .exclude(region__code__startswith="371521001")
        .order_by("pk")[:3]
    )
    inspector = User.objects.filter(username="yanggu_mz").first()
    if (
        not homes
        or inspector is None
        or not Department.objects.filter(code="local_financial_regulation").exists()
    ):
        stdout.write("fundraising: demo institutions or reference data missing, skipped\n")
        return
    item = services.risk_record(
        actor=inspector,
        institution=homes[0],
        region=homes[0].region,
        kind="membership_card",
        source="inspection",
        level="high",
        description=(
            "检查发现机构向入住老人及家属推销“孝心会员卡”，一次缴纳 5 万元可享八折并“每年返利 6%”，"
            "已售出 12 张。"
        ),
        amount_involved=Decimal("600000"),
        people_involved=12,
        found_on=dt.date(2026, 11, 24),
    )
    referrals = services.risk_refer(
        item, actor=inspector, note="涉嫌以会员卡形式变相吸收公众资金，请依法处置。"
    )
    for referral in referrals:
        if referral.to_department.code == "local_financial_regulation":
            referral_send(referral, actor=inspector, on=dt.date(2026, 11, 26))
    for home in homes:
        services.screening_record(
            institution=home,
            actor=inspector,
            screened_on=dt.date(2026, 11, 24),
            result="risk_found" if home == homes[0] else "no_risk",
            note="专项排查：查看收费台账、宣传资料，询问老人及家属",
        )
    stdout.write(f"fundraising: 1 risk referred to {len(referrals)} departments, {len(homes)} screenings\n")
