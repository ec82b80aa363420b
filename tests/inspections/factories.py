"""Factories for inspections tests."""

from __future__ import annotations

import datetime as dt

import factory

from inspections.models import InspectionPlan, Inspector
from tests.institutions.factories import InstitutionFactory, credit_code  # noqa: F401


class InspectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspector

    name = factory.Sequence(lambda n: f"检查员{n}")
    certificate_number = factory.Sequence(lambda n: f"鲁執{n:08d}")
    # Far in the future so that no test depends on today's date; expiry tests set their own.
    certificate_expires = dt.date(2099, 12, 31)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectionPlan

    year = 2026
    title = factory.Sequence(lambda n: f"年度双随机抽查计划{n}")
