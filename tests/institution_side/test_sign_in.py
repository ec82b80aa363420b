"""First sign-in of an institution account by one-time code or link: single use, expiring,
the staff password policy; then the account lands on its own side and staff pages refuse it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from institutions.portal.accounts import account_create, accounts_disable_for_institution
from institutions.portal.models import InstitutionAccount, SignInCode
from supervision.core.policy import Denied

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Fushou-Open-2026!"


@pytest.fixture
def opened(world, own_institution):
    account, code = account_create(
        world.yanggu_mz, own_institution, person_name="王福寿", capacity="legal_representative"
    )
    return account, code


def test_civil_affairs_opens_accounts_others_may_not(world, own_institution, institution_account):
    account, code = account_create(world.yanggu_mz, own_institution, person_name="张联系", capacity="contact")
    assert len(code.replace("-", "")) == 12 and account.user.must_change_password
    assert not account.user.has_usable_password()
    assert (
        InstitutionAccount.objects.filter(institution=own_institution).count() == 2
    )  # several per institution
    assert not SignInCode.objects.filter(digest__contains=code).exists()  # only the digest is kept
    for actor in (world.yanggu_xf, world.dongchangfu_mz, institution_account[0]):
        with pytest.raises(Denied):
            account_create(actor, own_institution, person_name="李四", capacity="contact")


def test_the_link_sets_the_password_once_and_signs_in(opened):
    account, code = opened
    client = Client()
    link = reverse("institution_portal:sign_in_link", args=[code])
    assert "设置" in client.get(link).content.decode()
    weak = client.post(link, {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 200 and not SignInCode.objects.filter(used_at__isnull=False).exists()
    done = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("institution_home")
    home = client.get(reverse("institution_home"))
    assert home.status_code == 200 and "在线备案" in home.content.decode()
    # the staff pages and the staff API refuse it
    assert client.get("/institutions/").status_code == 403
    assert client.get("/api/v1/institutions/").status_code == 403
    assert client.get("/workbench/")["Location"] == reverse("institution_home")
    # used once: the link is dead, the password works on the ordinary sign-in page
    again = Client().post(link, {"new_password1": "Other-Pass-2026!", "new_password2": "Other-Pass-2026!"})
    assert "无效、已使用或已过期" in again.content.decode()
    signed = Client().post(reverse("login"), {"username": account.user.username, "password": NEW_PASSWORD})
    assert signed.status_code == 302


def test_the_typed_code_needs_the_user_name_and_voids_after_five_wrong_tries(opened):
    account, code = opened
    client = Client()
    url = reverse("institution_portal:sign_in")
    form = {"username": account.user.username, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    for _ in range(5):
        wrong = client.post(url, {**form, "code": "AAAA-BBBB-CCCC"})
        assert "无效、已使用或已过期" in wrong.content.decode()
    refused = client.post(url, {**form, "code": code})  # the right code, too late
    assert "无效、已使用或已过期" in refused.content.decode()
    assert SignInCode.objects.get(account=account).voided_at is not None


def test_an_expired_code_is_refused(opened):
    from django.utils import timezone

    account, code = opened
    SignInCode.objects.filter(account=account).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = Client().post(
        reverse("institution_portal:sign_in"),
        {
            "username": account.user.username,
            "code": code,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert "无效、已使用或已过期" in response.content.decode()


def test_termination_disables_every_account_and_keeps_the_rows(world, opened, institution_account):
    from institutions import services

    _account, _code = opened
    user, inst = institution_account
    services.institution_terminate(
        inst,
        actor=world.yanggu_mz,
        effective_on=dt.date(2026, 11, 30),
        reason="经营困难",
        resettlement_plan="转入县社会福利中心",
        asset_disposal_plan="清算后移交",
    )
    rows = InstitutionAccount.objects.filter(institution=inst)
    assert rows.count() == 2 and all(a.disabled_at is not None for a in rows)
    assert not type(user).objects.get(pk=user.pk).is_active
    assert accounts_disable_for_institution(world.yanggu_mz, inst) == 0  # idempotent
