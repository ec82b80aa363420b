"""信用修复: the issuing department ends a penalty's publication early, on the party's application,
once it has been public for 6 months from the decision; warnings (fixed 3 months) cannot be
shortened; auditors and other departments are refused; the public pages drop the penalty from
the chosen day and the change feed reports the delete; the change is audited.

Every moment is explicit (``django.utils.timezone.now`` is patched), so nothing depends on the
real date."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

import pytest
from auditlog.models import LogEntry
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from inspections.rectification import services
from inspections.rectification.models import Penalty
from supervision.core.models import Role
from supervision.publicity.registry import day_start
from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db

NUMBER = "阳民罚决字〔2026〕7号"
DECIDED = dt.date(2026, 3, 2)
EARLIEST = dt.date(2026, 9, 2)  # 6 months after the decision
REASON = "当事人已履行处罚决定并完成整改，申请信用修复，经审核符合条件"


def noon(day: dt.date) -> dt.datetime:
    return day_start(day) + dt.timedelta(hours=12)


@contextmanager
def at(moment: dt.datetime):
    cache.clear()
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def record(world, site, kind: str = "fine") -> Penalty:
    with at(noon(DECIDED + dt.timedelta(days=3))):
        return services.penalty_record(
            site.home,
            actor=world.yanggu_mz,
            decision_number=NUMBER,
            kind=kind,
            fine_amount=Decimal("20000") if kind == "fine" else None,
            facts="未按规定建立入住评估制度",
            legal_basis="《养老机构管理办法》第四十六条",
            decided_on=DECIDED,
            findings=[site.duty],
        )


def end(world, penalty, day: dt.date, user=None, ended_on: dt.date | None = None, reason: str = REASON):
    with at(noon(day)):
        return services.penalty_end_publication(
            penalty, actor=user or world.yanggu_mz, ended_on=ended_on or day, reason=reason
        )


def public_text(client, credit_code: str) -> str:
    out = []
    for url in (
        "/public/rectification/penalties/",
        f"/public/institutions/{credit_code}/",
        "/public/api/penalties.csv",
        "/public/api/penalties.json",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        out.append(response.content.decode("utf-8-sig"))
    return "\n".join(out)


def test_refused_before_the_minimum_period(world, site):
    penalty = record(world, site)
    assert penalty.published_until == dt.date(2029, 3, 1)
    with pytest.raises(ValidationError) as exc:
        end(world, penalty, dt.date(2026, 6, 1))
    message = " ".join(exc.value.messages)
    assert "满6个月" in message and "2026-09-02" in message
    # a request made earlier for a day before the minimum is refused too
    with pytest.raises(ValidationError):
        end(world, penalty, dt.date(2026, 6, 1), ended_on=EARLIEST - dt.timedelta(days=1))
    penalty.refresh_from_db()
    assert penalty.published_until == dt.date(2029, 3, 1) and penalty.publication_ended_on is None


def test_a_warning_cannot_be_shortened(world, site):
    warning = record(world, site, kind="warning")
    with pytest.raises(ValidationError) as exc:
        end(world, warning, warning.published_until)
    assert "固定的3个月" in " ".join(exc.value.messages)


def test_a_reason_is_required_and_no_backdating(world, site):
    penalty = record(world, site)
    with pytest.raises(ValidationError):
        end(world, penalty, dt.date(2026, 10, 1), reason="  ")
    with pytest.raises(ValidationError) as exc:
        end(world, penalty, dt.date(2026, 10, 1), ended_on=dt.date(2026, 9, 30))
    assert "不能早于今天" in " ".join(exc.value.messages)


def test_allowed_after_the_minimum_and_audited(world, site):
    penalty = record(world, site)
    ended = end(world, penalty, EARLIEST)
    assert ended.publication_ended_on == EARLIEST
    assert ended.published_until == EARLIEST - dt.timedelta(days=1)
    assert ended.publication_end_reason == REASON
    entry = LogEntry.objects.get_for_object(ended).filter(additional_data__verb="end_publication").get()
    assert entry.actor == world.yanggu_mz
    assert entry.changes_dict["published_until"] == ["2029-03-01", "2026-09-01"]
    # the same request again changes nothing
    end(world, ended, EARLIEST)
    assert LogEntry.objects.get_for_object(ended).filter(additional_data__verb="end_publication").count() == 1


def test_a_leader_may_end_it(world, site):
    penalty = record(world, site)
    assert end(world, penalty, EARLIEST, user=world.yanggu_leader).publication_ended_on == EARLIEST


def test_an_auditor_or_another_department_is_refused(world, site):
    penalty = record(world, site)
    auditor = UserFactory(username="yanggu_auditor")
    AssignmentFactory(user=auditor, department=world.mz, region=world.yanggu, role=Role.AUDITOR)
    with pytest.raises(PermissionDenied):
        end(world, penalty, EARLIEST, user=auditor)
    with pytest.raises((PermissionDenied, Http404)):
        end(world, penalty, EARLIEST, user=world.yanggu_xf)
    penalty.refresh_from_db()
    assert penalty.publication_ended_on is None


def test_the_public_pages_drop_it_from_that_day(world, site, client):
    penalty = record(world, site)
    day = dt.date(2026, 10, 10)
    end(world, penalty, day - dt.timedelta(days=2), ended_on=day)  # decided two days before
    with at(noon(day - dt.timedelta(days=1))):
        assert public_text(client, site.home.credit_code).count(NUMBER) == 4  # list, page, CSV, JSON
    with at(noon(day)):
        assert NUMBER not in public_text(client, site.home.credit_code)


def test_the_change_feed_reports_the_delete(world, site, client):
    penalty = record(world, site)
    day = dt.date(2026, 10, 10)
    moment = noon(day)
    before = moment - dt.timedelta(hours=1)
    end(world, penalty, day)  # off the public pages from today: a delete now

    def follow(since: dt.datetime, now: dt.datetime) -> list[dict]:
        url = "/public/api/changes/?limit=2&since=" + since.isoformat().replace("+", "%2B")
        out = []
        with mock.patch("django.utils.timezone.now", return_value=now):
            while url:
                body = client.get(url).json()
                out += body["results"]
                url = body["next"]
        return [
            (c["key"], c["action"], dt.datetime.fromisoformat(c["changed_at"]))
            for c in out
            if c["dataset"] == "penalties"
        ]

    # a mirror that read this morning (after midnight) learns of it once, at the moment it happened
    assert follow(before, moment + dt.timedelta(hours=1)) == [(str(penalty.pk), "delete", moment)]
    assert follow(moment, noon(day + dt.timedelta(days=30))) == []


def test_a_later_day_is_a_change_then_a_delete_at_its_midnight(world, site, client):
    penalty = record(world, site)
    moment = noon(dt.date(2026, 10, 10))
    ended_on = dt.date(2026, 10, 20)
    end(world, penalty, moment.date(), ended_on=ended_on)
    url = "/public/api/changes/?since=" + (moment - dt.timedelta(hours=1)).isoformat().replace("+", "%2B")
    with mock.patch("django.utils.timezone.now", return_value=noon(dt.date(2026, 10, 25))):
        items = [c for c in client.get(url).json()["results"] if c["dataset"] == "penalties"]
    assert [(c["action"], dt.datetime.fromisoformat(c["changed_at"])) for c in items] == [
        ("upsert", moment),
        ("delete", day_start(ended_on)),
    ]
    assert items[0]["payload"]["published_until"] == "2026-10-19"


def test_page_and_api(world, site, client_for, api_for):
    penalty = record(world, site)
    staff = client_for(world.yanggu_mz)
    with mock.patch("django.utils.timezone.now", return_value=noon(dt.date(2026, 6, 1))):
        page = staff.get(f"/inspections/rectification/penalties/{penalty.pk}/").content.decode()
        assert "信用修复：提前结束公示" in page and "2026-09-02" in page
        refused = staff.post(
            f"/inspections/rectification/penalties/{penalty.pk}/end-publication/",
            {"ended_on": "2026-06-01", "reason": REASON},
            follow=True,
        ).content.decode()
        assert "满6个月" in refused
        api = api_for(world.yanggu_mz)
        response = api.post(
            f"/api/v1/penalties/{penalty.pk}/end-publication/",
            {"ended_on": "2026-06-01", "reason": REASON},
            format="json",
        )
        assert response.status_code == 400 and "满6个月" in str(response.json())
    with mock.patch("django.utils.timezone.now", return_value=noon(EARLIEST)):
        response = api.post(
            f"/api/v1/penalties/{penalty.pk}/end-publication/",
            {"ended_on": "2026-09-02", "reason": REASON},
            format="json",
        )
        assert response.status_code == 200
        assert response.json()["publication_ended_on"] == "2026-09-02"
        assert response.json()["published_until"] == "2026-09-01"
        staff = client_for(world.yanggu_mz)  # a new session: the old one idled out over the months
        page = staff.get(f"/inspections/rectification/penalties/{penalty.pk}/").content.decode()
        assert "经信用修复，自 2026-09-02 起不再公示" in page and REASON in page
        xf = api_for(world.yanggu_xf).post(
            f"/api/v1/penalties/{penalty.pk}/end-publication/",
            {"ended_on": "2026-09-02", "reason": REASON},
            format="json",
        )
        assert xf.status_code in (403, 404)
    schema = client_for(world.sysadmin).get("/api/schema/").content.decode()
    assert "/api/v1/penalties/{id}/end-publication/" in schema
