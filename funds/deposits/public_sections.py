"""The public institution page's escrow section (004 附件1 indicator 4.18): whether the
institution's deposits are kept in a supervised account. Only that fact, the bank's name and
the day the account was opened: never an account number, an amount or a resident."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import AccountStatus, EscrowAccount


def escrow_status(institution: Any) -> dict[str, Any]:
    accounts = list(
        EscrowAccount.objects.filter(institution=institution, status=AccountStatus.ACTIVE)
        .order_by("opened_on", "pk")
        .values("bank_name", "opened_on")
    )
    return {
        "title": _("押金、保证金专户监管"),
        "template": "deposits/public_section.html",
        "context": {"accounts": accounts},
    }
