"""Calendar API: results, Chinese field errors, and authentication."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db
ADD = "/api/v1/calendar/add-workdays/"
BETWEEN = "/api/v1/calendar/workdays-between/"
IS = "/api/v1/calendar/is-workday/"


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create(username="calendar_reader")  # any authenticated user


@pytest.fixture
def api(user, api_for):
    return api_for(user)


def test_add_workdays(api):
    response = api.get(ADD, {"start": "2026-09-28", "days": 20})
    assert response.status_code == 200
    assert response.json() == {"start": "2026-09-28", "days": 20, "due": "2026-10-30", "provisional": False}


def test_add_workdays_into_an_unpublished_year_is_provisional(api):
    response = api.get(ADD, {"start": "2026-12-21", "days": 20})
    assert response.json() == {"start": "2026-12-21", "days": 20, "due": "2027-01-19", "provisional": True}


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"days": 20}, "start", "请提供开始日期"),
        ({"start": "2026/09/28", "days": 20}, "start", "日期格式应为 YYYY-MM-DD"),
        ({"start": "2026-02-30", "days": 20}, "start", "日期格式应为 YYYY-MM-DD"),
        ({"start": "2003-12-31", "days": 20}, "start", "超出工作日历范围"),
        ({"start": "2026-09-28"}, "days", "请提供工作日数"),
        ({"start": "2026-09-28", "days": "abc"}, "days", "工作日数应为整数"),
        ({"start": "2026-09-28", "days": -1}, "days", "0 至 3650"),
        ({"start": "2026-09-28", "days": 3651}, "days", "0 至 3650"),
        ({"start": "2031-12-01", "days": 3650}, "days", "超出工作日历范围"),
    ],
)
def test_add_workdays_invalid_parameters(api, params, field, message):
    response = api.get(ADD, params)
    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == [field]
    assert message in errors[field][0]


def test_workdays_between(api):
    assert api.get(BETWEEN, {"start": "2026-09-28", "end": "2026-10-30"}).json() == {
        "start": "2026-09-28",
        "end": "2026-10-30",
        "workdays": 20,
        "provisional": False,
    }
    back = api.get(BETWEEN, {"start": "2027-01-19", "end": "2026-12-21"}).json()
    assert back["workdays"] == -20 and back["provisional"] is True
    response = api.get(BETWEEN, {"start": "2026-09-28", "end": "tomorrow"})
    assert response.status_code == 400 and response.json() == {"end": ["日期格式应为 YYYY-MM-DD"]}


def test_is_workday(api):
    assert api.get(IS, {"date": "2026-10-10"}).json() == {
        "date": "2026-10-10",
        "workday": True,
        "provisional": False,
        "name": "国庆节调休上班",
        "source": "package",
    }
    assert api.get(IS, {"date": "2027-01-01"}).json()["provisional"] is True
    assert api.get(IS, {}).json() == {"date": ["请提供日期（YYYY-MM-DD）"]}


@pytest.mark.parametrize("url", [ADD, BETWEEN, IS])
def test_anonymous_is_refused(url, db):
    response = APIClient().get(
        url, {"start": "2026-09-28", "days": 20, "end": "2026-10-30", "date": "2026-10-10"}
    )
    assert response.status_code in (401, 403)


def test_documented_in_the_schema(user, client_for):
    schema = client_for(user).get("/api/schema/").content.decode()
    for url in (
        "/api/v1/calendar/add-workdays/",
        "/api/v1/calendar/workdays-between/",
        "/api/v1/calendar/is-workday/",
    ):
        assert url in schema
    assert "provisional" in schema
