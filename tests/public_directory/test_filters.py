"""The public directory lists only operating institutions and filters, sorts and paginates them."""

from __future__ import annotations

import pytest

from tests.institutions.factories import InstitutionFactory

from .helpers import codes_of, codes_on_page

pytestmark = pytest.mark.django_db
URL = "/public/institutions/"


def by_name(*insts):
    return codes_of(*sorted(insts, key=lambda i: i.name))


def test_lists_operating_institutions_only_sorted_by_name(client, directory):
    codes = codes_on_page(client.get(URL))
    assert codes == by_name(*directory.listed)
    body = client.get(URL).content.decode()
    for hidden in (directory.not_operating, directory.black, directory.terminated):
        assert hidden.name not in body
    assert "共 4 家机构" in body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "康乐"}, ["b"]),
        ({"q": "金水路"}, ["c"]),  # address
        ({"q": "  福寿 "}, ["a"]),
        ({"kind": "community"}, ["c"]),
        ({"nature": "public_private"}, ["d"]),
        ({"status": "suspended"}, ["d"]),
        ({"status": "registered_not_filed"}, ["c"]),
        ({"grade": "3"}, ["a"]),  # the expired grade-1 rating of a does not count
        ({"grade": "1"}, []),
        ({"beds_min": "40", "beds_max": "120"}, ["a", "b"]),
        ({"beds_min": "121"}, ["d"]),
        ({"beds_max": "0"}, ["c"]),
        ({"region": "371521000000"}, ["a", "b", "c"]),  # county subtree
        ({"region": "371521101000"}, ["b", "c"]),  # township
        ({"region": "371502000000"}, ["d"]),
        ({"region": "371500000000"}, ["a", "b", "c", "d"]),  # city
        ({"region": "371521000000", "kind": "care_home", "beds_min": "50"}, ["a"]),  # combined
        ({"region": "371521000000", "q": "侨润", "status": "filed"}, ["b"]),
    ],
)
def test_each_filter_and_combinations(client, directory, params, expected):
    assert codes_on_page(client.get(URL, params)) == by_name(*[getattr(directory, k) for k in expected])


def test_search_by_credit_code_in_lower_case(client, directory):
    assert codes_on_page(client.get(URL, {"q": directory.b.credit_code.lower()})) == codes_of(directory.b)


def test_status_filter_cannot_reveal_unlisted_statuses(client, directory):
    for status in ("registered_not_operating", "unregistered", "terminated"):
        # not a public status: bad query input (400, the reason in Chinese), never those rows
        response = client.get(URL, {"status": status})
        assert response.status_code == 400
        body = response.content.decode()
        assert "状态" in body
        assert directory.not_operating.credit_code not in body
        assert directory.terminated.credit_code not in body


def test_cascading_region_keeps_only_consistent_levels(client, directory, world):
    # city → county → township of the same county: the township wins
    params = [("region", "371500000000"), ("region", "371521000000"), ("region", "371521101000")]
    qs = "&".join(f"{k}={v}" for k, v in params)
    assert codes_on_page(client.get(f"{URL}?{qs}")) == by_name(directory.b, directory.c)
    # the county changed to 东昌府区 while the township select still holds 侨润街道: county wins
    qs = "region=371500000000&region=371502000000&region=371521101000"
    assert codes_on_page(client.get(f"{URL}?{qs}")) == codes_of(directory.d)
    # an empty township select keeps the county
    qs = "region=371500000000&region=371521000000&region="
    assert codes_on_page(client.get(f"{URL}?{qs}")) == by_name(directory.a, directory.b, directory.c)


def test_region_picker_offers_townships_of_the_chosen_county(client, directory):
    body = client.get(URL, {"region": "371521000000"}).content.decode()
    assert 'value="371521101000"' in body and "侨润街道" in body
    assert 'value="371502001000"' not in body  # 古楼街道 belongs to another county
    partial = client.get("/public/institutions/regions/", {"region": ["371500000000", "371502000000"]})
    assert 'value="371502001000"' in partial.content.decode()


def test_municipality_districts_are_reachable_and_a_lone_region_shows_its_ancestors(client, directory, world):
    """天津市's districts hang directly under the province-level city: the first select must
    offer it, and a link with the district alone must show 天津市 and 南开区 as chosen."""
    import re

    from tests.factories import RegionFactory

    tianjin = RegionFactory(code="120000000000", name="天津市", level=1)
    nankai = RegionFactory(code="120104000000", name="南开区", level=3, parent=tianjin)
    RegionFactory(code="120104001000", name="长虹街道", level=4, parent=nankai)
    home = InstitutionFactory(name="天津市南开区长虹养老院", status="filed", region=nankai)
    body = client.get(URL).content.decode()
    assert 'value="120000000000"' in body and 'value="371500000000"' in body
    assert codes_on_page(client.get(f"{URL}?region=120000000000&region=120104000000")) == codes_of(home)
    body = client.get(URL, {"region": "120104000000"}).content.decode()
    chosen = re.findall(r'<option value="(\d+)" selected>', body)
    assert chosen == ["120000000000", "120104000000"] and 'value="120104001000"' in body
    body = client.get(URL, {"region": "371521101000"}).content.decode()
    assert re.findall(r'<option value="(\d+)" selected>', body) == [
        "371500000000",
        "371521000000",
        "371521101000",
    ]


def test_empty_choice_reads_all_in_chinese(client, directory):
    body = client.get(URL).content.decode()
    assert "---------" not in body and body.count('<option value="" selected>全部</option>') >= 4


def test_sorting(client, directory):
    assert codes_on_page(client.get(URL, {"o": "-beds"})) == codes_of(
        directory.d, directory.a, directory.b, directory.c
    )
    assert codes_on_page(client.get(URL, {"o": "beds"})) == codes_of(
        directory.c, directory.b, directory.a, directory.d
    )
    assert codes_on_page(client.get(URL, {"o": "evil; drop"})) == by_name(*directory.listed)


def test_pagination_covers_every_row_once(client, directory, world):
    extra = [
        InstitutionFactory(name=f"阳谷县博济桥街道第{i:02d}养老院", status="filed", region=world.yanggu_town)
        for i in range(41)
    ]
    expected = by_name(*directory.listed, *extra)  # 45 rows: pages of 20, 20, 5
    pages = [codes_on_page(client.get(URL, {"page": n})) for n in (1, 2, 3)]
    assert [len(p) for p in pages] == [20, 20, 5]
    assert pages[0] + pages[1] + pages[2] == expected
    body = client.get(URL, {"page": 2, "kind": "care_home"}).content.decode()
    assert "?kind=care_home&page=3" in body and "?kind=care_home&page=1" in body
    # out-of-range and junk page numbers fall back to a real page instead of an error
    assert codes_on_page(client.get(URL, {"page": 99})) == pages[2]
    assert codes_on_page(client.get(URL, {"page": "x"})) == pages[0]


def test_empty_state(client, directory):
    body = client.get(URL, {"q": "不存在的机构"}).content.decode()
    assert 'id="directory-empty"' in body


def test_page_is_accessible_markup(client, directory):
    body = client.get(URL).content.decode()
    assert 'role="search"' in body and '<main id="main"' in body
    for field in (
        "id_q",
        "id_kind",
        "id_nature",
        "id_status",
        "id_grade",
        "id_beds_min",
        "id_beds_max",
        "region-city",
    ):
        assert f'for="{field}"' in body and f'id="{field}"' in body
    assert 'name="viewport"' in body
