"""The 抄告函: a numbered A4 PDF with the institution, the problem and an embedded CJK font."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from supervision.referrals import services

pytestmark = pytest.mark.django_db


def fonts_and_text(pdf: bytes) -> tuple[set[str], str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    fonts: set[str] = set()
    for page in reader.pages:
        for font in ((page.get("/Resources") or {}).get("/Font") or {}).values():
            fonts.add(str(font.get_object().get("/BaseFont")))
    return fonts, "".join(page.extract_text() for page in reader.pages)


def test_letter_pdf_has_number_institution_description_and_cjk_font(world, partners, sent_referral):
    doc = sent_referral.letter
    assert doc.number == sent_referral.number == "阳民抄告〔2026〕1号"
    assert doc.subject == sent_referral and doc.verify()
    fonts, text = fonts_and_text(bytes(doc.pdf))
    flat = text.replace("\n", "").replace(" ", "")
    assert "阳民抄告〔2026〕1号" in flat
    assert "阳谷县福寿养老院" in flat
    assert "二楼东侧安全出口被杂物堵塞" in flat
    assert "阳谷县消防救援：" in flat
    assert "2026年10月16日前" in flat  # the response due date, counted across National Day
    assert any("CJK" in f and "+" in f for f in fonts), fonts


def test_numbers_count_per_sender_and_year(world, partners, make_referral, home):
    from tests.institutions.factories import InstitutionFactory

    first = services.referral_send(make_referral(), actor=world.yanggu_mz, on=dt.date(2026, 9, 28))
    second = services.referral_send(
        make_referral(InstitutionFactory(region=world.yanggu_town)),
        actor=world.yanggu_mz,
        on=dt.date(2026, 9, 29),
    )
    assert (first.number, second.number) == ("阳民抄告〔2026〕1号", "阳民抄告〔2026〕2号")


def test_preview_renders_the_same_template_without_a_number(world, make_referral, client_for):
    r = make_referral()
    html = client_for(world.yanggu_mz).get(f"/referrals/{r.pk}/letter/").content.decode()
    assert "预览稿" in html and "（发出时编号）" in html and "阳谷县福寿养老院" in html
    assert "二楼东侧安全出口被杂物堵塞" in html
