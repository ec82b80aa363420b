"""Cards of the institution home page (``register_institution_summary``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse


def own_institution(request: Any, institution_pk: int) -> dict[str, Any] | None:
    from institutions.models import Institution

    inst = Institution.objects.visible_to(request.user).filter(pk=institution_pk).first()
    if inst is None:
        return None
    return {
        "label": inst.name,
        "value": inst.get_status_display(),
        "url": reverse("institution_portal:filing"),
    }


def open_clocks(request: Any, institution_pk: int) -> dict[str, Any] | None:
    from institutions.models import Institution
    from supervision.deadlines.services import open_deadlines_for

    from .reminders import INSTITUTION_CLOCKS

    inst = Institution.objects.visible_to(request.user).filter(pk=institution_pk).first()
    if inst is None:
        return None
    clocks = list(
        open_deadlines_for(inst)
        .filter(rule__code__in=list(INSTITUTION_CLOCKS))
        .select_related("rule")
        .order_by("due")
    )
    if not clocks:
        return None
    first = clocks[0]
    return {
        "label": f"最近期限：{first.rule.name}",
        "value": f"{first.due:%Y年%m月%d日}".replace("年0", "年").replace("月0", "月"),
    }


def register() -> None:
    from supervision.core.institution_menu import register_institution_summary

    register_institution_summary(own_institution)
    register_institution_summary(open_clocks)
