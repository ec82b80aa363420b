"""Phase 2: the preview, applying a confirmed run (institutions, work items), discarding."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Subquery
from django.utils import timezone

from institutions.models import (
    Institution,
    InstitutionKind,
    InstitutionNature,
    InstitutionStatus,
)
from institutions.naming import name_is_standard
from supervision.core import policy
from supervision.core.transitions import transition

from ..models import (
    REGION_DERIVED,
    RUN_TRANSITIONS,
    Classification,
    MatchMethod,
    ReconciliationRow,
    ReconciliationRun,
    ReviewState,
    RunStatus,
    WorkAction,
    WorkItem,
)
from ..parsers import UnreadableFile
from .common import ACTION_FOR, CHUNK, NATURE_FOR_AUTHORITY, log
from .phase1 import Stager, _chunks, classify, is_operating
from .runs import _process_later

# --- phase 2: apply --------------------------------------------------------------------------


def institutions_create_registered_unfiled(
    rows: list[ReconciliationRow], *, run: ReconciliationRun
) -> list[Institution]:
    """Create registry entries (登记未备案) for registration rows that match no institution.

    This is the one place reconciliation writes ``Institution`` rows directly: a bulk_create,
    because a list can bring thousands of new registrations and the per-row service would audit
    each one separately. The new rows get status 登记未备案 (the model default for a registered
    institution), the kind 养老机构 until the township's check says otherwise, a nature derived
    from the registration authority, and the name-pattern flag the model's ``save`` would set.
    The run itself is the audit record of where they came from (one audit entry per batch)."""
    authority = run.source.authority
    nature = NATURE_FOR_AUTHORITY.get(authority, InstitutionNature.FOR_PROFIT)
    objs = [
        Institution(
            credit_code=r.credit_code,
            name=r.name,
            kind=InstitutionKind.CARE_HOME,
            nature=nature,
            registration_authority=authority,
            status=InstitutionStatus.REGISTERED_NOT_FILED,
            region_id=r.region_id,  # type: ignore[misc]
            address=r.address or r.name,
            name_nonstandard=not name_is_standard(r.name, InstitutionKind.CARE_HOME),
        )
        for r in rows
    ]
    created = Institution.objects.bulk_create(objs, batch_size=500)
    if created:
        from auditlog.models import LogEntry

        LogEntry.objects.log_create(
            run,
            force_log=True,
            action=LogEntry.Action.UPDATE,
            changes={"institutions_created": ["0", str(len(created))]},
            actor=run.uploaded_by,
            additional_data={"verb": "reconciliation_create_institutions"},
        )
    return created


def _link_registered_since_preview(run: ReconciliationRun) -> None:
    """Between the preview and the confirmation a code the list brings as new may have been
    registered (another run, the registry's own pages): link those rows to it and classify
    them by its status instead of creating the institution twice (credit codes are unique)."""
    qs = ReconciliationRow.objects.filter(
        run=run,
        classification=Classification.REGISTERED_NOT_FILED,
        institution__isnull=True,
        row_number__isnull=False,
    ).filter(Exists(Institution.objects.filter(credit_code=OuterRef("credit_code"))))
    for row in qs.iterator(chunk_size=500):
        inst = Institution.objects.get(credit_code=row.credit_code)
        row.institution = inst
        row.match_method = MatchMethod.CREDIT_CODE
        row.confidence = 100.0
        row.classification = classify(inst.status, is_operating(row.operating_text))
        row.save(update_fields=["institution", "match_method", "confidence", "classification"])


def _create_new_institutions(run: ReconciliationRun) -> None:
    qs = ReconciliationRow.objects.filter(
        run=run,
        classification=Classification.REGISTERED_NOT_FILED,
        institution__isnull=True,
        row_number__isnull=False,
    ).exclude(review=ReviewState.PENDING)
    last = 0
    while True:
        batch = list(qs.filter(pk__gt=last).order_by("pk")[:CHUNK])
        if not batch:
            break
        last = batch[-1].pk
        institutions_create_registered_unfiled(batch, run=run)
    # Link the rows to what was just created in one set-based UPDATE (codes are unique).
    qs.update(
        institution_id=Subquery(
            Institution.objects.filter(credit_code=OuterRef("credit_code")).values("pk")[:1]
        ),
        match_method=MatchMethod.NEW,
    )


def _register_unregistered(run: ReconciliationRun) -> None:
    """Registry institutions recorded as 未登记 that a registration list now names: record
    their credit code through the registry's own service (audited transition)."""
    from institutions import services as registry

    rows = ReconciliationRow.objects.filter(
        run=run, institution__status=InstitutionStatus.UNREGISTERED, row_number__isnull=False
    ).select_related("institution")
    for r in rows.iterator(chunk_size=500):
        assert r.institution is not None
        # The system applies what staff confirmed (``run.confirmed_by``, checked by the policy
        # when they confirmed); the task has no user of its own.
        registry.institution_register(
            r.institution, actor=policy.SYSTEM, credit_code=r.credit_code, authority=run.source.authority
        )


def _work_item_for(row: ReconciliationRow, run: ReconciliationRun) -> WorkItem:
    return WorkItem(
        run=run,
        row=row,
        institution_id=row.institution_id,
        name=row.name,
        credit_code=row.credit_code,
        region_id=row.region_id,  # type: ignore[misc]
        department_id=run.department_id,
        action=ACTION_FOR[row.classification],
        classification=row.classification,
    )


def _open_items(action: str) -> Any:
    return WorkItem.objects.filter(result="", action=action)


def _rows_needing_items(run: ReconciliationRun, classification: str) -> Any:
    """Rows of one class that get a work item: not those of an institution (or, with none, of
    a credit code) that already has an open item of the same kind, from any run."""
    action = ACTION_FOR[classification]
    return (
        ReconciliationRow.objects.filter(run=run, classification=classification)
        .exclude(review=ReviewState.PENDING)
        .exclude(region=None)
        .exclude(institution_id__in=_open_items(action).exclude(institution=None).values("institution_id"))
        .exclude(
            institution=None,
            credit_code__in=_open_items(action)
            .filter(institution=None)
            .exclude(credit_code="")
            .values("credit_code"),
        )
    )


def _create_work_items(run: ReconciliationRun) -> None:
    for classification in ACTION_FOR:
        qs = _rows_needing_items(run, classification).only(
            "pk", "institution_id", "name", "credit_code", "region_id", "classification"
        )
        for chunk in _chunks(qs.iterator(chunk_size=CHUNK), CHUNK):
            # Two rows of one file naming the same institution (name matches under different
            # codes): the conditional unique constraints keep the first, the rest are skipped.
            WorkItem.objects.bulk_create(
                [_work_item_for(r, run) for r in chunk], batch_size=500, ignore_conflicts=True
            )


def _open_item_exists(row: ReconciliationRow, action: str) -> bool:
    if row.institution_id is not None:
        return _open_items(action).filter(institution_id=row.institution_id).exists()
    return (
        bool(row.credit_code)
        and _open_items(action).filter(institution=None, credit_code=row.credit_code).exists()
    )


def _counts(run: ReconciliationRun) -> dict[str, int]:
    counts = dict(
        ReconciliationRow.objects.filter(run=run)
        .values("classification")
        .annotate(n=Count("pk"))
        .values_list("classification", "n")
    )
    counts[REGION_DERIVED] = ReconciliationRow.objects.filter(run=run, region_derived=True).count()
    return counts


def run_preview(run: ReconciliationRun) -> dict[str, Any]:
    """What confirming the run will do: the registrations it adds to the registry and the work
    items per kind (those already open for the same institution are not created again)."""
    planned = []
    for classification, action in ACTION_FOR.items():
        rows = ReconciliationRow.objects.filter(run=run, classification=classification).exclude(region=None)
        n_rows = rows.count()
        if not n_rows:
            continue
        needing = _rows_needing_items(run, classification)
        new = needing.filter(institution=None).count() + (
            needing.exclude(institution=None).values("institution_id").distinct().count()
        )
        planned.append({"action": action, "label": WorkAction(action).label, "rows": n_rows, "new": new})
    new_institutions = ReconciliationRow.objects.filter(
        run=run,
        classification=Classification.REGISTERED_NOT_FILED,
        institution__isnull=True,
        row_number__isnull=False,
    ).count()
    return {"work_items": planned, "new_institutions": new_institutions}


def apply(run: ReconciliationRun) -> None:
    """Phase 2, all or nothing."""
    with transaction.atomic():
        _link_registered_since_preview(run)
        _create_new_institutions(run)
        _register_unregistered(run)
        _create_work_items(run)
        ReconciliationRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE, counts=_counts(run), finished_at=timezone.now()
        )


def run_confirm(run: ReconciliationRun, *, actor: Any) -> ReconciliationRun:
    """Staff have read the preview and confirm: queue the apply (new registrations, work
    items). Only a run in preview can be confirmed; confirming twice changes nothing."""
    with transaction.atomic():
        locked = ReconciliationRun.objects.select_for_update(of=("self",)).get(pk=run.pk)
        policy.require(actor, locked, "confirm")
        if locked.status in (RunStatus.APPLYING, RunStatus.DONE):
            return locked
        locked, changed = transition(
            locked,
            RunStatus.CONFIRMED,
            step="reconciliation_confirm",
            actor=actor,
            table=RUN_TRANSITIONS,
            field="status",
            updates={"confirmed_by": policy.as_user(actor), "confirmed_at": timezone.now()},
        )
        if changed:
            _process_later(locked)
    return locked


def run_discard(run: ReconciliationRun, *, actor: Any) -> ReconciliationRun:
    """Drop a run before it is imported (a wrong file, the wrong coverage): its staged rows
    stay as the record of what was uploaded; nothing is written to the registry."""
    with transaction.atomic():
        locked = ReconciliationRun.objects.select_for_update(of=("self",)).get(pk=run.pk)
        policy.require(actor, locked, "discard")
        locked, _changed = transition(
            locked,
            RunStatus.DISCARDED,
            step="reconciliation_discard",
            actor=actor,
            table=RUN_TRANSITIONS,
            field="status",
            updates={"finished_at": timezone.now()},
        )
    return locked


def run_process(run_id: int) -> ReconciliationRun:
    """The work of the Celery task, by status: a queued run is staged up to its preview; a
    confirmed run is applied. Idempotent: each phase claims the run with a conditional update,
    so a redelivered task changes nothing."""
    staging = ReconciliationRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.VALIDATING, processed_rows=0
    )
    applying = not staging and ReconciliationRun.objects.filter(pk=run_id, status=RunStatus.CONFIRMED).update(
        status=RunStatus.APPLYING
    )
    run = ReconciliationRun.objects.select_related("source", "region", "uploaded_by").get(pk=run_id)
    if not staging and not applying:
        return run
    try:
        if staging:
            Stager(run).stage()
            ReconciliationRun.objects.filter(pk=run.pk).update(status=RunStatus.PREVIEW, counts=_counts(run))
        else:
            apply(run)
    except Exception as exc:
        log.exception("reconciliation run %s failed", run_id)
        ReconciliationRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, failure=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
        )
        if not isinstance(exc, UnreadableFile | ValidationError):
            raise
    run.refresh_from_db()
    return run
