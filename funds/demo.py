"""Demo data of funds, in 阳谷县: three programmes with their 2026 budgets; claims paid, waiting
for 财政 and for 民政, two of them flagged (residents beyond beds; the same resident at two
homes), a draft with an import waiting for confirmation; this quarter's spot check drawn with
one claim checked; a recovery order with a partial repayment. Idempotent: does nothing once a
programme exists. The seeder acts as the explicit system actor (``policy.SYSTEM``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any


def _months_back(today: dt.date, n: int) -> dt.date:
    year, month = today.year, today.month - n
    while month <= 0:
        month += 12
        year -= 1
    return dt.date(year, month, 1)


def seed(stdout: Any) -> None:
    from django.core.exceptions import ValidationError
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from institutions.models import Institution
    from supervision.core.demo import BOJIQIAO, YANGGU
    from supervision.core.models import Domain, Region
    from supervision.core.policy import SYSTEM

    from . import services
    from .models import LineKind, ProgrammeBudget, ProgrammeKind, SubsidyClaim, SubsidyProgramme
    from .services import imports

    if SubsidyProgramme.objects.exists():
        stdout.write("funds: demo data already present\n")
        return
    county = Region.objects.filter(code=YANGGU).first()
    if county is None:
        stdout.write("funds: no 阳谷县 region, skipped\n")
        return
    domain = Domain.objects.filter(code="fiscal_funds").first()
    today = timezone.localdate()
    year = today.year
    basis = "阳谷县养老服务机构建设运营补贴办法（示例，以当地正式文件为准）"
    construction = SubsidyProgramme.objects.create(
        name="养老机构新增床位建设补贴",
        kind=ProgrammeKind.CONSTRUCTION,
        region=county,
        domain=domain,
        unit_amount=Decimal("5000.00"),
        legal_basis="新建养老机构每张新增床位一次性补贴 5000 元",
        source_document=basis,
        valid_from=dt.date(year, 1, 1),
    )
    beds = SubsidyProgramme.objects.create(
        name="养老机构运营补贴（按入住床位）",
        kind=ProgrammeKind.OPERATION_BED,
        region=county,
        domain=domain,
        unit_amount=Decimal("100.00"),
        legal_basis="按实际入住床位每床每月 100 元",
        source_document=basis,
        valid_from=dt.date(year, 1, 1),
    )
    residents = SubsidyProgramme.objects.create(
        name="养老机构运营补贴（按护理等级）",
        kind=ProgrammeKind.OPERATION_RESIDENT,
        region=county,
        domain=domain,
        unit_amount=Decimal("100.00"),
        care_level_rates={
            "self_care": "100",
            "mild": "200",
            "moderate": "300",
            "severe": "400",
            "total": "500",
        },
        legal_basis="按入住老年人护理等级每人每月 100～500 元",
        source_document=basis,
        valid_from=dt.date(year, 1, 1),
    )
    for programme, amount in ((construction, "2000000"), (beds, "1200000"), (residents, "800000")):
        ProgrammeBudget.objects.create(programme=programme, region=county, year=year, amount=Decimal(amount))

    homes = list(
        Institution.objects.filter(
            region__code__startswith=YANGGU[:6], status="filed", credit_code__isnull=False
        )
        .exclude(region__code__startswith=BOJIQIAO[:9])
        .order_by("pk")
    )
    if len(homes) < 3:
        stdout.write("funds: fewer than 3 filed homes in 阳谷县, claims skipped\n")
        return
    usable = []
    for home in homes:
        try:
            services.claims.check_not_restricted(home, beds)
        except ValidationError:
            continue  # a listed home: its claim would be refused (as it should)
        usable.append(home)
    a, b, c = usable[:3]
    for home, n in ((a, 60), (b, 40), (c, 30)):
        if home.beds < n:
            Institution.objects.filter(pk=home.pk).update(beds=n)
            home.beds = n

    def file(home, programme, rows, start, end=None):
        claim = services.claim_create(
            SYSTEM,
            programme=programme,
            institution=home,
            period_start=start,
            period_end=end or start,
            basis_note="示例申报",
        )
        services.claim_add_lines(SYSTEM, claim, rows)
        return claim

    def pay(claim, on):
        services.claim_submit(SYSTEM, claim)
        services.claim_review(SYSTEM, claim, decision="pass")
        services.claim_approve(SYSTEM, SubsidyClaim.objects.get(pk=claim.pk), decision="approve")
        services.claim_pay(
            SYSTEM, SubsidyClaim.objects.get(pk=claim.pk), paid_on=on, reference=f"YG-{claim.pk:05d}"
        )
        return SubsidyClaim.objects.get(pk=claim.pk)

    m3, m2, m1 = (_months_back(today, k) for k in (3, 2, 1))
    paid_on = min(today, m1 + dt.timedelta(days=9))
    # Paid claims (the spot check's population); one will be recovered.
    for home in (a, b, c):
        pay(
            file(
                home,
                beds,
                [{"kind": LineKind.OCCUPIED_BEDS, "month": m, "quantity": 20} for m in (m3, m2)],
                m3,
                m2,
            ),
            paid_on,
        )
    fraud = pay(
        file(b, construction, [{"kind": LineKind.NEW_BEDS, "month": m2, "quantity": 10}], m2), paid_on
    )
    # Waiting for 财政.
    waiting = file(a, beds, [{"kind": LineKind.OCCUPIED_BEDS, "month": m1, "quantity": 25}], m1)
    services.claim_submit(SYSTEM, waiting)
    services.claim_review(SYSTEM, waiting, decision="pass")
    # Flagged: beds beyond the home's beds.
    services.claim_submit(
        SYSTEM, file(c, beds, [{"kind": LineKind.OCCUPIED_BEDS, "month": m1, "quantity": c.beds + 8}], m1)
    )
    # Flagged: the same resident at two homes in the same month.
    from stdnum.cn import ric

    # Demo ID numbers (fictitious, valid check digits): stored only hashed and masked.
    people = [
        b + ric.calc_check_digit(b + "0")
        for b in ("37252219420315001", "37252219381102002", "37252219450723003")
    ]

    def resident(number, name, level):
        return {
            "kind": LineKind.RESIDENT,
            "month": m1,
            "id_number": number,
            "resident_name": name,
            "care_level": level,
        }

    first = file(
        a, residents, [resident(people[0], "王秀英", "moderate"), resident(people[1], "李桂兰", "total")], m1
    )
    services.claim_submit(SYSTEM, first)
    second = file(
        b, residents, [resident(people[0], "王秀英", "moderate"), resident(people[2], "张玉珍", "mild")], m1
    )
    services.claim_submit(SYSTEM, second)
    services.run_rules()
    # A draft with an import waiting for confirmation (one good row, one error).
    draft = services.claim_create(SYSTEM, programme=beds, institution=c, period_start=m1, period_end=m1)
    csv = f"类别,月份,数量\n入住床位,{m1:%Y-%m},18\n入住床位,{m1.year}-13,5\n".encode()
    imports.import_stage(
        SYSTEM, kind="claim_lines", upload=ContentFile(csv, name="申报明细.csv"), region=c.region, claim=draft
    )
    # This quarter's spot check, drawn, one claim checked.
    round_ = services.spot_check_open(county, *services.spotchecks.quarter_of(today))
    try:
        round_ = services.spot_check_commit(round_, actor=SYSTEM, ratio="0.5")
        round_ = services.spot_check_draw(round_, actor=SYSTEM)
        item = round_.items.exclude(claim=fraud).first() or round_.items.first()
        if item is not None:
            services.spot_check_record(
                item,
                actor=SYSTEM,
                result="passed",
                checked_on=today,
                beds_found=item.claim.institution.beds,
                status_ok=True,
                staff_ok=True,
                note="床位、入住人数与申报一致",
            )
    except ValidationError as exc:
        stdout.write(f"funds: spot check not drawn ({'；'.join(exc.messages)})\n")
    # A recovery order with a partial repayment.
    order = services.recovery_issue(
        SYSTEM,
        SubsidyClaim.objects.get(pk=fraud.pk),
        facts="经实地核查，该机构申报的 10 张新增床位中有 6 张实际不存在，虚报新增床位骗取建设补贴。",
        on=today,
    )
    services.repayment_record(SYSTEM, order, amount=Decimal("20000"), paid_on=today, reference="退-0001")
    stdout.write("funds: programmes, claims (2 flagged), a spot check and a recovery order\n")
