"""Objections online (陈述申辩, 民发〔2019〕103号): the institution notified of an intended listing
files its statement within the window with attachments, through the procedure's own service, and
sees the decision; after the window it is refused with the window's last day. It applies for early
removal (信用修复) where the rules allow. The suite's day is pinned at 2026-12-01 (a Tuesday)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from credit import services
from credit.models import AttachmentPurpose, ProposalAttachment, ProposalEvent, ProposalState
from supervision.core.policy import SYSTEM, Denied
from tests.credit import factories
from tests.institution_side.factories import make_institution_account
from tests.uploads import jpeg_with_gps, pdf

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


@pytest.fixture
def home(world):
    return factories.institution(world.yanggu_town, "阳谷县福寿养老院")


@pytest.fixture
def account(home):
    return make_institution_account(home, username="fushou_objections")


def notified(world, home, on: dt.date):
    return services.proposal_notify(factories.proposal(world, home), actor=world.yanggu_mz, on=on)


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_an_objection_filed_online_inside_the_window(world, home, account):
    p = notified(world, home, dt.date(2026, 11, 27))  # 5 working days: due 2026-12-04
    assert p.objection_due == dt.date(2026, 12, 4)
    c = login(account)
    page = c.get(f"/institution/objections/{p.pk}/").content.decode()
    assert "提出陈述申辩" in page and "2026年12月4日" in page
    response = c.post(
        f"/institution/objections/{p.pk}/object/",
        {
            "text": "隐患已于11月20日整改完毕，消防部门已复查，请求不予列入。",
            "materials": [
                SimpleUploadedFile("复查意见书.pdf", pdf()),
                SimpleUploadedFile("现场.jpg", jpeg_with_gps(), content_type="image/jpeg"),
            ],
        },
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.state == ProposalState.OBJECTED and p.objection_on == TODAY
    assert p.objection_clock.state == "met"
    kept = ProposalAttachment.objects.filter(proposal=p, purpose=AttachmentPurpose.OBJECTION)
    assert sorted(a.name for a in kept) == ["复查意见书.pdf", "现场.jpg"]
    event = ProposalEvent.objects.get(proposal=p, step="object")
    assert event.actor == account  # the institution itself, not staff on its behalf
    # staff see the statement and its files on the procedure page
    staff = login(world.yanggu_mz).get(f"/credit/proposals/{p.pk}/").content.decode()
    assert "隐患已于11月20日整改完毕" in staff and "复查意见书.pdf" in staff
    # the institution downloads its own file
    file = c.get(f"/institution/objections/attachments/{kept.get(name='复查意见书.pdf').pk}/")
    assert file.status_code == 200 and b"".join(file.streaming_content).startswith(b"%PDF")


def test_the_institution_cannot_backdate_its_statement(world, home, account):
    p = notified(world, home, dt.date(2026, 11, 27))
    p = services.proposal_object(p, actor=account, text="申辩", on=dt.date(2026, 11, 28))
    assert p.objection_on == TODAY


def test_an_objection_after_the_window_is_refused_naming_its_end(world, home, account):
    p = notified(world, home, dt.date(2026, 11, 16))  # due 2026-11-23
    c = login(account)
    page = c.get(f"/institution/objections/{p.pk}/").content.decode()
    assert "陈述申辩期已于 2026年11月23日 届满" in page and "objection-form" not in page
    response = c.post(f"/institution/objections/{p.pk}/object/", {"text": "逾期的申辩"})
    assert response.status_code == 400
    assert "陈述申辩期已于 2026-11-23 届满，不能再提出陈述申辩。" in response.content.decode()
    p.refresh_from_db()
    assert p.state == ProposalState.NOTIFIED and p.objection_text == ""
    assert not ProposalAttachment.objects.exists()


def test_after_the_window_elapsed_the_refusal_still_names_its_end(world, home, account):
    p = notified(world, home, dt.date(2026, 11, 16))
    services.proposal_elapse(p, actor=SYSTEM, on=TODAY)
    p.refresh_from_db()
    assert p.state == ProposalState.ELAPSED
    with pytest.raises(ValidationError, match="陈述申辩期已于 2026-11-23 届满"):
        services.proposal_object(p, actor=account, text="逾期的申辩")


def test_another_institution_sees_nothing_of_the_procedure(world, home):
    p = notified(world, home, dt.date(2026, 11, 27))
    stranger = make_institution_account(factories.institution(world.yanggu_town, "阳谷县康乐养老院"))
    c = login(stranger)
    assert p.number not in c.get("/institution/objections/").content.decode()
    assert c.get(f"/institution/objections/{p.pk}/").status_code == 404
    assert c.post(f"/institution/objections/{p.pk}/object/", {"text": "冒名申辩"}).status_code == 404
    with pytest.raises(Denied):
        services.proposal_object(p, actor=stranger, text="冒名申辩")


def test_a_draft_proposal_is_not_shown_to_the_institution(world, home, account):
    draft = factories.proposal(world, home)
    c = login(account)
    assert draft.number not in c.get("/institution/objections/").content.decode()
    assert c.get(f"/institution/objections/{draft.pk}/").status_code == 404


def test_the_institution_takes_no_other_step(world, home, account):
    p = notified(world, home, dt.date(2026, 11, 27))
    with pytest.raises(Denied):
        services.proposal_review(p, actor=account, opinion="自审", recommend_listing=False, on=TODAY)
    with pytest.raises(Denied):
        services.proposal_withdraw(p, actor=account, reason="撤回")


def test_the_institution_sees_the_decision(world, home, account):
    p = factories.to_published(world, home, on=dt.date(2026, 3, 2))
    page = login(account).get(f"/institution/objections/{p.pk}/").content.decode()
    assert "决定列入" in page and "同意列入" in page and p.term_display() in page
    assert login(account).get(f"/institution/objections/{p.pk}/decision.pdf").status_code == 200


def test_early_removal_too_early_is_refused_with_the_earliest_day(world, home, account):
    p = factories.to_published(world, home, on=dt.date(2026, 3, 2))
    response = login(account).post(f"/institution/objections/{p.pk}/apply-removal/", {"proof": "已整改"})
    assert response.status_code == 400 and "列入满 2 年后方可申请提前移出" in response.content.decode()
    p.refresh_from_db()
    assert p.state == ProposalState.PUBLISHED


def test_early_removal_applied_online_after_the_minimum_period(world, home, account):
    p = factories.to_published(world, home, on=dt.date(2024, 9, 2))
    response = login(account).post(
        f"/institution/objections/{p.pk}/apply-removal/",
        {"proof": "已缴纳罚款并完成全部整改", "materials": [SimpleUploadedFile("缴款凭证.pdf", pdf())]},
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.state == ProposalState.REMOVAL_APPLIED and p.removal_applied_on == TODAY
    assert ProposalAttachment.objects.get(proposal=p).purpose == AttachmentPurpose.REMOVAL
    # the decision stays a leader's
    with pytest.raises(Denied):
        services.proposal_decide_removal(p, actor=account, approve=True, opinion="同意")
