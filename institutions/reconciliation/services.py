"""Reconciliation services (004 §二(三)(四)).

A run goes through two phases, with staff's confirmation between them:

1. **Stage** (streaming, chunk by chunk): every data row of the file is validated (credit code
   with the registry's own ``explain_credit_code``, name, township within the uploader's
   jurisdiction — taken from the address when the list gives none —, duplicates inside the
   file), matched to the registry (credit code, else normalised name + address with rapidfuzz)
   and put in exactly one class; the results are written as the run's own
   ``ReconciliationRow``s, ``CHUNK`` rows at a time, with progress on the run. For a list
   declared complete (全量) the registry institutions that no row matched are added as rows of
   their own bucket (名录外待核), outside the file's count. The registry and the worklist are not
   touched: the run stops at ``preview`` with its counts.
2. **Apply**, only after ``run_confirm`` (one ``transaction.atomic``): new registered-not-filed
   institutions are created, unregistered institutions that now appear on a list are
   registered through the registry's service, and work items are created for the townships —
   at most one open item per institution and kind, so re-importing a list duplicates nothing.
   Either all of that is committed or none of it: a failure rolls the whole apply back and
   marks the run failed (the staged rows stay as its report).

Memory stays flat in the file size: one chunk of rows at a time; duplicates are found per chunk
against the rows already staged (indexed query), not with a growing in-memory set. What is held
in memory is proportional to the registry of the jurisdiction (codes and names), not the file.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Count, Exists, Min, OuterRef, Subquery
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
from supervision.core import policy, spreadsheets
from supervision.core.background import run_in_background
from supervision.core.models import Assignment, Region, RegionLevel
from supervision.core.scoping import ensure_visible
from supervision.core.transitions import transition
from supervision.files import store as files

from .models import (
    FIELDS,
    REGION_DERIVED,
    REQUIRED_FIELDS,
    RUN_TRANSITIONS,
    Classification,
    ListCoverage,
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
    Classification.REGISTRY_ABSENT: WorkAction.REVIEW_ABSENT,
}
NATURE_FOR_AUTHORITY: dict[str, str] = {
    RegistrationAuthority.MARKET: InstitutionNature.FOR_PROFIT,
    RegistrationAuthority.CIVIL_AFFAIRS: InstitutionNature.NON_PROFIT,
    RegistrationAuthority.PUBLIC_INSTITUTION: InstitutionNature.PUBLIC,
}


# --- who may upload, and where ---------------------------------------------------------------


def uploader_assignment(actor: Any) -> Assignment:
    """The post a list is uploaded under: the first of the actor's posts over whose region the
    policy lets it upload (a civil-affairs acting post). The run belongs to that post's region
    and department; the yes/no is the policy's (``ReconciliationRun.write_rules``)."""
    posts = actor.active_assignments() if getattr(actor, "is_authenticated", False) else []
    for a in posts:
        if policy.can(actor, ReconciliationRun, "upload", region=a.region, department=a.department):
            return a
    policy.require_ever(actor, ReconciliationRun, "upload")  # the refusal naming who may
    raise policy.Denied("上传登记数据须使用民政部门的岗位：比对属于该岗位的辖区。")


def _in_scope(actor: Any, obj: Any) -> None:
    """Scope re-checked inside the write (404 outside it); the system sees everything."""
    if not policy.is_system(actor):
        ensure_visible(actor, obj)


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
    """The uploader's region's source of that name (created with the authority if new)."""
    with transaction.atomic():
        a = uploader_assignment(actor)
        policy.require(actor, ReconciliationRun, "upload", region=a.region, department=a.department)
        source, _ = RegistrationSource.objects.get_or_create(
            region=a.region, name=name.strip(), defaults={"authority": authority, "department": a.department}
        )
    return source


# --- creating and starting a run -------------------------------------------------------------


def run_create(*, actor: Any, source: RegistrationSource, upload: File, coverage: str) -> ReconciliationRun:
    """Store the upload privately, check it against the import limits (size, inflated size,
    rows: ``supervision.core.spreadsheets``) before any reader opens it, read its header row and
    propose a mapping (the source's remembered one first). ``coverage`` says whether the list is
    complete (全量) for its authority and the uploader's region or incremental (增量); staff must
    choose. The run waits for staff to confirm the mapping."""
    with transaction.atomic():
        a = uploader_assignment(actor)
        policy.require(actor, ReconciliationRun, "upload", region=a.region, department=a.department)
        if coverage not in ListCoverage.values:
            raise ValidationError("请选择名单范围：全量或增量。")
        _in_scope(actor, source)
        source = RegistrationSource.objects.get(pk=source.pk)  # the mapping remembered last time
        filename = Path(upload.name or "upload").name
        # Kept as evidence in the private file store (xlsx or csv by content; the stored name's
        # extension is the detected kind, which the guard and the parser go by).
        with files.receive(upload, accept=files.SPREADSHEETS, area="reconciliation", actor=actor) as stored:
            if stored is None:
                raise ValidationError("请选择登记数据文件。")
            path = files.path(stored)
            # Before openpyxl or the csv reader sees it: a zip bomb or a file of millions of
            # rows is refused here, in a fraction of a second, with the limit in Chinese.
            spreadsheets.check_import_path(path)
            try:
                headers = read_headers(path)
            except UnreadableFile as exc:
                raise ValidationError(str(exc)) from exc
            return ReconciliationRun.objects.create(
                source=source,
                region=a.region,
                department=a.department,
                uploaded_by=policy.as_user(actor),
                file_path=str(path),
                original_filename=filename[:200],
                coverage=coverage,
                headers=headers,
                mapping=guess_mapping(headers, source.column_mapping),
            )


def _process_later(run: ReconciliationRun) -> None:
    """Stage or apply the run in the background once the caller's transaction commits: never
    inside the request (the run page and ``…/progress/`` show rows read / total)."""
    from .tasks import process_run

    run_in_background(process_run, run.pk)


def run_confirm_mapping(run: ReconciliationRun, *, actor: Any, mapping: dict[str, str]) -> ReconciliationRun:
    """Confirm the column mapping, remember it on the source, and queue the check (staging up
    to the preview; nothing is imported before ``run_confirm``)."""
    with transaction.atomic():
        locked = ReconciliationRun.objects.select_for_update(of=("self",)).get(pk=run.pk)
        policy.require(actor, locked, "map")
        if locked.status != RunStatus.MAPPING:
            return locked
        mapping = {k: v for k, v in mapping.items() if v}
        problems = mapping_problems(mapping, locked.headers)
        if problems:
            raise ValidationError(problems)
        locked, _changed = transition(
            locked,
            RunStatus.QUEUED,
            step="reconciliation_map",
            actor=actor,
            table=RUN_TRANSITIONS,
            field="status",
            updates={"mapping": mapping},
        )
        RegistrationSource.objects.filter(pk=locked.source_id).update(column_mapping=mapping)
        _process_later(locked)
    return locked


# --- phase 1: stage --------------------------------------------------------------------------


@dataclass
class RegionIndex:
    """Townships of the jurisdiction by code (12 or 9 digits), name and full name, and a
    pattern of the township names to find one in an address."""

    by_key: dict[str, int | None]  # None marks an ambiguous name
    names: list[str]
    label: str
    township_pattern: re.Pattern[str] | None = None
    township_by_name: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(cls, region: Region) -> RegionIndex:
        by_key: dict[str, int | None] = {}
        names: set[str] = {r.name for r in region.ancestors()}
        towns: dict[str, int | None] = {}
        rows = list(region.subtree().values_list("pk", "code", "name", "level", "parent__name"))
        for pk, code, name, level, parent_name in rows:
            names.add(name)
            by_key[code] = pk
            by_key[code[:9]] = pk if level >= 4 else by_key.get(code[:9], pk)
            for key in {name, f"{parent_name or ''}{name}"}:
                by_key[key] = None if key in by_key and by_key[key] != pk else pk
            if level == RegionLevel.TOWNSHIP:
                towns[name] = None if name in towns else pk  # a name twice in the county: unusable
        by_name = {n: pk for n, pk in towns.items() if pk is not None}
        # Longest names first, so that at one position the longer name wins.
        pattern = (
            re.compile("|".join(re.escape(n) for n in sorted(by_name, key=len, reverse=True)))
            if by_name
            else None
        )
        return cls(by_key, sorted(names), region.name, pattern, by_name)

    def township_in(self, address: str) -> int | None:
        """The township an address names: the first township name of the jurisdiction in it
        (addresses run from the larger division to the smaller), or None."""
        if not address or self.township_pattern is None:
            return None
        m = self.township_pattern.search(re.sub(r"\s+", "", unicodedata.normalize("NFKC", address)))
        return self.township_by_name[m.group(0)] if m else None

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
        # No township in the list: the registry's township for a matched institution, else
        # the township the address names (marked, so staff can see it was inferred).
        if cand is not None and row.region_id is None:
            row.region_id = cand.region_id
        if row.region_id is None:
            derived = self.regions.township_in(row.address)
            if derived is not None:
                row.region_id = derived
                row.region_derived = True
        if row.region_id is None:
            row.errors = [
                {
                    "column": self.col("region"),
                    "reason": "缺少所属乡镇（街道），地址中也没有本辖区的乡镇（街道）名称，"
                    "且未匹配到名录中的机构，无法确定核查属地。",
                }
            ]
            row.classification = Classification.ERROR
            row.institution_id = None
            return
        if row.review == ReviewState.PENDING:
            row.classification = Classification.REVIEW  # classified when staff decide
            return
        row.classification = classify(cand.status if cand else None, operating)

    def stage(self) -> None:
        run = self.run
        path = Path(run.file_path)
        with open_table(path) as table:  # the stored name carries the kind detected at upload
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
        if run.coverage == ListCoverage.FULL:
            _add_registry_absent_rows(run)

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


def _add_registry_absent_rows(run: ReconciliationRun) -> None:
    """Only for a complete (全量) list: institutions of the jurisdiction that should appear on
    this authority's list (or have no registration at all) but that no row matched. They go to
    their own bucket, 名录外待核, to be reviewed — never counted as unregistered operators.
    Rows of the run only (staging): set-based, streamed in chunks."""
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
                    classification=Classification.REGISTRY_ABSENT,
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

    from .models import VerifyResult

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
