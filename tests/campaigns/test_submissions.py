"""Reports: the assigned body submits (with an attachment kept in the private store); the
organiser accepts or returns with a reason; others may not act."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from supervision.campaigns import services
from supervision.campaigns.models import AssignmentState, TaskSubmission
from supervision.core.policy import Denied
from tests.uploads import HTML, pdf, stored_files, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


@pytest.fixture
def live(cw):
    services.campaign_launch(cw.campaign, actor=cw.campaign.created_by)
    return cw.task.assignments.get(role="township")


def test_the_township_submits_with_a_pdf_and_the_organiser_downloads_it(world, cw, live):
    c = Client()
    c.force_login(cw.township_liaison)  # the township's liaison carries the report
    r = c.post(
        f"/campaigns/assignments/{live.pk}/submit/",
        {"summary": "排查发现2家机构未通过消防审验。", "file": upload("报告.pdf", pdf())},
    )
    assert r.status_code == 302
    live.refresh_from_db()
    assert live.state == AssignmentState.SUBMITTED
    sub = TaskSubmission.objects.get(assignment=live)
    assert sub.file_path.startswith("campaigns/") and stored_files().filter(name=sub.file_path).exists()
    boss = Client()
    boss.force_login(world.yanggu_mz)
    got = boss.get(f"/campaigns/submissions/{sub.pk}/file/")
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    sibling = Client()
    sibling.force_login(world.dongchangfu_mz)
    assert sibling.get(f"/campaigns/submissions/{sub.pk}/file/").status_code == 404


def test_an_html_attachment_is_refused_and_nothing_is_kept(cw, live):
    with pytest.raises(ValidationError):
        services.assignment_submit(
            live, actor=cw.township_user, summary="见附件", upload=upload("r.pdf", HTML)
        )
    live.refresh_from_db()
    assert live.state == AssignmentState.PENDING and not TaskSubmission.objects.exists()


def test_return_then_resubmit_then_accept(world, cw, live):
    services.assignment_submit(live, actor=cw.township_user, summary="初稿")
    with pytest.raises(ValidationError):
        services.assignment_review(live, actor=world.yanggu_mz, accept=False)  # a return needs a reason
    services.assignment_review(live, actor=world.yanggu_mz, accept=False, note="缺少整改台账")
    live.refresh_from_db()
    assert live.state == AssignmentState.RETURNED and live.review_note == "缺少整改台账"
    services.assignment_submit(live, actor=cw.township_user, summary="补报整改台账")
    services.assignment_review(live, actor=world.yanggu_leader, accept=True)
    live.refresh_from_db()
    assert live.state == AssignmentState.ACCEPTED
    assert [e.step for e in live.events.all()] == [
        "submit_report",
        "return_report",
        "submit_report",
        "accept_report",
    ]


def test_others_may_not_submit_or_review(world, cw, live):
    with pytest.raises(Denied):
        services.assignment_submit(live, actor=world.yanggu_xf, summary="代报")  # not its body
    services.assignment_submit(live, actor=cw.township_user, summary="已报送")
    with pytest.raises(Denied):
        services.assignment_review(live, actor=cw.township_user, accept=True)  # not the organiser
    with pytest.raises(Denied):
        services.assignment_review(live, actor=world.yanggu_xf, accept=True)


def test_no_report_before_the_campaign_is_launched(cw):
    a = cw.task.assignments.get(role="lead")
    with pytest.raises(ValidationError, match="未在进行中"):
        services.assignment_submit(a, actor=cw.campaign.created_by, summary="提前报送")
