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


def complete_record(inspection, actor, *, representative: str = "李院长") -> None:
    """Everything closing requires: a result ("符合") for every required item not yet recorded,
    each team member's confirmation (with their own account when they have one) and the
    representative's signature."""
    from inspections import services

    answered = set(inspection.results.values_list("item_id", flat=True))
    for item in services.required_items(inspection):
        if item.pk not in answered:
            services.item_result_record(inspection, item, actor=actor, outcome="pass")
    for inspector in inspection.team.select_related("user"):
        services.inspection_confirm_inspector(inspection, inspector, actor=inspector.user or actor)
    inspection.refresh_from_db()
    if not (inspection.representative_signed or inspection.signature_refused):
        services.inspection_sign(inspection, actor=actor, name=representative, acknowledged=True)


def close_complete(inspection, *, actor, note: str = "检查情况已记录。", **kwargs):
    """Complete the record (``complete_record``) and close the inspection."""
    from inspections import services

    complete_record(inspection, actor)
    return services.inspection_close(inspection, actor=actor, note=note, **kwargs)
