"""An institution account sees its own institution and nothing else (issue 17)."""

from __future__ import annotations

import pytest
from django.http import Http404

from institutions.models import Filing, Institution, OnsiteCheck
from supervision.core import policy
from supervision.core.scoping import get_visible_or_404, institution_pk_of

pytestmark = pytest.mark.django_db


def test_the_account_sees_its_own_institution_only(institution_account, other_institution):
    user, own = institution_account
    assert institution_pk_of(user) == own.pk
    assert list(Institution.objects.visible_to(user)) == [own]
    with pytest.raises(Http404):
        get_visible_or_404(Institution.objects.all(), user, pk=other_institution.pk)


def test_rows_of_its_institution_but_not_of_others(institution_account, other_institution):
    user, own = institution_account
    mine = Filing.objects.create(institution=own, submitted_on="2026-11-02")
    Filing.objects.create(institution=other_institution, submitted_on="2026-11-02")
    assert list(Filing.objects.visible_to(user)) == [mine]


def test_staff_only_rows_are_never_visible(institution_account):
    user, own = institution_account
    OnsiteCheck.objects.create(institution=own, checked_on="2026-11-20", inspectors="张三", result="passed")
    assert not OnsiteCheck.objects.visible_to(user).exists()


def test_staff_scoping_is_unchanged(world, institution_account, other_institution):
    _user, own = institution_account
    assert institution_pk_of(world.yanggu_mz) is None
    assert set(Institution.objects.visible_to(world.yanggu_mz)) == {own, other_institution}


def test_a_disabled_account_sees_nothing(world, institution_account):
    from institutions.portal.accounts import account_disable
    from institutions.portal.models import InstitutionAccount

    user, _own = institution_account
    account_disable(world.yanggu_mz, InstitutionAccount.objects.get(user=user), "离职")
    user.refresh_from_db()
    fresh = type(user).objects.get(pk=user.pk)
    assert not fresh.is_active
    assert institution_pk_of(fresh) is None
    assert not Institution.objects.visible_to(fresh).exists()


def test_the_policy_refuses_every_staff_action(institution_account):
    user, own = institution_account
    for action in ("keep", "edit", "report", "restrict"):
        assert not policy.can(user, own, action), action
    assert not policy.can_ever(user, Institution, "keep")
