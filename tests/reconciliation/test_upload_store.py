"""Registration lists are kept as evidence in the private file store: xlsx or csv by content
(an HTML page or an SVG named .csv/.xlsx is refused naming what it is), the spreadsheet size
limit, a generated name and the SHA-256 of the kept bytes."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from institutions.reconciliation import services
from institutions.reconciliation.models import ReconciliationRun
from tests.uploads import HTML, SVG, stored_files, xlsx

pytestmark = pytest.mark.django_db

CSV = "统一社会信用代码,企业名称,住所\n91371521MA3C000001,阳谷县福寿养老院,振兴路 1 号\n".encode("utf-8-sig")


def create(world, source, name: str, data: bytes) -> ReconciliationRun:
    return services.run_create(
        actor=world.yanggu_mz, source=source, upload=ContentFile(data, name=name), coverage="incremental"
    )


@pytest.mark.parametrize(
    ("name", "data", "detected"), [("list.csv", HTML, "HTML"), ("list.xlsx", SVG, "SVG")]
)
def test_forged_list_is_refused_naming_the_detected_type(world, market_source, name, data, detected):
    with pytest.raises(ValidationError, match=detected):
        create(world, market_source, name, data)
    assert not ReconciliationRun.objects.exists() and not stored_files().exists()


def test_forged_list_is_refused_on_the_upload_page(world, market_source, client_for):
    response = client_for(world.yanggu_mz).post(
        "/institutions/reconciliation/upload/",
        {
            "source": market_source.pk,
            "coverage": "incremental",
            "file": ContentFile(HTML, name="list.csv"),
        },
    )
    assert "HTML" in response.content.decode() and not ReconciliationRun.objects.exists()


def test_oversized_list_is_refused_with_the_limit(world, market_source, settings):
    settings.FILE_STORE_LIMITS = {**settings.FILE_STORE_LIMITS, "spreadsheet": 1024 * 1024}
    with pytest.raises(ValidationError, match="不能超过 1 MB"):
        create(world, market_source, "list.csv", CSV + b"91371521MA3C000002,x,y\n" * 60_000)
    assert not ReconciliationRun.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("登记名单.csv", CSV, "csv"),
        ("登记名单.xlsx", xlsx([["统一社会信用代码", "企业名称"], ["x", "y"]]), "xlsx"),
    ],
)
def test_list_is_kept_privately_with_its_hash(world, market_source, settings, name, data, kind):
    run = create(world, market_source, name, data)
    record = stored_files().get(sha256=hashlib.sha256(data).hexdigest())
    assert record.kind == kind and record.original_name == name and "登记名单" not in record.name
    assert run.file_path.endswith(record.name) and run.original_filename == name
    root = settings.PRIVATE_STORAGE_ROOT.resolve()
    with open(run.file_path, "rb") as fh:
        assert fh.read() == data
    assert str(root) in run.file_path
    assert run.headers[:2] == ["统一社会信用代码", "企业名称"]
