"""Documents that look official (GB/T 9704-2012, 行政执法文书): the 署名 and 成文日期 on the page of
the last paragraph, the 发文字号, a title said once, the official font stack, the seal over the
date, the contact, a ruled 送达回证, the body's official name, and a Word draft of the same text."""

from __future__ import annotations

import datetime as dt
import io
import os
import re

import pytest

from inspections import services as inspection_services
from inspections.rectification import services
from supervision.core.department_titles import DepartmentTitle, official_name
from supervision.core.models import Domain
from supervision.documents.word import html_to_docx

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 9, 28)
OUT = os.environ.get("DOCUMENT_LAYOUT_OUT")  # set to a folder to keep the PDFs for a look


def _keep(name: str, pdf: bytes) -> None:
    if OUT:
        os.makedirs(OUT, exist_ok=True)
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(pdf)


def page_texts(pdf: bytes) -> list[str]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return ["".join((p.extract_text() or "").split()) for p in doc.pages]


def _titles(world) -> None:
    DepartmentTitle.objects.create(
        department=world.mz,
        region=world.yanggu,
        official_name="阳谷县民政局",
        abbreviation="阳民",
        contact_person="王敏",
        contact_phone="0635-6212345",
    )


def _long_notice(world, site, n: int = 9):
    """A notice whose problems fill more than one page, so the closing falls near a page end."""
    operations = Domain.objects.get(code="operations")
    findings = [
        inspection_services.finding_create(
            site.home,
            operations,
            actor=world.yanggu_mz,
            description=f"第{i}处问题：老年人照护记录、交接班记录和夜间巡查记录不完整，部分记录缺少护理员签字，"
            "无法反映服务过程。",
            found_on=dt.date(2026, 9, 20),
        )
        for i in range(1, n + 1)
    ]
    specs = [
        services.ItemSpec(
            finding=f,
            legal_basis="《养老机构管理办法》第二十八条、第四十六条",
            requirement="建立健全照护、交接班和巡查记录制度，补齐记录并由责任人签字确认。",
            period_workdays=10,
        )
        for f in findings
    ]
    notice = services.notice_create(site.home, specs, actor=world.yanggu_mz)
    return services.notice_issue(notice, actor=world.yanggu_mz, on=ON)


@pytest.mark.parametrize("problems", [4, 7, 9, 11, 14])
def test_signature_and_date_stay_on_the_page_of_the_last_paragraph(world, site, problems):
    _titles(world)
    notice = _long_notice(world, site, problems)
    pdf = bytes(notice.document.pdf)
    _keep(f"notice-{problems}.pdf", pdf)
    pages = page_texts(pdf)
    last = next(i for i, t in enumerate(pages) if "提起行政诉讼" in t)
    assert "阳谷县民政局" in pages[last] and "2026年9月28日" in pages[last], (problems, pages[last][-120:])
    # the contact (附注) is kept with them, and the receipt is a page of its own after them
    assert "联系人：王敏" in pages[last] and "0635-6212345" in pages[last]
    receipt = pages[last + 1]
    assert receipt.count("送达回证") == 1 and "受送达人" in receipt and "提起行政诉讼" not in receipt


def test_notice_heading_number_title_once_and_official_name(world, site, issued):
    _titles(world)
    notice = issued(site.duty, on=ON)
    text = "".join(page_texts(bytes(notice.document.pdf)))
    assert notice.number == "阳民整改〔2026〕1号" and notice.number in text
    assert text.count("责令限期整改通知书") == 2  # the title, and the receipt's 送达文书名称
    assert text.startswith("阳谷县民政局责令限期整改通知书阳民整改〔2026〕1号")
    assert "阳谷县民政：" not in text and "阳谷县民政\n" not in text


def test_receipt_is_a_ruled_form_with_the_delivery_fields(world, site, issued):
    import pdfplumber

    notice = issued(site.duty, on=ON)
    with pdfplumber.open(io.BytesIO(bytes(notice.document.pdf))) as doc:
        page = doc.pages[-1]
        text = "".join((page.extract_text() or "").split())
        tables = page.extract_tables()
    assert text.startswith("阳谷县民政送达回证")
    assert tables and len(tables[0]) >= 8  # a ruled form, one row per field
    cells = ["".join((c or "").split()) for row in tables[0] for c in row]
    for field in (
        "送达文书名称及文号",
        "受送达人",
        "送达地点",
        "送达方式",
        "受送达人签名（盖章）",
        "送达人",
        "送达日期",
        "备注",
    ):
        assert field in cells, (field, cells)
    value = dict(zip(cells[::4], cells[1::4], strict=False))
    assert value["送达文书名称及文号"] == f"责令限期整改通知书{notice.number}"
    assert value["受送达人"] == site.home.name and value["送达地点"] == "".join(site.home.address.split())


def test_the_seal_guide_sits_over_the_date_on_the_preview(world, site, draft):
    import pdfplumber

    notice = draft(site.duty)
    pdf = services.notice_preview_pdf(notice)
    _keep("notice-preview.pdf", pdf)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = next(p for p in doc.pages if "印章位置" in "".join((p.extract_text() or "").split()))
        words = page.extract_words()
        date = next(w for w in words if re.search(r"\d{4}年\d{1,2}月\d{1,2}日", w["text"]))
        name = next(w for w in words if w["text"].startswith("阳谷县民政") and w["top"] < date["top"])
        curves = [c for c in page.curves if c["x1"] - c["x0"] > 80]  # the 42 mm circle
    assert curves, "no seal circle drawn"
    seal = curves[0]
    for word in (name, date):  # the seal presses the 署名 and the 成文日期
        mid_x, mid_y = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
        assert seal["x0"] < mid_x < seal["x1"] and seal["top"] < mid_y < seal["bottom"]
    # they sit below the seal's centre (GB/T 9704 7.3.5.1)
    assert (date["top"] + date["bottom"]) / 2 > (seal["top"] + seal["bottom"]) / 2


def test_font_stack_names_the_official_faces_before_the_packaged_serif(world, site, draft):
    html = services.notice_preview_html(draft(site.duty))
    stack = re.search(r"html \{ font-family: ([^;]+);", html).group(1)
    faces = [f.strip().strip('"') for f in stack.split(",")]
    assert faces[:3] == ["FangSong_GB2312", "FangSong", "STFangsong"]
    assert faces.index("Noto Serif CJK SC") > 2
    assert "break-inside: avoid" in html and 'class="closing"' in html


def test_issued_document_keeps_the_text_it_was_rendered_from(world, site, issued):
    notice = issued(site.duty, on=ON)
    doc = notice.document
    assert notice.number in doc.source_html and "夜间值班记录缺失" in doc.source_html
    from supervision.documents.services import html_to_pdf

    again = page_texts(html_to_pdf(doc.source_html))
    assert again == page_texts(bytes(doc.pdf))


def test_word_draft_has_the_title_and_the_body(world, site, draft):
    from docx import Document

    _titles(world)
    html = services.notice_preview_html(draft(site.duty, site.fire))
    word = Document(io.BytesIO(html_to_docx(html)))
    paragraphs = [p.text for p in word.paragraphs]
    assert "阳谷县民政局" in paragraphs and "责令限期整改通知书" in paragraphs
    assert any(p.startswith("经监督检查，你单位存在下列问题") for p in paragraphs)
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    assert "夜间值班记录缺失" in cells and "二楼东侧安全出口被杂物堵塞" in cells
    assert "送达回证" in paragraphs and any("受送达人" in c for c in cells)
    assert word.sections[0].page_width.mm == pytest.approx(210, abs=0.5)
    title = next(p for p in word.paragraphs if p.text == "责令限期整改通知书")
    assert title.runs[0].font.size.pt == 22


def test_official_name_falls_back_to_region_and_department(world):
    assert official_name(world.mz, world.yanggu) == "阳谷县民政"
    _titles(world)
    assert official_name(world.mz, world.yanggu) == "阳谷县民政局"


def test_number_uses_the_configured_abbreviation(world):
    from supervision.documents.services import document_allocate_number

    DepartmentTitle.objects.create(
        department=world.xf, region=world.yanggu, official_name="阳谷县消防救援大队", abbreviation="阳消救"
    )
    number = document_allocate_number(
        kind="referral", kind_short="抄告", department=world.xf, region=world.yanggu, year=2026
    )
    assert number == "阳消救抄告〔2026〕1号"


def test_referral_letter_has_a_red_head_its_number_and_a_title_said_once(world, partners, make_referral):
    import pdfplumber

    from supervision.referrals import services as referrals

    _titles(world)
    DepartmentTitle.objects.create(
        department=world.xf, region=world.yanggu, official_name="阳谷县消防救援大队"
    )
    r = make_referral(title="阳谷县福寿养老院消防通道堵塞问题抄告")
    sent = referrals.referral_send(r, actor=world.yanggu_mz, on=ON)
    pdf = bytes(sent.letter.pdf)
    _keep("letter.pdf", pdf)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        first = doc.pages[0]
        text = "".join((first.extract_text() or "").split())
        red = "".join(
            c["text"]
            for c in first.chars
            if c.get("non_stroking_color")
            and tuple(c["non_stroking_color"])[:3] != (0, 0, 0)
            and c["non_stroking_color"][0] > 0.5
            and c["non_stroking_color"][1] < 0.3
        )
    assert red == "阳谷县民政局"  # the 发文机关标志 in red
    assert sent.letter.title == "关于阳谷县福寿养老院消防通道堵塞问题的抄告函"
    assert text.count("阳谷县福寿养老院消防通道堵塞问题的抄告函") == 1 and "抄告的抄告函" not in text
    assert sent.number in text and "阳谷县消防救援大队：" in text
    assert "联系人：" in "".join(page_texts(pdf))


@pytest.mark.parametrize(
    ("institution", "title", "expected"),
    [
        ("阳谷县中心敬老院", "阳谷县中心敬老院消防安全问题抄告", "关于阳谷县中心敬老院消防安全问题的抄告函"),
        ("阳谷县中心敬老院", "消防通道堵塞", "关于阳谷县中心敬老院消防通道堵塞的抄告函"),
        ("阳谷县中心敬老院", "关于消防安全问题的抄告函", "关于阳谷县中心敬老院消防安全问题的抄告函"),
    ],
)
def test_letter_titles_do_not_repeat_themselves(institution, title, expected):
    from supervision.referrals.models import Referral
    from supervision.referrals.services import letter_title

    assert letter_title(Referral(institution_name=institution, title=title)) == expected


def test_listing_notice_is_issued_with_the_objection_period(world):
    from credit import services as credit
    from supervision.documents.services import documents_for
    from tests.credit import factories
    from tests.institutions.factories import InstitutionFactory

    _titles(world)
    home = InstitutionFactory(name="阳谷县安乐养老院", region=world.yanggu_town)
    p = credit.proposal_notify(factories.proposal(world, home), actor=world.yanggu_mz, on=ON)
    doc = documents_for(p).get(kind="credit_notice")
    assert doc.number == "阳民信惩告〔2026〕1号"
    pages = page_texts(bytes(doc.pdf))
    text = "".join(pages)
    assert text.startswith("阳谷县民政局列入失信联合惩戒对象名单告知书阳民信惩告〔2026〕1号阳谷县安乐养老院")
    assert "5个工作日内（2026年10月10日前）" in text and "陈述、申辩" in text
    last = next(i for i, t in enumerate(pages) if "视为放弃陈述、申辩的权利" in t)
    assert "2026年9月28日" in pages[last] and "送达回证" in pages[last + 1]


def test_official_names_in_bulk_use_one_query(world, django_assert_num_queries):
    from supervision.core.department_titles import official_names

    _titles(world)
    with django_assert_num_queries(1):
        names = official_names(
            [(world.mz, world.yanggu), (world.xf, world.yanggu), (world.mz, world.dongchangfu)]
        )
    assert names[(world.mz.pk, world.yanggu.pk)] == "阳谷县民政局"
    assert names[(world.xf.pk, world.yanggu.pk)] == "阳谷县消防救援"
    assert names[(world.mz.pk, world.dongchangfu.pk)] == "东昌府区民政"
