"""An upheld complaint (查证属实/部分属实) enters the institution's credit record; others do not."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from credit.models import CreditRecord
from inspections.complaints import services

pytestmark = pytest.mark.django_db


def upheld_records(home):
    return CreditRecord.objects.filter(credit_code=home.credit_code, kind="complaint_upheld")


def test_an_upheld_complaint_is_recorded_once(world, home, fire_complaint):
    services.complaint_reply(
        fire_complaint, actor=world.yanggu_xf, findings="现场核实属实", reply="已责令清理", outcome="upheld"
    )
    (record,) = upheld_records(home)
    assert record.source_id == fire_complaint.pk
    assert "属实" in record.title
    assert record.department == world.xf
    fire_complaint.refresh_from_db()
    assert fire_complaint.get_outcome_display() == "属实"


@pytest.mark.parametrize("outcome", ["unfounded", "unverifiable", ""])
def test_a_complaint_not_upheld_leaves_no_credit_record(world, home, fire_complaint, outcome):
    services.complaint_reply(
        fire_complaint, actor=world.yanggu_xf, findings="现场未发现", reply="经核查不属实", outcome=outcome
    )
    assert not upheld_records(home).exists()


def test_an_unknown_outcome_is_refused(world, fire_complaint):
    with pytest.raises(ValidationError) as exc:
        services.complaint_reply(
            fire_complaint, actor=world.yanggu_xf, findings="x", reply="y", outcome="maybe"
        )
    assert "查证结论无效" in str(exc.value)
