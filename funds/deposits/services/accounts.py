"""Escrow accounts, balances and the resident fee ledger: one service per write, each asking
the write policy first inside its transaction and audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from institutions.models import Institution
from institutions.personal import id_hash, mask_id
from institutions.validators import explain_id_number
from supervision.core import policy
from supervision.core.audit import create_audited, save_audited
from supervision.core.models import Domain, Region
from supervision.files import store

from ..models import (
    FEES_DOMAIN,
    AccountStatus,
    BalanceReport,
    DepositPolicy,
    EscrowAccount,
    FeeEntry,
    FeeKind,
    ReportSource,
)


def fees_domain() -> Domain:
    """The remit matrix's "fees" domain (reference data; created with its matrix name when a test
    world or a fresh database lacks it, so that scoping never depends on load order)."""
    domain, _created = Domain.objects.get_or_create(code=FEES_DOMAIN, defaults={"name": "收费"})
    return domain


def _invalidate_public() -> None:
    # Infrastructure: the public institution page shows whether deposits are in escrow (4.18).
    from supervision.publicity.web import invalidate_public_pages

    transaction.on_commit(invalidate_public_pages)


def account_open(
    *,
    institution: Institution,
    actor: Any,
    bank_name: str,
    account_name: str,
    account_number: str,
    opened_on: dt.date,
    agreement: Any = None,
) -> EscrowAccount:
    """登记监管专户: an institution's escrow account, with its supervision agreement (PDF or
    image) kept in the private file store."""
    number = "".join((account_number or "").split())
    errors: dict[str, str] = {}
    if not (bank_name or "").strip():
        errors["bank_name"] = "请填写开户银行。"
    if not number.isdigit() or not 8 <= len(number) <= 32:
        errors["account_number"] = "账号应为 8 至 32 位数字。"
    if opened_on and opened_on > timezone.localdate():
        errors["opened_on"] = "开户日期不能晚于今天。"
    with transaction.atomic():
        policy.require(actor, EscrowAccount, "keep", region=institution.region)
        if errors:
            raise ValidationError(errors)
        if EscrowAccount.objects.filter(bank_name=bank_name.strip(), account_number=number).exists():
            raise ValidationError({"account_number": "该银行账号已登记。"})
        account = EscrowAccount(
            institution=institution,
            domain=fees_domain(),
            bank_name=bank_name.strip(),
            account_name=(account_name or institution.name).strip(),
            account_number=number,
            opened_on=opened_on,
            created_by=policy.as_user(actor),
        )
        with store.receive(
            agreement, accept=store.EVIDENCE, area="escrow", actor=policy.as_user(actor), field="agreement"
        ) as stored:
            if stored is not None:
                account.agreement_path = stored.name
                account.agreement_sha256 = stored.sha256
                account.agreement_name = stored.original_name
            create_audited(account, policy.as_user(actor), "open_account")
        _invalidate_public()
        return account


def account_close(account: EscrowAccount, *, actor: Any, note: str = "") -> EscrowAccount:
    """撤销监管专户 (an account replaced or an institution that left the field)."""
    with transaction.atomic():
        locked = EscrowAccount.objects.select_for_update().get(pk=account.pk)
        policy.require(actor, locked, "keep")
        if locked.status == AccountStatus.CLOSED:
            return locked
        before = {"status": locked.status}
        locked.status = AccountStatus.CLOSED
        save_audited(locked, policy.as_user(actor), "close_account", before)
        _invalidate_public()
        return locked


def balance_report(
    account: EscrowAccount,
    *,
    actor: Any,
    as_of: dt.date,
    balance: Decimal,
    source: str = ReportSource.STAFF,
    note: str = "",
) -> BalanceReport:
    """登记专户余额: one balance on a day from one source (a repeat of the same day and source
    corrects it, audited)."""
    if balance is None or balance < 0:
        raise ValidationError({"balance": "余额不能为负数。"})
    if as_of > timezone.localdate():
        raise ValidationError({"as_of": "余额日期不能晚于今天。"})
    if source not in ReportSource.values:
        raise ValidationError({"source": "请选择余额来源。"})
    with transaction.atomic():
        locked = EscrowAccount.objects.select_for_update().get(pk=account.pk)
        policy.require(actor, locked, "keep")
        existing = BalanceReport.objects.filter(account=locked, as_of=as_of, source=source).first()
        if existing is not None:
            before = {"balance": existing.balance, "note": existing.note}
            existing.balance, existing.note = balance, note
            save_audited(existing, policy.as_user(actor), "report_balance", before)
            return existing
        report = BalanceReport(
            account=locked,
            as_of=as_of,
            balance=balance,
            source=source,
            note=note,
            reported_by=policy.as_user(actor),
        )
        return create_audited(report, policy.as_user(actor), "report_balance")


def _clean_fee(data: dict[str, Any]) -> dict[str, str]:
    """Chinese errors by field for one fee row (the form and the import share them)."""
    errors: dict[str, str] = {}
    if not (data.get("resident_name") or "").strip():
        errors["resident_name"] = "请填写老人姓名。"
    problem = explain_id_number(data.get("id_number") or "")
    if problem:
        errors["id_number"] = problem
    if data.get("kind") not in FeeKind.values:
        errors["kind"] = "类别应为押金、保证金或预收服务费。"
    amount = data.get("amount")
    if amount is None or amount <= 0:
        errors["amount"] = "收取金额应大于 0。"
    monthly = data.get("monthly_fee")
    if monthly is None or monthly <= 0:
        errors["monthly_fee"] = "月费用合计应大于 0。"
    received = data.get("received_on")
    today = timezone.localdate()
    if received is None:
        errors["received_on"] = "请填写收取日期。"
    elif received > today:
        errors["received_on"] = "收取日期不能晚于今天。"
    months = data.get("months_covered")
    if data.get("kind") == FeeKind.PREPAID and not months:
        errors["months_covered"] = "预收服务费须填写预收月数。"
    refunded = data.get("refunded_amount") or Decimal("0")
    if refunded < 0 or (amount is not None and refunded > amount):
        errors["refunded_amount"] = "已退金额应在 0 与收取金额之间。"
    if refunded and not data.get("refunded_on"):
        errors["refunded_on"] = "已退费的须填写退费日期。"
    ended = data.get("contract_ended_on")
    if ended and received and ended < received:
        errors["contract_ended_on"] = "合同终止日期不能早于收取日期。"
    if ended and ended > today:
        errors["contract_ended_on"] = "合同终止日期不能晚于今天。"
    return errors


def _entry_from(institution: Institution, data: dict[str, Any], actor: Any) -> FeeEntry:
    return FeeEntry(
        institution=institution,
        domain=fees_domain(),
        kind=data["kind"],
        resident_name=data["resident_name"].strip(),
        id_hash=id_hash(data["id_number"]),
        id_masked=mask_id(data["id_number"]),
        amount=data["amount"],
        received_on=data["received_on"],
        monthly_fee=data["monthly_fee"],
        months_covered=data.get("months_covered") or None,
        contract_ended_on=data.get("contract_ended_on"),
        refunded_amount=data.get("refunded_amount") or Decimal("0"),
        refunded_on=data.get("refunded_on"),
        note=(data.get("note") or "")[:200],
        recorded_by=policy.as_user(actor),
    )


def fee_record(*, institution: Institution, actor: Any, **data: Any) -> FeeEntry:
    """登记押金/预收费: one resident's deposit, guarantee or prepaid fee (the ID number is kept
    only as its keyed hash and masked form)."""
    errors = _clean_fee(data)
    with transaction.atomic():
        policy.require(actor, FeeEntry, "keep", region=institution.region)
        if errors:
            raise ValidationError(errors)
        entry = _entry_from(institution, data, actor)
        try:
            with transaction.atomic():
                create_audited(entry, policy.as_user(actor), "record_fee")
        except IntegrityError as exc:
            raise ValidationError({"received_on": "该老人同日同类别的记录已登记。"}) from exc
        return entry


def fee_refund(
    entry: FeeEntry, *, actor: Any, amount: Decimal, on: dt.date, contract_ended_on: dt.date | None = None
) -> FeeEntry:
    """登记退费: the amount refunded so far (cumulative) and the day of the last refund."""
    with transaction.atomic():
        locked = FeeEntry.objects.select_for_update().get(pk=entry.pk)
        policy.require(actor, locked, "keep")
        if amount is None or amount < 0 or amount > locked.amount:
            raise ValidationError({"amount": "累计退还金额应在 0 与收取金额之间。"})
        if on > timezone.localdate() or on < locked.received_on:
            raise ValidationError({"on": "退费日期应在收取日期与今天之间。"})
        before = {
            "refunded_amount": locked.refunded_amount,
            "refunded_on": locked.refunded_on,
            "contract_ended_on": locked.contract_ended_on,
        }
        locked.refunded_amount, locked.refunded_on = amount, on
        if contract_ended_on is not None:
            locked.contract_ended_on = contract_ended_on
        save_audited(locked, policy.as_user(actor), "record_refund", before)
        return locked


# --- configuration ---------------------------------------------------------------------------


def policy_for(region: Region | None) -> DepositPolicy:
    """The configuration that applies in ``region``: its own row, else the nearest ancestor's,
    else the default row (shipped by migration 0002; an unsaved default if it was deleted)."""
    from supervision.deadlines.services.rules import ancestor_codes

    if region is not None:
        codes = ancestor_codes(region)
        rows = {
            p.region.code: p  # type: ignore[union-attr]
            for p in DepositPolicy.objects.filter(region__code__in=codes).select_related("region")
        }
        for code in codes:
            if code in rows:
                return rows[code]
    found = DepositPolicy.objects.filter(region__isnull=True).first()
    return found or DepositPolicy(source_document="本平台默认值")
