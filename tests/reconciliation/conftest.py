"""Fixtures for the reconciliation tests: a second township in 阳谷县, a township persona, and
helpers that write registration lists and run them through the real pipeline."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from django.core.files import File
from openpyxl import Workbook

from institutions.reconciliation import services
from institutions.reconciliation.models import ReconciliationRun, RegistrationSource
from supervision.core.models import Role
from tests.factories import AssignmentFactory, RegionFactory, UserFactory


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    """Uploaded lists go to a per-test directory, not the checkout's ``private/``."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _background_inline(settings):
    """Imports run in the background; here they run in the test's thread once the captured
    on-commit callbacks execute, so every test is deterministic. A test of the background
    thread itself sets ``BACKGROUND_TASKS_INLINE = False``."""
    settings.BACKGROUND_TASKS_INLINE = True


@pytest.fixture
def town2(world):
    return RegionFactory(code="371521002000", name="侨润街道", level=4, parent=world.yanggu)


@pytest.fixture
def town_mz(world):
    """Civil-affairs staff of the township 博济桥街道 (阳谷县)."""
    user = UserFactory(username="bojiqiao_mz")
    AssignmentFactory(user=user, department=world.mz, region=world.yanggu_town, role=Role.INSPECTOR)
    return user


@pytest.fixture
def town2_mz(world, town2):
    user = UserFactory(username="qiaorun_mz")
    AssignmentFactory(user=user, department=world.mz, region=town2, role=Role.INSPECTOR)
    return user


def write_xlsx(path: Path, headers: list[str], rows: Iterable[list[Any]]) -> Path:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def write_csv(path: Path, headers: list[str], rows: Iterable[list[Any]], encoding: str = "utf-8-sig") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        w.writerows(rows)
    return path


def upload(user, path: Path, source: RegistrationSource, coverage: str = "incremental") -> ReconciliationRun:
    with open(path, "rb") as fh:
        return services.run_create(
            actor=user, source=source, upload=File(fh, name=path.name), coverage=coverage
        )


def start(
    run: ReconciliationRun, user, mapping: dict[str, str] | None, capture, confirm: bool = True
) -> ReconciliationRun:
    """Confirm the mapping (the check runs up to the preview), then, unless ``confirm`` is
    False, confirm the import; the on-commit tasks run eagerly, as in the embedded default."""
    import os

    if os.environ.get("RECON_PROFILE"):
        import cProfile

        run.status = "mapping"
        services.run_confirm_mapping(run, actor=user, mapping=mapping if mapping is not None else run.mapping)
        cProfile.runctx("services.run_process(run.pk)", globals(), locals(), sort="cumtime")
        run.refresh_from_db()
        if confirm:
            services.run_confirm(run, actor=user)
            cProfile.runctx("services.run_process(run.pk)", globals(), locals(), sort="cumtime")
            run.refresh_from_db()
        return run
    with capture(execute=True):
        services.run_confirm_mapping(run, actor=user, mapping=mapping if mapping is not None else run.mapping)
    run.refresh_from_db()
    if confirm and run.status == "preview":
        run = confirm_import(run, user, capture)
    return run


def confirm_import(run: ReconciliationRun, user, capture) -> ReconciliationRun:
    with capture(execute=True):
        services.run_confirm(run, actor=user)
    run.refresh_from_db()
    return run


@pytest.fixture
def market_source(world):
    return RegistrationSource.objects.create(
        name="阳谷县市场监管局经营范围含养老服务的市场主体",
        authority="market",
        region=world.yanggu,
        department=world.mz,
    )
