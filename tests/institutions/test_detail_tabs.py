"""The institution page: every tab (basic, filings, staff, ratings, drills, history) shows what
the services recorded, and the history reads in Chinese (verbs, field names, choice labels)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from institutions import services
from tests.institutions.factories import id_number

pytestmark = pytest.mark.django_db


def history_tab(body: str) -> str:
    return body.split('id="history"', 1)[1]


def test_every_tab_shows_its_records(world, client_for, yanggu_home):
    actor = world.yanggu_mz
    services.filing_submit(
        yanggu_home,
        actor=actor,
        submitted_on=dt.date(2026, 9, 28),
        commitment_text="本机构承诺如实填报。",
        certificate_number="民证字第 8 号",
    )
    services.filing_change(yanggu_home, actor=actor, submitted_on=dt.date(2026, 11, 2), changes={"beds": 120})
    services.staff_appoint(
        yanggu_home,
        actor=actor,
        name="王芳",
        id_number=id_number(21),
        role="caregiver",
        hired_on=dt.date(2026, 1, 5),
        skill_level="4",
    )
    services.grade_rate(
        yanggu_home,
        actor=actor,
        scores={
            "score_environment": Decimal(110),
            "score_facilities": Decimal(120),
            "score_management": Decimal(140),
            "score_service": Decimal(560),
        },
        rated_on=dt.date(2026, 6, 1),
        rated_by="聊城市民政局",
    )
    plan = services.emergency_plan_add(
        yanggu_home,
        actor=actor,
        kind="fire_evacuation",
        title="灭火和应急疏散预案",
        adopted_on=dt.date(2026, 1, 2),
    )
    services.drill_record(
        yanggu_home, actor=actor, held_on=dt.date(2026, 5, 12), kind="fire", participants=35, plan=plan
    )
    body = client_for(actor).get(f"/institutions/{yanggu_home.pk}/").content.decode()
    for tab in ("basic", "filings", "clocks", "staff", "ratings", "drills", "exits", "history"):
        assert f'id="{tab}"' in body, tab
    assert "本机构承诺如实填报。" in body  # the commitment on the filings tab
    assert "床位数：80 → 120" in body  # the change filing, with the field's Chinese name
    assert "王芳" in body and id_number(21) not in body and id_number(21)[-4:] in body
    assert "聊城市民政局" in body and "五级" in body  # 930 points ≥ the 900 of level 5
    assert "灭火和应急疏散预案" in body and "2026-05-12" in body

    history = history_tab(body)
    verbs = ("提交备案材料", "备案", "变更备案", "登记从业人员", "等级评定", "登记应急预案", "录入应急演练")
    for verb in verbs:
        assert verb in history, verb
    assert "状态：登记未备案 → 已备案" in history
    assert "等级：— → 五级" in history
    assert "filing_submit" not in history and "registered_not_filed" not in history


def test_history_of_an_exit_names_the_plan_and_status(world, client_for, yanggu_home):
    services.institution_terminate(
        yanggu_home,
        actor=world.yanggu_mz,
        effective_on=dt.date(2026, 7, 1),
        reason="举办者决定停办",
        resettlement_plan="12 名老人转入县中心敬老院",
        residents_to_resettle=12,
        asset_disposal_plan="清算后剩余财产用于养老公益事业",
    )
    body = client_for(world.yanggu_mz).get(f"/institutions/{yanggu_home.pk}/").content.decode()
    assert "12 名老人转入县中心敬老院" in body and "待监督" in body
    history = history_tab(body)
    assert "终止服务" in history and "状态：登记未备案 → 终止" in history
    assert "财产处置监管：— → 待监督" in history
