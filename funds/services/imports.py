"""Excel (xlsx) or csv import of claim lines and of the deceased/absent lists.

Stage (``import_stage``): the upload goes through the file store (type by content) and the
import guard (``supervision.core.spreadsheets.check_import_file``), is read row by row
(``institutions.reconciliation.parsers.open_table``) and every error is kept with its row (the
line number staff see in Excel) and its column; the batch waits at 待确认导入 with the counts.
Apply (``import_apply``): the same file is read again and every good row is written in one
transaction (all of them or none); a batch is applied once. Discard leaves nothing behind."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from institutions.personal import id_hash, mask_id
from institutions.reconciliation.parsers import UnreadableFile, open_table
from institutions.validators import explain_id_number
from supervision.core import policy
from supervision.core.audit import audit, create_audited, save_audited
from supervision.core.spreadsheets import check_import_file
from supervision.files import store as files

from ..models import (
    CareLevel,
    ImportBatch,
    ImportKind,
    ImportStatus,
    LineKind,
    ResidentStatusKind,
    ResidentStatusRecord,
    SubsidyClaim,
)
from .claims import _clean_line, _line, _recount, month_start

MAX_ERRORS = 500
# Header → field; several spellings staff use.
CLAIM_COLUMNS = {
    "类别": "kind",
    "月份": "month",
    "数量": "quantity",
    "护理等级": "care_level",
    "老人姓名": "resident_name",
    "姓名": "resident_name",
    "身份证号": "id_number",
    "身份证号码": "id_number",
}
STATUS_COLUMNS = {
    "类别": "kind",
    "姓名": "name",
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "日期": "date",
    "离院天数": "days_absent",
}
FIELD_LABELS = {
    "kind": "类别",
    "month": "月份",
    "quantity": "数量",
    "care_level": "护理等级",
    "resident_name": "老人姓名",
    "id_number": "身份证号",
    "name": "姓名",
    "date": "日期",
    "days_absent": "离院天数",
}
KIND_BY_LABEL = {str(label): value for value, label in LineKind.choices} | {
    "新增床位": LineKind.NEW_BEDS,
    "入住床位": LineKind.OCCUPIED_BEDS,
    "床位": LineKind.OCCUPIED_BEDS,
    "老人": LineKind.RESIDENT,
    "入住老人": LineKind.RESIDENT,
    "其他": LineKind.OTHER,
}
LEVEL_BY_LABEL = {str(label): value for value, label in CareLevel.choices} | {
    "自理": CareLevel.SELF_CARE,
    "轻度": CareLevel.MILD,
    "中度": CareLevel.MODERATE,
    "重度": CareLevel.SEVERE,
    "完全失能": CareLevel.TOTAL,
}
STATUS_KIND_BY_LABEL = {
    "死亡": ResidentStatusKind.DECEASED,
    "离院": ResidentStatusKind.ABSENT,
    "住院": ResidentStatusKind.ABSENT,
}
MONTH = re.compile(r"^(\d{4})[-/.年](\d{1,2})(?:[-/.月](\d{1,2}))?日?$")


def parse_date(text: str) -> dt.date | None:
    m = MONTH.match((text or "").strip())
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
    except ValueError:
        return None


def _rows(path: Any, filename: str, columns: dict[str, str]) -> Iterator[tuple[int, dict[str, str]]]:
    with open_table(path, filename) as table:
        index: dict[int, str] = {}
        for i, header in enumerate(table.headers):
            field = columns.get(header.strip())
            if field and field not in index.values():
                index[i] = field
        if "id_number" not in index.values() and columns is STATUS_COLUMNS:
            raise ValidationError("表头缺少“身份证号”列。")
        for needed in ("kind", "month") if columns is CLAIM_COLUMNS else ("kind", "date"):
            if needed not in index.values():
                raise ValidationError(f"表头缺少“{FIELD_LABELS[needed]}”列。")
        for number, cells in table.rows:
            yield number, {field: cells[i] for i, field in index.items()}


def _claim_row(raw: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Text cells → a line row, with the errors of the cells that could not be read."""
    errors: dict[str, str] = {}
    row: dict[str, Any] = {}
    kind = KIND_BY_LABEL.get(raw.get("kind", "").strip(), raw.get("kind", "").strip())
    row["kind"] = kind
    month = parse_date(raw.get("month", ""))
    if month is None:
        errors["month"] = "月份无法识别，请填写如 2026-10。"
    row["month"] = month
    quantity = (raw.get("quantity") or "").strip()
    if quantity:
        if quantity.isdigit():
            row["quantity"] = int(quantity)
        else:
            errors["quantity"] = "数量须为正整数。"
            row["quantity"] = 1
    level = (raw.get("care_level") or "").strip()
    row["care_level"] = LEVEL_BY_LABEL.get(level, level)
    row["resident_name"] = (raw.get("resident_name") or "").strip()
    row["id_number"] = (raw.get("id_number") or "").strip()
    return row, errors


def _status_row(raw: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    kind = STATUS_KIND_BY_LABEL.get(raw.get("kind", "").strip(), raw.get("kind", "").strip())
    if kind not in ResidentStatusKind.values:
        errors["kind"] = "类别应为“死亡”或“离院”。"
    number = (raw.get("id_number") or "").strip()
    message = explain_id_number(number) if number else "请填写身份证号。"
    if message:
        errors["id_number"] = message
    date = parse_date(raw.get("date", ""))
    if date is None:
        errors["date"] = "日期无法识别，请填写如 2026-10-15（离院填所属月份，如 2026-10）。"
    days = (raw.get("days_absent") or "0").strip() or "0"
    if not days.isdigit():
        errors["days_absent"] = "离院天数须为整数。"
    elif kind == ResidentStatusKind.ABSENT and not (0 < int(days) <= 31):
        errors["days_absent"] = "离院记录须填写 1～31 的离院天数。"
    return {
        "kind": kind,
        "id_number": number,
        "name": (raw.get("name") or "").strip(),
        "date": date,
        "days_absent": int(days) if days.isdigit() else 0,
    }, errors


def _evaluate(batch: ImportBatch, path: Any) -> Iterator[tuple[int, dict[str, Any], dict[str, str]]]:
    """Every data row with its errors by field (empty: a good row)."""
    if batch.kind == ImportKind.CLAIM_LINES:
        claim = SubsidyClaim.objects.select_related("programme").get(pk=batch.claim_id)
        seen: dict[tuple[str, dt.date], int] = {}
        existing = set(claim.lines.filter(kind=LineKind.RESIDENT).values_list("id_hash", "month"))
        for number, raw in _rows(path, batch.original_name, CLAIM_COLUMNS):
            row, errors = _claim_row(raw)
            if not errors:
                errors = _clean_line(claim, row)
            if not errors and row["kind"] == LineKind.RESIDENT:
                key = (id_hash(row["id_number"]), month_start(row["month"]))
                if key in existing:
                    errors["id_number"] = "该老人该月已在本申报中。"
                elif key in seen:
                    errors["id_number"] = f"与第 {seen[key]} 行重复（同一老人同一月份）。"
                else:
                    seen[key] = number
            yield number, row, errors
    else:
        for number, raw in _rows(path, batch.original_name, STATUS_COLUMNS):
            row, errors = _status_row(raw)
            yield number, row, errors


def import_stage(
    actor: Any, *, kind: str, upload: Any, region: Any, claim: SubsidyClaim | None = None, source: str = ""
) -> ImportBatch:
    """Keep the upload and record its errors by row and column (nothing is imported yet)."""
    if kind == ImportKind.CLAIM_LINES:
        if claim is None:
            raise ValidationError("请选择补贴申报。")
        policy.require(actor, claim, "file")
        if not claim.editable:
            raise ValidationError(f"当前状态为“{claim.get_status_display()}”，不能导入申报明细。")
        region = claim.region
    policy.require(actor, ImportBatch, "import", region=region)
    with files.receive(
        upload, accept=files.SPREADSHEETS, area="funds", actor=policy.as_user(actor), field="file"
    ) as stored:
        if stored is None:
            raise ValidationError({"file": "请选择要导入的文件。"})
        path = files.path(stored)
        check_import_file(path, stored.original_name)
        batch = ImportBatch(
            kind=kind,
            region=region,
            claim=claim,
            file=stored.name,
            original_name=stored.original_name,
            source=(source or "").strip(),
            created_by=policy.as_user(actor),
        )
        errors: list[dict[str, Any]] = []
        total = good = bad = 0
        try:
            for number, _row, row_errors in _evaluate(batch, path):
                total += 1
                if row_errors:
                    bad += 1
                    for field, message in row_errors.items():
                        if len(errors) < MAX_ERRORS:
                            errors.append(
                                {"row": number, "column": FIELD_LABELS.get(field, field), "message": message}
                            )
                else:
                    good += 1
        except UnreadableFile as exc:
            raise ValidationError({"file": str(exc)}) from exc
        if total == 0:
            raise ValidationError({"file": "文件中没有数据行。"})
        batch.total_rows, batch.good_rows, batch.error_count, batch.errors = total, good, bad, errors
        with transaction.atomic():
            create_audited(batch, policy.as_user(actor), "stage")
    return batch


def import_apply(actor: Any, batch: ImportBatch) -> int:
    """Write every good row of a staged batch in one transaction; returns how many."""
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update(of=("self",)).get(pk=batch.pk)
        policy.require(actor, locked, "import")
        if locked.status != ImportStatus.PREVIEW:
            raise ValidationError(f"该批次{locked.get_status_display()}，不能再次导入。")
        if locked.good_rows == 0:
            raise ValidationError("没有可导入的数据行。")
        path = files.path(locked.file)
        good = [row for _n, row, errors in _evaluate(locked, path) if not errors]
        if len(good) != locked.good_rows:
            raise ValidationError("申报明细在预览后已变化，请重新上传文件。")
        if locked.kind == ImportKind.CLAIM_LINES:
            claim = (
                SubsidyClaim.objects.select_for_update(of=("self",))
                .select_related("programme")
                .get(pk=locked.claim_id)
            )
            policy.require(actor, claim, "file")
            if not claim.editable:
                raise ValidationError(f"当前状态为“{claim.get_status_display()}”，不能导入申报明细。")
            from ..models import ClaimLine

            ClaimLine.objects.bulk_create([_line(claim, row) for row in good], batch_size=2000)
            _recount(claim)
            audit(claim, policy.as_user(actor), "import_lines", {"lines": (None, len(good))})
        else:
            ResidentStatusRecord.objects.bulk_create(
                [
                    ResidentStatusRecord(
                        region=locked.region,
                        kind=row["kind"],
                        id_hash=id_hash(row["id_number"]),
                        id_masked=mask_id(row["id_number"]),
                        name=row["name"],
                        date=row["date"],
                        month=row["date"].replace(day=1),
                        days_absent=row["days_absent"],
                        source=locked.source or locked.original_name,
                        imported_by=policy.as_user(actor),
                    )
                    for row in good
                ],
                batch_size=2000,
            )
        before = {"status": locked.status, "applied_at": locked.applied_at}
        locked.status, locked.applied_at = ImportStatus.APPLIED, timezone.now()
        save_audited(locked, policy.as_user(actor), "apply", before)
    if locked.kind == ImportKind.STATUS_LIST:
        from .anomalies import run_rules

        run_rules(codes=["subsidy.deceased_absent"])
    return len(good)


def import_discard(actor: Any, batch: ImportBatch) -> ImportBatch:
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update(of=("self",)).get(pk=batch.pk)
        policy.require(actor, locked, "import")
        if locked.status != ImportStatus.PREVIEW:
            raise ValidationError(f"该批次{locked.get_status_display()}，不能放弃。")
        before = {"status": locked.status}
        locked.status = ImportStatus.DISCARDED
        save_audited(locked, policy.as_user(actor), "discard", before)
    return locked
