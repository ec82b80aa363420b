"""Reads of campaigns: the scope extension that opens a campaign and its task to every body
assigned to the task, and the report-by clock as a column."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import OuterRef, Q, Subquery

from supervision.core.scoping import ScopedQuerySet


class CampaignQuerySet(ScopedQuerySet):
    pass


class TaskQuerySet(ScopedQuerySet):
    pass


class AssignmentQuerySet(ScopedQuerySet):
    def with_clock(self) -> AssignmentQuerySet:
        """Annotate ``report_due`` and ``clock_state``: the report-by clock's due date and state
        (the live one, else the latest), one correlated subquery each, no N+1."""
        from supervision.deadlines.models import Deadline

        from .models import REPORT_RULE

        opts = self.model._meta
        clocks = Deadline.objects.filter(
            content_type__app_label=opts.app_label,
            content_type__model=opts.model_name,
            object_id=OuterRef("pk"),
            rule__code=REPORT_RULE,
        ).order_by("-pk")
        return self.annotate(
            report_due=Subquery(clocks.values("due")[:1]),
            clock_state=Subquery(clocks.values("state")[:1]),
        )


def assignee_scope_extension(model: type[models.Model], user: Any) -> Q | None:
    """A body assigned to a task sees the task and its campaign (not the other bodies' rows):
    one subquery over the assignments the user sees by their own scope."""
    from .models import Campaign, CampaignTask, TaskAssignment

    if model not in (Campaign, CampaignTask) or user.is_superuser:
        return None
    if not user.active_assignments():
        return None
    visible = TaskAssignment.objects.visible_to(user)
    if model is Campaign:
        return Q(pk__in=visible.values("task__campaign_id"))
    return Q(pk__in=visible.values("task_id"))
