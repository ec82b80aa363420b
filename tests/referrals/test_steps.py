"""The referral steps: who may take them, the transition table, hops, audit and the result hook."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from supervision.deadlines.models import Deadline, DeadlineState, Notification
from supervision.deadlines.services import open_deadlines_for
from supervision.referrals import services
from supervision.referrals.models import Referral, ReferralHop, ReferralState

pytestmark = pytest.mark.django_db
S = ReferralState


def test_full_cycle_from_draft_to_recognised(world, partners, sent_referral):
    r = sent_referral
    assert r.state == S.SENT and r.number == "阳民抄告〔2026〕1号" and r.letter is not None
    r = services.referral_acknowledge(r, actor=partners.xf_liaison, note="已收到")
    assert r.state == S.ACKNOWLEDGED and r.acknowledged_by == partners.xf_liaison
    r = services.referral_respond(
        r,
        actor=world.yanggu_xf,
        action_taken="现场检查，责令清理",
        result="已清理，复查合格",
        on=dt.date(2026, 10, 9),
    )
    assert r.state == S.RESPONDED and r.result == "已清理，复查合格"
    r = services.referral_recognise(r, actor=world.yanggu_mz, note="认可")
    assert r.state == S.RECOGNISED and r.recognised_by == world.yanggu_mz
    assert [e.step for e in r.events.all()] == ["create", "send", "acknowledge", "respond", "recognise"]
    verbs = list(
        LogEntry.objects.get_for_object(r)
        .order_by("timestamp", "pk")
        .values_list("additional_data__verb", flat=True)
    )
    assert verbs == ["create", "send", "acknowledge", "respond", "recognise"]


def test_sending_notifies_the_receivers_liaison_and_inspectors(world, partners, sent_referral):
    told = set(
        Notification.objects.filter(title__startswith="【抄告】").values_list("user__username", flat=True)
    )
    assert told == {"yanggu_xf_liaison", "yanggu_xf"}


def test_the_response_notifies_the_sender(world, partners, sent_referral):
    services.referral_acknowledge(sent_referral, actor=partners.xf_liaison)
    services.referral_respond(sent_referral, actor=world.yanggu_xf, action_taken="检查", result="已整改")
    assert Notification.objects.filter(user=world.yanggu_mz, title__startswith="【抄告反馈】").exists()


@pytest.mark.parametrize("who", ["yanggu_mz", "sj_inspector", "mz_auditor", "dcf_xf"])
def test_receiver_actions_are_refused_for_others(world, partners, sent_referral, who):
    user = getattr(world, who, None) or getattr(partners, who)
    for step, kwargs in [
        ("acknowledge", {}),
        ("reroute", {"to_department": world.sj, "reason": "不属于消防"}),
    ]:
        with pytest.raises((PermissionDenied, Http404)) as exc:
            services.STEP_SERVICES[step](sent_referral, actor=user, **kwargs)
        if isinstance(exc.value, PermissionDenied):
            assert "须由接收部门（阳谷县消防救援）" in str(exc.value)
    assert Referral.objects.get(pk=sent_referral.pk).state == S.SENT


def test_an_outsider_and_the_sender_cannot_act_for_the_receiver(world, partners, sent_referral):
    # The sibling county is neither body: refused (it cannot even see the referral's page).
    with pytest.raises(PermissionDenied):
        services.referral_acknowledge(sent_referral, actor=world.dongchangfu_mz)
    with pytest.raises(PermissionDenied):
        services.referral_acknowledge(sent_referral, actor=world.yanggu_mz)


def test_sender_steps_are_refused_for_the_receiver(world, partners, make_referral):
    r = make_referral()
    with pytest.raises((PermissionDenied, Http404)):
        services.referral_send(r, actor=partners.xf_liaison)
    assert Referral.objects.get(pk=r.pk).state == S.DRAFT


def test_illegal_transitions_are_refused_in_chinese(world, partners, make_referral):
    r = make_referral()
    with pytest.raises(ValidationError) as exc:
        services.referral_recognise(r, actor=world.yanggu_mz)
    assert "当前状态为“草稿（待发出）”，不能执行“结果互认”" in str(exc.value)
    r = services.referral_send(r, actor=world.yanggu_mz, on=dt.date(2026, 9, 28))
    with pytest.raises(ValidationError) as exc:
        services.referral_respond(r, actor=world.yanggu_xf, action_taken="检查", result="已整改")
    assert "不能执行“反馈办理结果”" in str(exc.value)


def test_steps_are_no_ops_when_repeated(world, partners, sent_referral):
    again = services.referral_send(sent_referral, actor=world.yanggu_mz)
    assert again.number == sent_referral.number
    services.referral_acknowledge(sent_referral, actor=partners.xf_liaison)
    services.referral_acknowledge(sent_referral, actor=partners.xf_liaison)
    assert sent_referral.events.filter(step="acknowledge").count() == 1
    from supervision.documents.models import OfficialDocument

    assert OfficialDocument.objects.filter(kind="referral").count() == 1


def test_respond_requires_action_and_result(world, partners, sent_referral):
    services.referral_acknowledge(sent_referral, actor=partners.xf_liaison)
    with pytest.raises(ValidationError) as exc:
        services.referral_respond(sent_referral, actor=world.yanggu_xf, action_taken="", result="")
    assert set(exc.value.message_dict) == {"action_taken", "result"}


def test_reroute_records_a_hop_and_restarts_the_response_clock(world, partners, sent_referral):
    from supervision.core.models import Domain
    from tests.factories import RemitFactory

    # The matrix also names market regulation for fire (e.g. special equipment in the kitchen).
    RemitFactory(department=world.sj, domain=Domain.objects.get(code="fire"), role="support")
    services.referral_acknowledge(sent_referral, actor=partners.xf_liaison)
    r = services.referral_reroute(
        sent_referral,
        actor=world.yanggu_xf,
        to_department=world.sj,
        reason="属燃气压力容器，归市场监管",
        on=dt.date(2026, 10, 12),
    )
    assert r.state == S.REROUTED and r.to_department == world.sj
    hops = list(r.hops.order_by("pk"))
    assert [(h.kind, h.from_department.code, h.to_department.code) for h in hops] == [
        (ReferralHop.Kind.SEND, "civil_affairs", "fire_rescue"),
        (ReferralHop.Kind.REROUTE, "fire_rescue", "market_regulation"),
    ]
    assert hops[1].by == world.yanggu_xf and hops[1].reason == "属燃气压力容器，归市场监管"
    old = Deadline.objects.get(object_id=r.pk, rule__code="referral.response", department=world.xf)
    assert old.state == DeadlineState.MET
    new = open_deadlines_for(r).get(rule__code="referral.response")
    assert (new.department, new.start) == (world.sj, dt.date(2026, 10, 12))
    # The new receiver now acts; the old one no longer can (it still sees it: fire is its remit).
    with pytest.raises(PermissionDenied):
        services.referral_acknowledge(r, actor=partners.xf_liaison)
    assert services.referral_acknowledge(r, actor=partners.sj_inspector).state == S.ACKNOWLEDGED


def test_reroute_needs_a_reason_and_a_department_with_the_remit(world, partners, sent_referral):
    with pytest.raises(ValidationError) as exc:
        services.referral_reroute(sent_referral, actor=world.yanggu_xf, to_department=world.sj, reason="")
    assert "请填写转办理由" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.referral_reroute(
            sent_referral, actor=world.yanggu_xf, to_department=world.sj, reason="不归我们"
        )
    assert "根据职责清单，市场监管不负责“消防安全”" in str(exc.value)


def test_the_referring_app_is_told_when_the_result_is_recognised(world, partners, sent_referral, home):
    from institutions.models import Institution

    seen: list[tuple[int, object]] = []

    def listener(referral, subject):
        seen.append((referral.pk, subject))

    services.register_result_listener(listener, model=Institution)
    try:
        services.referral_acknowledge(sent_referral, actor=partners.xf_liaison)
        services.referral_respond(sent_referral, actor=world.yanggu_xf, action_taken="检查", result="已整改")
        assert seen == []
        services.referral_recognise(sent_referral, actor=world.yanggu_mz)
        assert seen == [(sent_referral.pk, home)]
    finally:
        services._listeners.remove((listener, Institution))


def test_referrals_for_lists_a_subjects_referrals(world, make_referral, home):
    r = make_referral()
    assert list(services.referrals_for(home)) == [r]
