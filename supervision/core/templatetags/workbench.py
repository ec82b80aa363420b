"""``{% load workbench %}``: ``{{ obj|handling_url }}``, the page where a subject is handled
(去办理), from the registry in ``supervision.core.workbench``."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch

from supervision.core.workbench import subject_url

register = template.Library()


@register.filter
def handling_url(obj: Any) -> str:
    try:
        return subject_url(obj)
    except NoReverseMatch:
        return ""
