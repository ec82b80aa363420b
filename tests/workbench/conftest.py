"""A county for the workbench, built from factories on ``world``: the personas of the brief
(lead inspector yanggu_mz, fire rescue yanggu_xf, the leader, a liaison of civil affairs, the
博济桥 township post) and one piece of work of each kind in another 阳谷 township:

* a draft referral of 阳谷县民政 (待发抄告), a referral answered by fire rescue (待互认) and a
  sent one fire rescue has not acknowledged (待接收);
* fire rescue's rectification notice with an item the institution reported back (待验收);
* a public fire complaint routed to fire rescue (待核实).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from supervision.core.models import Domain, Role, User
from tests.factories import AssignmentFactory, RegionFactory, UserFactory
from tests.institutions.factories import InstitutionFactory


@dataclass
class County:
    mz: User
    xf: User
    leader: User
    liaison: User
    township: User
    town: Any  # 侨润街道: where the work lies (not the township post's)
    homes: list[Any]
    draft: Any
    responded: Any
    sent: Any
    fire_item: Any
    complaint: Any


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT


def post(username: str, department: Any, region: Any, role: str = Role.INSPECTOR) -> User:
    user = UserFactory(username=username, display_name=username)
    AssignmentFactory(user=user, department=department, region=region, role=role)
    return user


@pytest.fixture
def county(world) -> County:
    from inspections import services as inspection_services
    from inspections.complaints import services as complaint_services
    from inspections.rectification import services as rectification
    from supervision.referrals import services as referrals

    town = RegionFactory(code="371521101000", name="侨润街道", level=4, parent=world.yanggu)
    liaison = post("yanggu_liaison", world.mz, world.yanggu, Role.LIAISON)
    township = post("bojiqiao_mz", world.mz, world.yanggu_town)
    homes = [InstitutionFactory(name=f"阳谷县侨润{i}号养老院", region=town, status="filed") for i in range(3)]

    def refer(inst: Any, title: str) -> Any:
        return referrals.refer(
            inst,
            domain="fire",
            from_department=world.mz,
            from_region=world.yanggu,
            user=world.yanggu_mz,
            title=title,
            description="二楼安全出口堵塞。",
            institution_name=inst.name,
            credit_code=inst.credit_code,
            found_on=dt.date(2026, 11, 25),
        )

    draft = refer(homes[0], "待发的消防问题抄告")
    responded = refer(homes[1], "已反馈的消防问题抄告")
    referrals.referral_send(responded, actor=world.yanggu_mz, on=dt.date(2026, 11, 26))
    referrals.referral_acknowledge(responded, actor=world.yanggu_xf)
    referrals.referral_respond(
        responded, actor=world.yanggu_xf, action_taken="现场复查", result="已清理安全出口"
    )
    sent = refer(homes[2], "待接收的消防问题抄告")
    referrals.referral_send(sent, actor=world.yanggu_mz, on=dt.date(2026, 11, 27))

    finding = inspection_services.finding_create(
        homes[0],
        Domain.objects.get(code="fire"),
        actor=world.yanggu_xf,
        description="应急照明灯损坏",
        found_on=dt.date(2026, 11, 20),
    )
    spec = rectification.ItemSpec(
        finding=finding,
        legal_basis="《消防法》第十六条",
        requirement="立即更换应急照明灯",
        period_workdays=10,
    )
    notice = rectification.notice_create(homes[0], [spec], actor=world.yanggu_xf)
    rectification.notice_issue(notice, actor=world.yanggu_xf, on=dt.date(2026, 11, 23))
    fire_item = notice.items.get()
    rectification.item_respond(
        fire_item, actor=world.yanggu_xf, action_taken="已更换", on=dt.date(2026, 11, 30)
    )

    complaint = complaint_services.complaint_submit_public(
        content="三楼安全出口被杂物堵死。",
        institution=homes[1],
        category="fire",
        name="投诉人甲",
        phone="13812345678",
        received_at=timezone.make_aware(dt.datetime(2026, 11, 30, 10, 0)),
    )
    for obj in (draft, responded, sent, fire_item, complaint):
        obj.refresh_from_db()
    return County(
        mz=world.yanggu_mz,
        xf=world.yanggu_xf,
        leader=world.yanggu_leader,
        liaison=liaison,
        township=township,
        town=town,
        homes=homes,
        draft=draft,
        responded=responded,
        sent=sent,
        fire_item=fire_item,
        complaint=complaint,
    )
