"""Excel import of claim lines and of the deceased/absent lists: errors by row and column, the
good rows importable, a batch applied whole (all good rows or none) and only once."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from openpyxl import Workbook

from funds import services
from funds.models import FundFlag, ImportStatus, ResidentStatusRecord
from funds.services import imports

from .helpers import claim, id_number, resident

pytestmark = pytest.mark.django_db
OCT = dt.date(2026, 10, 1)


def _xlsx(rows):
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return ContentFile(buf.getvalue(), name="明细.xlsx")


@pytest.fixture
def draft(world, money):
    return services.claim_create(
        world.yanggu_mz,
        programme=money.resident_programme,
        institution=money.home,
        period_start=OCT,
        period_end=OCT,
    )


def test_errors_by_row_and_column_and_good_rows_imported_whole(world, money, draft):
    upload = _xlsx([
        ["类别", "月份", "护理等级", "老人姓名", "身份证号"],
        ["入住老人", "2026-10", "中度失能", "王秀英", id_number(1)],
        ["入住老人", "2026-13", "中度失能", "李桂兰", id_number(2)],
        ["入住老人", "2026-10", "完全失能", "张玉珍", id_number(3)],
        ["入住老人", "2026-10", "中度失能", "王秀英", id_number(1)],
    ])  # fmt: skip
    batch = imports.import_stage(world.yanggu_mz, kind="claim_lines", upload=upload, region=None, claim=draft)
    assert (batch.total_rows, batch.good_rows, batch.error_count) == (4, 2, 2)
    assert {(e["row"], e["column"]) for e in batch.errors} == {(3, "月份"), (5, "身份证号")}
    assert draft.lines.count() == 0  # nothing written before confirmation
    assert imports.import_apply(world.yanggu_mz, batch) == 2
    assert draft.lines.count() == 2
    with pytest.raises(ValidationError, match="已导入"):
        imports.import_apply(world.yanggu_mz, batch)


def test_a_failing_apply_writes_nothing(world, money, draft, monkeypatch):
    upload = _xlsx([["类别", "月份", "护理等级", "老人姓名", "身份证号"],
                    ["入住老人", "2026-10", "中度失能", "王秀英", id_number(1)],
                    ["入住老人", "2026-10", "中度失能", "李桂兰", id_number(2)]])  # fmt: skip
    batch = imports.import_stage(world.yanggu_mz, kind="claim_lines", upload=upload, region=None, claim=draft)
    monkeypatch.setattr(imports, "_recount", lambda claim: (_ for _ in ()).throw(RuntimeError("disk full")))
    with pytest.raises(RuntimeError):
        imports.import_apply(world.yanggu_mz, batch)
    batch.refresh_from_db()
    assert draft.lines.count() == 0 and batch.status == ImportStatus.PREVIEW


def test_missing_column_is_refused(world, money, draft):
    upload = _xlsx([["老人姓名", "身份证号"], ["王秀英", id_number(1)]])
    with pytest.raises(ValidationError, match="表头缺少“类别”列"):
        imports.import_stage(world.yanggu_mz, kind="claim_lines", upload=upload, region=None, claim=draft)


def test_status_list_import_flags_claims_of_the_deceased(world, money):
    c = claim(world, money.resident_programme, money.home, [resident(1, OCT), resident(2, OCT)])
    upload = _xlsx([["类别", "姓名", "身份证号", "日期", "离院天数"],
                    ["死亡", "王秀英", id_number(1), "2026-09-28", ""],
                    ["离院", "李桂兰", id_number(2), "2026-10", "9"],
                    ["死亡", "某某", "123", "2026-09-01", ""]])  # fmt: skip
    with pytest.raises(Exception):  # noqa: B017  (a partner post may not import the county's list)
        imports.import_stage(world.yanggu_xf, kind="status_list", upload=upload, region=world.yanggu)
    batch = imports.import_stage(
        world.yanggu_mz, kind="status_list", upload=upload, region=world.yanggu, source="县民政局殡葬数据"
    )
    assert (batch.good_rows, batch.error_count) == (2, 1) and batch.errors[0]["column"] == "身份证号"
    imports.import_apply(world.yanggu_mz, batch)
    assert ResidentStatusRecord.objects.count() == 2
    [flag] = FundFlag.objects.filter(claim=c, rule="subsidy.deceased_absent")
    assert "2026-09-28 死亡" in flag.reason and "离院 9 天" not in flag.reason
