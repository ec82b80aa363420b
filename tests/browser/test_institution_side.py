"""Browser: the institution's side end to end (issue 17). Civil affairs has opened an account for
阳谷县福寿养老院 and a notice has been issued to it. The institution signs in with its one-time
link, files with the written commitment and gets its receipt (备案回执), signs for the notice
(送达回证), reports on the item with a photo; a civil-affairs inspector accepts it with a
signature, and the institution sees the outcome."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from inspections import services as inspection_services
from inspections.rectification import services as rectification
from inspections.rectification.models import ItemResponse, ItemState, NoticeReceipt
from institutions.portal import accounts
from institutions.portal.filing_models import Commitment
from supervision.core.models import Domain
from tests.inspections.factories import InspectorFactory
from tests.institutions.factories import InstitutionFactory, credit_code
from tests.uploads import jpeg_with_gps, pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Fushou-Yuan-2026!"


@pytest.fixture
def setting(world, settings, tmp_path):
    settings.AXES_ENABLED = False
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    home = InstitutionFactory(
        name="阳谷县福寿养老院",
        region=world.yanggu_town,
        credit_code=credit_code(7),
        status="registered_not_filed",
        address="阳谷县博济桥街道建设路 18 号",
        legal_representative="张福寿",
        beds=120,
        contact_phone="0635-6212345",
    )
    finding = inspection_services.finding_create(
        home,
        Domain.objects.get(code="operations"),
        actor=world.yanggu_mz,
        description="夜间值班记录缺失",
        rectification_required="建立并落实夜间值班记录制度",
        found_on=dt.date(2026, 11, 2),
    )
    spec = rectification.ItemSpec(
        finding=finding,
        legal_basis="《养老机构管理办法》第二十八条",
        requirement="建立并落实夜间值班记录制度",
        period_workdays=10,
    )
    notice = rectification.notice_issue(
        rectification.notice_create(home, [spec], actor=world.yanggu_mz),
        actor=world.yanggu_mz,
        on=dt.date(2026, 11, 3),
    )
    inspector = InspectorFactory(
        department=world.mz, region=world.yanggu, name="李检查", user=world.yanggu_mz
    )
    _account, code = accounts.account_create(
        world.yanggu_mz, home, person_name="张福寿", capacity="legal_representative", username="fushou"
    )
    return notice, inspector, code, tmp_path


def test_the_institution_files_answers_its_notice_and_staff_accept(
    world, setting, live_server, login_page, page
):
    notice, inspector, code, tmp = setting
    item = notice.items.get()
    page.on("dialog", lambda d: d.accept())
    # 1. first sign-in with the one-time link: set the password
    page.goto(f"{live_server.url}/institution/sign-in/{code}/")
    page.fill("#id_new_password1", PASSWORD)
    page.fill("#id_new_password2", PASSWORD)
    page.get_by_role("button", name="设置密码并登录").click()
    page.wait_for_url("**/institution/")
    # 2. file with the written commitment, get the receipt
    page.goto(f"{live_server.url}/institution/filing/")
    page.fill("#id_premises_ownership", "自有产权")
    page.fill("#id_floor_area", "3600")
    page.select_option("#id_registration_level", index=1)
    page.fill("#id_certificate_number", "52371521MJ0000007X")
    certificate = tmp / "登记证书.pdf"
    certificate.write_bytes(pdf())
    page.set_input_files("#id_certificate_file", str(certificate))
    for value in Commitment.values:
        page.check(f"input[name=commitments][value={value}]")
    page.fill("#id_commitment_signed_by", "张福寿")
    page.click("#filing-submit")
    page.wait_for_selector("#receipt-number")
    assert page.inner_text("#receipt-number").strip()
    with page.expect_download() as download:
        page.click("#receipt-download")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    # 3. sign for the notice (送达回证)
    page.goto(f"{live_server.url}/institution/notices/")
    page.get_by_role("link", name=notice.number).click()
    page.click("#acknowledge")
    page.wait_for_selector("[data-testid=receipt]")
    assert "张福寿" in page.inner_text("[data-testid=receipt]")
    assert NoticeReceipt.objects.filter(notice=notice).exists()
    # 4. report on the item with a photo
    page.get_by_role("link", name="夜间值班记录缺失").click()
    page.fill("#id_action_taken", "已建立夜间值班记录制度，值班人员每两小时巡查并签字")
    photo = tmp / "值班记录.jpg"
    photo.write_bytes(jpeg_with_gps())
    page.set_input_files("#id_evidence_files", str(photo))
    page.get_by_role("button", name="报送").click()
    page.wait_for_selector("[data-testid=response]")
    assert "已报整改，待验收" in page.inner_text("#item-state")
    report = ItemResponse.objects.get(item=item)
    assert report.evidence_name == "值班记录.jpg"
    # 5. staff accept it with a signature
    page.context.clear_cookies()
    login_page("yanggu_mz", world.password)
    page.goto(f"{live_server.url}/inspections/rectification/items/{item.pk}/")
    assert "机构在线报送" in page.inner_text("main")
    page.select_option("#accept-form select[name=acceptor]", value=str(inspector.pk))
    page.fill("#accept-form [name=observed]", "现场复查，夜间值班记录齐全")
    page.fill("#accept-form [name=reinspected_on]", "2026-12-01")
    page.get_by_role("button", name="签名验收通过").click()
    page.wait_for_selector("[data-testid=acceptance]")
    item.refresh_from_db()
    assert item.state == ItemState.ACCEPTED
    # 6. the institution sees the outcome
    page.context.clear_cookies()
    login_page("fushou", PASSWORD)
    page.goto(f"{live_server.url}/institution/notices/items/{item.pk}/")
    outcome = page.inner_text("[data-testid=outcome]")
    assert "验收通过" in outcome and "李检查" in outcome
