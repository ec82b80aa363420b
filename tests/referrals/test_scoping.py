"""A partner department sees only what was referred to it or falls in its remit: the scope
extension opens the subject (any scoped model) and the referral to the current receiver."""

from __future__ import annotations

import datetime as dt

import pytest

from institutions.models import Institution
from supervision.referrals import services
from supervision.referrals.models import Referral
from tests.institutions.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def to_sibling(world, partners, make_referral):
    """阳谷县民政 refers a 阳谷县 institution to the fire brigade of the sibling county."""
    return make_referral(to_department=world.xf, to_region=world.dongchangfu)


def test_sibling_county_partner_sees_the_subject_only_once_referred(world, partners, to_sibling, home):
    other = InstitutionFactory(name="阳谷县康乐养老院", region=world.yanggu_town)
    dcf_xf = partners.dcf_xf
    assert not Institution.objects.visible_to(dcf_xf).filter(pk=home.pk).exists()  # a draft opens nothing
    services.referral_send(to_sibling, actor=world.yanggu_mz, on=dt.date(2026, 9, 28))
    visible = set(Institution.objects.visible_to(dcf_xf).values_list("pk", flat=True))
    assert home.pk in visible and other.pk not in visible
    # Other departments of the sibling county gain nothing.
    assert not Institution.objects.visible_to(world.dongchangfu_mz).filter(pk=home.pk).exists()


def test_the_extension_is_one_subquery(world, partners, to_sibling, home, django_assert_num_queries):
    services.referral_send(to_sibling, actor=world.yanggu_mz, on=dt.date(2026, 9, 28))
    user = partners.dcf_xf
    user.active_assignments()  # cached on the user, as in a request
    from supervision.core.scoping import institution_pk_of

    assert institution_pk_of(user) is None  # staff, not an institution account: cached likewise
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.get_for_model(Institution)  # cached per process
    with django_assert_num_queries(1):
        assert len(list(Institution.objects.visible_to(user))) == 1


def test_referral_visibility_sender_receiver_remit(world, partners, sent_referral):
    r = sent_referral
    for user in (world.yanggu_mz, world.yanggu_leader, world.yanggu_xf, partners.xf_liaison):
        assert Referral.objects.visible_to(user).filter(pk=r.pk).exists(), user
    # Market regulation: neither referred to it nor in its remit; other counties: out of region.
    for user in (partners.sj_inspector, world.dongchangfu_mz, partners.dcf_xf, world.outsider):
        assert not Referral.objects.visible_to(user).filter(pk=r.pk).exists(), user


def test_receiver_without_the_remit_sees_it_only_while_it_holds_it(world, partners, sent_referral):
    r = services.referral_send(
        services.refer(
            sent_referral.subject,
            domain="food",
            from_department=world.mz,
            from_region=world.yanggu,
            user=world.yanggu_mz,
            title="食堂无许可证",
            description="未取得食品经营许可",
            to_department=world.xf,  # misrouted on purpose
        ),
        actor=world.yanggu_mz,
    )
    assert Referral.objects.visible_to(partners.xf_liaison).filter(pk=r.pk).exists()
    services.referral_reroute(r, actor=world.yanggu_xf, to_department=world.sj, reason="食品安全归市场监管")
    assert not Referral.objects.visible_to(partners.xf_liaison).filter(pk=r.pk).exists()
    assert Referral.objects.visible_to(partners.sj_inspector).filter(pk=r.pk).exists()


def test_pages_and_api_answer_404_out_of_scope(world, partners, sent_referral, client_for, api_for):
    r = sent_referral
    assert client_for(partners.xf_liaison).get(f"/referrals/{r.pk}/").status_code == 200
    assert client_for(partners.sj_inspector).get(f"/referrals/{r.pk}/").status_code == 404
    assert client_for(partners.sj_inspector).get(f"/referrals/{r.pk}/letter/").status_code == 404
    assert api_for(partners.xf_liaison).get(f"/api/v1/referrals/{r.pk}/").status_code == 200
    assert api_for(partners.sj_inspector).get(f"/api/v1/referrals/{r.pk}/").status_code == 404
    assert api_for(partners.dcf_xf).get("/api/v1/referrals/").json()["count"] == 0
    assert api_for(partners.xf_liaison).get("/api/v1/referrals/").json()["count"] == 1


def test_letter_download_for_sender_and_receiver_only(world, partners, sent_referral, client_for):
    url = f"/documents/{sent_referral.letter_id}/download/"
    assert client_for(world.yanggu_mz).get(url).status_code == 200
    assert client_for(partners.xf_liaison).get(url).status_code == 200
    assert client_for(partners.sj_inspector).get(url).status_code == 404
