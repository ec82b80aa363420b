"""The computed rows of the form come from one batch per row (``indicators.batch``): each figure
equals ``indicators.compute`` for the same user, whoever fills the form (the county's post,
whose figures are the region-wide reader's; a township's; a partner department's; a post of the
county next door), on the hand-built data set of conftest.py with inspections and findings."""

from __future__ import annotations

import datetime as dt

import pytest

from inspections.models import Finding, Inspection
from supervision import indicators
from supervision.evaluation.data.indicators_004 import COMPUTED
from supervision.evaluation.services import computed_rows
from supervision.indicators import Period, batch
from supervision.reports.services import json_value

pytestmark = pytest.mark.django_db
YEAR = Period.year(2026)


@pytest.fixture
def inspected(world, homes):
    fire = world.xf.remits.first().domain
    for inst, on, status in (
        (homes.a, dt.date(2026, 3, 2), "closed"),
        (homes.b, dt.date(2026, 9, 1), "published"),
    ):
        inspection = Inspection.objects.create(
            institution=inst,
            department=world.mz,
            kind="routine",
            status=status,
            inspected_on=on,
            scheduled_on=on,
        )
        Finding.objects.create(
            institution=inst, inspection=inspection, domain=fire, severity="major", status="rectified",
            description="隐患", found_on=on, supervising_department=world.xf, found_by_department=world.mz,
        )  # fmt: skip
    return homes


@pytest.mark.parametrize("persona", ["yanggu_mz", "township", "yanggu_xf", "dongchangfu_mz"])
def test_every_computed_row_equals_its_figures_one_by_one(world, inspected, township_mz, persona):
    user = township_mz if persona == "township" else getattr(world, persona)
    batch.clear_plans()
    wrong = {}
    for _ in range(2):  # the plan built, then the plan executed
        for number in sorted(COMPUTED):
            for row in computed_rows(number, user, world.yanggu, YEAR):
                expected = json_value(indicators.compute(row["code"], user, world.yanggu, YEAR).value)
                if row["value"] != expected:
                    wrong[row["code"]] = (row["value"], expected)
    assert not wrong, wrong
    if persona == "yanggu_mz":
        rows = {r["code"]: r["value"] for r in computed_rows("3.5", user, world.yanggu, YEAR)}
        assert rows["inspections.eval_covered"] == 2
