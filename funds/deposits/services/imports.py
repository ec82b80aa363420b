"""Excel (or CSV) import of the resident fee ledger and of bank balance reports.

Every file passes ``supervision.core.spreadsheets.check_import_path`` (size, inflation, rows)
before a reader opens it, and is kept in the private file store. Each row is checked on its
own; errors are reported by row number and column name. Applying is all or nothing: with any
error and ``apply_good=False`` nothing is written; with ``apply_good=True`` the good rows are
written in one transaction (a failure in any of them writes none)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from institutions.models import Institution
from institutions.reconciliation.parsers import UnreadableFile, open_table
from supervision.core import policy, spreadsheets
from supervision.core.audit import audit
from supervision.files import store

from ..models import BalanceReport, EscrowAccount, FeeEntry, FeeKind, ReportSource
from .accounts import _clean_fee, _entry_from, balance_report

FEE_COLUMNS = {
    "resident_name": ("姓名", "老人姓名"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码"),
    "kind": ("类别", "收费类别"),
    "amount": ("金额", "收取金额"),
    "received_on": ("收取日期",),
    "monthly_fee": ("月费用合计", "月费用"),
    "months_covered": ("预收月数",),
    "contract_ended_on": ("合同终止日期",),
    "refunded_amount": ("已退金额",),
    "refunded_on": ("退费日期",),
    "note": ("备注",),
}
FEE_REQUIRED = ("resident_name", "id_number", "kind", "amount", "received_on", "monthly_fee")
BALANCE_COLUMNS = {
    "account_number": ("账号", "专户账号"),
    "as_of": ("余额日期", "日期"),
    "balance": ("余额", "专户余额"),
    "note": ("备注",),
}
BALANCE_REQUIRED = ("account_number", "as_of", "balance")
KIND_WORDS = {
    "押金": FeeKind.DEPOSIT,
    "保证金": FeeKind.GUARANTEE,
    "预收费": FeeKind.PREPAID,
    "预收服务费": FeeKind.PREPAID,
}
LABELS = {**{k: v[0] for k, v in FEE_COLUMNS.items()}, **{k: v[0] for k, v in BALANCE_COLUMNS.items()}}


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    """What a file held: good rows (parsed), errors by row and column, and how many were written."""

    good: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    written: int = 0
    unchanged: int = 0
    applied: bool = False

    @property
    def rows_with_errors(self) -> int:
        return len({e.row for e in self.errors})


def _date(text: str) -> dt.date | None:
    text = text.strip().replace("/", "-").replace(".", "-")
    if not text:
        return None
    return dt.date.fromisoformat(text[:10]) if len(text) >= 8 else None


def _money(text: str) -> Decimal | None:
    text = text.replace(",", "").replace("，", "").replace("元", "").strip()
    if not text:
        return None
    value = Decimal(text)
    if not value.is_finite():
        raise InvalidOperation
    return value.quantize(Decimal("0.01"))


def _map_headers(
    headers: list[str], spec: dict[str, tuple[str, ...]], required: tuple[str, ...]
) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, header in enumerate(headers):
        for key, names in spec.items():
            if header.strip() in names and key not in index:
                index[key] = i
    missing = [spec[k][0] for k in required if k not in index]
    if missing:
        raise ValidationError({"file": f"表头缺少必填列：{'、'.join(missing)}。"})
    return index


def _read(
    path: Path, spec: dict[str, tuple[str, ...]], required: tuple[str, ...], parse: Any
) -> ImportResult:
    spreadsheets.check_import_path(path)
    result = ImportResult()
    try:
        with open_table(path) as table:
            index = _map_headers(table.headers, spec, required)
            for number, cells in table.rows:
                raw = {k: cells[i] if i < len(cells) else "" for k, i in index.items()}
                data, errors = parse(raw)
                if errors:
                    result.errors.extend(RowError(number, LABELS.get(k, k), m) for k, m in errors.items())
                else:
                    result.good.append((number, data))
    except UnreadableFile as exc:
        raise ValidationError({"file": str(exc)}) from exc
    return result


def _parse_fee(raw: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    data: dict[str, Any] = {
        "resident_name": raw.get("resident_name", ""),
        "id_number": raw.get("id_number", ""),
        "note": raw.get("note", ""),
    }
    errors: dict[str, str] = {}
    kind = raw.get("kind", "").strip()
    data["kind"] = KIND_WORDS.get(kind, kind)
    for key in ("amount", "monthly_fee", "refunded_amount"):
        try:
            data[key] = _money(raw.get(key, ""))
        except (InvalidOperation, ValueError):
            errors[key] = "应为金额（如 3000 或 3000.00）。"
    for key in ("received_on", "contract_ended_on", "refunded_on"):
        try:
            data[key] = _date(raw.get(key, ""))
        except ValueError:
            errors[key] = "应为日期（如 2026-12-01）。"
    months = raw.get("months_covered", "").strip()
    if months:
        if months.isdigit() and 0 < int(months) <= 120:
            data["months_covered"] = int(months)
        else:
            errors["months_covered"] = "预收月数应为 1 至 120 的整数。"
    for key, message in _clean_fee(data).items():
        errors.setdefault(key, message)
    return data, errors


def _parse_balance(raw: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    data: dict[str, Any] = {
        "account_number": "".join(raw.get("account_number", "").split()),
        "note": raw.get("note", "")[:200],
    }
    errors: dict[str, str] = {}
    if not data["account_number"].isdigit():
        errors["account_number"] = "账号应为数字。"
    try:
        data["as_of"] = _date(raw.get("as_of", ""))
        if data["as_of"] is None:
            errors["as_of"] = "请填写余额日期。"
    except ValueError:
        errors["as_of"] = "应为日期（如 2026-12-01）。"
    try:
        data["balance"] = _money(raw.get("balance", ""))
        if data["balance"] is None or data["balance"] < 0:
            errors["balance"] = "余额应为不小于 0 的金额。"
    except (InvalidOperation, ValueError):
        errors["balance"] = "应为金额（如 3000 或 3000.00）。"
    return data, errors


def _keep(upload: Any, actor: Any) -> Path:
    stored = store.store(
        upload, accept=store.SPREADSHEETS, area="escrow-imports", actor=policy.as_user(actor), field="file"
    )
    return store.path(stored)


def ledger_import(
    upload: Any, *, institution: Institution, actor: Any, apply_good: bool = False
) -> ImportResult:
    """导入押金与预收费台账 of one institution (see the module docstring)."""
    policy.require(actor, FeeEntry, "keep", region=institution.region)
    path = _keep(upload, actor)
    result = _read(path, FEE_COLUMNS, FEE_REQUIRED, _parse_fee)
    seen: set[tuple[str, str, Any]] = set()
    from institutions.personal import id_hash

    for number, data in list(result.good):
        key = (id_hash(data["id_number"]), data["kind"], data["received_on"])
        if key in seen:
            result.errors.append(RowError(number, "身份证号", "与前面的行重复（同一老人、类别、收取日期）。"))
            result.good.remove((number, data))
        seen.add(key)
    if result.errors and not apply_good:
        return result
    with transaction.atomic():
        policy.require(actor, FeeEntry, "keep", region=institution.region)
        existing = set(
            FeeEntry.objects.filter(institution=institution).values_list("id_hash", "kind", "received_on")
        )
        new = []
        for _number, data in result.good:
            entry = _entry_from(institution, data, actor)
            if (entry.id_hash, entry.kind, entry.received_on) in existing:
                result.unchanged += 1
                continue
            new.append(entry)
        try:
            FeeEntry.objects.bulk_create(new)
        except IntegrityError as exc:
            raise ValidationError({"file": "台账与已登记记录冲突，请重新导入。"}) from exc
        result.written = len(new)
        audit(institution, policy.as_user(actor), "import_ledger", {"fee_entries": (None, len(new))})
        result.applied = True
    return result


def balance_import(
    upload: Any, *, actor: Any, source: str, visible: Any, apply_good: bool = False
) -> ImportResult:
    """导入专户余额 (a bank's or an institution's report of several accounts); ``visible`` is
    the actor's scoped account queryset, so a row naming an account outside it is an error."""
    if source not in ReportSource.values:
        raise ValidationError({"source": "请选择余额来源。"})
    policy.require_ever(actor, EscrowAccount, "keep")
    path = _keep(upload, actor)
    result = _read(path, BALANCE_COLUMNS, BALANCE_REQUIRED, _parse_balance)
    numbers = {d["account_number"] for _n, d in result.good}
    accounts = {
        a.account_number: a
        for a in visible.filter(account_number__in=numbers).select_related("institution__region")
    }
    for number, data in list(result.good):
        account = accounts.get(data["account_number"])
        if account is None:
            result.errors.append(RowError(number, "账号", "未找到该专户（或不在您的辖区）。"))
            result.good.remove((number, data))
        elif not policy.can(actor, account, "keep"):
            result.errors.append(RowError(number, "账号", "您的岗位无权登记该专户的余额。"))
            result.good.remove((number, data))
        else:
            data["account"] = account
    if result.errors and not apply_good:
        return result
    with transaction.atomic():
        for _number, data in result.good:
            balance_report(
                data["account"],
                actor=actor,
                as_of=data["as_of"],
                balance=data["balance"],
                source=source,
                note=data["note"],
            )
            result.written += 1
        result.applied = True
    return result


__all__ = ["BalanceReport", "ImportResult", "RowError", "balance_import", "ledger_import"]
