"""Calendar API: count working days (GET only, any authenticated user).

``/api/v1/calendar/add-workdays/?start=2026-09-28&days=20``
``/api/v1/calendar/workdays-between/?start=2026-09-28&end=2026-10-30``
``/api/v1/calendar/is-workday/?date=2026-10-10``
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter
from rest_framework.views import APIView

from . import services

DATE_MESSAGES = {
    "invalid": "日期格式应为 YYYY-MM-DD",
    "required": "请提供日期（YYYY-MM-DD）",
    "null": "请提供日期（YYYY-MM-DD）",
    "datetime": "日期格式应为 YYYY-MM-DD",
}


def date_field(label: str) -> serializers.DateField:
    return serializers.DateField(
        input_formats=["%Y-%m-%d"],
        help_text=f"{label}（YYYY-MM-DD）",
        error_messages={**DATE_MESSAGES, "required": f"请提供{label}（YYYY-MM-DD）"},
    )


def check_in_calendar(value):
    try:
        services.is_workday(value)
    except services.CalendarRangeError as exc:
        raise serializers.ValidationError(str(exc)) from exc
    return value


class AddWorkdaysQuery(serializers.Serializer):
    start = date_field("开始日期")
    days = serializers.IntegerField(
        min_value=0,
        max_value=services.MAX_DAYS,
        help_text="工作日数（0–3650），开始当日不计入",
        error_messages={
            "invalid": "工作日数应为整数",
            "required": "请提供工作日数 days",
            "min_value": f"工作日数应在 0 至 {services.MAX_DAYS} 之间",
            "max_value": f"工作日数应在 0 至 {services.MAX_DAYS} 之间",
            "max_string_length": "工作日数应为整数",
        },
    )

    def validate_start(self, value):
        return check_in_calendar(value)


class AddWorkdaysResult(serializers.Serializer):
    start = serializers.DateField()
    days = serializers.IntegerField()
    due = serializers.DateField(help_text="第 days 个工作日（开始当日不计入）")
    provisional = serializers.BooleanField(help_text="是否依赖尚未发布放假安排的年度（暂定）")


class BetweenQuery(serializers.Serializer):
    start = date_field("开始日期")
    end = date_field("结束日期")

    def validate_start(self, value):
        return check_in_calendar(value)

    def validate_end(self, value):
        return check_in_calendar(value)


class BetweenResult(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    workdays = serializers.IntegerField(help_text="(start, end] 内的工作日数；end 早于 start 时为负数")
    provisional = serializers.BooleanField()


class IsWorkdayQuery(serializers.Serializer):
    date = date_field("日期")

    def validate_date(self, value):
        return check_in_calendar(value)


class IsWorkdayResult(serializers.Serializer):
    date = serializers.DateField()
    workday = serializers.BooleanField()
    provisional = serializers.BooleanField()
    name = serializers.CharField(help_text="节假日或调休名称，普通日期为空")
    source = serializers.ChoiceField(choices=["override", "package", "statutory", "weekday"])  # type: ignore[assignment]


BAD_REQUEST = OpenApiResponse(
    description='参数错误：按字段给出中文错误信息，如 {"start": ["日期格式应为 YYYY-MM-DD"]}'
)


def _query(serializer_class, request: Request) -> dict:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class AddWorkdaysView(APIView):
    """The n-th working day after a start date (民法典 art. 201: the start day is not counted)."""

    @extend_schema(
        operation_id="calendar_add_workdays",
        tags=["calendar"],
        parameters=[AddWorkdaysQuery],
        responses={200: AddWorkdaysResult, 400: BAD_REQUEST},
        examples=[
            OpenApiExample(
                "国庆节前后",
                value={"start": "2026-09-28", "days": 20, "due": "2026-10-30", "provisional": False},
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        q = _query(AddWorkdaysQuery, request)
        try:
            due = services.add_workdays_ex(q["start"], q["days"])
        except services.CalendarRangeError as exc:
            raise serializers.ValidationError({"days": [str(exc)]}) from exc
        data = {"start": q["start"], "days": q["days"], "due": due.due, "provisional": due.provisional}
        return Response(AddWorkdaysResult(data).data)


class WorkdaysBetweenView(APIView):
    """Working days in (start, end]; negative when end is before start."""

    @extend_schema(
        operation_id="calendar_workdays_between",
        tags=["calendar"],
        parameters=[BetweenQuery],
        responses={200: BetweenResult, 400: BAD_REQUEST},
    )
    def get(self, request: Request) -> Response:
        q = _query(BetweenQuery, request)
        start, end = q["start"], q["end"]
        data = {
            "start": start,
            "end": end,
            "workdays": services.workdays_between(start, end),
            "provisional": services.is_provisional_span(start, end),
        }
        return Response(BetweenResult(data).data)


class IsWorkdayView(APIView):
    """Whether a date is a working day, and why (override, package data or statute)."""

    @extend_schema(
        operation_id="calendar_is_workday",
        tags=["calendar"],
        parameters=[IsWorkdayQuery],
        responses={200: IsWorkdayResult, 400: BAD_REQUEST},
    )
    def get(self, request: Request) -> Response:
        q = _query(IsWorkdayQuery, request)
        return Response(IsWorkdayResult(services.day_info(q["date"])._asdict()).data)


urlpatterns: list = [
    path("calendar/add-workdays/", AddWorkdaysView.as_view(), name="calendar-add-workdays"),
    path("calendar/workdays-between/", WorkdaysBetweenView.as_view(), name="calendar-workdays-between"),
    path("calendar/is-workday/", IsWorkdayView.as_view(), name="calendar-is-workday"),
]


def register(router: BaseRouter) -> None:
    return None
