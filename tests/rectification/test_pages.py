"""Staff pages: issue from ticked findings with a preview, my rectifications by due date
(overdue in red) with Excel export, the acceptance page, listed supervision."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from inspections.rectification.models import ListedSupervision, NoticeStatus, RectificationNotice

pytestmark = pytest.mark.django_db

BASE = "/inspections/rectification"


def test_issue_from_ticked_findings_with_preview(world, site, client_for):
    c = client_for(world.yanggu_mz)
    picker = c.get(f"{BASE}/notices/new/").content.decode()
    assert "阳谷县福寿养老院" in picker and "东昌府区古楼养老院" not in picker
    form = c.get(f"{BASE}/notices/new/?institution={site.home.pk}").content.decode()
    assert "夜间值班记录缺失" in form and "二楼东侧安全出口被杂物堵塞" in form
    missing = c.post(
        f"{BASE}/notices/new/",
        {"institution": site.home.pk, "finding": [site.duty.pk], f"period_{site.duty.pk}": "10"},
    )
    assert "请填写法律依据" in missing.content.decode()
    created = c.post(
        f"{BASE}/notices/new/",
        {
            "institution": site.home.pk,
            "finding": [site.duty.pk],
            f"legal_basis_{site.duty.pk}": "《养老机构管理办法》第二十八条",
            f"requirement_{site.duty.pk}": "建立夜间值班记录",
            f"period_{site.duty.pk}": "10",
        },
    )
    notice = RectificationNotice.objects.get()
    assert created.status_code == 302 and notice.status == NoticeStatus.DRAFT
    preview = c.get(f"{BASE}/notices/{notice.pk}/preview/").content.decode()
    assert "预览稿" in preview and "建立夜间值班记录" in preview
    pdf = c.get(f"{BASE}/notices/{notice.pk}/preview/?format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    detail = c.get(f"{BASE}/notices/{notice.pk}/").content.decode()
    assert "data-confirm" in detail
    c.post(f"{BASE}/notices/{notice.pk}/issue/")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ISSUED and notice.number.startswith("阳民整改〔")
    download = c.get(f"/documents/{notice.document_id}/download/")
    assert download["Content-Type"] == "application/pdf"


def test_my_rectifications_by_due_date_overdue_in_red(world, site, issued, client_for):
    issued(site.duty, on=dt.date(2026, 9, 28))
    c = client_for(world.yanggu_mz)
    page = c.get(f"{BASE}/").content.decode()
    assert "table-danger" in page and "已逾期" in page and "夜间值班记录缺失" in page
    export = c.get(f"{BASE}/?progress=overdue&export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "夜间值班记录缺失" not in c.get(f"{BASE}/?progress=done").content.decode()


def test_acceptance_page_refuses_without_acceptor_then_signs(world, site, issued, client_for):
    item = issued(site.duty).items.get()
    c = client_for(world.yanggu_mz)
    c.post(
        f"{BASE}/items/{item.pk}/respond/", {"action_taken": "已补全值班记录", "responded_on": "2026-10-10"}
    )
    refused = c.post(
        f"{BASE}/items/{item.pk}/accept/", {"observed": "记录完整", "reinspected_on": "2026-10-12"}
    )
    assert refused.status_code == 400 and "一验收一签名" in refused.content.decode()
    signed = c.post(
        f"{BASE}/items/{item.pk}/accept/",
        {"acceptor": site.mz_inspector.pk, "observed": "记录完整", "reinspected_on": "2026-10-12"},
    )
    assert signed.status_code == 302
    page = c.get(f"{BASE}/items/{item.pk}/").content.decode()
    assert "验收通过" in page and "李检查" in page


def test_listed_supervision_progress_and_closure(world, site, client_for):
    c = client_for(world.yanggu_mz)
    assert "尚未登记挂牌督办" in c.get(f"{BASE}/listings/").content.decode()
    deadline = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    c.post(
        f"{BASE}/listings/new/{site.fire.pk}/",
        {"supervising_body": "阳谷县人民政府安委会", "deadline": deadline},
    )
    listing = ListedSupervision.objects.get()
    assert (
        c.post(
            f"{BASE}/listings/new/{site.duty.pk}/", {"supervising_body": "x", "deadline": deadline}
        ).status_code
        == 200
    )
    c.post(f"{BASE}/listings/{listing.pk}/progress/", {"text": "已拆除违规隔断", "reported_on": "2026-10-01"})
    c.post(f"{BASE}/listings/{listing.pk}/close/", {"note": "复查合格"})
    listing.refresh_from_db()
    assert listing.status == "closed" and listing.progress.count() == 1
    assert client_for(world.dongchangfu_mz).get(f"{BASE}/listings/{listing.pk}/").status_code == 404


def test_lists_and_api_do_not_grow_queries_with_rows(world, site, issued, client_for, api_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from inspections import services as inspection_services
    from supervision.core.models import Domain

    def counts() -> tuple[int, ...]:
        c, api = client_for(world.yanggu_mz), api_for(world.yanggu_mz)
        out = []
        for get in (
            lambda: c.get(f"{BASE}/?progress=open"),
            lambda: c.get(f"{BASE}/notices/"),
            lambda: api.get("/api/v1/rectifications/"),
        ):
            get()  # warm per-process caches
            with CaptureQueriesContext(connection) as ctx:
                assert get().status_code == 200
            out.append(len(ctx.captured_queries))
        return tuple(out)

    issued(site.duty)
    few = counts()
    operations = Domain.objects.get(code="operations")
    for n in range(4):
        extra = inspection_services.finding_create(
            site.home, operations, actor=world.yanggu_mz, description=f"问题{n}"
        )
        issued(extra)
    assert counts() == few


def test_workbench_panel_shows_due_items_and_drafts_for_leaders(world, site, issued, client_for, engine_day):
    issued(site.duty, on=dt.date(2026, 9, 28))
    engine_day(dt.date(2026, 10, 19))  # the item clock's escalation drafts the order
    page = client_for(world.yanggu_mz).get("/workbench/").content.decode()
    assert "待整改验收" in page and "夜间值班记录缺失" in page
    assert "责令停业整顿决定书待审批" in client_for(world.yanggu_leader).get("/workbench/").content.decode()
