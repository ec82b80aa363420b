"""The page's figures come from one batch (``indicators.batch.compute_many``: a statement per
model, the region table grouped by the child region's code): every one of them, the region
table's cells included, equals ``indicators.compute`` figure by figure, for the viewer the page
is computed for, on the hand-built county (dataset.py) and a level up (the city, whose region
table is its counties)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from supervision import indicators
from supervision.core.models import Region
from supervision.dashboard.figures import compute_payload
from supervision.indicators import Period, batch
from tests.institutions.factories import InstitutionFactory

PERIOD = Period.year(2026)


@pytest.fixture(autouse=True)
def no_plans():
    batch.clear_plans()
    yield
    batch.clear_plans()


def plain(value):
    return float(value) if isinstance(value, Decimal) else value


def every_figure(payload):
    """(code, region code, value) of every figure of the page, parts and the table included."""
    out = []
    for section in payload["sections"]:
        for chart in section["charts"]:
            for item in chart["items"]:
                for figure in [item, *item.get("parts", [])]:
                    out.append((figure["code"], payload["region"]["code"], figure["value"]))
    for child in payload["children"]:
        out += [(cell["code"], child["code"], cell["value"]) for cell in child["cells"] if cell]
    return out


def assert_figure_by_figure(payload, user):
    wrong = {}
    for code, region_code, value in every_figure(payload):
        region = Region.objects.get(code=region_code)
        expected = plain(indicators.compute(code, user, region, PERIOD).value)
        if value != expected:
            wrong[(code, region_code)] = (value, expected)
    assert not wrong, wrong


@pytest.mark.parametrize("persona", ["yanggu_leader", "yanggu_xf", "sysadmin"])
def test_every_figure_of_the_county_page_equals_its_own_compute(world, county, persona):
    user = getattr(world, persona)
    payload = compute_payload(user, world.yanggu, PERIOD)
    cells = [cell for child in payload["children"] for cell in child["cells"]]
    assert len(payload["children"]) == 2 and all(cells)
    assert any(cell["value"] for cell in cells)  # not 0 == 0
    assert_figure_by_figure(payload, user)


def test_the_region_table_of_a_city_equals_its_counties_computed_one_by_one(world, county):
    payload = compute_payload(world.sysadmin, world.liaocheng, PERIOD)
    by_county = {c["name"]: {i["code"]: i["value"] for i in c["cells"]} for c in payload["children"]}
    assert by_county["阳谷县"]["institutions.total"] == 4
    assert by_county["东昌府区"]["institutions.total"] == 1  # the neighbour next door
    assert_figure_by_figure(payload, world.sysadmin)


def test_a_township_leader_gets_the_batch_of_their_own_view(world, county, town_leader):
    payload = compute_payload(town_leader, world.yanggu_town, PERIOD)
    assert_figure_by_figure(payload, town_leader)


def test_the_region_table_is_read_by_child_key_not_a_statement_per_cell(world, county):
    compute_payload(world.yanggu_leader, world.yanggu, PERIOD)
    (plan,) = batch._plans.values()
    grouped = {plan.slots[slot].region.code for statement in plan.groups for slot in statement.by_child_key}
    assert grouped == {"371521100000", "371521103000"}  # both townships, from their county's row sets
    assert not plan.direct and plan.cacheable
    # one statement a model: institutions, findings, notice items, complaints, clocks,
    # penalties, credit grades, fund flags
    assert len(plan.groups) == 8


def test_the_second_page_executes_the_plan_and_reads_todays_rows(world, county):
    first = compute_payload(world.yanggu_leader, world.yanggu, PERIOD)
    InstitutionFactory(region=county.town2, credit_code="52371521MJ0000777X", status="filed")
    with CaptureQueriesContext(connection) as queries:
        second = compute_payload(world.yanggu_leader, world.yanggu, PERIOD)
    (plan,) = batch._plans.values()
    # the children of the county, then one statement a model: no FilterSet, no lookup
    assert len(queries.captured_queries) == 1 + len(plan.groups)
    before = {(c, r): v for c, r, v in every_figure(first)}
    after = {(c, r): v for c, r, v in every_figure(second)}
    assert (
        after[("institutions.total", world.yanggu.code)]
        == before[("institutions.total", world.yanggu.code)] + 1
    )
    assert after[("institutions.total", county.town2.code)] == 3
    assert_figure_by_figure(second, world.yanggu_leader)


def test_a_new_region_forgets_the_plans(world, county):
    compute_payload(world.yanggu_leader, world.yanggu, PERIOD)
    assert batch._plans
    Region.objects.create(code="371521104000", name="新设镇", level=4, parent=world.yanggu)
    assert not batch._plans
    payload = compute_payload(world.yanggu_leader, world.yanggu, PERIOD)
    assert "新设镇" in [c["name"] for c in payload["children"]]
