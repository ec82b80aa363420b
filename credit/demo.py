"""Demo data for the credit app (idempotent): a few credit records on the demo institutions of
阳谷县, their grades, and one joint-punishment listing taken through the whole procedure and
published, so the staff pages and the public list have something to show."""

from __future__ import annotations

import datetime as dt
from typing import Any


def seed(stdout: Any = None) -> None:
    from institutions.models import Institution
    from supervision.core.models import User

    from . import services
    from .models import ListingProposal, ListType

    officer = User.objects.filter(username="yanggu_mz").first()
    leader = User.objects.filter(username="yanggu_leader").first()
    fire = User.objects.filter(username="yanggu_xf").first()
    homes = list(
        Institution.objects.filter(region__code__startswith="371521", credit_code__isnull=False).order_by(
            "pk"
        )[:4]
    )
    if officer is None or leader is None or len(homes) < 4:
        if stdout:
            stdout.write("credit: demo accounts or institutions missing, skipped\n")
        return
    today = services.today()
    # Filing commitments, their verifications and grade ratings of the registry's demo data.
    services.registry_facts_sync(today)
    good, fair, poor, listed = homes
    facts = [
        (good, "commitment_honoured", "备案信用承诺履约核查合格", "阳民备核〔2026〕3号", officer),
        (good, "award", "市级养老服务示范机构", "聊民字〔2026〕15号", officer),
        (fair, "inspection_failed", "双随机检查发现服务记录不全", "阳民检〔2026〕21号", officer),
        (poor, "major_hazard", "疏散通道堆放杂物（重大火灾隐患）", "阳消限字〔2026〕5号", fire or officer),
        (poor, "complaint_upheld", "收费不透明投诉查证属实", "12345-2026-0831", officer),
        (
            listed,
            "major_hazard_overdue",
            "自动喷水灭火系统损坏逾期未整改",
            "阳消限字〔2026〕2号",
            fire or officer,
        ),
    ]
    records = {}
    for inst, kind, title, document, user in facts:
        # The source makes record_fact idempotent: the institution itself stands in for the
        # (not yet existing) source record of the demo.
        records[inst.pk] = services.record_fact(
            inst.credit_code or "",
            kind,
            title=title,
            document=document,
            source=inst,
            effective=today - dt.timedelta(days=60),
            entered_by=user,
        )
    if not ListingProposal.objects.filter(institution=listed, list_type=ListType.JOINT_PUNISHMENT).exists():
        p = services.proposal_create(
            officer,
            listed,
            list_type=ListType.JOINT_PUNISHMENT,
            ground="major_fire_hazard",
            facts="该机构自动喷水灭火系统损坏，经责令限期整改，逾期仍未整改，构成重大火灾隐患。",
            evidence=[records[listed.pk]],
        )
        p = services.proposal_notify(p, actor=officer, on=today - dt.timedelta(days=40))
        p = services.proposal_review(
            p,
            actor=officer,
            opinion="事实清楚，证据确凿，期内未陈述申辩",
            recommend_listing=True,
            on=today - dt.timedelta(days=25),
        )
        p = services.proposal_decide(
            p, actor=leader, list_it=True, opinion="同意列入", on=today - dt.timedelta(days=20)
        )
        services.proposal_publish(p, actor=officer, on=today - dt.timedelta(days=19))
    notified = _notified_for_the_demo_account(officer, today)
    if stdout:
        stdout.write(f"credit: {len(records)} institutions with records, 1 published listing{notified}\n")


DEMO_ACCOUNT_INSTITUTION = "阳谷县福寿养老院"  # the institution of the demo account yanggu_fushou


def _notified_for_the_demo_account(officer: Any, today: dt.date) -> str:
    """A watch-list proposal told to the demo account's institution yesterday, its statement
    window still open, so the institution side (陈述申辩) has something to answer."""
    from institutions.models import Institution

    from . import services
    from .models import ListingProposal, ListType

    inst = Institution.objects.filter(name=DEMO_ACCOUNT_INSTITUTION, credit_code__isnull=False).first()
    if inst is None or ListingProposal.objects.filter(institution=inst).exists():
        return ""
    record = services.record_fact(
        inst.credit_code or "",
        "disclosure_failure",
        title="未按规定在机构醒目位置公示收费标准",
        document="阳民责改〔2026〕9号",
        source=inst,
        effective=today - dt.timedelta(days=30),
        entered_by=officer,
    )
    p = services.proposal_create(
        officer,
        inst,
        list_type=ListType.WATCH,
        ground="disclosure_failure",
        facts="该机构经责令改正后仍未按规定公示收费标准等信息。",
        evidence=[record],
    )
    services.proposal_notify(p, actor=officer, on=today - dt.timedelta(days=1))
    return f", 1 proposal told to {inst.name}"
