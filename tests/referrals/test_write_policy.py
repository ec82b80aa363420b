"""The write policy on referrals (issue 13). The sending body (from_department at from_region)
drafts, sends, recognises the result and withdraws; the receiving body (to_department at
to_region) acknowledges, responds and reroutes. Liaisons (联络员, 004 附件2) carry: they draft and
send for their department and acknowledge receipt, but never recognise, respond, reroute or
withdraw. Auditors read only; the sibling county and other departments are neither body."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from supervision.core import policy
from supervision.core.transitions import StepEvent
from supervision.deadlines.models import DeadlineState, Notification
from supervision.deadlines.services import open_deadlines_for
from supervision.referrals import services
from supervision.referrals.models import Referral, ReferralEvent, ReferralState
from tests.core.write_personas import personas
from tests.scenes import scene

pytestmark = pytest.mark.django_db
S = ReferralState
SENT_ON = dt.date(2026, 9, 28)


@scene
def who(world):
    return personas(world)


def refer_as(make_referral, actor):
    return make_referral(user=actor)


@pytest.mark.parametrize("name", ["lead", "leader", "admin", "liaison", "sysadmin", "system"])
def test_the_sending_body_and_its_liaison_draft_and_send(world, who, make_referral, name):
    actor = who.get(name)
    r = refer_as(make_referral, actor)
    assert r.state == S.DRAFT and r.created_by == policy.as_user(actor)
    r = services.referral_send(r, actor=actor, on=SENT_ON)
    assert r.state == S.SENT and r.number


@pytest.mark.parametrize("name", ["auditor", "xf", "sj", "township", "sibling", "none", "anonymous"])
def test_others_cannot_draft_or_send_for_the_sender(world, who, make_referral, name):
    actor = who.get(name)
    with pytest.raises(PermissionDenied):
        refer_as(make_referral, actor)
    r = make_referral()
    with pytest.raises(PermissionDenied):
        services.referral_send(r, actor=actor, on=SENT_ON)
    assert Referral.objects.get(pk=r.pk).state == S.DRAFT


@pytest.fixture
def responded(world, partners, sent_referral):
    services.referral_acknowledge(sent_referral, actor=partners.xf_liaison)
    return services.referral_respond(
        sent_referral, actor=world.yanggu_xf, action_taken="检查", result="已清理"
    )


def test_a_liaison_does_not_recognise_the_result_an_inspector_does(world, who, responded):
    with pytest.raises(PermissionDenied, match="抄告部门（阳谷县民政）"):
        services.referral_recognise(responded, actor=who.liaison)
    with pytest.raises(PermissionDenied):
        services.referral_recognise(responded, actor=who.auditor)
    assert Referral.objects.get(pk=responded.pk).state == S.RESPONDED
    assert services.referral_recognise(responded, actor=who.lead).state == S.RECOGNISED


def test_the_receiving_liaison_acknowledges_but_does_not_respond_or_reroute(world, partners, sent_referral):
    r = services.referral_acknowledge(sent_referral, actor=partners.xf_liaison)
    assert r.state == S.ACKNOWLEDGED and r.acknowledged_by == partners.xf_liaison
    with pytest.raises(PermissionDenied, match="接收部门（阳谷县消防救援）"):
        services.referral_respond(r, actor=partners.xf_liaison, action_taken="检查", result="已整改")
    with pytest.raises(PermissionDenied):
        services.referral_reroute(r, actor=partners.xf_liaison, to_department=world.sj, reason="食品")
    assert Referral.objects.get(pk=r.pk).state == S.ACKNOWLEDGED
    r = services.referral_respond(r, actor=world.yanggu_xf, action_taken="检查", result="已整改")
    assert r.state == S.RESPONDED


def test_pages_and_api_refuse_the_liaison_before_reading_the_input(
    world, who, partners, responded, client_for, api_for
):
    page = client_for(who.liaison).get(f"/referrals/{responded.pk}/").content.decode()
    assert 'id="step-recognise"' not in page
    assert 'id="step-recognise"' in client_for(who.lead).get(f"/referrals/{responded.pk}/").content.decode()
    web = client_for(who.liaison).post(f"/referrals/{responded.pk}/recognise/", {})
    assert web.status_code == 403 and "抄告部门" in web.content.decode()
    api = api_for(partners.xf_liaison).post(f"/api/v1/referrals/{responded.pk}/respond/", {})
    assert api.status_code == 403 and "接收部门" in api.json()["detail"]
    assert api_for(who.auditor).post(f"/api/v1/referrals/{responded.pk}/recognise/", {}).status_code == 403
    assert Referral.objects.get(pk=responded.pk).state == S.RESPONDED


def test_the_sender_withdraws_a_sent_referral_its_clocks_close_and_the_receiver_is_told(
    world, who, partners, sent_referral, client_for
):
    with pytest.raises(PermissionDenied):
        services.referral_cancel(sent_referral, actor=who.liaison)  # a liaison does not withdraw
    with pytest.raises(PermissionDenied):
        services.referral_cancel(sent_referral, actor=world.yanggu_xf)  # nor the receiver
    response = client_for(who.lead).post(f"/referrals/{sent_referral.pk}/cancel/", {"note": "重复抄告"})
    assert response.status_code == 302
    r = Referral.objects.get(pk=sent_referral.pk)
    assert r.state == S.CANCELLED
    assert not open_deadlines_for(r).exists()
    states = {d.rule.code: d.state for d in _clocks(r)}
    # sent: the sending clock was met; the receiver's response clock is waived by the system
    assert states == {"referral.send": DeadlineState.MET, "referral.response": DeadlineState.WAIVED}
    assert Notification.objects.filter(user=partners.xf_liaison, title__startswith="【抄告撤回】").exists()
    assert [e.step for e in r.events.all()][-1] == "cancel"


def test_a_referral_taken_up_cannot_be_withdrawn(world, partners, sent_referral):
    services.referral_acknowledge(sent_referral, actor=partners.xf_liaison)
    with pytest.raises(Exception, match="不能执行“撤回抄告”"):
        services.referral_cancel(sent_referral, actor=world.yanggu_mz)


def _clocks(r):
    from django.contrib.contenttypes.models import ContentType

    from supervision.deadlines.models import Deadline

    ct = ContentType.objects.get_for_model(Referral)
    return Deadline.objects.filter(content_type=ct, object_id=r.pk)


def test_events_are_step_events_with_chinese_step_names(world, sent_referral):
    event = sent_referral.events.get(step="send")
    assert isinstance(event, StepEvent) and isinstance(event, ReferralEvent)
    assert event.step_label == "发出抄告函" and event.get_to_state_display() == "已抄告（待接收）"
    assert event.actor == world.yanggu_mz
