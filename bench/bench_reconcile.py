"""Reconciliation of a 100,000-row and a 200,000-row registration list (xlsx) against a registry
of 20,000 institutions, compared with a plain openpyxl read (read_only, iterate every row) of the
same file in the same run.

Measured per size: the staging phase (stream, validate, match by code or fuzzy name, classify,
write the run's rows chunk by chunk, then the 名录外待核 rows of a complete list) — what the
preview shows —, the apply phase that staff's confirmation starts (one transaction: create the
new registered-not-filed institutions and the work items), and the plain read. Peak memory is
tracemalloc's peak for each phase, measured in a second pass (tracemalloc slows openpyxl's XML
parsing several-fold, so times come from an untraced pass, which also records the process RSS
high-water mark). Flat memory shows as a peak that does not double when the file doubles.

Two readings of the numbers. (1) openpyxl's read-only mode loads the workbook's shared-strings
table whole, so even the plain read's peak grows with the file; what the reconciliation itself
holds is the stage peak *above* the plain read's peak (``stage_peak_above_plain_read_mb``),
and that is what must stay flat. (2) The RSS high-water marks include the in-memory SQLite test
database (SQLite allocates outside tracemalloc), which grows with every row written, so they
track the data written, not the Python working set.

The benchmark runs in a separate, freshly migrated test database (in-memory for SQLite,
``test_<name>`` for PostgreSQL) that is destroyed at the end: it never leaves data in the dev
database."""

from __future__ import annotations

import contextlib
import gc
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

SIZES = (100_000, 200_000)
REGISTRY = 20_000
HEADERS = ["统一社会信用代码", "企业名称", "住所", "所属乡镇", "经营范围", "是否开展养老服务"]


def _code(n: int, prefix: str = "91371521") -> str:
    from stdnum.cn import uscc

    body = f"{prefix}{n:09d}"[:17]
    return body + uscc.calc_check_digit(body)


def _write_file(path: Path, n_rows: int, towns: list[str]) -> None:
    """Registry codes first (with name variants), then new registrations, with ~2 % bad rows."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(HEADERS)
    for i in range(n_rows):
        town = towns[i % len(towns)]
        if i < REGISTRY:
            ws.append(
                [_code(i), f"阳谷县福寿{i}号养老院（普通合伙）", f"振兴路 {i} 号", town, "养老服务", "是"]
            )
        elif i % 50 == 0:
            ws.append(["", f"无代码{i}养老院", "路", town, "养老服务", "是"])
        elif i % 50 == 1:
            ws.append([_code(i)[:-1] + "0", f"错码{i}养老院", "路", "不存在镇", "养老服务", "是"])
        else:
            ws.append(
                [
                    _code(i),
                    f"阳谷县新苑{i}养老服务有限公司",
                    f"新区路 {i} 号",
                    town,
                    "养老服务",
                    "否" if i % 7 == 0 else "是",
                ]
            )
    wb.save(path)


def _rss_hwm_reset() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM (Linux)


def _rss_hwm() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _measure(fn: Any, traced: bool = False) -> tuple[float, int, Any]:
    """(seconds, peak bytes, result). Untraced: peak is the process RSS high-water mark during
    the call. Traced: tracemalloc's peak of Python allocations (slow: only for memory)."""
    gc.collect()
    if traced:
        tracemalloc.start()
    else:
        _rss_hwm_reset()
    t0 = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - t0
    if traced:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    else:
        peak = _rss_hwm()
    return seconds, peak, out


def _plain_read(path: Path) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    n = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    return n


def _world() -> dict[str, Any]:
    from institutions.models import Institution
    from supervision.core.models import Assignment, Department, Region, User

    province = Region.objects.create(code="370000000000", name="山东省", level=1)
    city = Region.objects.create(code="371500000000", name="聊城市", level=2, parent=province)
    county = Region.objects.create(code="371521000000", name="阳谷县", level=3, parent=city)
    towns = [
        Region.objects.create(code=f"371521{k:03d}000", name=f"第{k}街道", level=4, parent=county)
        for k in range(1, 21)
    ]
    mz = Department.objects.create(code="civil_affairs", name="民政", is_lead=True)
    user = User.objects.create(username="bench")
    Assignment.objects.create(user=user, department=mz, region=county, role="inspector")
    Institution.objects.bulk_create(
        [
            Institution(
                credit_code=_code(i),
                name=f"阳谷县福寿{i}号养老院",
                kind="care_home",
                nature="for_profit",
                registration_authority="market",
                status="filed" if i % 2 else "registered_not_filed",
                region=towns[i % len(towns)],
                address=f"振兴路 {i} 号",
            )
            for i in range(REGISTRY)
        ],
        batch_size=1000,
    )
    return {"county": county, "towns": towns, "mz": mz, "user": user}


def _one_size(n_rows: int, world: dict[str, Any], tmp: Path) -> dict[str, Any]:
    from django.core.files import File
    from django.db import transaction

    from institutions.reconciliation import services
    from institutions.reconciliation.models import ReconciliationRun, RegistrationSource

    path = tmp / f"list-{n_rows}.xlsx"
    _write_file(path, n_rows, [t.name for t in world["towns"]])
    base_s, base_rss, read_rows = _measure(lambda: _plain_read(path))

    source, _ = RegistrationSource.objects.get_or_create(
        name="市场监管", region=world["county"], defaults={"authority": "market", "department": world["mz"]}
    )
    out: dict[str, Any] = {"rows": n_rows, "file_mb": round(path.stat().st_size / 1e6, 1)}

    def new_run() -> ReconciliationRun:
        with open(path, "rb") as fh:
            run = services.run_create(
                actor=world["user"], source=source, upload=File(fh, name=path.name), coverage="full"
            )
        run.mapping = services.guess_mapping(run.headers)
        run.status = "validating"
        run.save()
        return ReconciliationRun.objects.select_related("source", "region", "uploaded_by").get(pk=run.pk)

    sid = transaction.savepoint()
    run = new_run()
    stage_s, stage_rss, _ = _measure(lambda: services.Stager(run).stage())
    apply_s, apply_rss, _ = _measure(lambda: services.apply(run))
    run.refresh_from_db()
    transaction.savepoint_rollback(sid)  # the next pass starts from the same registry
    Path(run.file_path).unlink(missing_ok=True)
    # Memory pass under tracemalloc (much slower, so not timed for the ratio).
    _, base_peak, _ = _measure(lambda: _plain_read(path), traced=True)
    sid = transaction.savepoint()
    traced_run = new_run()
    _, stage_peak, _ = _measure(lambda: services.Stager(traced_run).stage(), traced=True)
    _, apply_peak, _ = _measure(lambda: services.apply(traced_run), traced=True)
    transaction.savepoint_rollback(sid)
    Path(traced_run.file_path).unlink(missing_ok=True)
    out |= {
        "plain_openpyxl_read_s": round(base_s, 2),
        "plain_read_peak_mb": round(base_peak / 1e6, 1),
        "plain_read_rows": read_rows,
        "stage_match_classify_s": round(stage_s, 2),
        "stage_peak_mb": round(stage_peak / 1e6, 1),
        "apply_s": round(apply_s, 2),
        "apply_peak_mb": round(apply_peak / 1e6, 1),
        "rss_high_water_mb": {
            "plain_read": round(base_rss / 1e6, 1),
            "stage": round(stage_rss / 1e6, 1),
            "apply": round(apply_rss / 1e6, 1),
        },
        "stage_peak_above_plain_read_mb": round((stage_peak - base_peak) / 1e6, 1),
        "ratio_stage_vs_plain_read": round(stage_s / base_s, 1),
        "ratio_total_vs_plain_read": round((stage_s + apply_s) / base_s, 1),
        "error_rows": run.error_rows,
        "counts": run.counts,
    }
    print(
        f"{n_rows:>7} rows: plain read {base_s:.1f}s / {base_peak / 1e6:.1f} MB · "
        f"stage {stage_s:.1f}s / {stage_peak / 1e6:.1f} MB · "
        f"apply {apply_s:.1f}s / {apply_peak / 1e6:.1f} MB · "
        f"ratio stage {out['ratio_stage_vs_plain_read']}× total {out['ratio_total_vs_plain_read']}×",
        flush=True,
    )
    return out


def run() -> dict[str, Any]:
    from django.conf import settings
    from django.db import connection, transaction
    from django.test.utils import setup_databases, teardown_databases

    settings.DEBUG = False  # no query log growing in memory
    old = setup_databases(verbosity=0, interactive=False)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings.PRIVATE_STORAGE_ROOT = Path(tmp) / "private"
            results: dict[str, Any] = {"registry": REGISTRY, "database": connection.vendor}
            with transaction.atomic():
                world = _world()
                results["sizes"] = [_one_size(n, world, Path(tmp)) for n in SIZES]
                transaction.set_rollback(True)
    finally:
        teardown_databases(old, verbosity=0)
    small, big = results["sizes"][0], results["sizes"][-1]
    results["stage_peak_growth_when_file_doubles"] = round(big["stage_peak_mb"] / small["stage_peak_mb"], 2)
    results["apply_peak_growth_when_file_doubles"] = round(big["apply_peak_mb"] / small["apply_peak_mb"], 2)
    results["stage_overhead_growth_when_file_doubles"] = round(
        big["stage_peak_above_plain_read_mb"] / max(small["stage_peak_above_plain_read_mb"], 0.1), 2
    )
    print(
        f"peak memory growth when the file doubles: stage ×{results['stage_peak_growth_when_file_doubles']} "
        f"(above the plain read ×{results['stage_overhead_growth_when_file_doubles']}), "
        f"apply ×{results['apply_peak_growth_when_file_doubles']}"
    )
    return results
