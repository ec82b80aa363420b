"""Inspection results and major hazards enter the credit ledger (credit records drive the draw)."""

from __future__ import annotations

import datetime as dt

import pytest

from credit.models import CreditRecord
from inspections import services
from inspections.models import Severity
from tests.inspections.factories import close_complete

pytestmark = pytest.mark.django_db


def inspect(home, field, world, *, fail_fire=False, on=dt.date(2026, 11, 20)):
    inspection = services.inspection_create(
        home, actor=world.yanggu_mz, kind="special", team=field.inspectors[:2], department=world.mz
    )
    if fail_fire:
        services.item_result_record(
            inspection, field.fire_item, actor=world.yanggu_mz, outcome="fail", note="安全出口上锁"
        )
    return close_complete(inspection, actor=world.yanggu_mz, inspected_on=on)


def records(home, kind):
    return CreditRecord.objects.filter(credit_code=home.credit_code, kind=kind)


def test_a_compliant_inspection_is_recorded_as_passed(field, world):
    home = field.homes[0]
    inspection = inspect(home, field, world)
    (record,) = records(home, "inspection_passed")
    assert record.source_id == inspection.pk
    assert record.effective_on == dt.date(2026, 11, 20)
    assert not records(home, "inspection_failed").exists()


def test_an_inspection_with_problems_is_recorded_as_failed_once(field, world):
    home = field.homes[1]
    inspection = inspect(home, field, world, fail_fire=True)
    services.inspection_close(inspection, actor=world.yanggu_mz)  # closing again changes nothing
    assert records(home, "inspection_failed").count() == 1
    assert not records(home, "inspection_passed").exists()


def test_a_major_hazard_is_recorded_when_found_and_when_upgraded(field, world):
    home, other = field.homes[2], field.homes[3]
    services.finding_create(
        home,
        field.fire_item.domain,
        actor=world.yanggu_mz,
        description="疏散楼梯被封闭",
        severity=Severity.MAJOR,
    )
    assert records(home, "major_hazard").count() == 1
    finding = services.finding_create(
        other, field.fire_item.domain, actor=world.yanggu_mz, description="灭火器过期"
    )
    assert not records(other, "major_hazard").exists()
    # Handed by remit to fire rescue, which supervises it and so grades it.
    services.finding_set_severity(finding, actor=world.yanggu_xf, severity=Severity.MAJOR)
    assert records(other, "major_hazard").count() == 1
