"""Browser: an inspector takes the Word draft of a long notice, issues it and downloads the PDF,
whose 署名 and 成文日期 sit on the page of its last paragraph (pdfplumber), under the 红头-less
执法文书 heading with the 发文字号 and the body's official name."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest

from inspections import services as inspection_services
from inspections.rectification import services
from inspections.rectification.models import RectificationNotice
from supervision.core.department_titles import DepartmentTitle
from supervision.core.models import Domain
from tests.institutions.factories import InstitutionFactory, credit_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SCREENSHOT_DIR")


@pytest.fixture
def long_draft(world, settings, tmp_path):
    settings.AXES_ENABLED = False
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    DepartmentTitle.objects.create(
        department=world.mz,
        region=world.yanggu,
        official_name="阳谷县民政局",
        contact_person="王敏",
        contact_phone="0635-6212345",
    )
    home = InstitutionFactory(name="阳谷县福寿养老院", region=world.yanggu_town, credit_code=credit_code(7))
    operations = Domain.objects.get(code="operations")
    specs = []
    for i in range(1, 10):
        finding = inspection_services.finding_create(
            home,
            operations,
            actor=world.yanggu_mz,
            description=f"第{i}处：照护、交接班和夜间巡查记录不完整，部分记录缺少护理员签字。",
            found_on=dt.date(2026, 11, 2),
        )
        specs.append(
            services.ItemSpec(
                finding=finding,
                legal_basis="《养老机构管理办法》第二十八条",
                requirement="补齐记录并由责任人签字确认。",
                period_workdays=10,
            )
        )
    return services.notice_create(home, specs, actor=world.yanggu_mz)


def test_word_draft_then_issued_pdf_keeps_the_signature_with_the_last_paragraph(
    world, long_draft, live_server, login_page, page
):
    import pdfplumber
    from docx import Document

    page.on("dialog", lambda d: d.accept())
    login_page("yanggu_mz", world.password)
    page.goto(f"{live_server.url}/inspections/rectification/notices/{long_draft.pk}/")
    with page.expect_download() as word:
        page.click("[data-testid=word-draft]")
    draft = Document(str(word.value.path()))
    texts = [p.text for p in draft.paragraphs]
    assert "阳谷县民政局" in texts and "责令限期整改通知书" in texts
    assert any("逾期不整改的后果" in t for t in texts)
    if SHOTS:
        page.set_viewport_size({"width": 1366, "height": 900})
        page.screenshot(path=f"{SHOTS}/notice-draft-desktop.png", full_page=True)
    page.click("#issue")
    page.wait_for_selector("#download-rectification")
    notice = RectificationNotice.objects.get()
    with page.expect_download() as download:
        page.click("#download-rectification")
    data = Path(download.value.path()).read_bytes()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = ["".join((p.extract_text() or "").split()) for p in pdf.pages]
    assert pages[0].startswith(f"阳谷县民政局责令限期整改通知书{notice.number}")
    last = next(i for i, t in enumerate(pages) if "提起行政诉讼" in t)
    assert last >= 1, "the notice should be long enough to run over a page"
    assert "阳谷县民政局" in pages[last] and f"{notice.issued_on:%Y年%-m月%-d日}" in pages[last]
    assert "联系人：王敏" in pages[last]
    assert "送达回证" in pages[last + 1] and "受送达人" in pages[last + 1]
