"""Who may upload and where, the column mapping, creating and starting a run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction

from supervision.core import policy, spreadsheets
from supervision.core.background import run_in_background
from supervision.core.models import Assignment
from supervision.core.scoping import ensure_visible
from supervision.core.transitions import transition
from supervision.files import store as files

from ..models import (
    FIELDS,
    REQUIRED_FIELDS,
    RUN_TRANSITIONS,
    ListCoverage,
    ReconciliationRun,
    RegistrationSource,
    RunStatus,
)
from ..parsers import UnreadableFile, read_headers

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
    from ..tasks import process_run

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
