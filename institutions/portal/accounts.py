"""Institution accounts (机构账户): opened by civil affairs for a named person of the institution,
first signed in with a one-time code or link, disabled when the institution terminates.

* ``account_create``: civil affairs (the registry's keepers, ``keep`` on the institution) opens an
  account; a one-time sign-in code is returned once (its digest alone is stored).
* ``sign_in_code_issue``: a new code (the old unused ones are void), e.g. a forgotten password.
* ``sign_in_code_redeem``: the code, once, within its term, with the new password chosen under
  the staff password policy (``AUTH_PASSWORD_VALIDATORS``); later sign-ins use the ordinary
  sign-in page and its lockout (django-axes, ``supervision/accounts/lockout.py``).
* ``accounts_disable_for_institution``: every account of a terminated institution is switched
  off (``user.is_active`` False: sessions and tokens end), the rows and their history stay.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from institutions.models import Institution
from supervision.core.audit import audit, create_audited, save_audited
from supervision.core.models import SecurityEvent, User
from supervision.core.policy import as_user, require

from .models import Capacity, InstitutionAccount, SignInCode

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CODE_LENGTH = 12
MAX_FAILED_ATTEMPTS = 5
CODE_INVALID = "一次性登录码无效、已使用或已过期，请联系民政部门重新获取。"


def code_hours() -> int:
    return int(getattr(settings, "INSTITUTION_SIGN_IN_CODE_HOURS", 72))


def institution_of_user(user: Any) -> int | None:
    """The scoping resolver: the institution of an active institution account, else None."""
    pk = getattr(user, "pk", None)
    if pk is None or getattr(user, "is_system", False):
        return None
    return (
        InstitutionAccount.objects.filter(user_id=pk, disabled_at__isnull=True)
        .values_list("institution_id", flat=True)
        .first()
    )


def normalise_code(code: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", (code or "").upper())


def digest_of(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def format_code(raw: str) -> str:
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _username_for(institution: Institution) -> str:
    base = f"jg{institution.pk}"
    n = InstitutionAccount.objects.filter(institution=institution).count() + 1
    while User.objects.filter(username=f"{base}_{n}").exists():
        n += 1
    return f"{base}_{n}"


def account_create(
    actor: Any,
    institution: Institution,
    *,
    person_name: str,
    capacity: str,
    phone: str = "",
    username: str = "",
) -> tuple[InstitutionAccount, str]:
    """Open an account for a named person of ``institution``; returns it and the one-time code."""
    require(actor, institution, "keep")
    person_name = (person_name or "").strip()
    if not person_name:
        raise ValidationError({"person_name": "请填写账户使用人的姓名。"})
    if capacity not in Capacity.values:
        raise ValidationError({"capacity": "请选择账户使用人的身份。"})
    if institution.status == "terminated":
        raise ValidationError("机构已终止，不能开设机构账户。")
    with transaction.atomic():
        username = (username or "").strip() or _username_for(institution)
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": "该用户名已被使用，请换一个。"})
        user = User(username=username, display_name=person_name, phone=(phone or "").strip())
        user.set_unusable_password()
        user.must_change_password = True
        user.save()
        account = InstitutionAccount(
            user=user,
            institution=institution,
            person_name=person_name,
            capacity=capacity,
            phone=(phone or "").strip(),
            created_by=as_user(actor),
        )
        create_audited(account, actor, "open_account")
        code = _issue(actor, account)
    return account, code


def _issue(actor: Any, account: InstitutionAccount) -> str:
    now = timezone.now()
    SignInCode.objects.filter(account=account, used_at__isnull=True, voided_at__isnull=True).update(
        voided_at=now
    )
    raw = _new_code()
    SignInCode.objects.create(
        account=account,
        digest=digest_of(raw),
        expires_at=now + dt.timedelta(hours=code_hours()),
        created_by=as_user(actor),
    )
    audit(account, actor, "issue_sign_in_code", {"sign_in_code": ("", "已签发")})
    return format_code(raw)


def sign_in_code_issue(actor: Any, account: InstitutionAccount) -> str:
    """A new one-time code for ``account`` (the older unused ones are void)."""
    require(actor, account, "keep")
    if not account.active:
        raise ValidationError("账户已停用，不能签发登录码。")
    with transaction.atomic():
        return _issue(actor, account)


def _find_code(code: str, username: str | None) -> SignInCode | None:
    qs = SignInCode.objects.select_for_update().select_related("account__user")
    found = qs.filter(digest=digest_of(code)).first()
    if found is None and username:
        # a wrong code typed for a known account counts against that account's live code
        live = (
            qs.filter(
                account__user__username__iexact=username.strip(), used_at__isnull=True, voided_at__isnull=True
            )
            .order_by("-created_at")
            .first()
        )
        if live is not None:
            live.failed_attempts += 1
            fields = ["failed_attempts"]
            if live.failed_attempts >= MAX_FAILED_ATTEMPTS:
                live.voided_at = timezone.now()
                fields.append("voided_at")
            live.save(update_fields=fields)
        return None
    if found is not None and username and found.account.user.username.lower() != username.strip().lower():
        return None
    return found


def code_is_live(code: str) -> bool:
    """For the link page: whether the code can still be used (no attempt is counted)."""
    found = SignInCode.objects.filter(digest=digest_of(code)).select_related("account").first()
    return found is not None and _usable(found)


def _usable(found: SignInCode) -> bool:
    return (
        found.used_at is None
        and found.voided_at is None
        and found.expires_at > timezone.now()
        and found.account.active
        and found.account.user.is_active
    )


def sign_in_code_redeem(
    code: str, new_password: str, *, username: str | None = None, request: Any = None
) -> User:
    """Use a one-time code once: set the chosen password (staff password policy) and return the
    user to sign in. Raises ``ValidationError`` (Chinese) for a wrong, used or expired code."""
    from supervision.core.signals import record

    with transaction.atomic():
        found = _find_code(code, username)
        usable = found is not None and _usable(found)
        if usable and found is not None:
            user = found.account.user
            validate_password(new_password, user)
            found.used_at = timezone.now()
            found.save(update_fields=["used_at"])
            user = User.objects.select_for_update().get(pk=user.pk)
            user.set_password(new_password)
            user.must_change_password = False
            user.save(update_fields=["password", "must_change_password", "password_changed_at"])
            audit(found.account, user, "first_sign_in", {"sign_in_code": ("已签发", "已使用")})
    if not usable or found is None:
        record(SecurityEvent.Kind.LOGIN_FAILED, request, None, username or "", "一次性登录码无效")
        raise ValidationError(CODE_INVALID)
    return user


def account_disable(actor: Any, account: InstitutionAccount, reason: str) -> InstitutionAccount:
    """Switch one account off (its user too: sessions and API tokens end); the row stays."""
    require(actor, account, "keep")
    with transaction.atomic():
        account = InstitutionAccount.objects.select_for_update().get(pk=account.pk)
        if account.disabled_at is not None:
            return account
        before = {"disabled_at": None, "disabled_reason": account.disabled_reason}
        account.disabled_at = timezone.now()
        account.disabled_reason = reason[:200]
        save_audited(account, actor, "disable", before)
        SignInCode.objects.filter(account=account, used_at__isnull=True, voided_at__isnull=True).update(
            voided_at=account.disabled_at
        )
        user = User.objects.select_for_update().get(pk=account.user_id)
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
    return account


def accounts_disable_for_institution(actor: Any, institution: Institution, reason: str = "机构已终止") -> int:
    """Called by the registry's status change when an institution terminates."""
    count = 0
    for account in InstitutionAccount.objects.filter(institution=institution, disabled_at__isnull=True):
        account_disable(actor, account, reason)
        count += 1
    return count
