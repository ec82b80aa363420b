"""Anomaly detection over monthly claim lines on PostgreSQL: 5,000,000 lines (``FUNDS_BENCH_LINES``
to change it), 2,000 homes, 12 months, a resident claimed at two homes in the same month in
0.05 % of the lines.

Measured in the same run, each three times (median):

* baseline: the single hand-written SQL statement of the rule "the same resident claimed at two
  institutions for the same month" (the lines that are such a claim, the columns the rule reads);
* detection: the rule as the portal runs it (``funds.services.anomalies.detect``, the ORM
  statement, streamed with ``iterator``), every hit read;
* the whole run (``run_rules`` for that rule: detection plus one flag per hit claim), once.

Goal: detection ≤ 2 × the baseline. Memory: the Python heap peak (``tracemalloc``) of the
detection at half the lines and at all of them, which must not grow with the lines (only the
hits come back). Runs in its own database ``bench_funds`` (dropped and recreated). Skipped on
SQLite with a message."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import statistics
import time
import tracemalloc
from typing import Any

LINES = int(os.environ.get("FUNDS_BENCH_LINES", "5000000"))
HOMES = 2000
MONTHS = 12
DUPLICATE_EVERY = 2000  # one line in 2,000 is a resident also claimed elsewhere that month
BENCH_DB = "bench_funds"
RULE = "subsidy.duplicate_resident"


def _recreate_database() -> None:
    import psycopg
    from django.db import connection

    s = connection.settings_dict
    with psycopg.connect(
        host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"], password=s["PASSWORD"] or None,
        dbname="postgres", autocommit=True,
    ) as admin:  # fmt: skip
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        admin.execute(f"CREATE DATABASE {BENCH_DB}")


def _use_bench_database() -> None:
    from django.core.management import call_command
    from django.db import connection, connections

    connection.close()
    connections.databases["default"]["NAME"] = BENCH_DB
    connection.settings_dict["NAME"] = BENCH_DB
    call_command("migrate", verbosity=0)


def _world() -> tuple[Any, list[Any], list[Any]]:
    from decimal import Decimal

    from funds.models import ProgrammeKind, SubsidyProgramme
    from institutions.models import Institution
    from supervision.core.models import Department, Domain, Region

    prov = Region.objects.create(code="370000000000", name="山东省", level=1)
    city = Region.objects.create(code="371500000000", name="聊城市", level=2, parent=prov)
    county = Region.objects.create(code="371521000000", name="阳谷县", level=3, parent=city)
    town = Region.objects.create(code="371521100000", name="博济桥街道", level=4, parent=county)
    Department.objects.get_or_create(code="civil_affairs", defaults={"name": "民政", "is_lead": True})
    domain, _ = Domain.objects.get_or_create(code="fiscal_funds", defaults={"name": "财政资金"})
    programme = SubsidyProgramme.objects.create(
        name="运营补贴", kind=ProgrammeKind.OPERATION_RESIDENT, region=county, domain=domain,
        unit_amount=Decimal("100"), legal_basis="bench", source_document="bench",
    )  # fmt: skip
    homes = Institution.objects.bulk_create(
        [
            Institution(name=f"养老院{i}", kind="institution", nature="non_profit", region=town, address="x",
                        status="filed", beds=400)
            for i in range(HOMES)
        ],
        batch_size=1000,
    )  # fmt: skip
    months = [dt.date(2026, m, 1) for m in range(1, MONTHS + 1)]
    return programme, homes, months


def _load(programme: Any, homes: list[Any], months: list[Any], start: int, stop: int) -> float:
    """COPY claims (one per home and month, created on first use) and lines ``start``…``stop``."""
    from django.db import connection

    from funds.models import ClaimLine, SubsidyClaim

    t0 = time.perf_counter()
    per_claim = max(1, LINES // (HOMES * MONTHS))
    claims: dict[tuple[int, int], int] = {
        (c.institution_id, c.period_start.month): c.pk
        for c in SubsidyClaim.objects.only("pk", "institution_id", "period_start")
    }
    missing = [(h, m) for h in homes for m in months if (h.pk, m.month) not in claims]
    if missing:
        buf = io.StringIO()
        now = "2026-12-01 00:00:00+08"
        null = "\\N"
        for h, m in missing:
            values = [
                f"BZ{h.pk:05d}-{m.month:02d}", programme.pk, h.pk, h.region_id, m, m, "paid", 0, null, "",
                null, null, null, null, "", null, null, "", m, null, "", null, now, now,
            ]  # fmt: skip
            buf.write("\t".join(str(v) for v in values) + "\n")
        cols = (
            "number, programme_id, institution_id, region_id, period_start, period_end, status, "
            "amount_claimed, amount_approved, basis_note, filed_by_id, submitted_at, reviewed_by_id, "
            "reviewed_at, review_note, approved_by_id, approved_at, approval_note, paid_on, paid_amount, "
            "payment_reference, paid_by_id, created_at, updated_at"
        )
        with (
            connection.cursor() as cur,
            cur.cursor.copy(f"COPY {SubsidyClaim._meta.db_table} ({cols}) FROM STDIN") as copy,
        ):
            copy.write(buf.getvalue())
        claims = {
            (c.institution_id, c.period_start.month): c.pk
            for c in SubsidyClaim.objects.only("pk", "institution_id", "period_start")
        }
    cols = (
        "claim_id, institution_id, month, kind, quantity, care_level, resident_name, id_hash, id_masked, "
        "amount"
    )
    with (
        connection.cursor() as cur,
        cur.cursor.copy(f"COPY {ClaimLine._meta.db_table} ({cols}) FROM STDIN") as copy,
    ):
        chunk = io.StringIO()
        for i in range(start, stop):
            slot = i // per_claim
            home = homes[slot % HOMES]
            month = months[(slot // HOMES) % MONTHS]
            # a resident is unique to (home, seat); a duplicate reuses a resident of the next home
            person = i
            if i % DUPLICATE_EVERY == 0:
                other = (slot % HOMES + 1) % HOMES
                person = (((slot // HOMES) % MONTHS) * HOMES + other) * per_claim
            digest = hashlib.blake2b(str(person).encode(), digest_size=32).hexdigest()
            chunk.write(
                f"{claims[(home.pk, month.month)]}\t{home.pk}\t{month}\tresident\t1\tmoderate\t\t{digest}\t"
                f"3725**********{person % 10000:04d}\t300\n"
            )
            if i % 100_000 == 99_999:
                copy.write(chunk.getvalue())
                chunk = io.StringIO()
        copy.write(chunk.getvalue())
    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {ClaimLine._meta.db_table}")
        cur.execute(f"ANALYZE {SubsidyClaim._meta.db_table}")
    return time.perf_counter() - t0


BASELINE = """
    SELECT l.claim_id, l.institution_id, l.month, l.id_masked, l.id_hash
    FROM funds_claimline l JOIN funds_subsidyclaim c ON c.id = l.claim_id
    WHERE l.kind = 'resident'
      AND c.status IN ('submitted','reviewed','approved','paid','recovering','recovered')
      AND EXISTS (
        SELECT 1 FROM funds_claimline o JOIN funds_subsidyclaim oc ON oc.id = o.claim_id
        WHERE o.kind = 'resident' AND o.month = l.month AND o.id_hash = l.id_hash
          AND o.institution_id <> l.institution_id
          AND oc.status IN ('submitted','reviewed','approved','paid','recovering','recovered'))
"""


def _baseline() -> tuple[float, int]:
    from django.db import connection

    with connection.cursor() as cur:
        t0 = time.perf_counter()
        cur.execute(BASELINE)
        n = len({row[0] for row in cur.fetchall()})
        return time.perf_counter() - t0, n


def _detect(trace: bool = False) -> tuple[float, int, int]:
    """The portal's statement, streamed; (seconds, hit claims, Python heap peak in bytes). The
    heap is traced in a separate pass (``trace``), so tracing never slows the timed ones."""
    from funds.services.anomalies import detect

    if trace:
        tracemalloc.start()
    t0 = time.perf_counter()
    claims = set()
    for row in detect(RULE).iterator(chunk_size=2000):
        claims.add(row["claim_id"])
    elapsed = time.perf_counter() - t0
    peak = 0
    if trace:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return elapsed, len(claims), peak


def _measure() -> dict[str, Any]:
    _baseline()
    _detect()  # warm the cache
    base, det = [], []
    rows = hits = 0
    for _ in range(3):
        t, rows = _baseline()
        base.append(t)
        t, hits, _peak = _detect()
        det.append(t)
    assert rows == hits, f"baseline found {rows} claims, the rule {hits}"
    _t, _hits, peak = _detect(trace=True)
    return {
        "baseline_ms": round(statistics.median(base) * 1000, 1),
        "detect_ms": round(statistics.median(det) * 1000, 1),
        "hit_claims": hits,
        "ratio": round(statistics.median(det) / statistics.median(base), 2),
        "python_peak_kb": round(peak / 1024, 1),
    }


def run() -> dict[str, Any]:
    from django.db import connection

    if connection.vendor != "postgresql":
        msg = "skipped: the funds benchmark needs PostgreSQL (set DATABASE_URL=postgres://…)"
        print(msg)
        return {"skipped": msg}
    _recreate_database()
    _use_bench_database()
    programme, homes, months = _world()
    half = LINES // 2
    load_half = _load(programme, homes, months, 0, half)
    at_half = _measure()
    load_rest = _load(programme, homes, months, half, LINES)
    at_full = _measure()
    from funds.models import FundFlag
    from funds.services.anomalies import run_rules

    t0 = time.perf_counter()
    created = run_rules(codes=[RULE])[RULE]
    run_seconds = time.perf_counter() - t0
    result = {
        "lines": LINES,
        "homes": HOMES,
        "months": MONTHS,
        "seconds_to_load": round(load_half + load_rest, 1),
        "at_half_lines": at_half,
        "at_all_lines": at_full,
        "ratio_detect_to_sql": at_full["ratio"],
        "run_rules_seconds": round(run_seconds, 2),
        "flags_created": created,
        "flags_total": FundFlag.objects.count(),
        "memory_growth": round(at_full["python_peak_kb"] / max(at_half["python_peak_kb"], 1), 2),
        "goal": "ratio_detect_to_sql <= 2; python_peak_kb tracks the hits, not the lines",
    }
    print(
        f"duplicate-resident rule over {LINES:,} lines: {at_full['detect_ms']} ms vs SQL "
        f"{at_full['baseline_ms']} ms = {at_full['ratio']}x; "
        f"heap peak {at_half['python_peak_kb']} KB at half, "
        f"{at_full['python_peak_kb']} KB at all lines ({at_full['hit_claims']} hit claims)"
    )
    return result
