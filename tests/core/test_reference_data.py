"""The shipped reference data: real division codes, departments and the remit matrix."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from supervision.core.models import Department, Domain, Region, RegionLevel, Remit, RemitRole

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference(db):
    call_command("load_reference_data", verbosity=0)


def names_under(code: str) -> dict[str, str]:
    return dict(Region.objects.filter(parent__code=code).values_list("code", "name"))


def test_yanggu_county_with_all_its_townships(reference):
    yanggu = Region.objects.get(code="371521000000")
    assert yanggu.name == "阳谷县" and yanggu.level == RegionLevel.COUNTY
    assert yanggu.full_name() == "山东省聊城市阳谷县"
    townships = names_under("371521000000")
    assert len(townships) == 18
    assert townships["371521001000"] == "博济桥街道"
    assert townships["371521112000"] == "张秋镇"
    assert townships["371521203000"] == "大布乡"
    communities = names_under("371521001000")
    assert communities["371521001001"] == "金谷社区居民委员会"
    assert all(Region.objects.get(code=c).level == RegionLevel.COMMUNITY for c in communities)


def test_sibling_county_dongchangfu(reference):
    dongchangfu = Region.objects.get(code="371502000000")
    assert dongchangfu.parent.code == "371500000000" and dongchangfu.parent.name == "聊城市"
    assert names_under("371502000000")["371502001000"] == "古楼街道"


def test_nankai_district_hangs_under_tianjin_with_its_streets(reference):
    nankai = Region.objects.get(code="120104000000")
    assert nankai.name == "南开区"
    assert nankai.parent.code == "120000000000"  # the 市辖区 placeholder is skipped
    streets = names_under("120104000000")
    assert len(streets) == 12 and streets["120104012000"] == "华苑街道"


def test_inner_mongolia_has_its_twelve_leagues_and_cities(reference):
    units = names_under("150000000000")
    assert len(units) == 12
    assert {"兴安盟", "锡林郭勒盟", "阿拉善盟", "呼和浩特市", "鄂尔多斯市", "呼伦贝尔市"} <= set(
        units.values()
    )
    assert units["152900000000"] == "阿拉善盟"


def test_chuxiong_prefecture_has_its_ten_counties_and_cities(reference):
    counties = names_under("532300000000")
    assert counties == {
        "532301000000": "楚雄市",
        "532302000000": "禄丰市",
        "532322000000": "双柏县",
        "532323000000": "牟定县",
        "532324000000": "南华县",
        "532325000000": "姚安县",
        "532326000000": "大姚县",
        "532327000000": "永仁县",
        "532328000000": "元谋县",
        "532329000000": "武定县",
    }
    assert Region.objects.get(code="532300000000").parent.name == "云南省"


def test_youyang_county_with_its_townships(reference):
    youyang = Region.objects.get(code="500242000000")
    assert youyang.name == "酉阳土家族苗族自治县"
    assert youyang.parent.code == "500000000000"  # 重庆市, not the 县 placeholder
    townships = names_under("500242000000")
    assert len(townships) == 39
    assert townships["500242108000"] == "龚滩镇"


def test_every_region_below_a_province_has_an_ancestor_parent(reference):
    assert not Region.objects.filter(parent__isnull=True).exclude(level=RegionLevel.PROVINCE).exists()
    for region in Region.objects.exclude(parent=None).select_related("parent").iterator():
        assert region.code.startswith(region.parent.prefix)
        assert region.parent.level < region.level


def test_fire_rescue_owns_fire_and_civil_affairs_leads(reference):
    fire = Remit.objects.get(department__code="fire_rescue", domain__code="fire")
    assert fire.role == RemitRole.RESPONSIBLE
    assert "消防监督检查" in fire.duty and "002 附件 第12项" in fire.source
    civil = Department.objects.get(code="civil_affairs")
    assert civil.is_lead and civil.short_name == "民"
    assert list(Department.objects.filter(is_lead=True)) == [civil]
    assert Remit.objects.get(department=civil, domain__code="operations").role == RemitRole.LEAD


@pytest.mark.parametrize(
    ("domain", "department"),
    [
        ("food", "market_regulation"),
        ("special_equipment", "market_regulation"),
        ("building", "housing_construction"),
        ("medical", "health"),
        ("medical_insurance", "medical_security"),
        ("land", "natural_resources"),
        ("environment", "ecology_environment"),
        ("elder_abuse", "public_security"),
        ("prices", "market_regulation"),
    ],
)
def test_the_matrix_routes_each_domain_to_its_department(reference, domain, department):
    responsible = Department.objects.filter(remits__domain__code=domain, remits__role=RemitRole.RESPONSIBLE)
    assert department in {d.code for d in responsible}


def test_every_remit_cites_its_source_and_every_department_has_a_short_name(reference):
    assert Remit.objects.count() >= 40
    assert not Remit.objects.filter(source="").exists()
    assert not Remit.objects.filter(duty="").exists()
    short_names = list(Department.objects.values_list("short_name", flat=True))
    assert all(len(s) == 1 for s in short_names)
    assert len(set(short_names)) == len(short_names)  # a document number must name one department
    assert Department.objects.count() >= 25
    assert set(Domain.objects.values_list("code", flat=True)) >= {
        "fire", "food", "building", "special_equipment", "medical", "operations", "medical_insurance",
        "fiscal_funds", "land", "environment", "illegal_fundraising", "elder_abuse", "prices",
        "staff_qualification", "drugs", "emergency", "fees", "registration",
    }  # fmt: skip


def test_loading_twice_changes_nothing(reference):
    counts = (
        Region.objects.count(),
        Domain.objects.count(),
        Department.objects.count(),
        Remit.objects.count(),
    )
    call_command("load_reference_data", verbosity=0)
    assert counts == (
        Region.objects.count(),
        Domain.objects.count(),
        Department.objects.count(),
        Remit.objects.count(),
    )
