"""The registry's contract (periods, registration, compute) and /api/v1/indicators/."""

from __future__ import annotations

import datetime as dt

import pytest

from supervision import indicators
from supervision.indicators import Indicator, Period


def test_periods_and_their_keys():
    assert Period.month(2026, 2) == Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28), "2026年2月")
    assert Period.quarter(2026, 4).start == dt.date(2026, 10, 1)
    assert Period.half(2026, 1).label == "2026年上半年"
    for p in (Period.year(2026), Period.half(2026, 2), Period.quarter(2026, 3), Period.month(2026, 11)):
        assert Period.parse(p.key) == p
    with pytest.raises(ValueError):
        Period.parse("2026H3")


def test_a_code_cannot_be_registered_with_another_meaning():
    ind = indicators.get("institutions.total")
    indicators.register(ind)  # the same again (a re-import) is fine
    with pytest.raises(ValueError):
        indicators.register(Indicator(ind.code, "别的", "别的口径", "家", "", ind.rows))


def test_percent_rounds_and_refuses_to_divide_by_zero():
    assert str(indicators.percent(1, 3)) == "33.3"
    assert indicators.percent(1, 0) is None


def test_every_dashboard_indicator_names_its_source_and_list():
    from supervision.dashboard.figures import chart_codes
    from supervision.dashboard.layout import SECTIONS

    for section in SECTIONS:
        for chart in section.charts:
            for code in chart_codes(chart):
                ind = indicators.get(code)
                assert ind.source and ind.definition and ind.unit and ind.list_url, code


def test_api_lists_definitions_and_computes_a_value(world, api_for):
    from tests.institutions.factories import InstitutionFactory

    InstitutionFactory(region=world.yanggu_town)
    api = api_for(world.yanggu_leader)
    listed = api.get("/api/v1/indicators/", {"group": "机构概况"}).json()
    assert {"code": "institutions.total", "unit": "家"}.items() <= next(
        i for i in listed if i["code"] == "institutions.total"
    ).items()
    one = api.get("/api/v1/indicators/institutions.total/", {"period": "2026H2"}).json()
    assert (one["value"], one["region"], one["period_label"]) == (1, world.yanggu.code, "2026年下半年")
    assert one["rows_url"] == "/institutions/?region=371521000000"
    assert api.get("/api/v1/indicators/institutions.total/", {"period": "2026H9"}).status_code == 400
    outside = api.get("/api/v1/indicators/institutions.total/", {"region": world.dongchangfu.code})
    assert outside.status_code == 404
    assert api.get("/api/v1/indicators/no.such/").status_code == 404


def test_api_is_in_the_schema(client):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/indicators/{code}/" in schema
