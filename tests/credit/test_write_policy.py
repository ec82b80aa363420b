"""The write policy of the credit app (issue 13): who may take each step of the listing procedure
and who may enter a credit record, for every persona — decided by ``write_rules`` and asked by
the services, the pages (before the form is read) and the API (before the payload is read).

Measured on main before: auditors and liaisons notified, reviewed, published and withdrew
listings and created credit records (200/201); only "decide" needed a leader; fire rescue
entered an award on a civil-affairs institution."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from rest_framework.test import APIClient

from credit import services
from credit.models import CreditRecord, ListingProposal, ListType, ProposalState
from tests.credit import factories
from tests.factories import DomainFactory, RemitFactory

pytestmark = pytest.mark.django_db

PROPOSER = {"lead", "leader", "admin", "superuser", "system"}  # 阳谷县民政's acting posts
DECIDER = {"leader", "superuser", "system"}
PERSONAS = [
    "lead", "leader", "admin", "auditor", "liaison", "xf", "sj", "township", "sibling",
    "superuser", "none", "anonymous", "system",
]  # fmt: skip


@pytest.fixture
def inst(anle):
    """A civil-affairs institution in 安乐镇 (阳谷县, outside the township post's 博济桥街道)."""
    return factories.institution(anle, "阳谷县安乐镇敬老院")


def outcome(actor: Any, call: Callable[[Any], Any]) -> str:
    """Try ``call(actor)`` in a savepoint that is rolled back: "ok" or "refused"."""
    try:
        with transaction.atomic():
            call(actor)
            transaction.set_rollback(True)
    except (PermissionDenied, Http404):
        return "refused"
    return "ok"


def _draft(world, inst):
    return factories.proposal(world, inst)


def _notified(world, inst):
    return services.proposal_notify(_draft(world, inst), actor=world.yanggu_mz, on=dt.date(2026, 3, 2))


def _reviewed(world, inst):
    return services.proposal_review(
        _notified(world, inst),
        actor=world.yanggu_mz,
        opinion="属实",
        recommend_listing=True,
        on=dt.date(2026, 3, 10),
    )


def _listed(world, inst):
    return services.proposal_decide(
        _reviewed(world, inst),
        actor=world.yanggu_leader,
        list_it=True,
        opinion="列入",
        on=dt.date(2026, 3, 10),
    )


def _published(world, inst):
    return services.proposal_publish(_listed(world, inst), actor=world.yanggu_mz, on=dt.date(2026, 3, 11))


def _applied(world, inst):
    return services.proposal_apply_removal(
        _published(world, inst), actor=world.yanggu_mz, proof="已整改完毕", on=dt.date(2028, 3, 11)
    )


# step: (state it is taken from, the call, who may take it)
STEPS: dict[str, tuple[Callable[..., ListingProposal], Callable[[ListingProposal, Any], Any], set[str]]] = {
    "notify": (_draft, lambda p, a: services.proposal_notify(p, actor=a, on=dt.date(2026, 3, 2)), PROPOSER),
    "object": (
        _notified,
        lambda p, a: services.proposal_object(p, actor=a, text="已整改", on=dt.date(2026, 3, 5)),
        PROPOSER,
    ),
    "review": (
        _notified,
        lambda p, a: services.proposal_review(
            p, actor=a, opinion="属实", recommend_listing=True, on=dt.date(2026, 3, 10)
        ),
        PROPOSER,
    ),
    "decide": (
        _reviewed,
        lambda p, a: services.proposal_decide(
            p, actor=a, list_it=True, opinion="列入", on=dt.date(2026, 3, 10)
        ),
        DECIDER,
    ),
    "publish": (
        _listed,
        lambda p, a: services.proposal_publish(p, actor=a, on=dt.date(2026, 3, 11)),
        PROPOSER,
    ),
    "apply_removal": (
        _published,
        lambda p, a: services.proposal_apply_removal(p, actor=a, proof="已整改", on=dt.date(2028, 3, 11)),
        PROPOSER,
    ),
    "decide_removal": (
        _applied,
        lambda p, a: services.proposal_decide_removal(
            p, actor=a, approve=True, opinion="同意移出", on=dt.date(2028, 3, 12)
        ),
        DECIDER,
    ),
    "withdraw": (_draft, lambda p, a: services.proposal_withdraw(p, actor=a, reason="事实有误"), PROPOSER),
}


@pytest.mark.parametrize("step", list(STEPS))
def test_each_step_is_taken_by_exactly_the_posts_the_rules_name(world, inst, people, step):
    """Acting posts of the proposing department (民政) over the institution's region take the
    steps; only its leaders decide; auditors, liaisons, fire rescue (which sees the fire-ground
    proposal), market regulation, the township post, the sibling county, a missing or anonymous
    actor are refused; the system is allowed."""
    state_of, call, allowed = STEPS[step]
    p = state_of(world, inst)
    got = {
        name: outcome(people[name], lambda a: call(ListingProposal.objects.get(pk=p.pk), a))
        for name in PERSONAS
    }
    assert {n for n, o in got.items() if o == "ok"} == allowed, got
    assert ListingProposal.objects.get(pk=p.pk).state == p.state  # every attempt rolled back


def test_propose_who_supervises_lists(world, inst, people):
    """谁监管、谁列入: civil affairs lists on any ground, fire rescue on a major fire hazard (its
    remit), never on subsidy fraud; market regulation not on a fire ground."""
    DomainFactory(code="fiscal_funds", name="财政资金")
    fire = factories.record(inst, "major_hazard_overdue", world.yanggu_xf)
    fraud = factories.record(inst, "subsidy_fraud", world.yanggu_mz)

    def propose(ground, evidence):
        return lambda a: services.proposal_create(
            a, inst, list_type=ListType.JOINT_PUNISHMENT, ground=ground, facts="失信事实", evidence=[evidence]
        )

    on_fire = {n: outcome(people[n], propose("major_fire_hazard", fire)) for n in PERSONAS}
    assert {n for n, o in on_fire.items() if o == "ok"} == PROPOSER | {"xf"}, on_fire
    on_fraud = {n: outcome(people[n], propose("subsidy_fraud", fraud)) for n in PERSONAS}
    assert {n for n, o in on_fraud.items() if o == "ok"} == PROPOSER, on_fraud
    p = services.proposal_create(
        world.yanggu_xf,
        inst,
        list_type=ListType.JOINT_PUNISHMENT,
        ground="major_fire_hazard",
        facts="x",
        evidence=[fire],
    )
    assert p.department == world.xf  # fire rescue's own procedure: its posts take the steps
    assert (
        outcome(world.yanggu_xf, lambda a: services.proposal_notify(p, actor=a, on=dt.date(2026, 3, 2)))
        == "ok"
    )
    assert (
        outcome(world.yanggu_mz, lambda a: services.proposal_notify(p, actor=a, on=dt.date(2026, 3, 2)))
        == "refused"
    )


def test_the_api_refuses_auditors_and_liaisons_before_reading_the_payload(world, inst, people, api_for):
    p = _draft(world, inst)
    for name in ("auditor", "liaison"):
        api = api_for(people[name])
        for step in ("notify", "object", "review", "publish", "withdraw", "apply-removal"):
            r = api.post(
                f"/api/v1/blacklist/{p.pk}/{step}/", {"on": "2026-03-02", "text": "x"}, format="json"
            )
            assert r.status_code == 403 and "无权办理" in r.json()["detail"], (name, step, r.content)
        r = api.post("/api/v1/blacklist/", {}, format="json")
        assert r.status_code == 403, r.content  # the create is gated before its payload is read
    p.refresh_from_db()
    assert p.state == ProposalState.DRAFT and p.events.count() == 1
    r = api_for(people["lead"]).post(f"/api/v1/blacklist/{p.pk}/notify/", {"on": "2026-03-02"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "notified"  # positive control


def test_a_decision_needs_a_leader_of_the_proposing_department(world, inst, people, api_for):
    p = _reviewed(world, inst)
    body = {"on": "2026-03-10", "text": "列入", "approve": True}
    for name in ("lead", "admin", "auditor"):
        r = api_for(people[name]).post(f"/api/v1/blacklist/{p.pk}/decide/", body, format="json")
        assert r.status_code == 403 and "负责人" in r.json()["detail"], name
    r = api_for(people["leader"]).post(f"/api/v1/blacklist/{p.pk}/decide/", body, format="json")
    assert r.status_code == 200 and r.json()["state"] == "listed"


def test_anonymous_requests_are_refused(world, inst):
    p = _draft(world, inst)
    assert APIClient().post(f"/api/v1/blacklist/{p.pk}/notify/", {}, format="json").status_code in (401, 403)
    assert APIClient().post("/api/v1/credit-records/", {}, format="json").status_code in (401, 403)


def test_the_page_refuses_before_reading_the_form_and_lets_refusals_through(world, inst, people, client_for):
    p = _draft(world, inst)
    auditor = client_for(people["auditor"])
    assert auditor.post(f"/credit/proposals/{p.pk}/notify/", {}).status_code == 403
    r = auditor.post(f"/credit/proposals/{p.pk}/notify/", {"on": "2026-03-02"})
    assert r.status_code == 403 and "无权办理" in r.content.decode()
    assert 'id="step-notify"' not in auditor.get(f"/credit/proposals/{p.pk}/").content.decode()
    lead = client_for(people["lead"])
    assert 'id="step-notify"' in lead.get(f"/credit/proposals/{p.pk}/").content.decode()
    assert (
        lead.post(f"/credit/proposals/{p.pk}/notify/", {}).status_code == 302
    )  # past the policy: form error
    p.refresh_from_db()
    assert p.state == ProposalState.DRAFT


def test_only_the_system_closes_a_window_or_ends_a_term(world, inst, people):
    p = _notified(world, inst)
    after = dt.date(2026, 3, 10)
    assert outcome(people["lead"], lambda a: services.proposal_elapse(p, actor=a, on=after)) == "refused"
    assert outcome(people["system"], lambda a: services.proposal_elapse(p, actor=a, on=after)) == "ok"
    listed = _listed(world, factories.institution(inst.region, "阳谷县安乐镇第二敬老院"))
    end = dt.date(2029, 3, 10)
    assert outcome(people["leader"], lambda a: services.proposal_expire(listed, actor=a, on=end)) == "refused"
    assert services.proposal_expire(listed, actor=people["system"], on=end).state == ProposalState.REMOVED


# --- credit records ------------------------------------------------------------------------------


@pytest.fixture
def registration(world):
    """Registration (登记管理) is market regulation's remit too (for-profit institutions)."""
    domain = DomainFactory(code="registration", name="登记管理")
    RemitFactory(department=world.sj, domain=domain)
    return domain


RECORD = {"title": "市级养老服务示范机构", "document": "聊民字〔2026〕15号", "effective": dt.date(2026, 3, 2)}


def test_who_may_enter_a_record_by_hand(world, inst, people, registration):
    """Civil affairs (the registry keeper) enters every kind; a partner only kinds of its own
    domain; auditors, liaisons, another township, another county and no one are refused."""
    award = {
        n: outcome(people[n], lambda a: services.record_enter(a, inst, "award", **RECORD)) for n in PERSONAS
    }
    assert {n for n, o in award.items() if o == "ok"} == PROPOSER, award
    disclosure = {
        n: outcome(people[n], lambda a: services.record_enter(a, inst, "disclosure_failure", **RECORD))
        for n in PERSONAS
    }
    assert {n for n, o in disclosure.items() if o == "ok"} == PROPOSER | {"sj"}, disclosure
    record = services.record_enter(people["sj"], inst, "disclosure_failure", **RECORD)
    assert record.department == world.sj and record.entered_by == people["sj"]


def test_fire_rescue_cannot_enter_an_award_on_a_civil_affairs_institution(
    world, inst, people, api_for, client_for
):
    before = CreditRecord.objects.count()
    with pytest.raises(PermissionDenied) as exc:
        services.record_enter(world.yanggu_xf, inst, "award", **RECORD)
    assert "民政部门（牵头部门）" in str(exc.value)
    r = api_for(world.yanggu_xf).post(
        "/api/v1/credit-records/",
        {
            "credit_code": inst.credit_code,
            "kind": "award",
            "title": "示范机构",
            "document": "聊民字〔2026〕15号",
        },
        format="json",
    )
    assert r.status_code == 403 and "民政部门" in r.json()["detail"]
    web = client_for(world.yanggu_xf)
    assert web.post(f"/credit/institution/{inst.credit_code}/", {"kind": "award"}).status_code == 403
    assert "录入信用记录" not in web.get(f"/credit/institution/{inst.credit_code}/").content.decode()
    assert CreditRecord.objects.count() == before
    # positive control: civil affairs enters it
    r = api_for(world.yanggu_mz).post(
        "/api/v1/credit-records/",
        {
            "credit_code": inst.credit_code,
            "kind": "award",
            "title": "示范机构",
            "document": "聊民字〔2026〕15号",
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    assert (
        "录入信用记录"
        in client_for(world.yanggu_mz).get(f"/credit/institution/{inst.credit_code}/").content.decode()
    )


def test_the_records_api_refuses_auditors_liaisons_and_other_counties(world, inst, people, api_for):
    for name in ("auditor", "liaison"):
        assert api_for(people[name]).post("/api/v1/credit-records/", {}, format="json").status_code == 403
    r = api_for(people["sibling"]).post(
        "/api/v1/credit-records/",
        {"credit_code": inst.credit_code, "kind": "award", "title": "示范", "document": "文书"},
        format="json",
    )
    assert r.status_code == 404  # the institution is outside its scope
    assert api_for(people["lead"]).post("/api/v1/credit-records/", {}, format="json").status_code == 400


def test_a_record_is_withdrawn_by_the_department_that_recorded_it(world, inst, people):
    fire = factories.record(inst, "major_hazard", world.yanggu_xf, department=world.xf)
    fed = factories.record(inst, "inspection_passed")  # fed by the system: no recording department
    withdraw = lambda r: lambda a: services.record_withdraw(r, actor=a, reason="录入错误")  # noqa: E731
    assert outcome(people["lead"], withdraw(fire)) == "refused"  # another department's finding
    assert outcome(people["auditor"], withdraw(fire)) == "refused"
    assert outcome(people["xf"], withdraw(fire)) == "ok"
    assert outcome(people["lead"], withdraw(fed)) == "ok"  # the registry keeper's
    assert outcome(people["xf"], withdraw(fed)) == "refused"
