"""Browser flow: run a draw, record an inspection with a failed fire item, see the finding."""

from __future__ import annotations

import pytest

from inspections.models import InspectionItem
from tests.factories import DomainFactory, RemitFactory
from tests.inspections.factories import InspectorFactory, PlanFactory
from tests.institutions.factories import InstitutionFactory, credit_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setup(world):
    if not InspectionItem.objects.filter(code="fire-passages").exists():
        from inspections.starter import load_starter_items
        from supervision.core.models import Domain

        load_starter_items(Domain, InspectionItem)
    RemitFactory(department=world.mz, domain=DomainFactory(code="operations"), role="lead")
    for i in range(4):
        InstitutionFactory(region=world.yanggu_town, credit_code=credit_code(500 + i), status="filed")
    for _ in range(4):
        InspectorFactory(department=world.mz, region=world.yanggu)
    return PlanFactory(
        region=world.yanggu, department=world.mz, sampling_ratio="0.5", title="阳谷县年度抽查计划"
    )


def test_draw_inspect_and_see_finding(setup, world, page, live_server, login_page):
    page.on("dialog", lambda d: d.accept())
    login_page("yanggu_mz", world.password)
    page.goto(f"{live_server.url}/inspections/plans/{setup.pk}/")
    page.click("#draw-create")
    seed_hash = page.inner_text("#seed-hash")
    assert len(seed_hash) == 64
    page.click("#draw-execute")
    assert page.locator("#draw-result tbody tr").count() == 2
    page.click("#draw-reveal")
    assert page.locator("#seed").is_visible()
    # Open the first drawn inspection and its checklist.
    page.locator("a[href^='/inspections/']", has_text="养老院").first.click()
    page.click("#open-checklist")
    fire = InspectionItem.objects.get(code="fire-passages")
    page.click(f"label[for='item-{fire.pk}-fail']")
    page.fill(f"#note-{fire.pk}", "二楼疏散通道堆放杂物")
    page.select_option(f"#severity-{fire.pk}", "major")
    page.click("#checklist-save")
    assert page.locator(f"#item-card-{fire.pk}.border-danger").count() == 1
    page.goto(f"{live_server.url}/inspections/findings/")
    row = page.locator("#finding-list tbody tr").first
    assert "二楼疏散通道堆放杂物" in row.inner_text()
    assert "挂牌督办" in row.inner_text()
    # The public page re-runs the draw and agrees.
    page.goto(f"{live_server.url}/public/inspections/")
    page.locator("a[href^='/public/inspections/draws/']").first.click()
    page.click("#verify")
    assert "复核一致" in page.inner_text("#verify-result")
