"""Browser: an inspector ticks a finding, previews the notice, issues it (with confirmation)
and downloads the PDF."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from inspections import services as inspection_services
from inspections.rectification.models import RectificationNotice
from supervision.core.models import Domain
from tests.institutions.factories import InstitutionFactory, credit_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def finding(world, settings):
    settings.AXES_ENABLED = False
    home = InstitutionFactory(name="阳谷县福寿养老院", region=world.yanggu_town, credit_code=credit_code(7))
    return inspection_services.finding_create(
        home,
        Domain.objects.get(code="operations"),
        actor=world.yanggu_mz,
        description="夜间值班记录缺失",
        rectification_required="建立并落实夜间值班记录制度",
        found_on=dt.date(2026, 11, 2),
    )


def test_inspector_issues_a_notice_and_downloads_the_pdf(world, finding, live_server, login_page, page):
    page.on("dialog", lambda d: d.accept())
    login_page("yanggu_mz", world.password)
    page.goto(f"{live_server.url}/inspections/rectification/notices/new/")
    page.select_option("#id_institution", label="阳谷县福寿养老院（博济桥街道）")
    page.get_by_role("button", name="下一步").click()
    page.check(f"#finding_{finding.pk}")
    page.fill(f"#legal_basis_{finding.pk}", "《养老机构管理办法》第二十八条")
    assert page.input_value(f"#requirement_{finding.pk}") == "建立并落实夜间值班记录制度"
    page.fill(f"#period_{finding.pk}", "10")
    page.get_by_role("button", name="生成草稿并预览").click()
    page.wait_for_selector("#issue")
    with page.expect_popup() as popup:
        page.click("#preview-html")
    preview = popup.value
    preview.wait_for_load_state()
    assert "预览稿" in preview.content() and "夜间值班记录缺失" in preview.content()
    preview.close()
    page.click("#issue")
    page.wait_for_selector("#download-rectification")
    notice = RectificationNotice.objects.get()
    assert notice.number.startswith("阳民整改〔") and page.inner_text("#notice-number") == notice.number
    with page.expect_download() as download:
        page.click("#download-rectification")
    path = Path(download.value.path())
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5000
    import io

    from pypdf import PdfReader

    text = "".join("".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)
    assert notice.number in text and "阳谷县福寿养老院" in text and "夜间值班记录缺失" in text
    assert f"{notice.items.get().due:%Y年%-m月%-d日}前" in text
    href = page.get_attribute("#download-rectification", "href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.headers["content-type"] == "application/pdf"
    assert int(response.headers.get("content-length", len(response.body()))) == len(data)
