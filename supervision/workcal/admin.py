"""Admin for the calendar: overrides (CalendarDay) and yearly schedules (YearSchedule).

Publishing goes through ``services.schedule_publish`` (action or the form's checkbox), so the
listeners run and the index is rebuilt; the published fields are read-only here."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import services
from .forms import YearScheduleForm
from .models import CalendarDay, YearSchedule

WEEKDAYS = "一二三四五六日"


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "kind", "name", "note", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["name", "note"]
    date_hierarchy = "date"

    @admin.display(description=_("星期"))
    def weekday(self, obj: CalendarDay) -> str:
        return f"星期{WEEKDAYS[obj.date.weekday()]}"


@admin.register(YearSchedule)
class YearScheduleAdmin(admin.ModelAdmin):
    form = YearScheduleForm
    list_display = ["year", "published", "source", "published_at", "published_by", "provisional"]
    list_filter = ["published"]
    readonly_fields = ["published", "published_at", "published_by"]
    fieldsets = [
        (None, {"fields": ["year", "source", "note"]}),
        (_("本年度放假安排"), {"fields": ["holidays", "workdays"]}),
        (_("发布"), {"fields": ["publish_now", "published", "published_at", "published_by"]}),
    ]
    actions = ["publish"]

    @admin.display(description=_("暂定"), boolean=True)
    def provisional(self, obj: YearSchedule) -> bool | None:
        try:
            return services.is_provisional(services.dt.date(obj.year, 6, 1))
        except services.CalendarRangeError:
            return None

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        data = form.cleaned_data
        services.schedule_enter_days(
            obj.year,
            holidays=data["holiday_days"],
            workdays=data["workday_days"],
            actor=request.user,
            replace=change,
        )
        if data.get("publish_now"):
            self._publish(request, obj)

    def _publish(self, request, obj: YearSchedule) -> bool:
        try:
            services.schedule_publish(obj.year, actor=request.user, source=obj.source)
        except ValidationError as exc:
            self.message_user(request, f"{obj.year} 年：{'；'.join(exc.messages)}", messages.ERROR)
            return False
        return True

    @admin.action(description=_("发布所选年度的放假安排"))
    def publish(self, request, queryset) -> None:
        done = [
            str(obj.year)
            for obj in queryset.order_by("year")
            if not obj.published and self._publish(request, obj)
        ]
        if done:
            self.message_user(request, f"已发布：{'、'.join(done)} 年", messages.SUCCESS)
