"""A township's verification that an unfiled institution actually operates opens the registry's
20-working-day ``unfiled.onsite_check`` clock; other results do not."""

from __future__ import annotations

import pytest

from institutions.models import Institution
from institutions.reconciliation import services
from institutions.reconciliation.models import RunStatus, WorkItem
from supervision.deadlines.services import open_deadlines_for
from tests.reconciliation.conftest import start, upload
from tests.reconciliation.test_atomicity_and_scoping import small_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def done_run(world, town2, market_source, tmp_path, django_capture_on_commit_callbacks):
    run = start(
        upload(world.yanggu_mz, small_file(tmp_path), market_source),
        world.yanggu_mz,
        None,
        django_capture_on_commit_callbacks,
    )
    assert run.status == RunStatus.DONE, run.failure
    return run


def rules(inst):
    return {d.rule.code for d in open_deadlines_for(inst)}


@pytest.mark.parametrize("result", ["operating_fileable", "operating_not_qualified"])
def test_operating_result_opens_unfiled_clock(world, town2, done_run, town_mz, result):
    item = WorkItem.objects.get(run=done_run, region=world.yanggu_town)
    inst = Institution.objects.get(pk=item.institution_id)
    assert "unfiled.onsite_check" not in rules(inst)
    services.work_item_verify(item, actor=town_mz, result=result, notes="现场有 6 位老人入住")
    inst.refresh_from_db()
    (clock,) = [d for d in open_deadlines_for(inst) if d.rule.code == "unfiled.onsite_check"]
    assert inst.unfiled_discovered_on == clock.start and "登记数据比对" in clock.note
    # Re-verifying does not open a second clock.
    services.work_item_verify(item, actor=town_mz, result=result, notes="复核")
    assert [d.rule.code for d in open_deadlines_for(inst)].count("unfiled.onsite_check") == 1


def test_other_results_open_no_clock(world, town2, done_run, town_mz):
    item = WorkItem.objects.get(run=done_run, region=world.yanggu_town)
    services.work_item_verify(item, actor=town_mz, result="closed")
    assert "unfiled.onsite_check" not in rules(Institution.objects.get(pk=item.institution_id))


def test_verification_page_opens_clock_and_stays_scoped(
    world, town2, done_run, town_mz, town2_mz, client_for
):
    item = WorkItem.objects.get(run=done_run, region=world.yanggu_town)
    url = f"/institutions/reconciliation/items/{item.pk}/"
    assert client_for(town2_mz).post(url, {"result": "operating_fileable"}).status_code == 404
    assert "unfiled.onsite_check" not in rules(Institution.objects.get(pk=item.institution_id))
    assert (
        client_for(town_mz).post(url, {"result": "operating_fileable", "notes": "有老人"}).status_code == 302
    )
    assert "unfiled.onsite_check" in rules(Institution.objects.get(pk=item.institution_id))
