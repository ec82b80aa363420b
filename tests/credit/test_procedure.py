"""The listing procedure of 民发〔2019〕103号: notice, objection period by the calendar,
review, decision by an authorised leader, publication, the decision document."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import subprocess
import tempfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from credit import services
from credit.models import GROUNDS, ListingPolicy, ListingProposal, ListType, ProposalState
from tests.credit import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("ground", list(GROUNDS))
def test_each_ground_produces_a_proposal_with_its_evidence(world, home, ground):
    kind = GROUNDS[ground].evidence_kinds[0]
    evidence = factories.record(home, kind, world.yanggu_mz)
    p = services.proposal_create(
        world.yanggu_mz,
        home,
        list_type=ListType.JOINT_PUNISHMENT,
        ground=ground,
        facts="失信事实",
        evidence=[evidence],
    )
    assert p.state == ProposalState.DRAFT
    assert list(p.evidence.all()) == [evidence]
    assert p.department == world.mz
    assert p.number.startswith("XY")


def test_a_ground_needs_evidence_of_a_matching_kind(world, home):
    unrelated = factories.record(home, "complaint_upheld", world.yanggu_mz)
    with pytest.raises(ValidationError) as exc:
        services.proposal_create(
            world.yanggu_mz,
            home,
            list_type=ListType.JOINT_PUNISHMENT,
            ground="subsidy_fraud",
            facts="x",
            evidence=[unrelated],
        )
    assert "虚报冒领补贴资金" in str(exc.value)


def test_objection_period_is_counted_in_working_days_across_national_day(world, home):
    p = factories.proposal(world, home)
    p = services.proposal_notify(p, actor=world.yanggu_mz, on=dt.date(2026, 9, 28))
    # 9-29, 9-30, (10-1..10-7 holiday), 10-8, 10-9, 10-10 (make-up Saturday) = 5 working days
    assert p.objection_due == dt.date(2026, 10, 10)
    assert not p.objection_due_provisional


def test_objection_period_is_configurable_per_region(world, home):
    ListingPolicy.objects.create(region=world.liaocheng, objection_workdays=7, source="聊城市实施细则")
    p = services.proposal_notify(
        factories.proposal(world, home), actor=world.yanggu_mz, on=dt.date(2026, 3, 2)
    )
    assert p.objection_due == dt.date(2026, 3, 11)  # 7 working days after Monday 3-2


def test_objection_within_period_then_review(world, home):
    p = services.proposal_notify(
        factories.proposal(world, home), actor=world.yanggu_mz, on=dt.date(2026, 9, 28)
    )
    p = services.proposal_object(
        p, actor=world.yanggu_mz, text="已整改，申请不予列入", on=dt.date(2026, 10, 10)
    )
    assert p.state == ProposalState.OBJECTED
    p = services.proposal_review(
        p, actor=world.yanggu_mz, opinion="异议不成立", recommend_listing=True, on=dt.date(2026, 10, 12)
    )
    assert p.state == ProposalState.REVIEWED


def test_objection_after_the_period_is_refused(world, home):
    p = services.proposal_notify(
        factories.proposal(world, home), actor=world.yanggu_mz, on=dt.date(2026, 9, 28)
    )
    with pytest.raises(ValidationError) as exc:
        services.proposal_object(p, actor=world.yanggu_mz, text="迟到的异议", on=dt.date(2026, 10, 12))
    assert "2026-10-10 届满" in str(exc.value)


def test_review_is_refused_while_the_objection_period_runs(world, home):
    p = services.proposal_notify(
        factories.proposal(world, home), actor=world.yanggu_mz, on=dt.date(2026, 9, 28)
    )
    with pytest.raises(ValidationError, match="尚未到期"):
        services.proposal_review(
            p, actor=world.yanggu_mz, opinion="x", recommend_listing=True, on=dt.date(2026, 10, 9)
        )


def test_the_objection_clock_closes_the_window_once(world, home):
    """The window's close is the deadline engine's: its ``closed`` stage (the first working day
    after the last day) marks the proposal elapsed, once."""
    p = services.proposal_notify(
        factories.proposal(world, home), actor=world.yanggu_mz, on=dt.date(2026, 9, 28)
    )
    factories.run_engine(dt.date(2026, 10, 10))  # the last day (a make-up Saturday)
    p.refresh_from_db()
    assert p.state == ProposalState.NOTIFIED
    factories.run_engine(dt.date(2026, 10, 12))  # Monday: the window has closed
    factories.run_engine(dt.date(2026, 10, 13))
    p.refresh_from_db()
    assert p.state == ProposalState.ELAPSED
    assert list(p.events.filter(step="elapse").values_list("actor", flat=True)) == [None]  # the system


def _reviewed(world, inst):
    p = services.proposal_notify(
        factories.proposal(world, inst), actor=world.yanggu_mz, on=dt.date(2026, 3, 2)
    )
    return services.proposal_review(
        p, actor=world.yanggu_mz, opinion="属实", recommend_listing=True, on=dt.date(2026, 3, 10)
    )


def test_decision_without_an_authorised_leader_is_refused(world, home):
    p = _reviewed(world, home)
    with pytest.raises(PermissionDenied, match="负责人"):
        services.proposal_decide(
            p, actor=world.yanggu_mz, list_it=True, opinion="列入", on=dt.date(2026, 3, 10)
        )
    from tests.factories import AssignmentFactory, UserFactory

    fire_leader = UserFactory(username="xf_leader")
    AssignmentFactory(user=fire_leader, department=world.xf, region=world.yanggu, role="leader")
    with pytest.raises((PermissionDenied, Http404)):  # not in its remit: never a decision
        services.proposal_decide(p, actor=fire_leader, list_it=True, opinion="列入", on=dt.date(2026, 3, 10))
    p.refresh_from_db()
    assert p.state == ProposalState.REVIEWED and p.decision_number is None


def test_leader_decides_and_the_decision_document_is_a_pdf(world, home):
    p = _reviewed(world, home)
    p = services.proposal_decide(
        p, actor=world.yanggu_leader, list_it=True, opinion="同意列入", on=dt.date(2026, 3, 10)
    )
    assert p.state == ProposalState.LISTED
    assert p.term_starts == dt.date(2026, 3, 10) and p.term_ends == dt.date(2029, 3, 9)
    pdf = bytes(p.decision_pdf)
    assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == p.decision_sha256
    assert "信惩决〔2026〕1号" in p.decision_number
    if shutil.which("pdftotext"):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(pdf)
            f.flush()
            text = subprocess.run(["pdftotext", f.name, "-"], capture_output=True, text=True).stdout.replace(
                " ", ""
            )
            fonts = subprocess.run(["pdffonts", f.name], capture_output=True, text=True).stdout
        assert "列入失信联合惩戒对象名单决定书" in text and "2029年3月9日" in text
        assert "CJK" in fonts or "WenQuanYi" in fonts
    assert "信惩决〔2026〕1号" in p.decision_number


def test_decision_not_to_list(world, home):
    p = services.proposal_decide(
        _reviewed(world, home),
        actor=world.yanggu_leader,
        list_it=False,
        opinion="情节轻微",
        on=dt.date(2026, 3, 10),
    )
    assert p.state == ProposalState.NOT_LISTED
    assert not services.is_listed(home.credit_code, dt.date(2026, 3, 11))


def test_steps_out_of_order_are_refused(world, home):
    p = factories.proposal(world, home)
    with pytest.raises(ValidationError, match="不能执行"):
        services.proposal_publish(p, actor=world.yanggu_mz)


def test_proposer_outside_remit_is_refused(world, home):
    evidence = factories.record(home, "subsidy_fraud", world.yanggu_mz)
    with pytest.raises(PermissionDenied) as exc:
        services.proposal_create(
            world.yanggu_xf,
            home,
            list_type=ListType.JOINT_PUNISHMENT,
            ground="subsidy_fraud",
            facts="x",
            evidence=[evidence],
        )
    assert "谁监管、谁列入" in str(exc.value) and "本部门的监管职责" in str(exc.value)


def test_partner_department_may_propose_in_its_own_remit(world, home):
    evidence = factories.record(home, "major_hazard_overdue", world.yanggu_xf)
    p = services.proposal_create(
        world.yanggu_xf,
        home,
        list_type=ListType.JOINT_PUNISHMENT,
        ground="major_fire_hazard",
        facts="x",
        evidence=[evidence],
    )
    assert p.department == world.xf


def test_proposer_outside_region_is_refused(world, far_home):
    evidence = factories.record(far_home, "major_hazard_overdue", world.dongchangfu_mz)
    from django.http import Http404

    with pytest.raises((PermissionDenied, Http404)):
        services.proposal_create(
            world.yanggu_mz,
            far_home,
            list_type=ListType.JOINT_PUNISHMENT,
            ground="major_fire_hazard",
            facts="x",
            evidence=[evidence],
        )


def test_publication_and_audit_trail(world, home):
    p = factories.to_published(world, home)
    assert p.state == ProposalState.PUBLISHED
    steps = list(p.events.values_list("step", flat=True))
    assert steps == ["create", "notify", "elapse", "review", "decide", "publish"]
    from auditlog.models import LogEntry

    verbs = [e.additional_data.get("verb") for e in LogEntry.objects.get_for_object(p) if e.additional_data]
    assert {"create", "notify", "review", "decide", "publish"} <= set(verbs)


def test_repeating_a_step_changes_nothing(world, home):
    p = services.proposal_notify(
        factories.proposal(world, home), actor=world.yanggu_mz, on=dt.date(2026, 3, 2)
    )
    again = services.proposal_notify(p, actor=world.yanggu_mz, on=dt.date(2026, 3, 5))
    assert again.objection_due == p.objection_due
    assert ListingProposal.objects.get(pk=p.pk).events.filter(step="notify").count() == 1


def test_a_provisional_objection_deadline_is_recounted_when_the_year_is_published(world, home):
    """Notice on 2026-12-28: 12-29, 12-30, 12-31, (1-1 statutory holiday), 1-4, 1-5 — counted
    from 2027's statutory holidays until the State Council publishes 2027's schedule."""
    from supervision.workcal import services as workcal

    p = services.proposal_notify(
        factories.proposal(world, home), actor=world.yanggu_mz, on=dt.date(2026, 12, 28)
    )
    assert (p.objection_due, p.objection_due_provisional, p.objection_workdays) == (
        dt.date(2027, 1, 5),
        True,
        5,
    )
    ListingPolicy.objects.create(region=None, objection_workdays=10)  # changes new notices only
    workcal.schedule_enter_days(2027, holidays={dt.date(2027, 1, 4): "元旦"}, actor=world.sysadmin)
    workcal.schedule_publish(2027, actor=world.sysadmin, source="国办发明电〔2026〕7号")
    p.refresh_from_db()
    # the engine recounts the clock; the proposal shows what the clock says
    assert (p.objection_due, p.objection_due_provisional) == (dt.date(2027, 1, 6), False)
    assert p.objection_clock.length == 5


def test_a_step_dated_before_the_previous_one_is_refused(world, home):
    p = _reviewed(world, home)  # reviewed 2026-03-10
    with pytest.raises(ValidationError, match="早于审核日期 2026-03-10"):
        services.proposal_decide(
            p, actor=world.yanggu_leader, list_it=True, opinion="列入", on=dt.date(2026, 3, 9)
        )
    p = services.proposal_decide(
        p, actor=world.yanggu_leader, list_it=True, opinion="列入", on=dt.date(2026, 3, 11)
    )
    with pytest.raises(ValidationError, match="早于列入决定日期"):
        services.proposal_publish(p, actor=world.yanggu_mz, on=dt.date(2026, 3, 10))
    assert services.proposal_publish(p, actor=world.yanggu_mz, on=dt.date(2026, 3, 11)).published_on
