"""The county asks its townships for the year's evaluation in one step (004 四(四)): a form for
each township with its report-by clock due on the notice's date, the townships not yet received
listed on the list page; a form returned for correction is owed again on a clock of its own,
met when the corrected form is submitted. The same holds for the statistical reports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from supervision.core.policy import Denied
from supervision.deadlines.models import Deadline
from supervision.evaluation import services
from supervision.evaluation.models import Evaluation
from supervision.reports import services as reports
from supervision.reports.models import Report
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_town(world):
    return RegionFactory(code="371521101000", name="狮子楼街道", level=4, parent=world.yanggu)


def _answer_all(evaluation, actor):
    for entry in evaluation.entries.all():
        services.entry_update(entry, actor=actor, completion="done", completed_text="已完成")


def test_the_county_calls_its_townships_from_the_page(world, township_mz, second_town, client_for):
    client = client_for(world.yanggu_mz)
    page = client.get("/evaluation/new/").content.decode()
    assert "通知下级各单位填报" in page and "报送截止日期" in page
    response = client.post(
        "/evaluation/new/", {"year": "2026", "preparer": "", "scope": "call", "due": "2026-12-04"}
    )
    assert (
        response.status_code == 302 and response["Location"] == "/evaluation/?year=2026&region=371521000000"
    )
    made = Evaluation.objects.filter(year=2026).order_by("region__code")
    assert [e.region.name for e in made] == ["博济桥街道", "狮子楼街道"]
    assert all(e.entries.count() == 50 for e in made)
    clocks = Deadline.objects.filter(rule__code="evaluation.submit", object_id__in=[e.pk for e in made])
    assert {(c.region.name, c.due, c.state) for c in clocks} == {
        ("博济桥街道", dt.date(2026, 12, 4), "open"),
        ("狮子楼街道", dt.date(2026, 12, 4), "open"),
    }
    listing = client.get(response["Location"]).content.decode()
    missing = listing.split('id="evaluation-missing"')[1].split("</div>")[0]
    assert "（2个）" in missing and "博济桥街道" in missing and "狮子楼街道" in missing

    # calling again changes nothing: one form per unit and year
    client.post("/evaluation/new/", {"year": "2026", "preparer": "", "scope": "call", "due": ""})
    assert Evaluation.objects.filter(year=2026).count() == 2

    mine = made.get(region=world.yanggu_town)
    services.evaluation_update(mine, actor=township_mz, preparer="李联络")
    _answer_all(mine, township_mz)
    services.evaluation_submit(mine, actor=township_mz)
    missing = client.get(response["Location"]).content.decode().split('id="evaluation-missing"')[1]
    assert "（1个）" in missing.split("</div>")[0] and "博济桥街道" not in missing.split("</div>")[0]


def test_only_the_level_above_calls_and_a_past_date_is_refused(world, township_mz, second_town):
    with pytest.raises(ValidationError, match="没有下级填报单位"):
        services.evaluation_call(township_mz, region=world.yanggu_town, year=2026)
    with pytest.raises(Denied):  # the sibling county does not call 阳谷县's townships
        services.evaluation_call(world.dongchangfu_mz, region=world.yanggu, year=2026)
    with pytest.raises(ValidationError, match="已过"):
        services.evaluation_call(world.yanggu_mz, region=world.yanggu, year=2026, due=dt.date(2026, 11, 30))
    assert not Evaluation.objects.exists()


def test_a_returned_form_is_owed_again_on_its_own_clock(world, township_mz, second_town):
    mine, _other = services.evaluation_call(world.yanggu_mz, region=world.yanggu, year=2026)
    services.evaluation_update(mine, actor=township_mz, preparer="李联络")
    _answer_all(mine, township_mz)
    mine = services.evaluation_submit(mine, actor=township_mz)
    mine = services.evaluation_return(mine, actor=world.yanggu_mz, reason="4.9 未分类说明原因")
    again = Deadline.objects.get(object_id=mine.pk, rule__code="submission.resubmit")
    # returned on Tuesday 2026-12-01: three working days
    assert again.state == "open" and again.start == dt.date(2026, 12, 1) and again.due == dt.date(2026, 12, 4)
    assert again.region == world.yanggu_town
    services.evaluation_submit(mine, actor=township_mz)
    again.refresh_from_db()
    assert again.state == "met"


def test_a_returned_report_is_owed_again_too(world, township_mz, second_town):
    reports.report_call(world.yanggu_mz, format="monthly", region=world.yanggu, year=2026, number=11)
    mine = Report.objects.get(region=world.yanggu_town, period_key="2026-11")
    reports.report_update(mine, actor=township_mz, preparer="王制表", note="")
    mine = reports.report_submit(mine, actor=township_mz)
    reports.report_return(mine, actor=world.yanggu_mz, reason="检查次数与台账不一致")
    assert Deadline.objects.get(object_id=mine.pk, rule__code="submission.resubmit").state == "open"
    reports.report_submit(mine, actor=township_mz)
    assert Deadline.objects.get(object_id=mine.pk, rule__code="submission.resubmit").state == "met"
