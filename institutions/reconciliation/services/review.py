"""The review queue and the township's verification of a work item."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from institutions.models import (
    Institution,
    InstitutionStatus,
)
from supervision.core import policy

from ..models import (
    Classification,
    ListCoverage,
    MatchMethod,
    ReconciliationRow,
    ReconciliationRun,
    ReviewState,
    RunStatus,
    WorkAction,
    WorkItem,
)
from .common import ACTION_FOR
from .phase1 import classify, is_operating
from .phase2 import _counts, _open_item_exists, _work_item_for, institutions_create_registered_unfiled

# --- review queue and township verification -------------------------------------------------


def row_review(row: ReconciliationRow, *, actor: Any, accept: bool) -> ReconciliationRow:
    """Accept or reject a low-confidence name match; then the row is classified and, if it
    needs action, gets its work item — in one transaction."""
    from institutions import services as registry

    with transaction.atomic():
        locked = (
            ReconciliationRow.objects.select_for_update(of=("self",))
            .select_related("run__source", "run__region")
            .get(pk=row.pk)
        )
        policy.require(actor, locked, "review")
        if locked.review != ReviewState.PENDING:
            return locked
        run = locked.run
        if run.status != RunStatus.DONE:
            raise ValidationError("请先确认导入，再复核名称匹配。")
        cand = Institution.objects.filter(pk=locked.candidate_id).first() if locked.candidate_id else None
        operating = is_operating(locked.operating_text)
        locked.reviewed_by = policy.as_user(actor)
        if accept and cand is not None:
            locked.review = ReviewState.ACCEPTED
            locked.institution = cand
            locked.match_method = MatchMethod.NAME
            if cand.status == InstitutionStatus.UNREGISTERED:
                registry.institution_register(
                    cand, actor=actor, credit_code=locked.credit_code, authority=run.source.authority
                )
            locked.classification = classify(cand.status, operating)
        else:
            locked.review = ReviewState.REJECTED
            locked.classification = classify(None, operating)
            if locked.classification == Classification.REGISTERED_NOT_FILED and not (
                Institution.objects.filter(credit_code=locked.credit_code).exists()
            ):
                institutions_create_registered_unfiled([locked], run=run)
                locked.institution = Institution.objects.get(credit_code=locked.credit_code)
                locked.match_method = MatchMethod.NEW
            if (
                run.coverage == ListCoverage.FULL
                and cand is not None
                and not ReconciliationRow.objects.filter(run=run, institution=cand).exists()
            ):
                # A complete list that does not name the candidate after all: it joins the
                # run's 名录外待核 bucket (a partial list says nothing about it).
                extra = ReconciliationRow.objects.create(
                    run=run,
                    credit_code=cand.credit_code or "",
                    name=cand.name,
                    address=cand.address,
                    region_id=cand.region_id,
                    institution=cand,
                    classification=Classification.REGISTRY_ABSENT,
                )
                if not _open_item_exists(extra, WorkAction.REVIEW_ABSENT):
                    _work_item_for(extra, run).save()
        locked.save(update_fields=["review", "reviewed_by", "institution", "match_method", "classification"])
        if (
            locked.classification in ACTION_FOR
            and not WorkItem.objects.filter(row=locked).exists()
            and not _open_item_exists(locked, ACTION_FOR[locked.classification])
        ):
            _work_item_for(locked, run).save()
        ReconciliationRun.objects.filter(pk=run.pk).update(counts=_counts(run))
    return locked


def work_item_verify(item: WorkItem, *, actor: Any, result: str, notes: str = "") -> WorkItem:
    """The township records its on-site verification (核实结果); the county sees it through its
    region subtree. A finding of 未实际开展养老服务 for a registered-not-filed institution is
    passed to the registry's own transition service; a finding that a registered-not-filed or
    unregistered institution actually operates opens the registry's ``unfiled.onsite_check``
    clock (20 working days, 000 (十一)/003 1.)."""
    from institutions import services as registry

    from ..models import VerifyResult

    with transaction.atomic():
        locked = WorkItem.objects.select_for_update(of=("self",)).select_related("region").get(pk=item.pk)
        policy.require(actor, locked, "verify")
        if result not in VerifyResult.values:
            raise ValidationError("请选择核实结果。")
        if locked.result == result and locked.notes == notes:
            return locked
        locked.result = result
        locked.notes = notes
        locked.verified_by = policy.as_user(actor)
        locked.verified_at = timezone.now()
        locked.save(update_fields=["result", "notes", "verified_by", "verified_at"])
        inst = Institution.objects.filter(pk=locked.institution_id).first() if locked.institution_id else None
        if (
            inst is not None
            and result == VerifyResult.NOT_OPERATING
            and inst.status == InstitutionStatus.REGISTERED_NOT_FILED
        ):
            registry.institution_mark_not_operating(inst, actor=actor)
        elif (
            inst is not None
            and result in OPERATING_RESULTS
            and inst.status in UNFILED_STATUSES
            and inst.unfiled_discovered_on is None
        ):
            # Found taking in residents without filing: open the 20-working-day
            # "on-site check and urge filing" clock through the registry's own service.
            registry.institution_discover_unfiled(
                inst,
                actor=actor,
                discovered_on=timezone.localdate(locked.verified_at),
                note=f"乡镇核实：{VerifyResult(result).label}（登记数据比对 #{locked.run_id}）",
            )
    return locked


OPERATING_RESULTS = ("operating_fileable", "operating_not_qualified")
UNFILED_STATUSES = (
    InstitutionStatus.UNREGISTERED,
    InstitutionStatus.REGISTERED_NOT_FILED,
    InstitutionStatus.REGISTERED_NOT_OPERATING,
)
