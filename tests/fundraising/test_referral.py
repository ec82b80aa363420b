"""A fund-raising risk is referred to 地方金融监管 and 公安 through the referral mechanism, with
its clocks; who sees it and who may act."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from funds.fundraising import services
from funds.fundraising.models import RiskItem, RiskState
from supervision.core.policy import Denied
from supervision.deadlines.models import Deadline
from supervision.referrals.models import Referral

from .conftest import NOV_20

pytestmark = pytest.mark.django_db


def test_referring_a_risk_opens_a_referral_to_each_department_with_its_sending_clock(finance_world, risk):
    referrals = services.risk_refer(risk, actor=finance_world.yanggu_mz, note="请依法查处")
    assert sorted(r.to_department.code for r in referrals) == [
        "local_financial_regulation",
        "public_security",
    ]
    for r in referrals:
        assert r.from_department.code == "civil_affairs" and r.state == "draft"
        assert r.domain.code == "illegal_fundraising"
        assert (
            "终身会员卡" in r.description and "1,200,000.00 元" in r.description and "15 人" in r.description
        )
        clock = Deadline.objects.get(object_id=r.pk, rule__code="referral.send")
        # 000 (十): written within 7 working days of the day the risk was found (2026-11-20, a Friday)
        assert clock.due == dt.date(2026, 12, 1)
    risk.refresh_from_db()
    assert risk.state == RiskState.REFERRED


def test_referring_again_keeps_the_open_referrals(finance_world, risk):
    first = services.risk_refer(risk, actor=finance_world.yanggu_mz)
    again = services.risk_refer(risk, actor=finance_world.yanggu_mz)
    assert {r.pk for r in again} == {r.pk for r in first}
    assert Referral.objects.count() == 2


def test_police_record_and_refer_to_financial_regulation_only(finance_world, home):
    item = services.risk_record(
        actor=finance_world.yanggu_ga,
        institution=home,
        region=home.region,
        kind="project_investment",
        source="police",
        level="medium",
        description="以投资养老“项目”名义吸收老人资金。",
        found_on=NOV_20,
    )
    assert item.department.code == "public_security"
    referrals = services.risk_refer(item, actor=finance_world.yanggu_ga)
    assert [r.to_department.code for r in referrals] == ["local_financial_regulation"]


def test_a_complaint_source_needs_its_tracking_code(finance_world, home):
    with pytest.raises(ValidationError) as exc:
        services.risk_record(
            actor=finance_world.yanggu_mz,
            institution=home,
            region=home.region,
            kind="prepaid_package",
            source="complaint",
            level="low",
            description="预付费套餐",
            found_on=NOV_20,
        )
    assert "complaint_code" in exc.value.message_dict


def test_who_sees_a_risk(finance_world, risk):
    visible = lambda user: RiskItem.objects.visible_to(user).filter(pk=risk.pk).exists()  # noqa: E731
    assert visible(finance_world.yanggu_mz)
    assert visible(finance_world.yanggu_ga) and visible(finance_world.yanggu_jr)  # their remit
    assert not visible(finance_world.yanggu_xf)  # fire rescue: not its remit
    assert not visible(finance_world.dongchangfu_mz)  # the sibling county


def test_only_the_recording_department_or_civil_affairs_refers_and_closes(finance_world, risk):
    with pytest.raises(Denied):
        services.risk_refer(risk, actor=finance_world.yanggu_xf)
    with pytest.raises(Denied):
        services.risk_close(risk, actor=finance_world.yanggu_jr, outcome="x")
    services.risk_close(risk, actor=finance_world.yanggu_leader, outcome="已移交公安立案侦查。")
    risk.refresh_from_db()
    assert risk.state == RiskState.CLOSED
    with pytest.raises(ValidationError):
        services.risk_refer(risk, actor=finance_world.yanggu_mz)
