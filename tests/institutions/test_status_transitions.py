"""Status transitions: each allowed one goes through its service with an audit entry;
disallowed ones are refused in Chinese; repeating one is a no-op."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from institutions import services
from institutions.models import STATUS_TRANSITIONS, InstitutionNature
from institutions.models import InstitutionStatus as S
from tests.institutions.factories import InstitutionFactory, credit_code

pytestmark = pytest.mark.django_db
D = dt.date(2026, 3, 2)

EXIT = {
    "effective_on": D,
    "reason": "经营困难",
    "resettlement_plan": "与家属协商转入县中心敬老院",
    "residents_to_resettle": 3,
}


def run(verb, inst, actor):
    if verb == "mark_not_operating":
        return services.institution_mark_not_operating(inst, actor=actor)
    if verb == "mark_operating":
        return services.institution_mark_operating(inst, actor=actor)
    if verb == "register":
        return services.institution_register(
            inst, actor=actor, credit_code=credit_code(999), authority="market"
        )
    if verb == "file":
        return services.filing_submit(
            inst,
            actor=actor,
            submitted_on=D,
            commitment_text="本机构承诺……",
            certificate_number="民证字第1号",
        )
    if verb == "resume":
        return services.institution_resume(inst, actor=actor)
    if verb == "suspend":
        return services.institution_suspend(inst, actor=actor, **EXIT)
    if verb == "terminate":
        return services.institution_terminate(
            inst, actor=actor, asset_disposal_plan="清算后剩余财产用于公益", **EXIT
        )
    raise AssertionError(verb)


@pytest.mark.parametrize(
    "transition", sorted(STATUS_TRANSITIONS.items()), ids=lambda t: f"{t[0][0]}->{t[0][1]}"
)
def test_each_allowed_transition_changes_status_and_is_audited(world, transition, monkeypatch):
    (frm, to), verb = transition
    monkeypatch.setattr(services.common, "_open_clock", lambda *a, **k: None)
    inst = InstitutionFactory(
        region=world.yanggu_town, status=frm, credit_code=None if frm == S.UNREGISTERED else credit_code(7)
    )
    run(verb, inst, world.yanggu_mz)
    inst.refresh_from_db()
    assert inst.status == to
    entry = LogEntry.objects.get_for_object(inst).filter(additional_data__verb=verb).get()
    assert entry.actor == world.yanggu_mz
    assert entry.changes_dict["status"] == [frm, to]


ALL = [s for s in S.values]
REFUSED = [(a, b) for a in ALL for b in ALL if a != b and (a, b) not in STATUS_TRANSITIONS]


@pytest.mark.parametrize(
    "frm, to", [(S.TERMINATED, S.FILED), (S.FILED, S.REGISTERED_NOT_OPERATING), (S.UNREGISTERED, S.SUSPENDED)]
)
def test_disallowed_transitions_are_refused_in_chinese(world, frm, to):
    inst = InstitutionFactory(region=world.yanggu_town, status=frm)
    verb = {S.FILED: "resume", S.REGISTERED_NOT_OPERATING: "mark_not_operating", S.SUSPENDED: "suspend"}[to]
    with pytest.raises(ValidationError) as exc:
        run(verb, inst, world.yanggu_mz)
    assert "不能" in exc.value.messages[0] and "当前状态" in exc.value.messages[0]
    inst.refresh_from_db()
    assert inst.status == frm


def test_transition_table_is_closed_under_terminated():
    assert not [k for k in STATUS_TRANSITIONS if k[0] == S.TERMINATED]
    assert len(REFUSED) > 10


def test_repeating_a_transition_is_a_noop(world):
    inst = InstitutionFactory(region=world.yanggu_town, status=S.REGISTERED_NOT_FILED)
    services.institution_mark_not_operating(inst, actor=world.yanggu_mz)
    count = LogEntry.objects.get_for_object(inst).count()
    services.institution_mark_not_operating(inst, actor=world.yanggu_mz)
    assert LogEntry.objects.get_for_object(inst).count() == count


def test_non_profit_termination_needs_asset_disposal_plan(world):
    inst = InstitutionFactory(region=world.yanggu_town, status=S.FILED, nature=InstitutionNature.NON_PROFIT)
    with pytest.raises(ValidationError) as exc:
        services.institution_terminate(inst, actor=world.yanggu_mz, **EXIT)
    assert "财产处置方案" in str(exc.value)
    plan = services.institution_terminate(
        inst, actor=world.yanggu_mz, asset_disposal_plan="剩余财产移交", **EXIT
    )
    assert plan.asset_disposal_status == "pending"
    services.exit_asset_disposal_supervise(plan, actor=world.yanggu_mz, note="已监督清算")
    plan.refresh_from_db()
    assert plan.asset_disposal_status == "supervised"


def test_suspension_requires_a_resettlement_plan(world):
    inst = InstitutionFactory(region=world.yanggu_town, status=S.FILED, nature=InstitutionNature.FOR_PROFIT)
    with pytest.raises(ValidationError) as exc:
        services.institution_suspend(inst, actor=world.yanggu_mz, **{**EXIT, "resettlement_plan": ""})
    assert "安置方案" in str(exc.value)


def test_unregistered_institution_cannot_file(world):
    inst = InstitutionFactory(region=world.yanggu_town, status=S.UNREGISTERED, credit_code=None)
    with pytest.raises(ValidationError) as exc:
        run("file", inst, world.yanggu_mz)
    assert "先督促其依法办理登记" in exc.value.messages[0]


def test_out_of_scope_actor_cannot_transition(world):
    from django.core.exceptions import PermissionDenied

    inst = InstitutionFactory(region=world.yanggu_town, status=S.REGISTERED_NOT_FILED)
    with pytest.raises(PermissionDenied):
        services.institution_mark_not_operating(inst, actor=world.dongchangfu_mz)
