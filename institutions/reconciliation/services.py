"""Reconciliation services (004 §二(三)(四)).

A run goes through two phases:

1. **Stage** (streaming, chunk by chunk): every data row of the file is validated (credit code
   with the registry's own ``explain_credit_code``, name, township within the uploader's
   jurisdiction, duplicates inside the file), matched to the registry (credit code, else
   normalised name + address with rapidfuzz) and classified; the results are written as the
   run's own ``ReconciliationRow``s, ``CHUNK`` rows at a time, with progress on the run. The
   registry and the worklist are not touched.
2. **Apply** (one ``transaction.atomic``): new registered-not-filed institutions are created,
   unregistered institutions that now appear on a list are registered through the registry's
   service, registry institutions that no row matched become 未登记 rows, and work items are
   created for the townships. Either all of that is committed or none of it: a failure rolls
   the whole apply back and marks the run failed (the staged rows stay as its report).

Memory stays flat in the file size: one chunk of rows at a time; duplicates are found per chunk
against the rows already staged (indexed query), not with a growing in-memory set. What is held
in memory is proportional to the registry of the jurisdiction (codes and names), not the file.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Min, OuterRef, Subquery
from django.utils import timezone

from institutions.models import (
    Institution,
    InstitutionKind,
    InstitutionNature,
    InstitutionStatus,
    RegistrationAuthority,
)
from institutions.naming import name_is_standard
from institutions.validators import explain_credit_code, normalise_credit_code
from supervision.core.models import Assignment, Region
from supervision.core.scoping import ensure_visible

from .models import (
    FIELDS,
    REQUIRED_FIELDS,
    Classification,
    MatchMethod,
    ReconciliationRow,
    ReconciliationRun,
    RegistrationSource,
    ReviewState,
    RunStatus,
    WorkAction,
    WorkItem,
)
from .normalise import AUTO_ACCEPT, REVIEW, Candidate, NameIndex, split_name
from .parsers import UnreadableFile, open_table, read_headers

log = logging.getLogger(__name__)

CHUNK = 2000
NEGATIVE = ("否", "未", "无", "不", "n", "no", "false", "0")
ACTION_FOR: dict[str, str] = {
    Classification.REGISTERED_NOT_FILED: WorkAction.URGE_FILING,
    Classification.REGISTERED_NOT_OPERATING: WorkAction.CHANGE_REGISTRATION,
    Classification.UNREGISTERED: WorkAction.ONSITE_CHECK,
}
NATURE_FOR_AUTHORITY: dict[str, str] = {
    RegistrationAuthority.MARKET: InstitutionNature.FOR_PROFIT,
    RegistrationAuthority.CIVIL_AFFAIRS: InstitutionNature.NON_PROFIT,
    RegistrationAuthority.PUBLIC_INSTITUTION: InstitutionNature.PUBLIC,
}


# --- who may upload, and where ---------------------------------------------------------------


def uploader_assignment(user: Any) -> Assignment:
    """Uploading is civil-affairs (lead department) work; the run belongs to that jurisdiction."""
    for a in user.active_assignments() if getattr(user, "is_authenticated", False) else []:
        if a.department.is_lead:
            return a
    raise PermissionDenied("只有民政部门工作人员可以上传登记数据。")


def private_dir() -> Path:
    path = Path(settings.PRIVATE_STORAGE_ROOT) / "reconciliation"
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- mapping ---------------------------------------------------------------------------------


def guess_mapping(headers: list[str], remembered: dict[str, str] | None = None) -> dict[str, str]:
    """Our field → header: the remembered mapping where its header is in the file, else the
    first header matching a synonym."""
    remembered = remembered or {}
    present = set(headers)
    out: dict[str, str] = {}
    for key, (_, synonyms) in FIELDS.items():
        if remembered.get(key) in present:
            out[key] = remembered[key]
            continue
        for syn in synonyms:
            hit = next((h for h in headers if h.replace(" ", "") == syn), None)
            if hit:
                out[key] = hit
                break
    return out


def mapping_problems(mapping: dict[str, str], headers: list[str]) -> list[str]:
    problems = []
    for key in REQUIRED_FIELDS:
        if not mapping.get(key):
            problems.append(f"请指定“{FIELDS[key][0]}”对应的列。")
    for key, header in mapping.items():
        if key not in FIELDS:
            problems.append(f"未知字段：{key}")
        elif header and header not in headers:
            problems.append(f"文件中没有列“{header}”。")
    used = [h for h in mapping.values() if h]
    if len(used) != len(set(used)):
        problems.append("同一列不能对应多个字段。")
    return problems


def source_get_or_create(*, actor: Any, name: str, authority: str) -> RegistrationSource:
    a = uploader_assignment(actor)
    source, _ = RegistrationSource.objects.get_or_create(
        region=a.region, name=name.strip(), defaults={"authority": authority, "department": a.department}
    )
    return source


# --- creating and starting a run -------------------------------------------------------------


def run_create(*, actor: Any, source: RegistrationSource, upload: UploadedFile) -> ReconciliationRun:
    """Store the upload privately, read its header row and propose a mapping (the source's
    remembered one first). The run waits for staff to confirm the mapping."""
    a = uploader_assignment(actor)
    ensure_visible(actor, source)
    source = RegistrationSource.objects.get(pk=source.pk)  # the mapping remembered last time
    filename = Path(upload.name or "upload").name
    suffix = ".csv" if filename.lower().endswith(".csv") else ".xlsx"
    path = private_dir() / f"{uuid.uuid4().hex}{suffix}"
    with open(path, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    try:
        headers = read_headers(path, filename)
    except UnreadableFile as exc:
        path.unlink(missing_ok=True)
        raise ValidationError(str(exc)) from exc
    return ReconciliationRun.objects.create(
        source=source,
        region=a.region,
        department=a.department,
        uploaded_by=actor,
        file_path=str(path),
        original_filename=filename[:200],
        headers=headers,
        mapping=guess_mapping(headers, source.column_mapping),
    )


def run_confirm_mapping(run: ReconciliationRun, *, actor: Any, mapping: dict[str, str]) -> ReconciliationRun:
    """Confirm the column mapping, remember it on the source, and queue the import."""
    mapping = {k: v for k, v in mapping.items() if v}
    problems = mapping_problems(mapping, run.headers)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        ensure_visible(actor, run)
        locked = ReconciliationRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != RunStatus.MAPPING:
            return locked
        locked.mapping = mapping
        locked.status = RunStatus.QUEUED
        locked.save(update_fields=["mapping", "status"])
        RegistrationSource.objects.filter(pk=locked.source_id).update(column_mapping=mapping)
        from .tasks import process_run

        transaction.on_commit(lambda: process_run.delay(locked.pk))
    return locked


# --- phase 1: stage --------------------------------------------------------------------------


@dataclass
class RegionIndex:
    """Townships of the jurisdiction by code (12 or 9 digits), name and full name."""

    by_key: dict[str, int | None]  # None marks an ambiguous name
    names: list[str]
    label: str

    @classmethod
    def build(cls, region: Region) -> RegionIndex:
        by_key: dict[str, int | None] = {}
        names: set[str] = {r.name for r in region.ancestors()}
        rows = list(region.subtree().values_list("pk", "code", "name", "level", "parent__name"))
        for pk, code, name, level, parent_name in rows:
            names.add(name)
            by_key[code] = pk
            by_key[code[:9]] = pk if level >= 4 else by_key.get(code[:9], pk)
            for key in {name, f"{parent_name or ''}{name}"}:
                by_key[key] = None if key in by_key and by_key[key] != pk else pk
        return cls(by_key, sorted(names), region.name)

    def lookup(self, text: str) -> tuple[int | None, str | None]:
        key = text.replace(" ", "")
        if key not in self.by_key:
            return None, f"区划“{text}”不存在或不在本辖区（{self.label}）内。"
        pk = self.by_key[key]
        if pk is None:
            return None, f"区划名称“{text}”在本辖区内不唯一，请填写区划代码。"
        return pk, None


@dataclass
class Registry:
    """The jurisdiction's registry, in memory: credit codes and name index."""

    by_code: dict[str, Candidate]
    names: NameIndex

    @classmethod
    def build(cls, region: Region, region_names: list[str]) -> Registry:
        by_code: dict[str, Candidate] = {}
        names = NameIndex(region_names)
        qs = Institution.objects.filter(region__code__startswith=region.prefix).values_list(
            "pk", "credit_code", "name", "address", "status", "region_id"
        )
        from .normalise import normalise_address

        for pk, code, name, address, status, region_id in qs.iterator(chunk_size=5000):
            core, suffix = split_name(name, region_names)
            c = Candidate(
                pk, core, suffix, normalise_address(address, region_names), code or "", status, region_id
            )
            if code:
                by_code[code] = c
            names.add(c)
        return cls(by_code, names)


def is_operating(text: str) -> bool:
    """The 是否开展养老服务 column: anything starting with a negative word means not operating."""
    t = (text or "").strip().lower()
    return not (t and t.startswith(NEGATIVE))


def classify(status: str | None, operating: bool) -> str:
    """A registration row's class from the matched institution's status (or none)."""
    if status in (InstitutionStatus.FILED, InstitutionStatus.SUSPENDED):
        return Classification.FILED
    if not operating or status == InstitutionStatus.TERMINATED:
        return Classification.REGISTERED_NOT_OPERATING
    return Classification.REGISTERED_NOT_FILED


def _chunks(it: Iterable[Any], size: int) -> Iterator[list[Any]]:
    buf: list[Any] = []
    for x in it:
        buf.append(x)
        if len(buf) >= size:
            yield buf
            buf = []
    if buf:
        yield buf


class Stager:
    """Validates, matches and classifies rows of one run; holds no file-sized state."""

    def __init__(self, run: ReconciliationRun) -> None:
        self.run = run
        self.regions = RegionIndex.build(run.region)
        self.registry = Registry.build(run.region, self.regions.names)
        self.mapping = run.mapping
        self.headers: list[str] = []

    def col(self, key: str) -> str:
        return self.mapping.get(key) or FIELDS[key][0]

    def build_row(self, number: int, cells: list[str], index: dict[str, int]) -> ReconciliationRow:
        def get(key: str) -> str:
            h = self.mapping.get(key)
            return cells[index[h]] if h in index else ""

        raw_code = get("credit_code")
        row = ReconciliationRow(
            run_id=self.run.pk,
            row_number=number,
            credit_code=normalise_credit_code(raw_code)[:40] if raw_code else "",
            name=get("name")[:200],
            address=get("address")[:300],
            region_text=get("region")[:100],
            business_scope=get("business_scope"),
            operating_text=get("operating")[:50],
        )
        errors: list[dict[str, str]] = []
        if not raw_code:
            errors.append({"column": self.col("credit_code"), "reason": "缺少统一社会信用代码。"})
        else:
            reason = explain_credit_code(raw_code)
            if reason:
                errors.append({"column": self.col("credit_code"), "reason": reason})
        if not row.name:
            errors.append({"column": self.col("name"), "reason": "缺少机构名称。"})
        if row.region_text:
            pk, reason = self.regions.lookup(row.region_text)
            if reason:
                errors.append({"column": self.col("region"), "reason": reason})
            row.region_id = pk
        row.errors = errors
        return row

    def match(self, row: ReconciliationRow) -> None:
        """Match a valid row and classify it (no database access)."""
        operating = is_operating(row.operating_text)
        cand = self.registry.by_code.get(row.credit_code)
        if cand is not None:
            row.institution_id = cand.pk
            row.match_method = MatchMethod.CREDIT_CODE
            row.confidence = 100.0
        else:
            cand, score = self.registry.names.best(row.name, row.address, row.region_id, row.credit_code)
            if cand is not None and score >= AUTO_ACCEPT:
                row.institution_id = cand.pk
                row.candidate_id = cand.pk
                row.match_method = MatchMethod.NAME
                row.confidence = score
            elif cand is not None and score >= REVIEW:
                row.candidate_id = cand.pk
                row.confidence = score
                row.review = ReviewState.PENDING
                cand = None
            else:
                cand = None
                row.confidence = score
        if cand is not None and row.region_id is None:
            row.region_id = cand.region_id
        if row.region_id is None:
            row.errors = [
                {
                    "column": self.col("region"),
                    "reason": "缺少所属乡镇（街道），且未匹配到名录中的机构，无法确定核查属地。",
                }
            ]
            row.classification = Classification.ERROR
            row.institution_id = None
            return
        row.classification = classify(cand.status if cand else None, operating)

    def stage(self) -> None:
        run = self.run
        path = Path(run.file_path)
        with open_table(path, run.original_filename) as table:
            index = {h: i for i, h in enumerate(table.headers) if h}
            ReconciliationRun.objects.filter(pk=run.pk).update(
                total_rows=table.estimated_rows, status=RunStatus.VALIDATING
            )
            processed = errors = 0
            for chunk in _chunks(table.rows, CHUNK):
                rows = [self.build_row(n, cells, index) for n, cells in chunk]
                self._mark_duplicates(rows)
                for row in rows:
                    if row.errors:
                        row.classification = Classification.ERROR
                    else:
                        self.match(row)
                    errors += row.classification == Classification.ERROR
                ReconciliationRow.objects.bulk_create(rows, batch_size=500)
                processed += len(rows)
                ReconciliationRun.objects.filter(pk=run.pk).update(
                    processed_rows=processed, error_rows=errors
                )
        ReconciliationRun.objects.filter(pk=run.pk).update(total_rows=processed, processed_rows=processed)

    def _mark_duplicates(self, rows: list[ReconciliationRow]) -> None:
        """A credit code seen before in the file: later rows are errors naming the first row."""
        codes = {r.credit_code for r in rows if r.credit_code}
        first: dict[str, int] = dict(
            ReconciliationRow.objects.filter(
                run_id=self.run.pk, credit_code__in=codes, row_number__isnull=False
            )
            .values("credit_code")
            .annotate(first=Min("row_number"))
            .values_list("credit_code", "first")
        )
        for r in rows:
            if not r.credit_code:
                continue
            seen = first.get(r.credit_code)
            if seen is not None and r.row_number is not None:
                r.errors.append(
                    {"column": self.col("credit_code"), "reason": f"与第 {seen} 行的统一社会信用代码重复。"}
                )
            else:
                first[r.credit_code] = r.row_number or 0


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
        registry.institution_register(
            r.institution, actor=run.uploaded_by, credit_code=r.credit_code, authority=run.source.authority
        )


def _add_unregistered_rows(run: ReconciliationRun) -> None:
    """Institutions of the jurisdiction that should appear on this authority's list (or have
    no registration at all) but that no row matched: 未登记."""
    matched = ReconciliationRow.objects.filter(run=run).exclude(institution=None).values("institution_id")
    in_review = ReconciliationRow.objects.filter(run=run, review=ReviewState.PENDING).values("candidate_id")
    qs = (
        Institution.objects.filter(region__code__startswith=run.region.prefix)
        .filter(registration_authority__in=[run.source.authority, RegistrationAuthority.NONE])
        .exclude(status=InstitutionStatus.TERMINATED)
        .exclude(pk__in=matched)
        .exclude(pk__in=in_review)
        .values_list("pk", "credit_code", "name", "address", "region_id")
    )
    for chunk in _chunks(qs.iterator(chunk_size=CHUNK), CHUNK):
        ReconciliationRow.objects.bulk_create(
            [
                ReconciliationRow(
                    run=run,
                    credit_code=code or "",
                    name=name,
                    address=address,
                    region_id=region_id,
                    institution_id=pk,
                    classification=Classification.UNREGISTERED,
                    match_method=MatchMethod.NONE,
                )
                for pk, code, name, address, region_id in chunk
            ],
            batch_size=500,
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


def _create_work_items(run: ReconciliationRun) -> None:
    qs = (
        ReconciliationRow.objects.filter(run=run, classification__in=list(ACTION_FOR))
        .exclude(review=ReviewState.PENDING)
        .exclude(region=None)
        .only("pk", "institution_id", "name", "credit_code", "region_id", "classification")
    )
    for chunk in _chunks(qs.iterator(chunk_size=CHUNK), CHUNK):
        WorkItem.objects.bulk_create([_work_item_for(r, run) for r in chunk], batch_size=500)


def _counts(run: ReconciliationRun) -> dict[str, int]:
    counts = dict(
        ReconciliationRow.objects.filter(run=run)
        .values("classification")
        .annotate(n=Count("pk"))
        .values_list("classification", "n")
    )
    counts["review"] = ReconciliationRow.objects.filter(run=run, review=ReviewState.PENDING).count()
    return counts


def apply(run: ReconciliationRun) -> None:
    """Phase 2, all or nothing."""
    with transaction.atomic():
        _create_new_institutions(run)
        _register_unregistered(run)
        _add_unregistered_rows(run)
        _create_work_items(run)
        ReconciliationRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE, counts=_counts(run), finished_at=timezone.now()
        )


def run_process(run_id: int) -> ReconciliationRun:
    """The whole import (called by the Celery task). Idempotent: a run that is not queued is
    left alone, so a redelivered task changes nothing."""
    claimed = ReconciliationRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.VALIDATING, processed_rows=0
    )
    run = ReconciliationRun.objects.select_related("source", "region", "uploaded_by").get(pk=run_id)
    if not claimed:
        return run
    try:
        Stager(run).stage()
        ReconciliationRun.objects.filter(pk=run.pk).update(status=RunStatus.APPLYING)
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


# --- review queue and township verification -------------------------------------------------


def row_review(row: ReconciliationRow, *, actor: Any, accept: bool) -> ReconciliationRow:
    """Accept or reject a low-confidence name match; then the row is classified and, if it
    needs action, gets its work item — in one transaction."""
    from institutions import services as registry

    with transaction.atomic():
        ensure_visible(actor, row)
        locked = ReconciliationRow.objects.select_for_update().select_related("run__source").get(pk=row.pk)
        if locked.review != ReviewState.PENDING:
            return locked
        run = locked.run
        cand = Institution.objects.filter(pk=locked.candidate_id).first() if locked.candidate_id else None
        operating = is_operating(locked.operating_text)
        locked.reviewed_by = actor
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
            if cand is not None and not ReconciliationRow.objects.filter(run=run, institution=cand).exists():
                extra = ReconciliationRow.objects.create(
                    run=run,
                    credit_code=cand.credit_code or "",
                    name=cand.name,
                    address=cand.address,
                    region_id=cand.region_id,
                    institution=cand,
                    classification=Classification.UNREGISTERED,
                )
                _work_item_for(extra, run).save()
        locked.save(update_fields=["review", "reviewed_by", "institution", "match_method", "classification"])
        if locked.classification in ACTION_FOR and not WorkItem.objects.filter(row=locked).exists():
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

    from .models import VerifyResult

    if result not in VerifyResult.values:
        raise ValidationError("请选择核实结果。")
    with transaction.atomic():
        ensure_visible(actor, item)
        locked = WorkItem.objects.select_for_update().get(pk=item.pk)
        if locked.result == result and locked.notes == notes:
            return locked
        locked.result = result
        locked.notes = notes
        locked.verified_by = actor
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


# --- error report ----------------------------------------------------------------------------

ERROR_REPORT_HEADERS = ["行号", "列", "错误原因", "统一社会信用代码", "名称"]


def error_report_rows(run: ReconciliationRun) -> Iterator[list[Any]]:
    """One line per error (a row can have several), in file order."""
    qs = (
        ReconciliationRow.objects.filter(run=run, classification=Classification.ERROR)
        .order_by("row_number")
        .values_list("row_number", "errors", "credit_code", "name")
    )
    for number, errors, code, name in qs.iterator(chunk_size=CHUNK):
        for e in errors:
            yield [number, e.get("column", ""), e.get("reason", ""), code, name]
