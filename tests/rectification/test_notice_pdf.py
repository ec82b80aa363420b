"""The issued notice: an A4 PDF with the institution, every problem and the computed due
dates, embedding a CJK font subset; stored immutably; one clock per problem."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from inspections.rectification import services
from inspections.rectification.models import ITEM_RULE
from supervision.deadlines.services import open_deadlines_for

pytestmark = pytest.mark.django_db


def fonts_and_text(pdf: bytes) -> tuple[set[str], str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    fonts: set[str] = set()
    for page in reader.pages:
        for font in ((page.get("/Resources") or {}).get("/Font") or {}).values():
            fonts.add(str(font.get_object().get("/BaseFont")))
    return fonts, "".join(page.extract_text() for page in reader.pages)


def test_notice_pdf_has_institution_problems_due_dates_and_cjk_font(world, site, issued):
    notice = issued(site.duty, site.fire, on=dt.date(2026, 9, 28))
    doc = notice.document
    assert doc.subject == notice and doc.verify() and doc.number == notice.number
    fonts, text = fonts_and_text(bytes(doc.pdf))
    flat = text.replace("\n", "").replace(" ", "")
    assert "阳谷县福寿养老院" in flat
    assert "夜间值班记录缺失" in flat and "二楼东侧安全出口被杂物堵塞" in flat
    # 10 working days from 2026-09-28 across the National Day holiday (make-up Saturday 10-10 counts)
    assert "2026年10月16日前" in flat
    assert "阳民整改〔2026〕1号" in flat
    assert "六十日内" in flat and "六个月内" in flat
    assert "逾期不整改的后果" in flat and "责令停业整顿" in flat
    assert any("CJK" in f and "+" in f for f in fonts), fonts


def test_notice_pdf_is_a4_and_pdftotext_reads_it(world, site, issued, tmp_path):
    import shutil
    import subprocess

    from pypdf import PdfReader

    notice = issued(site.duty, site.fire, on=dt.date(2026, 9, 28))
    pdf = bytes(notice.document.pdf)
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed: run `make sysdeps`")
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf)
    # -raw: content-stream order, so a table cell wrapped over several lines reads contiguously
    text = subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    flat = "".join(text.split())
    for expected in (
        "阳谷县福寿养老院",
        "夜间值班记录缺失",
        "二楼东侧安全出口被杂物堵塞",
        "2026年10月16日前",
    ):
        assert expected in flat, expected
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    assert "CJK" in fonts and "+" in fonts


def test_each_item_opens_its_own_clock(world, site, draft):
    notice = draft(site.duty, site.fire)
    items = list(notice.items.order_by("seq"))
    items[1].period_workdays = 3
    items[1].save()
    services.notice_issue(notice, actor=world.yanggu_mz, on=dt.date(2026, 9, 28))
    dues = {}
    for item in notice.items.all():
        clocks = list(open_deadlines_for(item))
        assert [c.rule.code for c in clocks] == [ITEM_RULE]
        assert clocks[0].due == item.due
        dues[item.seq] = item.due
    assert dues == {1: dt.date(2026, 10, 16), 2: dt.date(2026, 10, 8)}  # 9-29, 9-30, (holiday), 10-08


def test_a_date_on_a_rest_day_extends_to_the_next_working_day(world, site):
    sunday = dt.date(2026, 12, 27)
    notice = services.notice_create(
        site.home,
        [services.ItemSpec(site.duty, "《养老机构管理办法》第二十八条", "补全值班记录", due_date=sunday)],
        actor=world.yanggu_mz,
        on=dt.date(2026, 11, 20),
    )
    notice = services.notice_issue(notice, actor=world.yanggu_mz, on=dt.date(2026, 11, 20))
    item = notice.items.get()
    assert item.due == dt.date(2026, 12, 28)
    assert open_deadlines_for(item).get().due == dt.date(2026, 12, 28)


def test_issuing_twice_is_a_no_op_and_drafts_validate(world, site, draft):
    from django.core.exceptions import ValidationError

    notice = draft()
    first = services.notice_issue(notice, actor=world.yanggu_mz, on=dt.date(2026, 9, 28))
    again = services.notice_issue(notice, actor=world.yanggu_mz, on=dt.date(2026, 9, 29))
    assert again.number == first.number and again.document_id == first.document_id
    with pytest.raises(ValidationError) as err:
        services.notice_create(
            site.home, [services.ItemSpec(site.fire, "", "清理", period_workdays=5)], actor=world.yanggu_mz
        )
    assert "legal_basis" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.notice_create(
            site.home,
            [services.ItemSpec(site.duty, "依据", "整改", period_workdays=5)],
            actor=world.yanggu_mz,
        )
    assert "已在整改通知" in err.value.message_dict["findings"][0]


def test_a_written_due_date_must_follow_the_issue_date(world, site):
    from django.core.exceptions import ValidationError

    spec = services.ItemSpec(
        site.duty, "《养老机构管理办法》第二十八条", "补全值班记录", due_date=dt.date(2026, 10, 9)
    )
    with pytest.raises(ValidationError) as err:
        services.notice_create(site.home, [spec], actor=world.yanggu_mz, on=dt.date(2026, 10, 9))
    assert "须晚于下达日期（2026年10月9日）" in err.value.message_dict["period"][0]
    notice = services.notice_create(site.home, [spec], actor=world.yanggu_mz, on=dt.date(2026, 9, 28))
    with pytest.raises(ValidationError, match="不晚于下达日期"):  # a draft left lying until too late
        services.notice_issue(notice, actor=world.yanggu_mz, on=dt.date(2026, 10, 12))
    notice.refresh_from_db()
    assert notice.status == "draft" and notice.number == ""
    assert services.notice_issue(notice, actor=world.yanggu_mz, on=dt.date(2026, 9, 28)).number.endswith(
        "1号"
    )


def test_the_preview_flags_a_due_date_counted_through_an_unpublished_year(world, site, draft):
    from supervision.documents.services import render_html

    notice = draft(period=20)
    late = render_html(
        services.NOTICE_TEMPLATE, services.notice_context(notice, on=dt.date(2026, 12, 21), preview=True)
    )
    assert (
        '2027年1月19日前<span class="provisional">（暂定）' in late and "按尚未公布的次年放假安排推算" in late
    )
    early = render_html(
        services.NOTICE_TEMPLATE, services.notice_context(notice, on=dt.date(2026, 9, 28), preview=True)
    )
    assert "暂定" not in early
    issued = services.notice_issue(notice, actor=world.yanggu_mz, on=dt.date(2026, 12, 21))
    assert issued.items.get().due == dt.date(2027, 1, 19)
    final = render_html(services.NOTICE_TEMPLATE, services.notice_context(issued))
    assert "2027年1月19日前" in final and "暂定" not in final  # the issued document states a date


def test_a_notice_due_date_counted_into_2027_stays_as_printed(world, site, draft):
    """The notice prints the due date; publishing 2027's schedule must not move the clock away
    from what the institution was told."""
    from supervision.workcal.services import schedule_enter_days, schedule_publish

    notice = draft(site.duty)
    item = notice.items.get()
    item.period_workdays = 20
    item.save()
    services.notice_issue(notice, actor=world.yanggu_mz, on=dt.date(2026, 12, 21))
    item.refresh_from_db()
    (clock,) = open_deadlines_for(item)
    assert item.due == clock.due == dt.date(2027, 1, 19)
    assert clock.pinned and not clock.provisional
    schedule_enter_days(2027, holidays={dt.date(2027, 1, 4): "测试"})
    schedule_publish(2027, source="国办发明电〔2026〕X号")
    clock.refresh_from_db()
    assert clock.due == dt.date(2027, 1, 19)
