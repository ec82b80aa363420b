"""Demo data: three complaints at the demo's 阳谷 institutions, one from each channel a citizen
or the hotline uses, routed by the remit matrix: a fire hazard (web, to fire rescue), spoiled
food (a 12345 work order, to market regulation) and a care complaint with no domain (web, to
civil affairs, already answered). Their complainants' names and mobiles are made up, and
show the masking on staff pages. Idempotent: does nothing once a complaint exists."""

from __future__ import annotations

from typing import Any


def seed(stdout: Any) -> None:
    from institutions.models import Institution, InstitutionStatus
    from supervision.core.models import User
    from supervision.core.policy import SYSTEM

    from . import services
    from .models import Complaint

    if Complaint.objects.exists():
        stdout.write("complaints: demo data already present\n")
        return
    homes = list(
        Institution.objects.filter(
            region__code__startswith="371521", status=InstitutionStatus.FILED, credit_code__isnull=False
        ).order_by("pk")[:2]
    )
    if len(homes) < 2:
        stdout.write("complaints: no filed demo institutions, skipped\n")
        return
    staff = {u.username: u for u in User.objects.filter(username__in=["yanggu_mz"])}
    services.complaint_submit_public(
        content="三楼安全出口被杂物堵塞，夜间只有一名值班人员，担心发生火灾时老人无法疏散。",
        institution=homes[0],
        category="fire",
        name="张建国",
        phone="13805351234",
    )
    # Civil affairs takes the 12345 orders of its county; the routing sends this one on.
    services.complaint_register_hotline(
        actor=staff.get("yanggu_mz", SYSTEM),
        hotline_number="12345-20261125-0087",
        content="来电人反映机构食堂饭菜变质，近两天有几位老人腹泻。",
        institution=homes[1],
        category="food",
        name="李秀英",
        phone="13963501122",
    )
    care = services.complaint_submit_public(
        content="护理员态度恶劣，老人按呼叫铃长时间无人应答。",
        institution=homes[0],
    )
    services.complaint_reply(
        care,
        actor=staff.get("yanggu_mz", SYSTEM),
        findings="经调阅呼叫记录和现场询问，夜班呼叫响应超过 10 分钟的情况属实。",
        reply="已约谈机构负责人，责令增加夜班护理员并每日抽查呼叫响应记录，一个月后复查。",
        outcome="upheld",
    )
    stdout.write("complaints: 3 demo complaints (web, 12345, answered)\n")
