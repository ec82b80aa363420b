"""Admin form for entering a year's schedule from the State Council notice."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CalendarDay, DayKind, YearSchedule

LINE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:(?:\.\.|~|～|至)\s*(\d{4}-\d{2}-\d{2}))?\s*(.*)$")
DAYS_HELP = _("每行一个日期或日期范围，可跟名称，如：2027-02-05..2027-02-11 春节；2027-01-02 元旦")


def parse_days(text: str, year: int | None) -> dict[dt.date, str]:
    """Parse 'YYYY-MM-DD[..YYYY-MM-DD] [name]' lines into {date: name}; Chinese errors."""
    days: dict[dt.date, str] = {}
    errors = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = LINE.match(line)
        try:
            if not match:
                raise ValueError
            first = dt.date.fromisoformat(match[1])
            last = dt.date.fromisoformat(match[2]) if match[2] else first
        except ValueError:
            errors.append(f"第 {number} 行“{line}”：日期格式应为 YYYY-MM-DD 或 YYYY-MM-DD..YYYY-MM-DD")
            continue
        if last < first:
            errors.append(f"第 {number} 行“{line}”：结束日期早于开始日期")
            continue
        if year is not None and (first.year != year or last.year != year):
            errors.append(f"第 {number} 行“{line}”：日期不属于 {year} 年")
            continue
        day = first
        while day <= last:
            days[day] = match[3].strip()
            day += dt.timedelta(days=1)
    if errors:
        raise forms.ValidationError(errors)
    return days


def format_days(rows) -> str:
    return "\n".join(f"{d:%Y-%m-%d} {name}".rstrip() for d, name in rows)


class YearScheduleForm(forms.ModelForm):
    holidays = forms.CharField(
        label=_("放假日期（休息日）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=DAYS_HELP,
    )
    workdays = forms.CharField(
        label=_("调休上班日期（工作日）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("周末调休上班的日期，如：2027-02-14 春节调休上班"),
    )
    publish_now = forms.BooleanField(
        label=_("保存后立即发布"),
        required=False,
        help_text=_("发布后该年度不再是暂定，依赖该年度的暂定期限将重新计算并通知责任人"),
    )

    class Meta:
        model = YearSchedule
        fields = ["year", "source", "note"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            rows = CalendarDay.objects.filter(date__year=self.instance.year).order_by("date")
            self.fields["holidays"].initial = format_days(
                rows.filter(kind=DayKind.HOLIDAY).values_list("date", "name")
            )
            self.fields["workdays"].initial = format_days(
                rows.filter(kind=DayKind.WORKDAY).values_list("date", "name")
            )

    def clean(self):
        data = super().clean()
        year = data.get("year")
        try:
            data["holiday_days"] = parse_days(data.get("holidays", ""), year)
        except forms.ValidationError as exc:
            self.add_error("holidays", exc)
        try:
            data["workday_days"] = parse_days(data.get("workdays", ""), year)
        except forms.ValidationError as exc:
            self.add_error("workdays", exc)
        both = sorted(set(data.get("holiday_days", {})) & set(data.get("workday_days", {})))
        if both:
            self.add_error(
                "workdays", "以下日期同时填在放假和调休上班中：" + "、".join(f"{d:%Y-%m-%d}" for d in both)
            )
        if data.get("publish_now") and not (data.get("source") or "").strip():
            self.add_error("source", "发布前请填写发布文件（如：国办发明电〔2026〕X号）")
        return data
