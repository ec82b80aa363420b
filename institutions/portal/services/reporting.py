"""Reports filed by the institution (000 (五), 002 (十二), 003 6.): emergency plans, drills with
photos, incident and epidemic reports "without late, false, concealed or missing reports".

Each incident kind has its reporting time, with its source (or a house default said to be one,
``TIMELINESS``). A report filed after it is a late report (迟报): recorded on the report
(``IncidentTimeliness``) and shown to staff on the institution's page. The report is sent, as
platform notifications, to the departments the rules name for its kind (``REQUIRED_RECIPIENTS``,
institutions/models.py) at the institution's county.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse

from institutions.models import (
    REQUIRED_RECIPIENTS,
    Drill,
    IncidentKind,
    IncidentReport,
    Institution,
    Recipient,
)
from institutions.services import drill_record, emergency_plan_add, incident_report
from supervision.core import policy
from supervision.core.models import Role
from supervision.files import store as files

from ..report_models import DrillPhoto, IncidentTimeliness


@dataclass(frozen=True)
class Timeliness:
    hours: int
    source: str
    house_default: bool = False


TIMELINESS: dict[str, Timeliness] = {
    IncidentKind.EPIDEMIC: Timeliness(
        2,
        "《突发公共卫生事件应急条例》第二十条：发现传染病暴发、流行等情形的，应当在2小时内向所在地县级人民政府卫生行政主管部门报告",
    ),
    IncidentKind.UNKNOWN_CLUSTER: Timeliness(
        2, "《突发公共卫生事件应急条例》第二十条：发生或者发现不明原因的群体性疾病的，应当在2小时内报告"
    ),
    IncidentKind.FOOD_POISONING: Timeliness(
        2,
        "《食品安全法》第一百零三条要求事故单位“及时”报告，未规定小时数；"
        "2 小时为本平台默认值（参照《突发公共卫生事件应急条例》第二十条）",
        house_default=True,
    ),
    IncidentKind.SAFETY_ACCIDENT: Timeliness(
        1, "《生产安全事故报告和调查处理条例》第九条：单位负责人接到报告后，应当于1小时内向有关部门报告"
    ),
    IncidentKind.OTHER: Timeliness(
        24, "文件未规定其他突发事件的报告时限；24 小时为本平台默认值", house_default=True
    ),
}

# Which platform department receives each recipient of REQUIRED_RECIPIENTS (the CDC is reached
# through health).
RECIPIENT_DEPARTMENTS: dict[str, str] = {
    Recipient.HEALTH: "health",
    Recipient.CDC: "health",
    Recipient.CIVIL_AFFAIRS: "civil_affairs",
    Recipient.MARKET: "market_regulation",
    Recipient.EMERGENCY: "emergency_management",
}


def timeliness_for(kind: str) -> Timeliness:
    return TIMELINESS.get(kind) or TIMELINESS[IncidentKind.OTHER]


def institution_incident_report(
    inst: Institution,
    *,
    actor: Any,
    kind: str,
    occurred_at: dt.datetime,
    summary: str,
    affected: int = 0,
    measures: str = "",
    reported_at: dt.datetime | None = None,
) -> IncidentReport:
    """The institution reports an incident: the report goes to every department the rules name
    for its kind; its timeliness is judged against the kind's reporting time."""
    from django.utils import timezone

    reported_at = reported_at or timezone.now()
    required = list(REQUIRED_RECIPIENTS.get(kind, (Recipient.CIVIL_AFFAIRS,)))
    rule = timeliness_for(kind)
    with transaction.atomic():
        report = incident_report(
            inst,
            actor=actor,
            kind=kind,
            occurred_at=occurred_at,
            reported_at=reported_at,
            summary=summary,
            reported_to=required,
            affected=affected,
            measures=measures,
            policy_action="self_report",
        )
        due_at = occurred_at + dt.timedelta(hours=rule.hours)
        late = reported_at > due_at
        departments = sorted({RECIPIENT_DEPARTMENTS[r] for r in required if r in RECIPIENT_DEPARTMENTS})
        IncidentTimeliness.objects.create(
            report=report,
            limit_hours=rule.hours,
            due_at=due_at,
            late=late,
            late_minutes=int((reported_at - due_at).total_seconds() // 60) if late else 0,
            source=rule.source[:300],
            house_default=rule.house_default,
            notified_departments=departments,
        )
        _notify_departments(inst, report, departments, late)
    return report


def _notify_departments(
    inst: Institution, report: IncidentReport, departments: list[str], late: bool
) -> None:
    from supervision.core.models import User
    from supervision.deadlines.services import notify

    county = inst.county or inst.region
    users = User.objects.filter(
        is_active=True,
        assignments__active=True,
        assignments__department__code__in=departments,
        assignments__region=county,
        assignments__role__in=[Role.INSPECTOR, Role.ADMIN, Role.LEADER, Role.LIAISON],
    ).distinct()
    title = f"{inst.name}报告{report.get_kind_display()}" + ("（迟报）" if late else "")
    body = (
        f"发生时间：{report.occurred_at:%Y-%m-%d %H:%M}；报告时间：{report.reported_at:%Y-%m-%d %H:%M}。"
        f"{report.summary[:200]}"
    )
    notify(users, title=title, body=body, url=reverse("institutions:detail", args=[inst.pk]) + "#reported")


def institution_drill_record(
    inst: Institution, *, actor: Any, photos: list[Any] | None = None, **data: Any
) -> Drill:
    """The institution records a drill (meets and reopens the drill clocks) with its photos."""
    with transaction.atomic():
        drill = drill_record(inst, actor=actor, policy_action="self_report", **data)
        for upload in photos or []:
            with files.receive(
                upload, accept=(files.IMAGE,), area="drills", actor=actor, field="photos"
            ) as stored:
                if stored is not None:
                    DrillPhoto.objects.create(
                        drill=drill, file=stored.name, uploaded_by=policy.as_user(actor)
                    )
    return drill


def institution_plan_add(inst: Institution, *, actor: Any, **data: Any) -> Any:
    return emergency_plan_add(inst, actor=actor, policy_action="self_report", **data)
