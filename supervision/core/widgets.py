"""The portal's one date and date-time widget.

A browser accepts only ISO values inside ``<input type="date">`` (``YYYY-MM-DD``) and
``<input type="datetime-local">`` (``YYYY-MM-DDTHH:MM``); anything else it shows empty and
submits empty. Django's ``DateInput`` renders the active locale's first input format, which for
zh-hans is ``2015/01/01``, so a form saved unchanged would erase its dates. These widgets
always render ISO whatever the language; Chinese dates belong in page text and documents.

Every form and FilterSet of the portal uses them (``tests/core/test_forms_round_trip.py`` fails
on a date field that does not): declare ``widget=IsoDateInput`` on a form field, and give a
ModelForm whose model has date fields ``formfield_callback = iso_date_formfield`` in its Meta."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models

ISO_DATE = "%Y-%m-%d"
ISO_DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class IsoDateInput(forms.DateInput):
    """``<input type="date">`` with an ISO value."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=ISO_DATE)


class IsoDateTimeInput(forms.DateTimeInput):
    """``<input type="datetime-local">`` with an ISO value to the minute (the browser's
    precision; Django's ``DateTimeField`` parses it back)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=ISO_DATETIME_LOCAL)


def iso_date_formfield(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    """``Meta.formfield_callback`` for ModelForms: model date and date-time fields get the ISO
    widgets unless the form names another widget in ``Meta.widgets``."""
    if "widget" not in kwargs:
        if isinstance(db_field, models.DateTimeField):
            kwargs["widget"] = IsoDateTimeInput
        elif isinstance(db_field, models.DateField):
            kwargs["widget"] = IsoDateInput
    return db_field.formfield(**kwargs)
