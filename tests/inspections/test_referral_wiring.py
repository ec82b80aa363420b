"""An out-of-remit finding is referred in writing (抄告) and the result comes back to it."""

from __future__ import annotations

import pytest

from inspections import services
from inspections.models import Finding
from supervision.deadlines.models import Deadline
from supervision.referrals import services as referrals
from supervision.referrals.models import Referral
from supervision.workcal.services import add_workdays

pytestmark = pytest.mark.django_db


def fire_finding(field, world, found_on=None) -> Finding:
    inspection = services.inspection_create(
        field.homes[0], actor=world.yanggu_mz, kind="special", team=field.inspectors[:2]
    )
    services.item_result_record(
        inspection, field.fire_item, actor=world.yanggu_mz, outcome="fail", note="安全出口上锁"
    )
    return Finding.objects.get(inspection=inspection)


def test_out_of_remit_finding_opens_a_referral_to_the_responsible_department(field, world):
    finding = fire_finding(field, world)
    referral = Referral.objects.get()
    assert referral.subject == finding
    assert referral.to_department == world.xf and referral.from_department == world.mz
    assert referral.institution_name == field.homes[0].name
    send_clock = Deadline.objects.get(rule__code="referral.send", object_id=referral.pk)
    assert send_clock.due == add_workdays(finding.found_on, 7)


def test_in_remit_finding_opens_no_referral(field, world):
    inspection = services.inspection_create(
        field.homes[0], actor=world.yanggu_mz, kind="special", team=field.inspectors[:2]
    )
    services.item_result_record(inspection, field.duty_item, actor=world.yanggu_mz, outcome="fail")
    assert not Referral.objects.exists()


def test_recognised_result_is_read_from_the_referral(field, world):
    finding = fire_finding(field, world)
    referral = Referral.objects.get()
    referrals.referral_send(referral, actor=world.yanggu_mz, on=finding.found_on)
    referrals.referral_acknowledge(referral, actor=world.yanggu_xf)
    referrals.referral_respond(
        referral, actor=world.yanggu_xf, action_taken="现场复查并责令整改", result="已拆除门锁，恢复疏散通道"
    )
    referrals.referral_recognise(referral, actor=world.yanggu_mz)
    finding = Finding.objects.with_progress().get(pk=finding.pk)
    assert finding.current_referral_id == referral.pk
    assert finding.referral_progress == "recognised" and finding.awaiting_referral is False
