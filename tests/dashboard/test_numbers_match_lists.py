"""Every number of the dashboard equals the list it links to: for each chart (and the region
table), each figure's rows counted by the registry equal the count the linked staff list shows
to the same user; counts equal their rows, rates their parts. Hand-checked values (EXPECTED)
make sure the equality is not 0 == 0."""

from __future__ import annotations

from decimal import Decimal

import pytest

from supervision import indicators
from supervision.dashboard.figures import chart_items, compute_payload
from supervision.dashboard.layout import CHILD_COLUMNS, SECTIONS
from supervision.indicators import Period

from .dataset import EXPECTED

PERIOD = Period.year(2026)
CHARTS = [chart for section in SECTIONS for chart in section.charts]


def list_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.context["paginator"].count


def check_item(client, user, region, item) -> None:
    ind = indicators.get(item["code"])
    rows = ind.rows(user, region, PERIOD).count()
    shown = list_count(client, item["url"])
    assert shown == rows, f"{item['code']}: dashboard rows {rows}, list {item['url']} shows {shown}"
    if ind.value is None:
        assert item["value"] == rows, item["code"]
    for part in item.get("parts", []):
        check_item(client, user, region, part)
    if item.get("parts"):
        num, den = (p["value"] for p in item["parts"])
        expected = indicators.percent(num, den)
        assert item["value"] == (float(expected) if expected is not None else None), item["code"]


@pytest.mark.parametrize("chart", CHARTS, ids=[c.key for c in CHARTS])
def test_every_number_of_the_chart_is_its_list(chart, world, county, client_for):
    client = client_for(world.yanggu_leader)
    items = chart_items(chart, world.yanggu_leader, world.yanggu, PERIOD)
    assert items, chart.key
    for item in items:
        check_item(client, world.yanggu_leader, world.yanggu, item)


def test_every_number_of_the_region_table_is_its_list(world, county, client_for):
    client = client_for(world.yanggu_leader)
    payload = compute_payload(world.yanggu_leader, world.yanggu, PERIOD)
    assert [c["name"] for c in payload["children"]] == ["博济桥街道", "阿城镇"]
    by_town = {c["name"]: {i["code"]: i for i in c["cells"]} for c in payload["children"]}
    assert by_town["博济桥街道"]["institutions.total"]["value"] == 2
    assert by_town["阿城镇"]["inspections.onsite_coverage_year"]["value"] == 50.0
    for child in payload["children"]:
        region = world.yanggu.children.get(code=child["code"])
        for item in child["cells"]:
            assert item["code"] in CHILD_COLUMNS
            check_item(client, world.yanggu_leader, region, item)


def test_hand_checked_figures(world, county):
    wrong = {}
    for code, expected in EXPECTED.items():
        value = indicators.compute(code, world.yanggu_leader, world.yanggu, PERIOD).value
        if (Decimal(str(value)) if isinstance(expected, Decimal) else value) != expected:
            wrong[code] = (value, expected)
    assert not wrong, wrong


def test_the_page_shows_the_figures_it_links(world, county, client_for):
    """The page itself: each figure's link and number as the payload has them."""
    client = client_for(world.yanggu_leader)
    page = client.get("/dashboard/").content.decode()
    item = next(i for c in chart_items(CHARTS[0], world.yanggu_leader, world.yanggu, PERIOD) for i in [c])
    assert f'data-code="{item["code"]}" href="{item["url"].replace("&", "&amp;")}">{item["display"]}<' in page
    assert "数据更新于" in page
