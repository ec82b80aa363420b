"""Official documents: gapless numbering, Chinese glyphs embedded, immutable storage, scoped download."""

from __future__ import annotations

import io
import shutil
import threading

import pytest
from django.db import connection

from supervision.documents.models import OfficialDocument
from supervision.documents.services import document_allocate_number, document_store, render_pdf

CJK_FONT_MISSING = not any(
    shutil.os.path.exists(p)
    for p in (
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    )
)


def pdf_fonts_and_text(pdf: bytes) -> tuple[set[str], str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    fonts: set[str] = set()
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            fonts.add(str(font.get_object().get("/BaseFont")))
    text = "".join(page.extract_text() for page in reader.pages)
    return fonts, text


@pytest.mark.django_db
def test_numbers_follow_the_pattern_and_count_per_department_and_year(world):
    first = document_allocate_number(
        kind="rectification", kind_short="整改", department=world.mz, region=world.yanggu, year=2026
    )
    second = document_allocate_number(
        kind="rectification", kind_short="整改", department=world.mz, region=world.yanggu, year=2026
    )
    other_year = document_allocate_number(
        kind="rectification", kind_short="整改", department=world.mz, region=world.yanggu, year=2027
    )
    assert (first, second, other_year) == (
        "阳民整改〔2026〕1号",
        "阳民整改〔2026〕2号",
        "阳民整改〔2027〕1号",
    )


@pytest.mark.django_db
def test_the_pattern_is_configurable_and_survives_the_new_year(world):
    from django.core.exceptions import ValidationError

    from supervision.documents.services import document_set_pattern

    document_set_pattern(
        kind="rectification",
        department=world.mz,
        region=world.yanggu,
        year=2026,
        pattern="阳谷民{kind_short}字〔{year}〕第{number:03d}号",
    )
    args = {"kind": "rectification", "kind_short": "整改", "department": world.mz, "region": world.yanggu}
    assert document_allocate_number(**args, year=2026) == "阳谷民整改字〔2026〕第001号"
    assert document_allocate_number(**args, year=2027) == "阳谷民整改字〔2027〕第001号"  # inherited
    # another series keeps the default pattern
    assert (
        document_allocate_number(**{**args, "kind": "referral", "kind_short": "抄告"}, year=2026)
        == "阳民抄告〔2026〕1号"
    )
    with pytest.raises(ValidationError, match="number"):
        document_set_pattern(
            kind="rectification",
            department=world.mz,
            region=world.yanggu,
            year=2026,
            pattern="阳民〔{year}〕",
        )
    with pytest.raises(ValidationError, match="未知占位符"):
        document_set_pattern(
            kind="rectification",
            department=world.mz,
            region=world.yanggu,
            year=2026,
            pattern="{county}{number}",
        )


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real row locking needs PostgreSQL (set DATABASE_URL)"
)
def test_concurrent_issuing_has_no_gaps_or_duplicates(world):
    numbers: list[str] = []
    errors: list[BaseException] = []

    def issue() -> None:
        try:
            for _ in range(5):
                numbers.append(
                    document_allocate_number(
                        kind="referral",
                        kind_short="抄告",
                        department=world.mz,
                        region=world.yanggu,
                        year=2026,
                    )
                )
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()  # each thread's own connection, or the test database stays in use

    threads = [threading.Thread(target=issue) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(int(n.split("〕")[1].rstrip("号")) for n in numbers) == list(range(1, 41))


@pytest.mark.skipif(CJK_FONT_MISSING, reason="fonts-noto-cjk is not installed: run `make sysdeps`")
def test_pdf_embeds_a_cjk_font_and_carries_the_text():
    pdf = render_pdf(
        "documents/test_sample.html",
        {
            "title": "责令限期整改通知书",
            "number": "阳民整改〔2026〕1号",
            "addressee": "阳谷县博济桥街道敬老院",
            "body": "消防通道堵塞，限期整改。",
            "issuer": "阳谷县民政局",
            "date": "2026年11月22日",
        },
    )
    fonts, text = pdf_fonts_and_text(pdf)
    assert any("CJK" in f for f in fonts), fonts
    assert all("+" in f for f in fonts if "CJK" in f), "fonts are embedded as subsets"
    assert "责令限期整改通知书" in text and "博济桥街道敬老院" in text


@pytest.mark.django_db
def test_stored_document_is_immutable_and_hashed(world):
    doc = document_store(
        kind="test", title="测试", pdf=b"%PDF-1.7 test", department=world.mz, region=world.yanggu
    )
    assert doc.verify() and len(doc.sha256) == 64
    doc.title = "改"
    with pytest.raises(ValueError):
        doc.save()


@pytest.mark.django_db
def test_download_requires_visibility_of_the_subject(world, client):
    from institutions.models import Institution

    home = Institution.objects.create(
        name="阳谷敬老院", kind="care_home", nature="public", region=world.yanggu_town, address="x"
    )
    doc = document_store(
        kind="test", title="测试", pdf=b"%PDF-1.7 x", department=world.mz, region=world.yanggu, subject=home
    )
    client.force_login(world.yanggu_mz)
    ok = client.get(f"/documents/{doc.pk}/download/")
    assert ok.status_code == 200 and ok["Content-Type"] == "application/pdf"
    assert ok["X-Content-SHA256"] == doc.sha256
    client.force_login(world.dongchangfu_mz)
    assert client.get(f"/documents/{doc.pk}/download/").status_code == 404
    assert OfficialDocument.objects.count() == 1


@pytest.mark.django_db
def test_the_database_refuses_to_rewrite_an_issued_document(world):
    from django.db import IntegrityError, transaction

    doc = document_store(
        kind="test",
        title="测试",
        pdf=b"%PDF-1.7 original",
        department=world.mz,
        region=world.yanggu,
        number="1号",
    )
    for change in ({"pdf": b"%PDF-1.7 forged"}, {"sha256": "0" * 64}, {"number": "2号"}):
        with pytest.raises(IntegrityError, match="不可修改"), transaction.atomic():
            OfficialDocument.objects.filter(pk=doc.pk).update(**change)
    OfficialDocument.objects.filter(pk=doc.pk).update(title="测试（标题可更正）")  # metadata only
    doc.refresh_from_db()
    assert bytes(doc.pdf) == b"%PDF-1.7 original" and doc.verify() and doc.number == "1号"
