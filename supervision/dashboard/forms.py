"""The dashboard's one form: which region (the region picker) and which year."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supervision.core.regionpicker import RegionPicker

FIRST_YEAR = 2020


def year_choices() -> list[tuple[str, str]]:
    this = timezone.localdate().year
    return [(str(y), f"{y}年") for y in range(this, FIRST_YEAR - 1, -1)]


class DashboardForm(forms.Form):
    region = forms.CharField(label=_("区划"), required=False, widget=RegionPicker())
    year = forms.ChoiceField(label=_("年度"), required=False, choices=year_choices)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].widget.bind(user)  # type: ignore[attr-defined]
        self.fields["year"].choices = year_choices()  # type: ignore[attr-defined]
        self.fields["year"].widget.attrs["class"] = "form-select form-select-sm"
