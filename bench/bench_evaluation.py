# ruff: noqa: E501  (the hand-written SQL of the baseline keeps one clause a line)
"""The 004 evaluation's computed rows for one county on PostgreSQL, against hand-written SQL.

A county is built in its own database ``bench_evaluation`` (dropped and recreated): 20
townships, ``EVAL_BENCH_HOMES`` institutions (default 1,500: about ten times the national
average of 14 institutions and 130 community facilities a county, so that the queries, not
their overhead, are measured), three inspections a year each, two findings per inspection,
four staff each, ratings, fire-acceptance states and names. Rows are inserted with
``bulk_create``.

Measured in the same run, each three times (median), for the county's civil-affairs inspector:

* registry: every computed row of the form as the portal fills it
  (``supervision.evaluation.services.computed_rows`` for 2.2 … 4.21, all their indicators);
* registry subset: the figures of 3.5, 4.1, 4.5, 4.9, 4.20 and 4.21 only;
* baseline: one hand-written SQL statement per row for that subset (the same figures).

Goal: registry subset ≤ 2 × baseline. Skipped on SQLite with a message.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time
from decimal import Decimal
from typing import Any

HOMES = int(os.environ.get("EVAL_BENCH_HOMES", "1500"))
TOWNSHIPS = 20
BENCH_DB = "bench_evaluation"
YEAR = 2026
SUBSET = ("3.5", "4.1", "4.5", "4.9", "4.20", "4.21")


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


def _build() -> tuple[Any, Any]:
    """The county, its townships, institutions and their year; returns (county, inspector)."""
    from inspections.models import Finding, Inspection
    from institutions.models import GradeRating, Institution, Person, Staff
    from supervision.core.models import Assignment, Department, Domain, Region, User

    province = Region.objects.create(code="370000000000", name="山东省", level=1)
    city = Region.objects.create(code="371500000000", name="聊城市", level=2, parent=province)
    county = Region.objects.create(code="371521000000", name="阳谷县", level=3, parent=city)
    towns = Region.objects.bulk_create(
        Region(code=f"371521{n:03d}000", name=f"第{n}街道", level=4, parent=county)
        for n in range(1, TOWNSHIPS + 1)
    )
    mz, _ = Department.objects.get_or_create(code="civil_affairs", defaults={"name": "民政", "is_lead": True})
    fire, _ = Domain.objects.get_or_create(code="fire", defaults={"name": "消防安全"})
    user = User.objects.create(username="bench_mz")
    Assignment.objects.create(user=user, department=mz, region=county, role="inspector")
    fire_states = ("passed", "technical_only", "pending", "not_required")
    homes = Institution.objects.bulk_create(
        Institution(
            name=f"阳谷县福寿{n}号养老院" if n % 7 else f"夕阳红之家{n}",
            name_nonstandard=not n % 7,
            kind="care_home" if n % 10 < 4 else "community",
            nature="non_profit",
            status=("filed", "filed", "registered_not_filed", "unregistered", "terminated")[n % 5],
            region=towns[n % TOWNSHIPS],
            address="地址",
            beds=20 + n % 80,
            fire_acceptance=fire_states[n % 4],
            service_items="生活照料" if n % 3 else "",
            fee_standards="床位费" if n % 3 else "",
        )
        for n in range(HOMES)
    )
    GradeRating.objects.bulk_create(
        GradeRating(
            institution=h, level=3, score_environment=Decimal(100), score_facilities=Decimal(100),
            score_management=Decimal(120), score_service=Decimal(480), total=Decimal(800),
            rated_on=dt.date(2025, 6, 1), valid_until=dt.date(2028 if i % 2 else 2025, 6, 1),
        )
        for i, h in enumerate(homes) if i % 3 == 0
    )  # fmt: skip
    people = Person.objects.bulk_create(
        Person(name=f"员工{n}", id_hash=f"h{n}", id_masked="3715**********0011") for n in range(HOMES * 4)
    )
    roles = ("social_worker", "caregiver", "caregiver", "manager")
    Staff.objects.bulk_create(
        Staff(institution=homes[n // 4], person=people[n], role=roles[n % 4], hired_on=dt.date(2024, 1, 1))
        for n in range(HOMES * 4)
    )
    inspections = Inspection.objects.bulk_create(
        Inspection(
            institution=homes[n // 3], department=mz, kind="routine" if n % 2 else "special",
            status=("closed", "published", "planned")[n % 3],
            inspected_on=None if n % 3 == 2 else dt.date(YEAR, 1 + n % 12, 1 + n % 28),
        )
        for n in range(HOMES * 3)
    )  # fmt: skip
    Finding.objects.bulk_create(
        Finding(
            institution=i.institution, inspection=i, domain=fire, severity=("general", "serious", "major")[n % 3],
            status=("open", "rectified", "closed")[n % 3], description="隐患", found_on=i.inspected_on,
            supervising_department=mz, found_by_department=mz,
        )
        for n, i in enumerate(x for x in inspections for _ in range(2)) if i.inspected_on
    )  # fmt: skip
    return county, user


# The same figures as the registry's 3.5, 4.1, 4.5, 4.9, 4.20, 4.21, one statement per row.
BASELINE: dict[str, str] = {
    "3.5": """
        WITH homes AS (SELECT i.id FROM institutions_institution i JOIN core_region r ON r.id = i.region_id
                       WHERE r.code LIKE %(prefix)s AND i.kind = 'care_home'
                         AND i.status IN ('filed', 'registered_not_filed', 'unregistered')),
             done AS (SELECT DISTINCT n.institution_id FROM inspections_inspection n
                      WHERE n.status IN ('closed', 'published') AND n.inspected_on BETWEEN %(start)s AND %(end)s)
        SELECT count(*) FILTER (WHERE d.institution_id IS NOT NULL),
               count(*) FILTER (WHERE d.institution_id IS NULL), count(*)
        FROM homes h LEFT JOIN done d ON d.institution_id = h.id""",
    "4.1": """
        SELECT (SELECT count(*) FROM inspections_inspection n JOIN institutions_institution i ON i.id = n.institution_id
                JOIN core_region r ON r.id = i.region_id WHERE r.code LIKE %(prefix)s
                AND n.status IN ('closed', 'published') AND n.inspected_on BETWEEN %(start)s AND %(end)s),
               count(*), count(*) FILTER (WHERE f.severity = 'major'),
               count(*) FILTER (WHERE f.status IN ('rectified', 'closed'))
        FROM inspections_finding f JOIN institutions_institution i ON i.id = f.institution_id
        JOIN core_region r ON r.id = i.region_id
        WHERE r.code LIKE %(prefix)s AND f.found_on BETWEEN %(start)s AND %(end)s""",
    "4.5": """
        SELECT count(*), count(*) FILTER (WHERE EXISTS (
                 SELECT 1 FROM institutions_graderating g WHERE g.institution_id = i.id
                 AND g.rated_on <= %(end)s AND g.valid_until >= %(end)s))
        FROM institutions_institution i JOIN core_region r ON r.id = i.region_id
        WHERE r.code LIKE %(prefix)s AND i.kind = 'care_home'
          AND i.status IN ('filed', 'registered_not_filed', 'unregistered')""",
    "4.9": """
        SELECT count(*), count(*) FILTER (WHERE i.fire_acceptance IN ('passed', 'not_required')),
               count(*) FILTER (WHERE i.fire_acceptance = 'technical_only'),
               count(*) FILTER (WHERE i.fire_acceptance = 'pending')
        FROM institutions_institution i JOIN core_region r ON r.id = i.region_id
        WHERE r.code LIKE %(prefix)s AND i.kind = 'care_home'
          AND i.status IN ('filed', 'registered_not_filed', 'unregistered')""",
    "4.20": """
        SELECT count(*) FROM institutions_institution i JOIN core_region r ON r.id = i.region_id
        WHERE r.code LIKE %(prefix)s AND i.status = 'filed' AND i.name_nonstandard""",
    "4.21": """
        SELECT (SELECT count(*) FROM institutions_staff s JOIN institutions_institution i ON i.id = s.institution_id
                JOIN core_region r ON r.id = i.region_id WHERE r.code LIKE %(prefix)s
                AND s.role = 'social_worker' AND s.hired_on <= %(end)s AND (s.left_on IS NULL OR s.left_on > %(end)s)
                AND i.kind = 'care_home' AND i.status IN ('filed', 'registered_not_filed', 'unregistered')),
               (SELECT coalesce(sum(i.beds), 0) FROM institutions_institution i JOIN core_region r ON r.id = i.region_id
                WHERE r.code LIKE %(prefix)s AND i.kind = 'care_home'
                AND i.status IN ('filed', 'registered_not_filed', 'unregistered'))""",
}


def _median(fn: Any, runs: int = 3) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def run() -> dict[str, Any]:
    from django.db import connection

    if connection.vendor != "postgresql":
        return {"skipped": "needs PostgreSQL (set DATABASE_URL)"}
    _recreate_database()
    _use_bench_database()
    t0 = time.perf_counter()
    county, user = _build()
    built = time.perf_counter() - t0
    from supervision.evaluation.data.indicators_004 import COMPUTED
    from supervision.evaluation.services import computed_rows
    from supervision.indicators import Period

    period = Period.year(YEAR)
    params = {"prefix": county.prefix + "%", "start": period.start, "end": period.end}

    def registry(numbers: Any) -> dict[str, Any]:
        return {n: computed_rows(n, user, county, period) for n in numbers}

    def baseline() -> dict[str, Any]:
        out = {}
        with connection.cursor() as cur:
            for number, sql in BASELINE.items():
                cur.execute(sql, params)
                out[number] = cur.fetchone()
        return out

    registry(COMPUTED)  # warm the connection and the caches once
    all_s, _rows = _median(lambda: registry(sorted(COMPUTED)))
    subset_s, subset = _median(lambda: registry(SUBSET))
    base_s, base = _median(baseline)
    figures = {n: [r["value"] for r in rows] for n, rows in subset.items()}
    ratio = subset_s / base_s if base_s else None
    return {
        "homes": HOMES,
        "townships": TOWNSHIPS,
        "build_s": round(built, 2),
        "registry_all_rows_s": round(all_s, 4),
        "registry_subset_s": round(subset_s, 4),
        "baseline_subset_s": round(base_s, 4),
        "ratio": round(ratio, 2) if ratio else None,
        "goal": "registry subset ≤ 2 × baseline",
        "met": ratio is not None and ratio <= 2,
        "registry_figures": figures,
        "baseline_figures": {k: list(v) for k, v in base.items()},
    }
