"""Evidence photos: content-checked, EXIF stripped by re-encoding, private storage, scoped view."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from inspections import services

pytestmark = pytest.mark.django_db


def jpeg_with_exif() -> bytes:
    img = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {2: (36, 0, 0)}  # GPS IFD
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif.tobytes())
    return buf.getvalue()


@pytest.fixture
def inspection(field, world):
    return services.inspection_create(
        field.homes[0], actor=world.yanggu_mz, kind="special", team=field.inspectors[:2]
    )


def test_exif_is_stripped_and_file_is_private(inspection, world, private_root):
    raw = jpeg_with_exif()
    assert b"SecretCam" in raw
    evidence = services.evidence_add(inspection, raw, actor=world.yanggu_mz, caption="通道")
    stored = services.evidence_path(evidence)
    assert private_root in stored.parents
    data = stored.read_bytes()
    assert b"SecretCam" not in data
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "JPEG" and not img.getexif()


def test_non_image_is_refused(inspection, world):
    with pytest.raises(ValidationError, match="不是有效的图片"):
        services.evidence_add(inspection, b"<?php echo 1; ?>", actor=world.yanggu_mz)
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, format="GIF")
    with pytest.raises(ValidationError):
        services.evidence_add(inspection, gif.getvalue(), actor=world.yanggu_mz)


def test_photo_served_only_to_users_in_scope(inspection, world, client_for):
    evidence = services.evidence_add(inspection, jpeg_with_exif(), actor=world.yanggu_mz)
    url = f"/inspections/evidence/{evidence.pk}/"
    ok = client_for(world.yanggu_mz).get(url)
    assert ok.status_code == 200 and ok["Content-Type"] == "image/jpeg"
    assert b"".join(ok.streaming_content).startswith(b"\xff\xd8")
    assert client_for(world.dongchangfu_mz).get(url).status_code == 404
    assert client_for(world.yanggu_xf).get(url).status_code == 404


def test_upload_through_the_page(inspection, world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = client_for(world.yanggu_mz)
    c.post(
        f"/inspections/{inspection.pk}/evidence/",
        {"photo": SimpleUploadedFile("x.jpg", jpeg_with_exif(), "image/jpeg"), "caption": "现场"},
    )
    assert inspection.evidence.count() == 1
    c.post(
        f"/inspections/{inspection.pk}/evidence/",
        {"photo": SimpleUploadedFile("x.jpg", b"not an image", "image/jpeg")},
    )
    assert inspection.evidence.count() == 1


def test_photo_is_linked_to_its_item_through_the_page(inspection, field, world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    result = services.item_result_record(
        inspection, field.duty_item, actor=world.yanggu_mz, outcome="fail", note="夜间无人值守"
    )
    c = client_for(world.yanggu_mz)
    page = c.get(f"/inspections/{inspection.pk}/?item={result.pk}").content.decode()
    assert f'<option value="{result.pk}" selected>' in page
    c.post(
        f"/inspections/{inspection.pk}/evidence/",
        {"photo": SimpleUploadedFile("x.jpg", jpeg_with_exif(), "image/jpeg"), "item_result": result.pk},
    )
    assert inspection.evidence.get().item_result == result
    # An item result of another inspection is refused with a message, nothing stored.
    other = services.inspection_create(
        field.homes[1], actor=world.yanggu_mz, kind="special", team=field.inspectors[:2]
    )
    foreign = services.item_result_record(other, field.duty_item, actor=world.yanggu_mz, outcome="pass")
    response = c.post(
        f"/inspections/{inspection.pk}/evidence/",
        {"photo": SimpleUploadedFile("y.jpg", jpeg_with_exif(), "image/jpeg"), "item_result": foreign.pk},
        follow=True,
    )
    assert "所选检查事项不属于本次检查" in response.content.decode()
    assert inspection.evidence.count() == 1 and not other.evidence.exists()


def test_department_receiving_a_finding_sees_that_items_photo_only(inspection, field, world, client_for):
    """A fire finding by civil affairs is handed to fire rescue (remit): fire rescue may see the
    photo of that item, not the other photos of civil affairs' inspection."""
    result = services.item_result_record(
        inspection, field.fire_item, actor=world.yanggu_mz, outcome="fail", note="安全出口上锁"
    )
    fire_photo = services.evidence_add(
        inspection, jpeg_with_exif(), actor=world.yanggu_mz, item_result=result
    )
    general = services.evidence_add(inspection, jpeg_with_exif(), actor=world.yanggu_mz)
    xf = client_for(world.yanggu_xf)
    assert xf.get(f"/inspections/evidence/{fire_photo.pk}/").status_code == 200
    assert xf.get(f"/inspections/evidence/{general.pk}/").status_code == 404
    assert client_for(world.dongchangfu_mz).get(f"/inspections/evidence/{fire_photo.pk}/").status_code == 404
