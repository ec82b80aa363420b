from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from funds.deposits import services
from tests.institutions.factories import InstitutionFactory, id_number

DEC_1 = dt.date(2026, 12, 1)


@pytest.fixture
def home(world):
    """A filed care home in 阳谷县 (博济桥街道)."""
    return InstitutionFactory(name="阳谷县博济桥街道福寿养老院", status="filed", region=world.yanggu_town)


@pytest.fixture
def account(world, home):
    return services.account_open(
        institution=home,
        actor=world.yanggu_mz,
        bank_name="中国农业银行阳谷支行",
        account_name="阳谷县福寿养老院押金监管专户",
        account_number="6228480012345678901",
        opened_on=dt.date(2026, 1, 5),
    )


@pytest.fixture
def fee(world, home):
    """Record one fee row for ``home`` (defaults: a 3,000 deposit against 2,500 monthly fees)."""
    counter = iter(range(1, 1000))

    def make(**overrides):
        data = {
            "kind": "deposit",
            "resident_name": "张三丰",
            "id_number": id_number(next(counter)),
            "amount": Decimal("3000"),
            "received_on": dt.date(2026, 6, 1),
            "monthly_fee": Decimal("2500"),
        }
        data.update(overrides)
        return services.fee_record(
            institution=overrides.pop("institution", home), actor=world.yanggu_mz, **data
        )

    return make
