"""Factories for the institutions registry."""

from __future__ import annotations

import factory
from stdnum.cn import uscc

from institutions.models import Institution, InstitutionKind, InstitutionNature, InstitutionStatus
from tests.factories import RegionFactory


def credit_code(n: int, prefix: str = "52371521") -> str:
    """A valid 18-character credit code: prefix (8) + 9-character organisation code + check."""
    body = f"{prefix}{n:09d}"[:17]
    return body + uscc.calc_check_digit(body)


# Valid resident ID numbers for tests (372522: 阳谷县 before the 1997 recoding, which the
# ID number keeps for people born then; python-stdnum checks the code against the birth year).
def id_number(n: int, area: str = "372522", birth: str = "19800101") -> str:
    from stdnum.cn import ric

    body = f"{area}{birth}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    credit_code = factory.Sequence(lambda n: credit_code(n + 1))
    name = factory.Sequence(lambda n: f"阳谷县福寿{n}号养老院")
    kind = InstitutionKind.CARE_HOME
    nature = InstitutionNature.NON_PROFIT
    status = InstitutionStatus.REGISTERED_NOT_FILED
    region = factory.SubFactory(RegionFactory, code="371521100000", name="博济桥街道", level=4)
    address = "阳谷县博济桥街道振兴路 1 号"
    beds = 80
    complaint_phone = "0635-6212345"
