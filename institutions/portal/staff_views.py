"""Civil affairs' side of institution accounts: open one from the institution page, issue a new
one-time code, disable one. The code is shown once, on the page that answers the request."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from institutions.views import InstitutionActionView
from supervision.core import policy
from supervision.core.scoping import get_visible_or_404

from . import accounts
from .forms import AccountCreateForm
from .models import InstitutionAccount


def _code_page(request: HttpRequest, account: InstitutionAccount, code: str) -> HttpResponse:
    link = request.build_absolute_uri(reverse("institution_portal:sign_in_link", args=[code]))
    return render(
        request,
        "institutions/portal/code_issued.html",
        {
            "account": account,
            "institution": account.institution,
            "code": code,
            "link": link,
            "hours": accounts.code_hours(),
        },
    )


class AccountCreateView(InstitutionActionView):
    form_class = AccountCreateForm
    title = _("开设机构账户")
    tab = "accounts"

    def form_valid(self, form: AccountCreateForm) -> HttpResponse:
        from django.core.exceptions import ValidationError

        try:
            account, code = accounts.account_create(self.request.user, self.institution, **form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
            return self.form_invalid(form)
        return _code_page(self.request, account, code)


def _account(request: HttpRequest, pk: int) -> InstitutionAccount:
    account = get_visible_or_404(
        InstitutionAccount.objects.select_related("institution__region", "user"), request.user, pk=pk
    )
    policy.require(request.user, account, "keep")
    return account


@login_required
@require_POST
def account_code(request: HttpRequest, pk: int) -> HttpResponse:
    """签发新的一次性登录码 (the older unused ones are void)."""
    from django.core.exceptions import ValidationError

    account = _account(request, pk)
    try:
        code = accounts.sign_in_code_issue(request.user, account)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("institutions:detail", args=[account.institution_id]) + "#accounts")
    return _code_page(request, account, code)


@login_required
@require_POST
def account_disable(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request, pk)
    reason = (request.POST.get("reason") or "").strip() or "民政部门停用"
    accounts.account_disable(request.user, account, reason)
    messages.success(request, "机构账户已停用，其登录和令牌已失效。")
    return redirect(reverse("institutions:detail", args=[account.institution_id]) + "#accounts")


def accounts_count(user: Any, inst: Any) -> int:
    return InstitutionAccount.objects.visible_to(user).filter(institution=inst).count()


def accounts_render(request: Any, inst: Any) -> tuple[str, dict[str, Any]]:
    rows = list(
        InstitutionAccount.objects.visible_to(request.user).filter(institution=inst).select_related("user")
    )
    return "institutions/portal/file_accounts.html", {
        "accounts": rows,
        "may_keep": policy.can(request.user, inst, "keep"),
    }
