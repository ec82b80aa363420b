"""Writes of the 004 evaluation: start a unit's form (50 rows and its report-by clock), fill in
the computed rows from the indicator registry, answer a row, add an evidence file; submission
and review are the workflow shared with the statistical reports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from supervision import indicators
from supervision.core import policy
from supervision.core.audit import create_audited, save_audited
from supervision.core.models import Region, RegionLevel
from supervision.files import store
from supervision.indicators import Period
from supervision.indicators.batch import compute_many
from supervision.indicators.readers import READER, sees_whole_region
from supervision.reports import workflow
from supervision.reports.services import json_value

from .data.indicators_004 import COMPUTED, INDICATORS
from .models import Completion, Evaluation, EvaluationEntry, EvaluationEvidence

RULE = "evaluation.submit"
EVIDENCE_KINDS = ("image", "pdf", "xlsx")
ENTRY_FIELDS = ("completion", "completed_text", "evidence_text", "explanation")


def computed_rows(number: str, user: Any, region: Region, period: Period) -> list[dict[str, Any]]:
    """The registry figures that fill row ``number``, with their definitions and sources (all of
    them in a few statements: ``batch.compute_many``, the same values as ``compute``)."""
    inds = indicators.for_evaluation(number)
    reader = READER if sees_whole_region(user, region) else user  # the same figures (readers)
    results = compute_many([(ind.code, region) for ind in inds], reader, period)
    out = []
    for ind in inds:
        result = results[(ind.code, region.code)]
        out.append(
            {
                "code": ind.code,
                "name": ind.name,
                "value": json_value(result.value),
                "unit": ind.unit,
                "definition": ind.definition,
                "source": ind.source,
            }
        )
    return out


def evaluation_create(
    actor: Any,
    *,
    region: Region,
    year: int,
    preparer: str = "",
    campaign: Any = None,
    start: dt.date | None = None,
    due: dt.date | None = None,
) -> Evaluation:
    """The unit starts its form for ``year``: the 50 rows, the computed ones filled in, and the
    report-by clock (004 四(四); ``due`` pins the date a notice states)."""
    with transaction.atomic():
        policy.require(actor, Evaluation(region=region, year=year, campaign=campaign), "fill")
        return _create(actor, region, year, preparer, campaign, start, due)


def _create(
    actor: Any,
    region: Region,
    year: int,
    preparer: str,
    campaign: Any,
    start: dt.date | None,
    due: dt.date | None,
) -> Evaluation:
    existing = Evaluation.objects.filter(region=region, year=year, campaign=campaign).first()
    if existing is not None:
        return existing
    draft = Evaluation(region=region, year=year, campaign=campaign, preparer=preparer)
    draft.created_by = policy.as_user(actor)
    evaluation = create_audited(draft, actor, "create")
    EvaluationEntry.objects.bulk_create(
        EvaluationEntry(evaluation=evaluation, number=row["number"]) for row in INDICATORS
    )
    _fill_computed(evaluation, actor)
    workflow.open_clock(evaluation, RULE, start or timezone.localdate(), due=due)
    return evaluation


def evaluation_call(
    actor: Any,
    *,
    region: Region,
    year: int,
    campaign: Any = None,
    due: dt.date | None = None,
) -> list[Evaluation]:
    """The level above asks every unit directly below it for its form in one step (004 四(四):
    township → county → city): a form for each, its computed rows filled in as the level above
    sees them (the unit refreshes with its own view), and the report-by clock that reminds
    them, due on the date the notice states (``due``) or by the rule."""
    units = list(Region.objects.filter(parent=region).order_by("code"))
    if region.level >= RegionLevel.TOWNSHIP or not units:
        raise ValidationError("本辖区没有下级填报单位。")
    today = timezone.localdate()
    if due is not None and due < today:
        raise ValidationError(f"报送截止日期 {due:%Y年%m月%d日} 已过，请重新选择。")
    with transaction.atomic():
        made = []
        for unit in units:
            policy.require(actor, Evaluation(region=unit, year=year, campaign=campaign), "review")
            made.append(_create(actor, unit, year, "", campaign, today, due))
        return made


def missing_units(user: Any, region: Region, year: int) -> Any:
    """The units directly below ``region`` whose form of ``year`` has not been received."""
    forms = Evaluation.objects.visible_to(user).filter(year=year, campaign__isnull=True)
    return workflow.missing_units(forms, region)


def _fill_computed(evaluation: Evaluation, actor: Any) -> None:
    period = Period.year(evaluation.year)
    entries = list(evaluation.entries.filter(number__in=COMPUTED))
    for entry in entries:
        entry.computed = computed_rows(entry.number, actor, evaluation.region, period)
    EvaluationEntry.objects.bulk_update(entries, ["computed"])
    evaluation.computed_at = timezone.now()
    evaluation.save(update_fields=["computed_at", "updated_at"])


def evaluation_refresh(evaluation: Evaluation, *, actor: Any) -> Evaluation:
    """Read the computed rows again from the registry (while the form may still change)."""
    with transaction.atomic():
        locked = Evaluation.objects.select_for_update(of=("self",)).get(pk=evaluation.pk)
        policy.require(actor, locked, "fill")
        if not locked.is_editable:
            raise ValidationError("已报送的评估表不能更新系统数据。")
        _fill_computed(locked, actor)
        workflow.record_step(locked, actor=actor, step="refresh")
        return locked


def evaluation_update(evaluation: Evaluation, *, actor: Any, preparer: str) -> Evaluation:
    with transaction.atomic():
        locked = Evaluation.objects.select_for_update(of=("self",)).get(pk=evaluation.pk)
        policy.require(actor, locked, "fill")
        if not locked.is_editable:
            raise ValidationError("已报送的评估表不能修改。")
        before = {"preparer": locked.preparer}
        locked.preparer = preparer.strip()
        save_audited(locked, policy.as_user(actor), "fill", before)
        return locked


def entry_update(entry: EvaluationEntry, *, actor: Any, **values: str) -> EvaluationEntry:
    """Answer one row: completion, what was done, the evidence, why not (staff may annotate a
    computed row; its figures stay the registry's)."""
    unknown = set(values) - set(ENTRY_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {unknown}")
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update(of=("self",)).get(pk=entry.evaluation_id)
        policy.require(actor, evaluation, "fill")
        if not evaluation.is_editable:
            raise ValidationError("已报送的评估表不能修改。")
        locked = EvaluationEntry.objects.select_for_update(of=("self",)).get(pk=entry.pk)
        if values.get("completion") and values["completion"] not in Completion.values:
            raise ValidationError("请选择完成情况。")
        before = {f: getattr(locked, f) for f in values}
        before["updated_by"] = locked.updated_by
        for name, value in values.items():
            setattr(locked, name, (value or "").strip())
        locked.updated_by = policy.as_user(actor)
        save_audited(locked, policy.as_user(actor), "fill", before)
        return locked


def evidence_add(
    entry: EvaluationEntry, *, actor: Any, upload: Any, description: str = ""
) -> EvaluationEvidence:
    """Keep an evidence file of a row in the private file store."""
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update(of=("self",)).get(pk=entry.evaluation_id)
        policy.require(actor, evaluation, "fill")
        if not evaluation.is_editable:
            raise ValidationError("已报送的评估表不能再添加佐证材料。")
        with store.receive(
            upload, accept=EVIDENCE_KINDS, area="evaluation", actor=actor, field="file"
        ) as stored:
            if stored is None:
                raise ValidationError({"file": "请选择文件。"})
            evidence = EvaluationEvidence(
                entry=entry,
                file=stored,
                description=description.strip()[:200],
                uploaded_by=policy.as_user(actor),
            )
            return create_audited(evidence, actor, "upload")


def check_complete(evaluation: Evaluation) -> None:
    """004 填表说明: every row answered; a row not (fully) done says why."""
    missing, unexplained = [], []
    for entry in evaluation.entries.all():
        if not entry.completion:
            missing.append(entry.number)
        elif entry.completion in (Completion.PARTLY, Completion.NOT_DONE) and not entry.explanation.strip():
            unexplained.append(entry.number)
    problems = []
    if missing:
        problems.append("以下指标未选择完成情况：" + "、".join(missing))
    if unexplained:
        problems.append("以下指标部分完成或未完成，须填写未完成说明：" + "、".join(unexplained))
    if problems:
        raise ValidationError("；".join(problems))


def evaluation_submit(evaluation: Evaluation, *, actor: Any) -> Evaluation:
    return workflow.submission_submit(evaluation, actor=actor, rule_code=RULE, check=check_complete)


def evaluation_approve(evaluation: Evaluation, *, actor: Any) -> Evaluation:
    return workflow.submission_approve(evaluation, actor=actor)


def evaluation_return(evaluation: Evaluation, *, actor: Any, reason: str) -> Evaluation:
    return workflow.submission_return(evaluation, actor=actor, reason=reason)
