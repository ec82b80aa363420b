"""Loading reference data: the division tree (``import_regions``) and the shipped
departments, domains and responsibility matrix (``load_reference_data``).

The region import streams the file and writes in chunks, so a national file of ~700,000
villages runs in bounded memory: what is held is one chunk of rows plus a map from code to id
of the non-leaf regions (levels 1–4, about 45,000 nationally), which is what parents are
resolved against. Files sorted by code (as published) resolve every parent on the way; rows
whose parent comes later in an unsorted file are held back and retried at the end.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import transaction

from supervision.core.models import LEVEL_PREFIX, Department, Domain, Region, Remit, RemitRole

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

CODE_LENGTHS = (2, 4, 6, 9, 12)
# City-level rows of the statistics table that are not governments: the counties below them
# are attached to the province instead (天津市 → 南开区, 重庆市 → 酉阳县).
PLACEHOLDER_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
HEADER_ALIASES = {
    "code": "code",
    "区划代码": "code",
    "代码": "code",
    "name": "name",
    "名称": "name",
    "level": "level",
    "级别": "level",
    "parent_code": "parent_code",
    "parent": "parent_code",
    "上级代码": "parent_code",
    "上级区划代码": "parent_code",
}
LEVEL_WORDS = {
    "省级": 1,
    "市级": 2,
    "地级": 2,
    "县级": 3,
    "乡级": 4,
    "乡镇（街道）": 4,
    "村级": 5,
    "村（社区）": 5,
}


def pad_code(code: str) -> str:
    """A 2/4/6/9/12-digit division code right-padded to the 12-digit form."""
    return code.ljust(12, "0")


def level_of(code12: str) -> int:
    """The level a padded code denotes: the deepest segment that is not all zeros."""
    for level in (5, 4, 3, 2):
        start = LEVEL_PREFIX[level - 1]
        if code12[start : LEVEL_PREFIX[level]].strip("0"):
            return level
    return 1


def ancestor_codes(code12: str, level: int) -> list[str]:
    """Candidate parents, nearest first (a township's county, then city, then province)."""
    return [pad_code(code12[: LEVEL_PREFIX[up]]) for up in range(level - 1, 0, -1)]


@dataclass
class RegionRow:
    line: int
    code: str
    name: str
    level: int
    parent_code: str  # explicit, padded; "" means infer from the code


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    skipped_placeholders: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.rows - len(self.errors) - self.skipped_placeholders


class RegionFileError(ValueError):
    """The file as a whole cannot be read (no code/name columns)."""


def _parse(raw: Iterable[str]) -> Iterator[tuple[int, RegionRow | str]]:
    """Yield ``(line, row)`` for good rows and ``(line, reason)`` for bad ones; comment (#)
    and blank lines are skipped. A header row names the columns; without one the columns
    are code, name, level, parent_code."""
    reader = csv.reader(raw)
    columns: dict[str, int] | None = None
    for cells in reader:
        line = reader.line_num
        if not cells or not "".join(cells).strip() or cells[0].lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in cells]
        if columns is None:
            names = [HEADER_ALIASES.get(c.lstrip("\ufeff").lower(), "") for c in cells]
            if "code" in names and "name" in names:
                columns = {n: i for i, n in reversed(list(enumerate(names))) if n}
                continue
            if cells[0].lstrip("\ufeff").isdigit():
                columns = {"code": 0, "name": 1, "level": 2, "parent_code": 3}
                cells[0] = cells[0].lstrip("\ufeff")
            else:
                raise RegionFileError("文件缺少表头：至少需要 code（区划代码）和 name（名称）两列")

        values = {key: cells[i] if i < len(cells) else "" for key, i in columns.items()}
        yield (
            line,
            _validate(
                line, values["code"], values["name"], values.get("level", ""), values.get("parent_code", "")
            ),
        )


def _validate(line: int, code: str, name: str, level_text: str, parent: str) -> RegionRow | str:
    if not code:
        return "缺少区划代码"
    if not code.isdigit():
        return f"区划代码只能包含数字：{code}"
    if len(code) not in CODE_LENGTHS:
        return f"区划代码长度应为 6、9 或 12 位（省、市级可为 2、4 位），实际 {len(code)} 位：{code}"
    if not name:
        return f"缺少名称：{code}"
    if len(name) > 100:
        return f"名称超过 100 个字：{code}"
    code12 = pad_code(code)
    if code12[:2] == "00":
        return f"区划代码的省级代码不能为 00：{code}"
    level = level_of(code12)
    if level_text:
        given = int(level_text) if level_text.isdigit() else LEVEL_WORDS.get(level_text)
        if given not in LEVEL_PREFIX:
            return f"级别应为 1–5：{level_text}"
        if given != level:
            return f"级别 {given} 与区划代码 {code} 所示级别 {level} 不符"
    parent12 = ""
    if parent:
        if not parent.isdigit() or len(parent) not in CODE_LENGTHS:
            return f"上级区划代码格式不正确：{parent}"
        parent12 = pad_code(parent)
        if parent12 not in ancestor_codes(code12, level):
            return f"上级区划代码 {parent} 不是 {code} 的上级"
    return RegionRow(line=line, code=code12, name=name, level=level, parent_code=parent12)


class RegionImporter:
    """Upsert regions chunk by chunk; see the module docstring for the memory bound."""

    def __init__(self, chunk_size: int = 5000, keep_placeholders: bool = False) -> None:
        self.chunk_size = chunk_size
        self.keep_placeholders = keep_placeholders
        self.result = ImportResult()
        self.ids: dict[str, int] = dict(Region.objects.filter(level__lt=5).values_list("code", "id"))
        self.pending: list[RegionRow] = []

    def run(self, raw: Iterable[str]) -> ImportResult:
        before = Region.objects.count()
        chunk: dict[str, RegionRow] = {}
        for line, parsed in _parse(raw):
            self.result.rows += 1
            if isinstance(parsed, str):
                self.result.errors.append((line, parsed))
                continue
            if parsed.level == 2 and parsed.name in PLACEHOLDER_NAMES and not self.keep_placeholders:
                self.result.skipped_placeholders += 1
                continue
            if parsed.code in chunk:
                # One INSERT … ON CONFLICT may not touch a row twice (PostgreSQL refuses).
                first = chunk[parsed.code].line
                self.result.errors.append((line, f"区划代码 {parsed.code} 重复（与第 {first} 行相同）"))
                continue
            chunk[parsed.code] = parsed
            if len(chunk) >= self.chunk_size:
                self._write(list(chunk.values()))
                chunk = {}
        self._write(list(chunk.values()))
        # Rows whose parent came later in an unsorted file: ancestors sort before descendants.
        retry, self.pending = sorted(self.pending, key=lambda r: r.code), []
        self._write(retry)
        for row in self.pending:
            wanted = row.parent_code or "、".join(ancestor_codes(row.code, row.level))
            self.result.errors.append((row.line, f"上级区划不存在：{wanted}（{row.code} {row.name}）"))
        self.result.errors.sort()
        self.result.created = Region.objects.count() - before
        return self.result

    def _parent_id(self, row: RegionRow) -> int | bool | None:
        """The parent's id, None for a province, or False when the parent is unknown."""
        if row.parent_code:
            return self.ids.get(row.parent_code, False)
        if row.level == 1:
            return None
        for candidate in ancestor_codes(row.code, row.level):
            if candidate in self.ids:
                return self.ids[candidate]
        return False

    def _write(self, rows: list[RegionRow]) -> None:
        """Insert level by level so that a township's villages in the same chunk find it."""
        for level in sorted({r.level for r in rows}):
            batch: list[Region] = []
            for row in rows:
                if row.level != level:
                    continue
                parent_id = self._parent_id(row)
                if parent_id is False:
                    self.pending.append(row)
                    continue
                batch.append(Region(code=row.code, name=row.name, level=row.level, parent_id=parent_id))
            if not batch:
                continue
            with transaction.atomic():
                Region.objects.bulk_create(
                    batch,
                    update_conflicts=True,
                    unique_fields=["code"],
                    update_fields=["name", "level", "parent"],
                    batch_size=1000,
                )
            if level < 5:
                codes = [r.code for r in batch]
                for start in range(0, len(codes), 900):  # stay under SQLite's variable limit
                    part = codes[start : start + 900]
                    self.ids.update(Region.objects.filter(code__in=part).values_list("code", "id"))


def open_text(path: str | Path, encoding: str = "utf-8-sig") -> IO[str]:
    return open(path, encoding=encoding, newline="")


def import_regions(source: str | Path | IO[str], chunk_size: int = 5000, **options: Any) -> ImportResult:
    """Import a division file (path or open text stream) into ``Region``."""
    importer = RegionImporter(chunk_size=chunk_size, **options)
    if isinstance(source, (str, Path)):
        with open_text(source) as fh:
            return importer.run(fh)
    return importer.run(source)


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh) if not r[next(iter(r))].startswith("#")]


@dataclass
class ReferenceSummary:
    regions: ImportResult
    domains: int
    departments: int
    remits: int


def load_reference_data() -> ReferenceSummary:
    """Load the shipped regions, domains, departments and remits; safe to run again
    (rows are matched by code, remits by department+domain, and updated in place)."""
    regions = import_regions(DATA_DIR / "regions.csv")
    with transaction.atomic():
        domains = {}
        for r in _rows("domains.csv"):
            domains[r["code"]], _ = Domain.objects.update_or_create(
                code=r["code"], defaults={"name": r["name"], "description": r["description"]}
            )
        departments = {}
        for r in _rows("departments.csv"):
            departments[r["code"]], _ = Department.objects.update_or_create(
                code=r["code"],
                defaults={"name": r["name"], "short_name": r["short_name"], "is_lead": r["is_lead"] == "1"},
            )
        remits = _rows("remits.csv")
        for r in remits:
            if r["role"] not in RemitRole.values:
                raise ValueError(f"remits.csv: unknown role {r['role']!r}")
            Remit.objects.update_or_create(
                department=departments[r["department"]],
                domain=domains[r["domain"]],
                defaults={"role": r["role"], "duty": r["duty"], "source": r["source"]},
            )
    return ReferenceSummary(
        regions=regions, domains=len(domains), departments=len(departments), remits=len(remits)
    )


def text_stream(content: str) -> IO[str]:
    """Helper for tests and callers holding the file in memory."""
    return io.StringIO(content, newline="")
