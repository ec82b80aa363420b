"""The reconciliation demo: a real run through the services, a township worklist with one task
verified (visible to the county), and an idempotent second seed."""

from __future__ import annotations

import io

import pytest

from institutions.reconciliation import demo
from institutions.reconciliation.models import Classification, ReconciliationRun, WorkItem

pytestmark = pytest.mark.django_db


def test_demo_run_feeds_the_township_worklist(world, town_mz, client_for):
    out = io.StringIO()
    demo.seed(out)
    run = ReconciliationRun.objects.get(source__name=demo.SOURCE)
    assert run.status == "done", run.failure
    assert run.error_rows == 3 and "错误 3 行" in out.getvalue()
    assert run.coverage == "full" and run.confirmed_by == world.yanggu_mz
    # Two new registrations with their township, one whose township is read from its address.
    assert run.counts[Classification.REGISTERED_NOT_FILED] == 3
    assert run.counts[Classification.REGISTERED_NOT_OPERATING] == 1
    assert run.region_derived == 1 and run.file_total == run.total_rows
    verified = WorkItem.objects.filter(run=run).exclude(result="")
    assert verified.count() == 1 and verified.get().verified_by == town_mz
    # The township sees its worklist; the county sees the township's result.
    assert (
        "阳谷县博济桥街道康宁养老服务有限公司"
        in client_for(town_mz).get("/institutions/reconciliation/items/").content.decode()
    )
    county = client_for(world.yanggu_mz).get("/institutions/reconciliation/items/").content.decode()
    assert "实际开展养老服务，符合备案条件" in county

    demo.seed(io.StringIO())
    assert ReconciliationRun.objects.filter(source__name=demo.SOURCE).count() == 1
