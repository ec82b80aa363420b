"""A finding shows where it stands as its referral, notice item and clock say (never a copy
kept on the finding), offers the next steps only to who may take them, and the overview counts
the same states and links to lists that show the same numbers."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest

from inspections import services
from inspections.models import Finding
from inspections.rectification import services as rectification
from inspections.rectification.models import RectificationNotice
from supervision.core.models import Domain, Role
from supervision.publicity.registry import day_start
from supervision.referrals import services as referrals
from supervision.referrals.models import Referral
from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db

FOUND = dt.date(2026, 9, 21)  # a Monday
SENT = dt.date(2026, 9, 22)
ISSUED = dt.date(2026, 9, 28)  # 10 working days (over the National Day holiday) → 2026-10-16
DUE = dt.date(2026, 10, 16)
BEFORE_DUE = dt.date(2026, 10, 9)
AFTER_DUE = dt.date(2026, 10, 19)


@contextmanager
def on(day: dt.date) -> Iterator[None]:
    """Pin today (the services, the clocks and the pages all read ``timezone.now``)."""
    with mock.patch("django.utils.timezone.now", return_value=day_start(day) + dt.timedelta(hours=10)):
        yield


def page_of(client_for, user, url: str) -> str:
    response = client_for(user).get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def finding_url(finding: Finding) -> str:
    return f"/inspections/findings/{finding.pk}/"


def fire_finding_by_civil_affairs(field, world, description: str = "安全出口上锁") -> Finding:
    """Out of civil affairs' remit: handed to fire rescue, with a draft referral to send."""
    with on(FOUND):
        return services.finding_create(
            field.homes[0],
            Domain.objects.get(code="fire"),
            actor=world.yanggu_mz,
            description=description,
            found_on=FOUND,
        )


def duty_finding(field, world, home: int = 0, description: str = "夜间值班记录缺失") -> Finding:
    with on(FOUND):
        return services.finding_create(
            field.homes[home],
            field.duty_item.domain,
            actor=world.yanggu_mz,
            description=description,
            found_on=FOUND,
        )


def issue_notice(field, world, finding: Finding, home: int = 0) -> RectificationNotice:
    with on(ISSUED):
        notice = rectification.notice_create(
            field.homes[home],
            [
                rectification.ItemSpec(
                    finding=finding,
                    legal_basis="《养老机构管理办法》第二十八条",
                    requirement="建立夜间值班记录",
                    period_workdays=10,
                )
            ],
            actor=world.yanggu_mz,
        )
        return rectification.notice_issue(notice, actor=world.yanggu_mz, on=ISSUED)


def overview_counts(client_for, user) -> dict[str, tuple[int, str]]:
    html = page_of(client_for, user, "/inspections/overview/")
    block = html.split('id="overview-progress"')[1].split("</section>")[0]
    return {
        key: (int(n), href.replace("&amp;", "&"))
        for href, key, n in re.findall(r'<a href="([^"]+)" id="overview-([a-z_]+)">(\d+)</a>', block)
    }


def list_count(client_for, user, url: str) -> int:
    html = page_of(client_for, user, url)
    match = re.search(r'id="finding-count">共 (\d+) 条<', html)
    assert match, url
    return int(match.group(1))


def test_a_sent_referral_is_no_longer_awaited_on_the_page_nor_in_the_overview(field, world, client_for):
    finding = fire_finding_by_civil_affairs(field, world)
    with on(FOUND):
        page = page_of(client_for, world.yanggu_mz, finding_url(finding))
        assert "需抄告" in page
        assert overview_counts(client_for, world.yanggu_mz)["needs_referral"][0] == 1
    referral = Referral.objects.get()
    with on(SENT):
        referrals.referral_send(referral, actor=world.yanggu_mz, on=SENT)
        referral.refresh_from_db()
        for user in (world.yanggu_mz, world.yanggu_xf):
            page = page_of(client_for, user, finding_url(finding))
            assert "需抄告" not in page, user
            assert "已抄告，待反馈" in page and referral.number in page
            assert f'href="/referrals/{referral.pk}/"' in page
        count, url = overview_counts(client_for, world.yanggu_mz)["needs_referral"]
        assert count == 0
        assert list_count(client_for, world.yanggu_mz, url) == 0
        api = client_for(world.yanggu_mz).get(f"/api/v1/findings/{finding.pk}/").json()
        assert api["needs_referral"] is False and api["referral_progress"] == "referred"
        assert api["referral"] == referral.pk


def test_an_issued_notice_item_gives_the_period_and_links_to_the_notice(field, world, client_for):
    finding = duty_finding(field, world)
    with on(FOUND):
        page = page_of(client_for, world.yanggu_mz, finding_url(finding))
        assert page.split('id="finding-due">')[1].startswith("—</dd>")
    notice = issue_notice(field, world, finding)
    item = notice.items.get()
    with on(BEFORE_DUE):
        page = page_of(client_for, world.yanggu_mz, finding_url(finding))
        due = page.split('id="finding-due">')[1].split("</dd>")[0]
        assert "2026-10-16" in due and "已逾期" not in due
        assert f'href="/inspections/rectification/notices/{notice.pk}/"' in page and notice.number in page
        assert f'href="/inspections/rectification/items/{item.pk}/"' in page
        assert "已下达整改通知，整改中" in page.split('id="finding-progress">')[1]
        assert 'id="finding-issue"' not in page  # a notice item exists: nothing more to issue
        api = client_for(world.yanggu_mz).get(f"/api/v1/findings/{finding.pk}/").json()
        assert api["rectification_due"] == "2026-10-16" and api["notice"] == notice.pk
        assert api["rectification_overdue"] is False
        assert overview_counts(client_for, world.yanggu_mz)["overdue"][0] == 0
    with on(AFTER_DUE):
        due = page_of(client_for, world.yanggu_mz, finding_url(finding)).split('id="finding-due">')[1]
        assert "已逾期" in due.split("</dd>")[0]
        count, url = overview_counts(client_for, world.yanggu_mz)["overdue"]
        assert count == 1 and list_count(client_for, world.yanggu_mz, url) == 1


def test_the_recognised_result_of_the_referral_is_shown(field, world, client_for):
    finding = fire_finding_by_civil_affairs(field, world)
    referral = Referral.objects.get()
    with on(SENT):
        referrals.referral_send(referral, actor=world.yanggu_mz, on=SENT)
        referrals.referral_acknowledge(referral, actor=world.yanggu_xf)
        referrals.referral_respond(
            referral,
            actor=world.yanggu_xf,
            action_taken="现场复查并责令整改",
            result="已拆除门锁，恢复疏散通道",
        )
        page = page_of(client_for, world.yanggu_mz, finding_url(finding))
        assert "已反馈，待结果互认" in page and 'id="finding-referral-result"' not in page
        referrals.referral_recognise(referral, actor=world.yanggu_mz)
        page = page_of(client_for, world.yanggu_mz, finding_url(finding))
    shown = page.split('id="finding-referral">')[1].split("</dd>")[0]
    assert "结果已互认" in shown
    result = shown.split('id="finding-referral-result">')[1]
    assert "消防救援" in result and "已拆除门锁，恢复疏散通道" in result and "2026-09-22" in result


REFER_BUTTON = ">发起抄告</"
ISSUE_BUTTON = ">下达整改通知</a>"


def test_next_steps_are_offered_only_to_who_may_take_them(field, world, client_for):
    auditor = UserFactory(username="yanggu_auditor")
    AssignmentFactory(user=auditor, department=world.mz, region=world.yanggu, role=Role.AUDITOR)
    finding = fire_finding_by_civil_affairs(field, world)
    referral = Referral.objects.get()
    with on(FOUND):
        finder = page_of(client_for, world.yanggu_mz, finding_url(finding))
        assert REFER_BUTTON in finder and ISSUE_BUTTON in finder
        assert f'action="/referrals/{referral.pk}/send/"' in finder
        issue = re.search(r'id="finding-issue" href="([^"]+)"', finder).group(1).replace("&amp;", "&")
        new_notice = "/inspections/rectification/notices/new/"
        assert issue == f"{new_notice}?institution={field.homes[0].pk}&finding={finding.pk}"
        form = page_of(client_for, world.yanggu_mz, issue)
        assert f'value="{finding.pk}" id="finding_{finding.pk}" checked' in form
        reader = page_of(client_for, auditor, finding_url(finding))
        assert "安全出口上锁" in reader
        assert REFER_BUTTON not in reader and ISSUE_BUTTON not in reader
        assert 'id="finding-actions"' not in reader
        # Fire rescue supervises it now: it may order the rectification, but the letter is the finder's.
        receiver = page_of(client_for, world.yanggu_xf, finding_url(finding))
        assert REFER_BUTTON not in receiver and ISSUE_BUTTON in receiver
    with on(SENT):
        response = client_for(world.yanggu_mz).post(f"/referrals/{referral.pk}/send/")
        assert response.status_code == 302
        referral.refresh_from_db()
        assert referral.state == "sent"
        assert REFER_BUTTON not in page_of(client_for, world.yanggu_mz, finding_url(finding))


def test_a_finding_owed_a_referral_without_one_offers_to_open_it(field, world, client_for):
    finding = fire_finding_by_civil_affairs(field, world)
    Referral.objects.all().delete()
    with on(FOUND):
        page = page_of(client_for, world.yanggu_mz, finding_url(finding))
        assert "需抄告" in page
        href = re.search(r'id="finding-refer" href="([^"]+)"', page).group(1)
        assert href == f"/referrals/new/?subject=inspections.finding:{finding.pk}"
        form = page_of(client_for, world.yanggu_mz, href)
        assert field.homes[0].name in form and "安全出口上锁" in form
        assert 'id="finding-refer"' not in page_of(client_for, world.yanggu_xf, finding_url(finding))


def test_overview_counts_what_the_pages_show_and_links_to_lists_with_the_same_count(field, world, client_for):
    fire_finding_by_civil_affairs(field, world, "安全出口上锁")
    sent = fire_finding_by_civil_affairs(field, world, "灭火器过期")
    with on(SENT):
        referrals.referral_send(Referral.objects.get(object_id=sent.pk), actor=world.yanggu_mz, on=SENT)
    duty_finding(field, world, 1, "值班记录缺失")
    rectifying = duty_finding(field, world, 2, "入住评估记录不全")
    issue_notice(field, world, rectifying, home=2)
    with on(BEFORE_DUE):
        counts = overview_counts(client_for, world.yanggu_mz)
        assert {k: n for k, (n, _url) in counts.items()} == {
            "needs_referral": 1,
            "no_notice": 3,
            "rectifying": 1,
            "responded": 0,
            "rejected": 0,
            "overdue": 0,
        }
        for key, (n, url) in counts.items():
            assert list_count(client_for, world.yanggu_mz, url) == n, key
        listed = page_of(client_for, world.yanggu_mz, counts["rectifying"][1])
        assert "入住评估记录不全" in listed and "值班记录缺失" not in listed
        # Another county's overview counts none of them.
        other = overview_counts(client_for, world.dongchangfu_mz)
        assert all(n == 0 for n, _url in other.values())
