"""The institution answers its notices itself (机构端, issue 17): it sees each notice issued to it
with its items and due dates, downloads the PDF, signs for it online (送达回证, with the time),
reports on each item with photos and documents, and sees the signed outcome; staff accept or
reject through the same services (一问题一整改，一整改一验收，一验收一签名)."""

# ruff: noqa: F811  (the rectification fixtures are imported, then requested by name)
from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from inspections.rectification import services
from inspections.rectification.models import (
    Acceptance,
    ItemResponse,
    ItemState,
    NoticeReceipt,
    NoticeStatus,
    ResponseAttachment,
)
from supervision.core.policy import Denied
from tests.institution_side.factories import make_institution_account
from tests.rectification.conftest import draft, issued, private_root, site  # noqa: F401
from tests.uploads import jpeg_with_gps, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(site):
    return make_institution_account(site.home, username="fushou_notices", person_name="王福寿")


@pytest.fixture
def stranger(site):
    """The account of another institution (东昌府区)."""
    return make_institution_account(site.other_home, username="gulou_notices")


@pytest.fixture
def notice(issued, site):
    return issued(site.duty, site.fire)


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def photo(name: str = "整改后.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_with_gps(), content_type="image/jpeg")


def test_the_institution_sees_its_issued_notice_with_items_and_due_dates(account, issued, draft, site):
    other_draft = draft(site.fire)  # a draft of the same institution is internal
    notice = issued(site.duty)
    c = login(account)
    page = c.get("/institution/notices/")
    text = page.content.decode()
    assert page.status_code == 200 and notice.number in text and "待签收" in text
    assert f"/institution/notices/{other_draft.pk}/" not in text
    detail = c.get(f"/institution/notices/{notice.pk}/").content.decode()
    item = notice.items.order_by("seq").first()
    assert item.problem in detail and f"{item.due:%Y年%-m月%-d日}" in detail
    assert c.get(f"/institution/notices/{other_draft.pk}/").status_code == 404
    pdf_response = c.get(f"/institution/notices/{notice.pk}/pdf/")
    assert pdf_response.status_code == 200 and pdf_response["Content-Type"] == "application/pdf"
    assert bytes(pdf_response.content).startswith(b"%PDF")


def test_another_institution_gets_404_everywhere(stranger, notice):
    c = login(stranger)
    item = notice.items.first()
    assert notice.number not in c.get("/institution/notices/").content.decode()
    for url in (
        f"/institution/notices/{notice.pk}/",
        f"/institution/notices/{notice.pk}/pdf/",
        f"/institution/notices/items/{item.pk}/",
    ):
        assert c.get(url).status_code == 404, url
    assert c.post(f"/institution/notices/{notice.pk}/acknowledge/").status_code == 404
    assert not NoticeReceipt.objects.exists()


def test_staff_cannot_use_the_institution_pages(world, notice):
    assert login(world.yanggu_mz).get("/institution/notices/").status_code == 403


def test_signing_online_is_the_receipt_recorded_with_the_time(account, notice, world):
    c = login(account)
    response = c.post(f"/institution/notices/{notice.pk}/acknowledge/")
    assert response.status_code == 302
    receipt = NoticeReceipt.objects.get(notice=notice)
    assert receipt.received_by == account and receipt.signer_name == "王福寿"
    assert receipt.signer_capacity == "主要负责人" and "电子送达" in receipt.method
    assert receipt.received_at is not None
    # signing again changes nothing
    assert services.notice_acknowledge(notice, actor=account).received_at == receipt.received_at
    page = c.get(f"/institution/notices/{notice.pk}/").content.decode()
    assert "已于" in page and "签收" in page
    # staff see the receipt on the notice page
    staff_page = (
        login(world.yanggu_mz).get(f"/inspections/rectification/notices/{notice.pk}/").content.decode()
    )
    assert "在线签收" in staff_page and "王福寿" in staff_page


def test_staff_cannot_sign_for_the_institution(world, notice):
    with pytest.raises(Denied):
        services.notice_acknowledge(notice, actor=world.yanggu_mz)


def test_a_report_needs_the_receipt_first(account, notice):
    item = notice.items.first()
    with pytest.raises(ValidationError, match="请先签收"):
        services.item_respond(
            item, actor=account, action_taken="已整改", evidence_name="a.jpg", evidence_data=jpeg_with_gps()
        )
    assert not ItemResponse.objects.exists()


def test_the_institution_reports_with_photos_and_a_document(account, notice, private_root):
    services.notice_acknowledge(notice, actor=account)
    item = notice.items.order_by("seq").first()
    c = login(account)
    response = c.post(
        f"/institution/notices/items/{item.pk}/report/",
        {
            "action_taken": "已清理值班室并补齐夜间值班记录",
            "evidence_text": "整改后照片两张、值班制度一份",
            "evidence_files": [photo(), photo("值班表.png"), SimpleUploadedFile("制度.pdf", pdf())],
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == ItemState.RESPONDED
    report = ItemResponse.objects.get(item=item)
    assert report.recorded_by == account and report.responded_on == dt.date(2026, 12, 1)
    assert report.evidence_name == "整改后.jpg"
    extra = list(ResponseAttachment.objects.filter(response=report).order_by("pk"))
    assert [a.name for a in extra] == ["值班表.jpg", "制度.pdf"] or [a.name for a in extra] == [
        "值班表.png",
        "制度.pdf",
    ]
    # the photo lost its GPS position in the store
    stored = services.evidence_path(report).read_bytes()
    assert 0x8825 not in Image.open(io.BytesIO(stored)).getexif()
    page = c.get(f"/institution/notices/items/{item.pk}/").content.decode()
    assert "第1次报告" in page and "制度.pdf" in page
    download = c.get(f"/institution/notices/attachments/{extra[1].pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_report_without_evidence_is_refused_on_the_form(account, notice):
    services.notice_acknowledge(notice, actor=account)
    item = notice.items.first()
    response = login(account).post(
        f"/institution/notices/items/{item.pk}/report/", {"action_taken": "已整改"}
    )
    assert response.status_code == 400 and "请上传整改后的照片或证明文件" in response.content.decode()
    assert not ItemResponse.objects.exists()


def test_a_forged_photo_is_refused_by_content(account, notice):
    services.notice_acknowledge(notice, actor=account)
    item = notice.items.first()
    forged = SimpleUploadedFile(
        "photo.jpg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>1</script></svg>"
    )
    response = login(account).post(
        f"/institution/notices/items/{item.pk}/report/",
        {"action_taken": "已整改", "evidence_files": [forged]},
    )
    assert response.status_code == 400 and "SVG" in response.content.decode()
    assert not ItemResponse.objects.exists()


def test_the_institution_cannot_accept_its_own_report(account, notice, site):
    services.notice_acknowledge(notice, actor=account)
    item = notice.items.first()
    services.item_respond(
        item, actor=account, action_taken="已整改", evidence_name="a.jpg", evidence_data=jpeg_with_gps()
    )
    with pytest.raises(Denied):
        services.item_accept(
            item,
            actor=account,
            acceptor=site.mz_inspector,
            observed="自查合格",
            reinspected_on=dt.date(2026, 12, 1),
        )


def test_staff_accept_or_reject_and_the_institution_sees_the_outcome(account, notice, site, world):
    services.notice_acknowledge(notice, actor=account)
    duty, fire = notice.items.order_by("seq")
    for item in (duty, fire):
        services.item_respond(
            item,
            actor=account,
            action_taken="已整改到位",
            evidence_name="a.jpg",
            evidence_data=jpeg_with_gps(),
        )
    services.item_accept(
        duty,
        actor=world.yanggu_mz,
        acceptor=site.mz_inspector,
        observed="现场复查，值班记录齐全",
        reinspected_on=dt.date(2026, 12, 1),
    )
    services.item_reject(
        fire,
        actor=world.yanggu_mz,
        acceptor=site.mz_inspector,
        observed="安全出口仍有杂物",
        reinspected_on=dt.date(2026, 12, 1),
        new_period_workdays=5,
    )
    c = login(account)
    accepted = c.get(f"/institution/notices/items/{duty.pk}/").content.decode()
    assert "验收通过" in accepted and "李检查" in accepted and "现场复查，值班记录齐全" in accepted
    rejected = c.get(f"/institution/notices/items/{fire.pk}/").content.decode()
    fire.refresh_from_db()
    assert "验收不通过" in rejected and "安全出口仍有杂物" in rejected and "李检查" in rejected
    assert f"重新限期整改至 {fire.due:%Y年%-m月%-d日}" in rejected
    assert "继续整改后再次报送" in rejected  # its turn again
    # one report, one signed acceptance each
    assert Acceptance.objects.filter(item=duty, response__recorded_by=account).count() == 1
    # after the new report, staff accept: the notice closes
    services.item_respond(
        fire, actor=account, action_taken="出口已清空", evidence_name="b.jpg", evidence_data=jpeg_with_gps()
    )
    services.item_accept(
        fire,
        actor=world.yanggu_mz,
        acceptor=site.mz_inspector,
        observed="出口畅通",
        reinspected_on=dt.date(2026, 12, 1),
    )
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CLOSED
    assert [a.response.round for a in Acceptance.objects.filter(item=fire).order_by("pk")] == [1, 2]
