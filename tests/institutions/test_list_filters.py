"""The staff list: each filter (region, kind, nature, status, grade, non-standard name, awaiting
check), search by name or code, and the Excel export honouring the same filters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from institutions import services
from tests.institutions.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def homes(world):
    town = world.yanggu_town
    made = {
        "rated": InstitutionFactory(region=town, name="阳谷县福寿养老院", nature="non_profit"),
        "community": InstitutionFactory(
            region=town, name="阳谷县金色阳光日间照料中心", kind="community", nature="for_profit"
        ),
        "odd": InstitutionFactory(region=town, name="幸福晚年托老所", nature="public"),
    }
    services.grade_rate(
        made["rated"],
        actor=world.yanggu_mz,
        scores={
            "score_environment": Decimal(100),
            "score_facilities": Decimal(110),
            "score_management": Decimal(120),
            "score_service": Decimal(500),
        },  # 830: level 3 under the shipped thresholds
        # The grade filter shows the rating valid *today*, so this one date is relative to today
        # (valid for three years from a month ago: true whatever day the suite runs).
        rated_on=dt.date.today() - dt.timedelta(days=30),
    )
    services.filing_submit(
        made["community"],
        actor=world.yanggu_mz,
        submitted_on=dt.date(2026, 9, 28),
        commitment_text="承诺",
        certificate_number="证 1",
    )
    return made


def names(client, query: str) -> set[str]:
    response = client.get(f"/institutions/?{query}&export=xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    return {r[1] for r in rows[1:]}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("kind=community", {"community"}),
        ("kind=care_home", {"rated", "odd"}),
        ("nature=public", {"odd"}),
        ("status=filed", {"community"}),
        ("status=registered_not_filed", {"rated", "odd"}),
        ("grade=3", {"rated"}),
        ("grade=5", set()),
        ("name_nonstandard=true", {"odd"}),
        ("awaiting_check=true", {"community"}),
        ("q=福寿", {"rated"}),
        ("region=371521000000&kind=care_home&nature=non_profit", {"rated"}),
        ("region=371502000000", set()),
    ],
)
def test_filters_and_export(world, client_for, homes, query, expected):
    c = client_for(world.yanggu_mz)
    assert names(c, query) == {homes[k].name for k in expected}
    page = c.get(f"/institutions/?{query}").content.decode()
    for key, inst in homes.items():
        assert (inst.name in page) == (key in expected), (query, key)


def test_search_by_partial_lowercase_code(world, client_for, homes):
    code = homes["odd"].credit_code
    assert names(client_for(world.yanggu_mz), f"q={code[-8:].lower()}") == {homes["odd"].name}
