"""Demo data: the starter item list, inspectors for the demo counties, one plan with a
revealed draw and one complete, closed and published inspection with a fire finding.
Idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any


def seed(stdout: Any) -> None:
    from institutions.models import Institution
    from supervision.core import policy
    from supervision.core.models import Department, Domain, Region

    from . import services
    from .models import InspectionItem, InspectionPlan, Inspector
    from .starter import load_starter_items

    created = load_starter_items(Domain, InspectionItem)
    mz = Department.objects.filter(code="civil_affairs").first()
    xf = Department.objects.filter(code="fire_rescue").first()
    counties = list(
        Region.objects.filter(level=3, pk__in=Institution.objects.values("region__parent")).order_by("code")[
            :3
        ]
    )
    if mz is None or not counties:
        stdout.write(f"inspections: {created} items; no departments/institutions yet, skipped plans\n")
        return
    today = dt.date.today()
    for county in counties:
        for n in range(6):
            dept = xf if (xf and n >= 4) else mz
            Inspector.objects.get_or_create(
                certificate_number=f"DEMO{county.code[:6]}{n:02d}",
                defaults={
                    "name": f"{county.name[:2]}检查员{n + 1}",
                    "department": dept,
                    "region": county,
                    "certificate_expires": today + dt.timedelta(days=365 * (2 if n else -1)),
                },
            )
        plan, made = InspectionPlan.objects.get_or_create(
            region=county,
            department=mz,
            year=today.year,
            defaults={"title": f"{county.name}{today.year}年养老机构双随机抽查计划", "sampling_ratio": "0.3"},
        )
        if not made:
            continue
        actor = policy.SYSTEM  # the demo acts as the system (audit rows name no user)
        draw = services.draw_execute(services.draw_create(plan, actor=actor), actor=actor)
        services.draw_reveal(draw, actor=actor)
        first = draw.inspections.first()
        fire = InspectionItem.objects.get(code="fire-passages")
        if first is not None and first.team.count() >= 2:
            services.item_result_record(first, fire, actor=actor, outcome="fail", note="二楼疏散通道堆放杂物")
            # A complete record, as closing requires: every required item, the team's
            # confirmations and the representative's signature.
            for item in services.required_items(first):
                if item.pk != fire.pk:
                    services.item_result_record(first, item, actor=actor, outcome="pass")
            for inspector in first.team.select_related("user"):
                services.inspection_confirm_inspector(first, inspector, actor=inspector.user or actor)
            services.inspection_sign(
                first, actor=actor, name=first.institution.principal or "王院长", acknowledged=True
            )
            services.inspection_close(
                first, actor=actor, note="二楼疏散通道堆放杂物，已责令限期整改；其余检查事项符合要求。"
            )
            services.inspection_publish(
                first, actor=actor, summary="检查发现疏散通道堆放杂物，已责令限期整改。"
            )
    stdout.write(f"inspections: {created} items, plans for {len(counties)} counties\n")
