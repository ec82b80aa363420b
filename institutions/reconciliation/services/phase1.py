"""Phase 1: reading the file into staged rows (region index, registry, stager), with progress."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db.models import Min

from institutions.models import (
    Institution,
    InstitutionStatus,
    RegistrationAuthority,
)
from institutions.validators import explain_credit_code, normalise_credit_code
from supervision.core.models import Region, RegionLevel

from ..models import (
    FIELDS,
    Classification,
    ListCoverage,
    MatchMethod,
    ReconciliationRow,
    ReconciliationRun,
    ReviewState,
    RunStatus,
)
from ..normalise import AUTO_ACCEPT, REVIEW, Candidate, NameIndex, split_name
from ..parsers import open_table
from .common import CHUNK, NEGATIVE

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
        from ..normalise import normalise_address

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
