"""The public complaint form's options: anonymous (no name or phone kept), photos through the
private file store (EXIF stripped; a non-image refused in Chinese, nothing kept), the place
picked inside the deployment's regions, and a tracking code that can be copied and printed."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from inspections.complaints.models import Complaint, ComplaintPhoto
from supervision.files import store
from tests.factories import RegionFactory
from tests.uploads import HTML, jpeg_with_gps

pytestmark = pytest.mark.django_db

FORM = {"category": "fire", "content": "三楼安全出口被杂物堵死，灭火器过期。"}


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT


def test_anonymous_keeps_no_name_or_phone_whatever_was_typed(client, world, home):
    r = client.post(
        "/public/complaints/",
        {
            **FORM,
            "credit_code": home.credit_code,
            "anonymous": "on",
            "name": "张三丰",
            "phone": "13812345678",
        },
    )
    assert r.status_code == 302
    c = Complaint.objects.get()
    assert c.anonymous and c.complainant_name == "" and c.complainant_phone == ""


def test_photos_are_kept_in_the_private_store_without_exif(client, world, home, private_root):
    photo = SimpleUploadedFile("现场.jpg", jpeg_with_gps(), content_type="image/jpeg")
    r = client.post("/public/complaints/", {**FORM, "credit_code": home.credit_code, "photos": [photo]})
    assert r.status_code == 302, r.content.decode()[:2000]
    kept = ComplaintPhoto.objects.get()
    assert kept.complaint == Complaint.objects.get() and kept.original_name == "现场.jpg"
    on_disk = store.path(kept.file)
    assert on_disk.is_file() and str(on_disk).startswith(str(private_root))
    with Image.open(on_disk) as img:
        assert not img.getexif()  # GPS position and camera gone
    # staff who see the complaint see the photo; a member of the sibling county gets 404
    client.force_login(world.yanggu_mz)
    page = client.get(f"/inspections/complaints/{kept.complaint.pk}/").content.decode()
    url = f"/inspections/complaints/{kept.complaint.pk}/photos/{kept.pk}/"
    assert url in page
    assert client.get(url).status_code == 200
    client.force_login(world.dongchangfu_mz)
    assert client.get(url).status_code == 404


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_kept(client, world, home, private_root):
    fake = SimpleUploadedFile("照片.jpg", HTML, content_type="image/jpeg")
    r = client.post("/public/complaints/", {**FORM, "credit_code": home.credit_code, "photos": [fake]})
    assert r.status_code == 400
    assert "图片" in r.content.decode()
    assert not Complaint.objects.exists() and not ComplaintPhoto.objects.exists()
    assert not [p for p in private_root.rglob("*") if p.is_file()]


def test_at_most_three_photos(client, world, home):
    photos = [SimpleUploadedFile(f"{i}.jpg", jpeg_with_gps(), content_type="image/jpeg") for i in range(4)]
    r = client.post("/public/complaints/", {**FORM, "credit_code": home.credit_code, "photos": photos})
    assert r.status_code == 400 and "最多上传 3 张照片" in r.content.decode()
    assert not Complaint.objects.exists()


def test_the_place_is_picked_inside_the_deployment(client, world, settings):
    settings.DEPLOYMENT_REGIONS = [world.yanggu.code]
    page = client.get("/public/complaints/").content.decode()
    assert page.count("<option") < 500
    assert world.yanggu_town.name in page and world.dongchangfu_town.name not in page
    r = client.post(
        "/public/complaints/", {**FORM, "institution_name": "某托老点", "region": world.dongchangfu_town.code}
    )
    assert r.status_code == 400 and "不在本平台受理范围内" in r.content.decode()
    r = client.post(
        "/public/complaints/", {**FORM, "institution_name": "某托老点", "region": world.yanggu_town.code}
    )
    assert r.status_code == 302 and Complaint.objects.get().region == world.yanggu_town


def test_a_province_is_not_a_place(client, world):
    r = client.post(
        "/public/complaints/", {**FORM, "institution_name": "某托老点", "region": world.shandong.code}
    )
    assert r.status_code == 400 and "请选择到县（市、区）或乡镇（街道）" in r.content.decode()


def test_the_tracking_code_can_be_copied_and_printed(client, world, home):
    r = client.post("/public/complaints/", {**FORM, "credit_code": home.credit_code, "name": "张三丰"})
    c = Complaint.objects.get()
    page = client.get(r["Location"]).content.decode()
    assert 'data-copy-target="#tracking-code"' in page and "/static/js/complaint.js" in page
    receipt_url = f"/public/complaints/track/{c.tracking_code}/print/"
    assert receipt_url in page
    receipt = client.get(receipt_url).content.decode()
    assert c.tracking_code in receipt and "data-print" in receipt and "受理回执" in receipt
    assert FORM["content"] not in receipt and "张三丰" not in receipt  # no content, no complainant
    assert client.get("/public/complaints/track/NOSUCHCODE/print/").status_code == 404


def test_outside_the_deployment_a_region_is_not_offered_by_the_picker_endpoint(client, world):
    RegionFactory(code="120000000000", name="天津市", level=1)
    top = client.get("/public/regions/children/").json()["children"]
    assert [r["name"] for r in top] == ["山东省"]
    down = client.get(f"/public/regions/children/?parent={world.shandong.code}").json()["children"]
    assert [r["name"] for r in down] == ["聊城市"]
    assert client.get("/public/regions/children/?parent=120000000000").status_code == 404
