"""The clocks remind the institution too, not only the county (issue 17): when a stage of a
clock on an institution comes due, its active accounts get the same reminder in their inbox.

Registered as stage handlers of the deadline engine (``register_stage_handler``): they run once
per (deadline, stage) inside the delivery that claims the reminder; a second run of the same
stage is a no-op (one notification per account, deadline and stage title)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import NoReverseMatch, reverse

# Clocks on an institution that the institution itself must act on, and the page it acts on.
INSTITUTION_CLOCKS: dict[str, str] = {
    "filing.first_resident": "institution_portal:filing",
    "drill.half_yearly": "institution_portal:reports",
    "drill.fire": "institution_portal:reports",
    "disclosure.yearly": "institution_portal:disclosure",
}
STAGES = ("before_20", "before_5", "before_2", "before_1", "due", "escalate")
STAGE_TEXT = {"due": "今天到期", "escalate": "已逾期"}


def _stage_text(stage: str, deadline: Any) -> str:
    if stage in STAGE_TEXT:
        return STAGE_TEXT[stage]
    return f"将于 {deadline.due:%Y-%m-%d} 到期"


def remind_institution(deadline: Any, stage: str, now: dt.datetime) -> int:
    from institutions.models import Institution
    from supervision.deadlines.models import Notification, NotificationKind
    from supervision.deadlines.services import notify

    from .models import InstitutionAccount

    if deadline.content_type.model_class() is not Institution:
        return 0
    users = list(
        InstitutionAccount.objects.filter(
            institution_id=deadline.object_id, disabled_at__isnull=True, user__is_active=True
        ).values_list("user_id", flat=True)
    )
    title = f"{deadline.rule.name}：{_stage_text(stage, deadline)}"
    already = set(
        Notification.objects.filter(deadline=deadline, user_id__in=users, title=title[:200]).values_list(
            "user_id", flat=True
        )
    )
    users = [u for u in users if u not in already]
    if not users:
        return 0
    try:
        url = reverse(INSTITUTION_CLOCKS.get(deadline.rule.code, "institution_home"))
    except NoReverseMatch:  # a page not installed: the home page
        url = reverse("institution_home")
    rule = deadline.rule
    body = f"期限：{deadline.due:%Y年%m月%d日}。依据：{rule.source_document} {rule.source_article}".strip()
    kind = NotificationKind.ESCALATION if stage == "escalate" else NotificationKind.REMINDER
    notify(users, title=title, body=body, url=url, kind=kind, deadline=deadline)
    return len(users)


def register() -> None:
    from supervision.deadlines.services.delivery import _stage_handlers, register_stage_handler

    for code in INSTITUTION_CLOCKS:
        for stage in STAGES:
            if remind_institution not in _stage_handlers.get((code, stage), []):
                register_stage_handler(code, stage)(remind_institution)
