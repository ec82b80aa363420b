"""Due dates come from the rule (and the nearest regional override) through the calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from supervision.core.models import Region
from supervision.deadlines.models import Deadline, DeadlineState, Rule, RuleOverride
from supervision.deadlines.services import (
    deadline_meet,
    deadline_open,
    open_deadlines_for,
    rule_for,
)
from supervision.workcal.services import schedule_publish

D = dt.date
pytestmark = pytest.mark.django_db


def test_the_documents_rules_ship_with_their_sources():
    rules = {r.code: r for r in Rule.objects.all()}
    expected = {
        "filing.onsite_check": ("working_days", 20),
        "unfiled.onsite_check": ("working_days", 20),
        "referral.send": ("working_days", 7),
        "complaint.feedback": ("working_days", 5),
        "inspection.yearly_coverage": ("calendar_days", 365),
        "drill.half_yearly": ("calendar_days", 182),
        "subsidy.quarterly_spot_check": ("calendar_days", 91),
        "rectification.item": ("working_days", 10),
        "inspection.publish_result": ("working_days", 7),
        "referral.response": ("working_days", 10),
    }
    assert {c: (rules[c].unit, rules[c].length) for c in expected} == expected
    assert "20 个工作日" in rules["filing.onsite_check"].source_quote
    assert "004 2.5" in rules["filing.onsite_check"].source_article
    assert "默认值" in rules["inspection.publish_result"].note


def test_national_day_2026_counts_the_make_up_saturday(open_clock):
    d = open_clock(D(2026, 9, 28))
    assert (d.due, d.provisional, d.length, d.unit) == (D(2026, 10, 30), False, 20, "working_days")


def test_spring_festival_2026(open_clock):
    # 2026 Spring Festival: 2-15..2-23 off, make-up workdays Sat 2-14 and Sat 2-28.
    d = open_clock(D(2026, 2, 13), rule="complaint.feedback")
    # 2-14 (make-up Saturday), 2-24, 2-25, 2-26, 2-27
    assert d.due == D(2026, 2, 27)


def test_calendar_day_rules_use_plain_arithmetic(open_clock):
    d = open_clock(D(2026, 3, 1), rule="inspection.yearly_coverage")
    assert (d.due, d.provisional) == (D(2027, 3, 1), False)


def test_clock_into_2027_is_provisional_until_published_then_recomputed(open_clock, world, settings):
    d = open_clock(D(2026, 12, 21))
    assert (d.due, d.provisional) == (D(2027, 1, 19), True)
    # Publishing the 2027 schedule (here: one extra holiday on 2027-01-04) recomputes it.
    from supervision.workcal.services import schedule_enter_days

    schedule_enter_days(2027, holidays={D(2027, 1, 4): "测试"})
    schedule_publish(2027, source="国办发明电〔2026〕X号")
    d.refresh_from_db()
    assert (d.due, d.provisional) == (D(2027, 1, 20), False)
    assert world.yanggu_mz.notifications.filter(kind="recomputed", deadline=d).count() == 1
    from auditlog.models import LogEntry

    changes = [e.changes_dict for e in LogEntry.objects.get_for_object(d)]
    assert {"due": ["2027-01-19", "2027-01-20"], "provisional": ["True", "False"]}.items() <= next(
        c for c in changes if "due" in c
    ).items()


def test_nearest_override_wins(world, open_clock):
    rule = Rule.objects.get(code="filing.onsite_check")
    RuleOverride.objects.create(rule=rule, region=world.shandong, length=30)
    RuleOverride.objects.create(rule=rule, region=world.yanggu, length=10)
    assert rule_for("filing.onsite_check", region=world.yanggu_town).amount == 10
    assert rule_for("filing.onsite_check", region=world.dongchangfu).amount == 30
    assert open_clock(D(2026, 9, 28), region=world.dongchangfu).length == 30


def test_nankai_half_yearly_override_is_created_when_the_region_exists(db):
    tianjin = Region.objects.create(code="120000000000", name="天津市", level=1)
    Region.objects.create(code="120104000000", name="南开区", level=3, parent=tianjin)
    call_command("load_rules")
    eff = rule_for("inspection.yearly_coverage", region=Region.objects.get(code="120104000000"))
    assert eff.amount == 182 and eff.period_months <= 6
    assert "001" in eff.override.source_document


def test_rule_change_applies_to_new_clocks_only(open_clock):
    first = open_clock(D(2026, 9, 28))
    rule = Rule.objects.get(code="filing.onsite_check")
    rule.length = 15
    rule.save()
    second = open_clock(D(2026, 9, 28))
    first.refresh_from_db()
    assert (first.length, first.rule_version, first.due) == (20, 1, D(2026, 10, 30))
    assert (second.length, second.rule_version) == (15, 2)


def test_open_is_idempotent_and_meet_closes(world, subject):
    inst = subject()
    a = deadline_open(inst, "filing.onsite_check", D(2026, 9, 28), department=world.mz, region=world.yanggu)
    b = deadline_open(inst, "filing.onsite_check", D(2026, 9, 29), department=world.mz, region=world.yanggu)
    assert a.pk == b.pk and Deadline.objects.count() == 1
    assert list(open_deadlines_for(inst)) == [a]
    other = subject()
    assert deadline_meet(inst, "filing.onsite_check", by=other, at=D(2026, 10, 9)) == 1
    assert deadline_meet(inst, "filing.onsite_check", by=other) == 0
    a.refresh_from_db()
    assert a.state == DeadlineState.MET and a.met_by_repr == str(other) and a.met_at.date() == D(2026, 10, 9)
    assert list(open_deadlines_for(inst)) == []
    # After meeting, a new clock under the same rule may open again.
    c = deadline_open(inst, "filing.onsite_check", D(2026, 11, 2), department=world.mz, region=world.yanggu)
    assert c.pk != a.pk


def test_per_case_length_for_rectification(open_clock):
    d = open_clock(D(2026, 9, 28), rule="rectification.item", length=3)
    # 9-29, 9-30, then the National Day holiday (10-1..10-7): the third working day is 10-8.
    assert (d.length, d.due) == (3, D(2026, 10, 8))


def test_inactive_rule_refuses_new_clocks(open_clock):
    Rule.objects.filter(code="referral.send").update(active=False)
    with pytest.raises(ValidationError):
        open_clock(D(2026, 9, 28), rule="referral.send")


def test_override_command_and_audited_rule_edits(world, client_for):
    from io import StringIO

    from auditlog.models import LogEntry

    out = StringIO()
    call_command("load_rules", "--override", "drill.half_yearly", world.yanggu.code, "120", stdout=out)
    assert "新增地区调整" in out.getvalue()
    assert rule_for("drill.half_yearly", region=world.yanggu_town).amount == 120
    with pytest.raises(Exception, match="区划不存在"):
        call_command("load_rules", "--override", "drill.half_yearly", "999999999999", "120")
    rule = Rule.objects.get(code="complaint.feedback")
    rule.length = 7
    rule.save()
    entry = LogEntry.objects.get_for_object(rule).latest("timestamp")
    assert entry.changes_dict["length"] == ["5", "7"]
    page = client_for(world.sysadmin).get(f"/admin/deadlines/rule/{rule.pk}/change/")
    assert page.status_code == 200 and "003" in page.content.decode()


def test_a_due_date_printed_in_a_document_is_pinned_and_never_recounted(open_clock, world):
    """A notice that states 2027-01-19 binds with that date: the clock is not provisional and
    publishing the 2027 schedule leaves it where the document put it."""
    from supervision.workcal.services import schedule_enter_days

    counted = open_clock(D(2026, 12, 21))
    pinned = deadline_open(
        world.yanggu_town,
        "filing.onsite_check",
        D(2026, 12, 21),
        department=world.mz,
        region=world.yanggu,
        due=D(2027, 1, 19),
    )
    assert (pinned.due, pinned.provisional, pinned.pinned) == (D(2027, 1, 19), False, True)
    schedule_enter_days(2027, holidays={D(2027, 1, 4): "测试"})
    schedule_publish(2027, source="国办发明电〔2026〕X号")
    counted.refresh_from_db()
    pinned.refresh_from_db()
    assert counted.due == D(2027, 1, 20)
    assert pinned.due == D(2027, 1, 19)
    assert not world.yanggu_mz.notifications.filter(kind="recomputed", deadline=pinned).exists()


def test_a_pinned_due_date_before_the_start_is_refused(world):
    with pytest.raises(ValidationError, match="不能早于起算日"):
        deadline_open(
            world.yanggu_town,
            "filing.onsite_check",
            D(2026, 12, 21),
            department=world.mz,
            region=world.yanggu,
            due=D(2026, 12, 18),
        )
