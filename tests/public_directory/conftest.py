"""A small public directory: four listed institutions in two counties, plus three that must
never be listed (not operating, unregistered "black", terminated), with personal data in
non-public fields so that privacy tests have something to find."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.cache import cache

from institutions.models import Filing, GradeRating, Institution, InstitutionStatus
from tests.factories import RegionFactory
from tests.institutions.factories import InstitutionFactory, id_number

S = InstitutionStatus
ID_IN_TEXT = id_number(7)
MOBILE = "13812345678"


@pytest.fixture(autouse=True)
def clean_public_cache(settings):
    """The page cache and the throttle live in the (process-wide) cache: start each test clean,
    with a rate no test reaches unless it sets its own."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "public": "10000/min",
        },
    }
    cache.clear()
    yield
    cache.clear()


def grade(inst: Institution, level: int, valid_until: dt.date = dt.date(2099, 1, 1)) -> GradeRating:
    return GradeRating.objects.create(
        institution=inst,
        level=level,
        score_environment=100,
        score_facilities=100,
        score_management=100,
        score_service=500,
        total=800,
        rated_on=dt.date(2026, 1, 10),
        valid_until=valid_until,
    )


@dataclass
class Directory:
    qiaorun: object
    a: Institution  # 阳谷 博济桥, filed, care home, non-profit, 120 beds, grade 3
    b: Institution  # 阳谷 侨润, filed, care home, for-profit, 40 beds
    c: Institution  # 阳谷 侨润, registered not filed, community, public, 0 beds
    d: Institution  # 东昌府 古楼, suspended, care home, public-private, 200 beds, grade 5
    not_operating: Institution
    black: Institution
    terminated: Institution

    @property
    def listed(self) -> list[Institution]:
        return [self.a, self.b, self.c, self.d]


@pytest.fixture
def directory(world) -> Directory:
    qiaorun = RegionFactory(code="371521101000", name="侨润街道", level=4, parent=world.yanggu)
    a = InstitutionFactory(
        name="阳谷县博济桥街道福寿养老院",
        status=S.FILED,
        nature="non_profit",
        region=world.yanggu_town,
        address="振兴路 1 号",
        beds=120,
        legal_representative="王小明",
        principal="李大山",
        contact_phone=MOBILE,
        complaint_phone="0635-6212345",
        introduction=f"负责人身份证 {ID_IN_TEXT}，手机 13912345678",
        service_items="生活照料、康复护理",
        fee_standards="床位费 800 元/月",
        food_licence="JY13715210000001",
    )
    Filing.objects.create(
        institution=a,
        submitted_on=dt.date(2026, 3, 2),
        applicant=f"王小明 {MOBILE}",
        note=f"身份证 {ID_IN_TEXT}",
        commitment_text="本机构郑重承诺：遵守建筑、消防、食品、医疗卫生安全规定和国家标准。",
    )
    grade(a, 3)
    grade(a, 1, valid_until=dt.date(2020, 1, 1))  # expired: never the current grade
    b = InstitutionFactory(
        name="阳谷县侨润街道康乐老年公寓",
        status=S.FILED,
        nature="for_profit",
        region=qiaorun,
        address="侨润路 5 号",
        beds=40,
    )
    c = InstitutionFactory(
        name="阳谷县侨润街道日间照料中心",
        status=S.REGISTERED_NOT_FILED,
        kind="community",
        nature="public",
        region=qiaorun,
        address="金水路 8 号",
        beds=0,
    )
    d = InstitutionFactory(
        name="东昌府区古楼街道颐和护理院",
        status=S.SUSPENDED,
        nature="public_private",
        region=world.dongchangfu_town,
        address="古楼路 3 号",
        beds=200,
    )
    grade(d, 5)
    not_operating = InstitutionFactory(
        name="阳谷县博济桥街道未开展养老服务公司", status=S.REGISTERED_NOT_OPERATING, region=world.yanggu_town
    )
    black = InstitutionFactory(
        credit_code=None,
        name="张某某家庭托老点",
        status=S.UNREGISTERED,
        registration_authority="none",
        region=world.yanggu_town,
        address="博济桥街道某小区 3 号楼",
        legal_representative="张某某",
        contact_phone="13700001111",
    )
    terminated = InstitutionFactory(
        name="阳谷县博济桥街道夕阳红养老院", status=S.TERMINATED, region=world.yanggu_town, beds=30
    )
    return Directory(qiaorun, a, b, c, d, not_operating, black, terminated)
