"""Auditors of the handling department read a complaint but cannot act on it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from inspections.complaints import services
from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def xf_auditor(world):
    user = UserFactory(username="yanggu_xf_auditor")
    AssignmentFactory(user=user, department=world.xf, region=world.yanggu, role="auditor")
    return user


def test_an_auditor_of_the_handling_department_cannot_reply_or_reassign(world, fire_complaint, xf_auditor):
    assert services.is_handler(xf_auditor, fire_complaint)  # may see the complainant's identity
    with pytest.raises(PermissionDenied, match="无权办理"):
        services.complaint_reply(fire_complaint, actor=xf_auditor, findings="x", reply="y", outcome="upheld")
    with pytest.raises(PermissionDenied, match="无权办理"):
        services.complaint_start(fire_complaint, actor=xf_auditor)
    with pytest.raises(PermissionDenied, match="无权办理"):
        services.complaint_reassign(fire_complaint, actor=xf_auditor, to_department=world.mz, reason="误派")
    fire_complaint.refresh_from_db()
    assert fire_complaint.state != "replied" and fire_complaint.handling_department == world.xf


def test_the_handling_inspector_still_replies(world, fire_complaint):
    c = services.complaint_reply(fire_complaint, actor=world.yanggu_xf, findings="属实", reply="已整改")
    assert c.state == "replied"
