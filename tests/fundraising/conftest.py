from __future__ import annotations

import datetime as dt

import pytest

from funds.fundraising import services
from tests.factories import AssignmentFactory, DepartmentFactory, DomainFactory, RemitFactory, UserFactory
from tests.institutions.factories import InstitutionFactory

NOV_20 = dt.date(2026, 11, 20)


@pytest.fixture
def finance_world(world):
    """The fund-raising remit of the matrix (000 (三), 002 附件 第3、16项): 公安 and 地方金融监管
    are responsible for illegal fund-raising; one post of each at 阳谷县."""
    domain = DomainFactory(code="illegal_fundraising", name="非法集资")
    jr = DepartmentFactory(code="local_financial_regulation", name="地方金融监管", short_name="金")
    ga = DepartmentFactory(code="public_security", name="公安", short_name="公")
    RemitFactory(department=jr, domain=domain, role="responsible")
    RemitFactory(department=ga, domain=domain, role="responsible")

    def post(username, department):
        user = UserFactory(username=username)
        AssignmentFactory(user=user, department=department, region=world.yanggu)
        return user

    world.jr, world.ga = jr, ga
    world.yanggu_jr = post("yanggu_jr", jr)
    world.yanggu_ga = post("yanggu_ga", ga)
    return world


@pytest.fixture
def home(world):
    return InstitutionFactory(name="阳谷县博济桥街道福寿养老院", status="filed", region=world.yanggu_town)


@pytest.fixture
def risk(finance_world, home):
    return services.risk_record(
        actor=finance_world.yanggu_mz,
        institution=home,
        region=home.region,
        kind="membership_card",
        source="inspection",
        level="high",
        description="机构向入住老人推销“终身会员卡”，一次缴纳 10 万元，承诺年息 8%。",
        amount_involved=1_200_000,
        people_involved=15,
        found_on=NOV_20,
    )
