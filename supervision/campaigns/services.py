"""Every write of campaigns, one function per step (``<entity>_<verb>``), and the progress board.

The report-by date of a task is a clock of the deadline engine on each assigned body (rule
``campaign.report_by``, its due pinned to the date the notice states); a report meets it. Whether
a body is late is decided by that clock alone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from supervision.core import policy
from supervision.core.audit import create_audited, save_audited
from supervision.core.models import Department, Region, RegionLevel
from supervision.core.transitions import transition
from supervision.deadlines.models import DeadlineState
from supervision.deadlines.services import deadline_meet, deadline_open
from supervision.files import store

from .models import (
    ASSIGNMENT_TRANSITIONS,
    CAMPAIGN_TRANSITIONS,
    DONE_STATES,
    REPORT_RULE,
    AssignmentEvent,
    AssignmentRole,
    AssignmentState,
    Campaign,
    CampaignPhase,
    CampaignState,
    CampaignTask,
    TaskAssignment,
    TaskSubmission,
)
from .roster import LiaisonOfficer

CAMPAIGN_FIELDS = (
    "title",
    "kind",
    "document_number",
    "source_document",
    "description",
    "starts_on",
    "ends_on",
)


def _check_dates(start: dt.date, end: dt.date, field: str = "ends_on") -> None:
    if end < start:
        raise ValidationError({field: "结束日期不能早于开始日期。"})


# --- campaigns ----------------------------------------------------------------------------------


def campaign_create(*, actor: Any, region: Region, department: Department, **fields: Any) -> Campaign:
    """发起专项行动: by the organising department's acting posts over ``region``."""
    with transaction.atomic():
        policy.require(actor, Campaign, "manage", region=region, department=department)
        _check_dates(fields["starts_on"], fields["ends_on"])
        campaign = Campaign(
            region=region,
            department=department,
            created_by=policy.as_user(actor),
            **{k: fields.get(k, "") for k in CAMPAIGN_FIELDS},
        )
        return create_audited(campaign, policy.as_user(actor), "create_campaign", clean=True)


def campaign_edit(campaign: Campaign, *, actor: Any, **fields: Any) -> Campaign:
    """修改专项行动 (not once it is closed)."""
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        policy.require(actor, locked, "manage")
        if locked.state == CampaignState.CLOSED:
            raise ValidationError("已结束的专项行动不能修改。")
        _check_dates(fields.get("starts_on", locked.starts_on), fields.get("ends_on", locked.ends_on))
        before = {k: getattr(locked, k) for k in CAMPAIGN_FIELDS if k in fields}
        for k in before:
            setattr(locked, k, fields[k])
        save_audited(locked, policy.as_user(actor), "edit_campaign", before)
        return locked


def _clock_start(task: CampaignTask) -> dt.date:
    """A report-by clock runs from the campaign's start (or from the report-by date itself when
    the task is added later than that date would allow)."""
    return min(task.campaign.starts_on, task.report_by)


def _open_clocks(assignments: Iterable[TaskAssignment]) -> None:
    for a in assignments:
        if a.state in DONE_STATES:
            continue
        deadline_open(
            a,
            REPORT_RULE,
            _clock_start(a.task),
            department=a.department,
            region=a.region,
            due=a.task.report_by,
            note=a.task.campaign.title[:300],
        )


def campaign_launch(campaign: Campaign, *, actor: Any) -> Campaign:
    """启动: the campaign goes live and every assigned body's report-by clock opens."""
    with transaction.atomic():
        locked, changed = transition(
            campaign, CampaignState.ACTIVE, step="launch_campaign", actor=actor, action="manage",
            table=CAMPAIGN_TRANSITIONS,
        )  # fmt: skip
        if changed:
            _open_clocks(
                TaskAssignment.objects.filter(task__campaign=locked).select_related(
                    "task__campaign", "department", "region"
                )
            )
        return locked


def campaign_close(campaign: Campaign, *, actor: Any) -> Campaign:
    """结束: the campaign closes; reports still outstanding keep their clocks (they are late)."""
    with transaction.atomic():
        locked, _changed = transition(
            campaign, CampaignState.CLOSED, step="close_campaign", actor=actor, action="manage",
            table=CAMPAIGN_TRANSITIONS,
        )  # fmt: skip
        return locked


def phase_add(
    campaign: Campaign, *, actor: Any, name: str, starts_on: dt.date, ends_on: dt.date, description: str = ""
) -> CampaignPhase:
    """新增阶段 (部署排查阶段 …), numbered after the last one."""
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        policy.require(actor, locked, "manage")
        if locked.state == CampaignState.CLOSED:
            raise ValidationError("已结束的专项行动不能新增阶段。")
        _check_dates(starts_on, ends_on)
        order = (locked.phases.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        phase = CampaignPhase(
            campaign=locked,
            order=order,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            description=description,
        )
        return create_audited(phase, policy.as_user(actor), "add_campaign_phase", clean=True)


def _townships(region: Region) -> QuerySet[Region]:
    return region.subtree().filter(level=RegionLevel.TOWNSHIP).order_by("code")


def task_add(
    campaign: Campaign,
    *,
    actor: Any,
    title: str,
    lead_department: Department,
    report_by: dt.date,
    responsible_departments: Iterable[Department] = (),
    townships_report: bool = False,
    number: str = "",
    content: str = "",
    phase: CampaignPhase | None = None,
    source_article: str = "",
) -> CampaignTask:
    """新增任务: the task, one assignment per reporting body (the lead department and each
    responsible department at the campaign's region; each township's civil-affairs office when
    every township reports), and — on a live campaign — their report-by clocks."""
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().select_related("region").get(pk=campaign.pk)
        policy.require(actor, locked, "manage")
        if locked.state == CampaignState.CLOSED:
            raise ValidationError("已结束的专项行动不能新增任务。")
        if phase is not None and phase.campaign_id != locked.pk:
            raise ValidationError({"phase": "所选阶段不属于本专项行动。"})
        user = policy.as_user(actor)
        task = create_audited(
            CampaignTask(
                campaign=locked,
                phase=phase,
                number=number,
                title=title,
                content=content,
                lead_department=lead_department,
                townships_report=townships_report,
                report_by=report_by,
                source_article=source_article,
            ),
            user,
            "add_campaign_task",
        )
        others = [d for d in responsible_departments if d.pk != lead_department.pk]
        task.responsible_departments.set(others)
        bodies: list[tuple[Department, Region, str]] = [(lead_department, locked.region, AssignmentRole.LEAD)]
        bodies += [(d, locked.region, AssignmentRole.RESPONSIBLE) for d in others]
        if townships_report:
            civil = Department.objects.filter(is_lead=True).order_by("pk").first()
            if civil is not None:
                bodies += [(civil, t, AssignmentRole.TOWNSHIP) for t in _townships(locked.region)]
        made = [
            create_audited(
                TaskAssignment(task=task, department=d, region=r, role=role), user, "add_campaign_task"
            )
            for d, r, role in bodies
        ]
        if locked.state == CampaignState.ACTIVE:
            for a in made:
                a.task = task
            _open_clocks(made)
        return task


# --- reports ------------------------------------------------------------------------------------


def _event(note: str, actor: Any) -> Any:
    def make(a: TaskAssignment, frm: str, to: str) -> AssignmentEvent:
        step = ASSIGNMENT_TRANSITIONS[(frm, to)]
        return AssignmentEvent(
            assignment=a, step=step, from_state=frm, to_state=to, actor=policy.as_user(actor), note=note
        )

    return make


def assignment_submit(
    assignment: TaskAssignment, *, actor: Any, summary: str, upload: Any = None
) -> TaskSubmission:
    """报送: the body's report with an optional attachment (image or PDF, private store); the
    report-by clock is met by it."""
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": "请填写报送内容。"})
    with transaction.atomic():
        locked = TaskAssignment.objects.select_for_update().get(pk=assignment.pk)
        policy.require(actor, locked, "submit")
        if locked.state not in (AssignmentState.PENDING, AssignmentState.RETURNED):
            raise ValidationError(f"当前状态为“{locked.get_state_display()}”，不能再次报送。")
        if locked.task.campaign.state != CampaignState.ACTIVE:
            raise ValidationError("专项行动未在进行中，不能报送。")
        user = policy.as_user(actor)
        with store.receive(
            upload, accept=store.EVIDENCE, area="campaigns", actor=user, field="file"
        ) as stored:
            submission = TaskSubmission(
                assignment=locked,
                summary=summary,
                file_path=stored.name if stored else "",
                file_sha256=stored.sha256 if stored else "",
                original_name=stored.original_name if stored else "",
                submitted_by=user,
            )
            create_audited(submission, user, "submit_report")
        now = timezone.now()
        transition(
            locked, AssignmentState.SUBMITTED, step="submit_report", actor=actor,
            table=ASSIGNMENT_TRANSITIONS, updates={"submitted_at": now}, event=_event("", actor),
        )  # fmt: skip
        deadline_meet(locked, REPORT_RULE, by=submission, at=now)
        return submission


def assignment_review(
    assignment: TaskAssignment, *, actor: Any, accept: bool, note: str = ""
) -> TaskAssignment:
    """审核: the organiser accepts the report, or returns it with the reason (退回补报)."""
    note = (note or "").strip()
    if not accept and not note:
        raise ValidationError({"note": "退回须写明理由。"})
    target = AssignmentState.ACCEPTED if accept else AssignmentState.RETURNED
    with transaction.atomic():
        locked, _changed = transition(
            assignment, target, step="accept_report" if accept else "return_report", actor=actor,
            action="review", table=ASSIGNMENT_TRANSITIONS,
            updates={"reviewed_at": timezone.now(), "review_note": note}, event=_event(note, actor),
        )  # fmt: skip
        return locked


# --- liaison officers ---------------------------------------------------------------------------

LIAISON_FIELDS = ("name", "post", "office_phone", "mobile")


def liaison_record(
    *, actor: Any, region: Region, department: Department, campaign: Campaign | None = None, **fields: Any
) -> LiaisonOfficer:
    """登记联络员 (004 附件2): one per body and campaign."""
    with transaction.atomic():
        policy.require(actor, LiaisonOfficer, "keep", region=region, department=department)
        if LiaisonOfficer.objects.filter(campaign=campaign, region=region, department=department).exists():
            raise ValidationError("该单位已登记联络员，请修改原记录。")
        row = LiaisonOfficer(
            campaign=campaign,
            region=region,
            department=department,
            created_by=policy.as_user(actor),
            **{k: (fields.get(k) or "").strip() for k in LIAISON_FIELDS},
        )
        return create_audited(
            row, policy.as_user(actor), "record_liaison", clean=True, secret_fields=("mobile",)
        )


def liaison_edit(liaison: LiaisonOfficer, *, actor: Any, **fields: Any) -> LiaisonOfficer:
    with transaction.atomic():
        locked = LiaisonOfficer.objects.select_for_update().get(pk=liaison.pk)
        policy.require(actor, locked, "keep")
        before = {k: getattr(locked, k) for k in LIAISON_FIELDS if k in fields}
        for k in before:
            setattr(locked, k, (fields[k] or "").strip())
        locked.full_clean()
        save_audited(locked, policy.as_user(actor), "edit_liaison", before)
        return locked


# --- the progress board -------------------------------------------------------------------------


@dataclass
class BoardRow:
    label: str
    total: int
    submitted: int
    accepted: int
    overdue: int
    code: str = ""

    @property
    def rate(self) -> float:
        return round(100 * self.submitted / self.total, 1) if self.total else 0.0


def _overdue_ids() -> QuerySet:
    from supervision.deadlines.models import Deadline

    ct = ContentType.objects.get_for_model(TaskAssignment)
    return Deadline.objects.filter(
        content_type=ct, rule__code=REPORT_RULE, state=DeadlineState.OVERDUE
    ).values("object_id")


def board(assignments: QuerySet[TaskAssignment], by: str) -> list[BoardRow]:
    """Reports per region (``by="region"``) or per department (``"department"``): assigned,
    submitted (or accepted), accepted, and overdue by the clock — one grouped query."""
    key = {
        "region": ("region__code", "region__name"),
        "department": ("department__code", "department__name"),
    }[by]
    rows = (
        assignments.order_by()
        .values(*key)
        .annotate(
            total=Count("pk"),
            submitted=Count("pk", filter=Q(state__in=DONE_STATES)),
            accepted=Count("pk", filter=Q(state=AssignmentState.ACCEPTED)),
            overdue=Count("pk", filter=Q(pk__in=_overdue_ids())),
        )
        .order_by(key[0])
    )
    return [
        BoardRow(
            label=r[key[1]],
            code=r[key[0]],
            total=r["total"],
            submitted=r["submitted"],
            accepted=r["accepted"],
            overdue=r["overdue"],
        )
        for r in rows
    ]


# --- training quotas ----------------------------------------------------------------------------


@dataclass
class QuotaProgress:
    quota: Any
    done: int | None  # None: the counting indicator is not registered

    @property
    def rate(self) -> float | None:
        if self.done is None or not self.quota.target:
            return None
        return round(100 * self.done / self.quota.target, 1)

    @property
    def remaining(self) -> int | None:
        return None if self.done is None else max(0, self.quota.target - self.done)


def quota_progress(quotas: Iterable[Any], user: Any) -> list[QuotaProgress]:
    """Each quota with the trainings counted over its county and period by its indicator (the
    registry's figure, through the user's scope); one count query per quota (ten counties)."""
    from supervision import indicators

    out: list[QuotaProgress] = []
    for q in quotas:
        period = indicators.Period(
            q.period_start, q.period_end, f"{q.period_start:%Y年%m月}—{q.period_end:%Y年%m月}"
        )
        try:
            value = indicators.compute(q.progress_indicator, user, q.region, period).value
        except LookupError:
            value = None
        out.append(QuotaProgress(quota=q, done=None if value is None else int(value)))
    return out
