"""Disclosure kept by the institution: the change is recorded and shown to civil affairs; the
public page changes only once staff accept it, or at once where the region's rule says so."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from institutions.portal.disclosure_models import ChangeState, DisclosureRule
from institutions.portal.services.disclosure import disclosure_decide, disclosure_submit
from supervision.core.policy import Denied
from supervision.deadlines.services import open_deadlines_for

pytestmark = pytest.mark.django_db
NEW_FEES = "床位费 1500 元/月（自 2027 年起）"


def public_page(inst) -> str:
    cache.clear()
    response = Client().get(f"/public/institutions/{inst.credit_code}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_change_reaches_the_public_page_after_acceptance(world, institution_account):
    user, inst = institution_account
    change = disclosure_submit(
        inst, actor=user, values={"fee_standards": NEW_FEES, "quality.care_staff": "12 名（持证 10 名）"}
    )
    assert change.state == ChangeState.PENDING
    assert change.changes["fee_standards"][1] == NEW_FEES
    assert NEW_FEES not in public_page(inst)
    # civil affairs sees it on the institution page
    staff = Client()
    staff.force_login(world.yanggu_mz)
    tab = staff.get(f"/institutions/{inst.pk}/file/reported/", HTTP_HX_REQUEST="true")
    assert tab.status_code == 200 and NEW_FEES in tab.content.decode()
    # the institution itself cannot accept its own change; a partner department neither
    for actor in (user, world.yanggu_xf):
        with pytest.raises(Denied):
            disclosure_decide(change, actor=actor, accept=True)
    disclosure_decide(change, actor=world.yanggu_mz, accept=True)
    page = public_page(inst)
    assert NEW_FEES in page and "12 名（持证 10 名）" in page
    inst.refresh_from_db()
    assert inst.disclosure_updated_on is not None
    # a disclosure not updated in a year reminds the institution
    assert open_deadlines_for(inst).filter(rule__code="disclosure.yearly").exists()


def test_a_rejected_change_never_reaches_the_public_page(world, institution_account):
    user, inst = institution_account
    change = disclosure_submit(inst, actor=user, values={"fee_standards": NEW_FEES})
    disclosure_decide(change, actor=world.yanggu_mz, accept=False, reason="收费标准未附物价备案")
    assert NEW_FEES not in public_page(inst)


def test_where_the_region_says_so_the_change_is_public_at_once(world, institution_account):
    user, inst = institution_account
    DisclosureRule.objects.create(region=world.yanggu, publish_at_once=True, source="阳谷县民政局通知")
    change = disclosure_submit(inst, actor=user, values={"fee_standards": NEW_FEES})
    assert change.state == ChangeState.PUBLISHED
    assert NEW_FEES in public_page(inst)
