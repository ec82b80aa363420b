"""Admin: an administrator enters a year's schedule and publishes it."""

from __future__ import annotations

import datetime as dt

import pytest

from supervision.workcal import services
from supervision.workcal.models import CalendarDay, DayKind, YearSchedule

pytestmark = pytest.mark.django_db
D = dt.date
ADD = "/admin/workcal/yearschedule/add/"


@pytest.fixture
def admin_client(client, django_user_model):
    root = django_user_model.objects.create(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    return client


def form(**extra) -> dict:
    data = {"year": 2027, "source": "", "note": "", "holidays": "", "workdays": ""}
    data.update(extra)
    return data


def test_enter_and_publish_a_year_from_the_form(admin_client, heard):
    response = admin_client.post(
        ADD,
        form(
            source="国办发明电〔2026〕7号",
            holidays="2027-01-01 元旦\n2027-02-05..2027-02-11 春节",
            workdays="2027-02-14 春节调休上班",
            publish_now="on",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CalendarDay.objects.filter(date__year=2027, kind=DayKind.HOLIDAY).count() == 8
    assert CalendarDay.objects.get(date=D(2027, 2, 14)).name == "春节调休上班"
    assert YearSchedule.objects.get(year=2027).published
    assert heard == [2027]
    assert services.is_workday(D(2027, 2, 14)) and not services.is_workday(D(2027, 2, 10))
    assert not services.is_provisional(D(2027, 2, 10))


def test_the_form_shows_and_replaces_the_years_days(admin_client):
    services.schedule_enter_days(2027, holidays={D(2027, 2, 9): "春节", D(2027, 2, 10): "春节"})
    schedule = YearSchedule.objects.create(year=2027)
    url = f"/admin/workcal/yearschedule/{schedule.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert "2027-02-09 春节" in page
    response = admin_client.post(url, form(holidays="2027-02-09 春节"))
    assert response.status_code == 302
    assert list(CalendarDay.objects.values_list("date", flat=True)) == [D(2027, 2, 9)]
    assert not YearSchedule.objects.get(year=2027).published


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"holidays": "2027-13-01"}, "holidays", "日期格式应为 YYYY-MM-DD"),
        ({"holidays": "2028-01-01"}, "holidays", "不属于 2027 年"),
        ({"holidays": "2027-02-11..2027-02-05"}, "holidays", "结束日期早于开始日期"),
        ({"holidays": "2027-01-02", "workdays": "2027-01-02"}, "workdays", "同时填在放假和调休上班中"),
        ({"publish_now": "on"}, "source", "发布前请填写发布文件"),
    ],
)
def test_form_errors_are_in_chinese(admin_client, fields, field, message):
    response = admin_client.post(ADD, form(**fields))
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors[field])
    assert not CalendarDay.objects.exists() and not YearSchedule.objects.exists()


def test_publish_action(admin_client, heard):
    ready = YearSchedule.objects.create(year=2027, source="国办发明电〔2026〕7号")
    no_source = YearSchedule.objects.create(year=2028)
    response = admin_client.post(
        "/admin/workcal/yearschedule/",
        {"action": "publish", "_selected_action": [ready.pk, no_source.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "已发布：2027 年" in page and "2028 年：请填写发布文件" in page
    assert heard == [2027]
    assert YearSchedule.objects.get(year=2027).published
    assert not YearSchedule.objects.get(year=2028).published


def test_calendar_day_admin_lists_overrides(admin_client):
    CalendarDay.objects.create(date=D(2027, 1, 2), kind=DayKind.WORKDAY, name="元旦调休上班")
    page = admin_client.get("/admin/workcal/calendarday/").content.decode()
    assert "元旦调休上班" in page and "星期六" in page


def test_demo_lists_the_first_unknown_year_as_unpublished():
    from io import StringIO

    from supervision.workcal import demo

    out = StringIO()
    demo.seed(out)
    demo.seed(out)
    (year, published), *more = YearSchedule.objects.values_list("year", "published")
    assert not more and not published
    assert not services.package_knows(year) and services.is_provisional(dt.date(year, 1, 4))
    assert f"{year} 年放假安排已列为待发布" in out.getvalue()
