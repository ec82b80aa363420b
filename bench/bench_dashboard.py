"""领导驾驶舱 on PostgreSQL: a province at national density, the dashboard's figures against
hand-written aggregate SQL for the same figures, and the cached page.

The province is built in its own database ``bench_dashboard`` (dropped and recreated):
``DASH_BENCH_CITIES`` cities (default 16) × 8 counties × 13 townships, 144 institutions a county
(14 care homes and 130 community facilities: the national average), one finished inspection for
most of them, findings, filing-check clocks (met in time, met late, overdue, open), penalties,
credit grades and fund flags. Rows are inserted with ``bulk_create``.

Measured in the same run for the lead department's leader (median of three):

* dashboard cold: every figure of the page for a county and for the province, computed from the
  registry (what a cache miss costs: ``figures.compute_payload``, the region table included);
  ``first_call_ms`` is the first of them in the process, which also builds the batch's plan
  (``indicators.batch``: the lists' FilterSets run and the statements are compiled; the later
  ones only execute the statements);
* baseline: hand-written aggregate SQL (GROUP BY / FILTER) giving the same figures;
* cached page: ``GET /dashboard/`` served from the stored snapshot (median of ten), goal ≤ 50 ms.

Goal: cold ≤ 2 × baseline. Skipped on SQLite with a message."""

# ruff: noqa: E501  (hand-written SQL and bulk rows: one clause, one row a line)
from __future__ import annotations

import datetime as dt
import os
import statistics
import time
from decimal import Decimal
from typing import Any

CITIES = int(os.environ.get("DASH_BENCH_CITIES", "16"))
COUNTIES = 8
TOWNSHIPS = 13
HOMES_PER_COUNTY = 144
BENCH_DB = "bench_dashboard"
YEAR = 2026


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
    from django.core.management import call_command
    from django.db import connections

    connection.close()
    connections.databases["default"]["NAME"] = BENCH_DB
    connection.settings_dict["NAME"] = BENCH_DB
    call_command("migrate", verbosity=0)


def _build() -> tuple[Any, Any, Any]:
    """The province; returns (province, county, leader)."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from credit.models import CreditGrade
    from funds.models import FundFlag
    from inspections.models import Finding, Inspection
    from inspections.rectification.models import Penalty
    from institutions.models import Institution
    from supervision.core.models import Assignment, Department, Domain, Region, User
    from supervision.deadlines.models import Deadline, Rule, StagePlan

    province = Region.objects.create(code="370000000000", name="山东省", level=1)
    cities = Region.objects.bulk_create(
        Region(code=f"37{c + 1:02d}00000000", name=f"第{c + 1}市", level=2, parent=province)
        for c in range(CITIES)
    )
    counties = Region.objects.bulk_create(
        Region(code=f"{city.code[:4]}{k + 1:02d}000000", name=f"{city.name}第{k + 1}县", level=3, parent=city)
        for city in cities for k in range(COUNTIES)
    )  # fmt: skip
    towns = Region.objects.bulk_create(
        Region(code=f"{county.code[:6]}{t + 1:03d}000", name=f"{county.name}第{t + 1}镇", level=4, parent=county)
        for county in counties for t in range(TOWNSHIPS)
    )  # fmt: skip
    mz, _ = Department.objects.get_or_create(code="civil_affairs", defaults={"name": "民政", "is_lead": True})
    domains = [
        Domain.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in (("fire", "消防安全"), ("food", "食品安全"), ("operations", "运营服务"))
    ]
    county = counties[0]
    leader = User.objects.create(username="bench_leader")
    Assignment.objects.create(user=leader, department=mz, region=province, role="leader")
    homes = Institution.objects.bulk_create(
        Institution(
            name=f"机构{n}",
            kind="care_home" if n % HOMES_PER_COUNTY < 14 else "community",
            nature="non_profit",
            status=("filed", "filed", "registered_not_filed", "unregistered", "terminated")[n % 5],
            region=towns[(n // HOMES_PER_COUNTY) * TOWNSHIPS + n % TOWNSHIPS],
            address="地址",
            beds=20 + n % 80,
        )
        for n in range(len(counties) * HOMES_PER_COUNTY)
    )
    inspections = Inspection.objects.bulk_create(
        Inspection(
            institution=h, department=mz, kind="routine", status="closed",
            inspected_on=dt.date(YEAR, 1 + n % 11, 1 + n % 28),
        )
        for n, h in enumerate(homes) if n % 4
    )  # fmt: skip
    Finding.objects.bulk_create(
        Finding(
            institution=i.institution, inspection=i, domain=domains[n % 3],
            severity=("general", "serious", "major")[n % 3], status=("open", "rectified", "closed")[n % 3],
            description="隐患", found_on=i.inspected_on or dt.date(YEAR, 1, 1), listed_supervision=not n % 17,
            supervising_department=mz, found_by_department=mz,
        )
        for n, i in enumerate(inspections) if n % 3
    )  # fmt: skip
    rule = Rule.objects.get(code="filing.onsite_check")
    plan = StagePlan.objects.first() or StagePlan.objects.create(key="bench", stages=[])
    ct = ContentType.objects.get_for_model(Institution)
    noon = dt.time(12, 0)
    clocks = []
    for n, h in enumerate(homes):
        start = dt.date(YEAR, 1 + n % 11, 2)
        due = start + dt.timedelta(days=28)
        met_at = None
        kind = n % 4
        state = ("met", "met", "overdue", "open")[kind]
        if kind == 0:
            met_at = timezone.make_aware(dt.datetime.combine(due - dt.timedelta(days=3), noon))
        elif kind == 1:
            met_at = timezone.make_aware(dt.datetime.combine(due + dt.timedelta(days=5), noon))
        clocks.append(
            Deadline(
                content_type=ct, object_id=h.pk, subject_repr=h.name, rule=rule, unit=rule.unit,
                length=rule.length, stage_plan=plan, start=start, due=due, department=mz,
                region=h.region, state=state, met_at=met_at,
            )
        )  # fmt: skip
    Deadline.objects.bulk_create(clocks, batch_size=5000)
    Penalty.objects.bulk_create(
        Penalty(
            institution=h, department=mz, region=h.region, decision_number=f"罚{n}", kind=("warning", "fine")[n % 2],
            fine_amount=Decimal(1000) if n % 2 else None, facts="事实", legal_basis="依据",
            decided_on=dt.date(YEAR, 1 + n % 11, 10),
        )
        for n, h in enumerate(homes) if not n % 23
    )  # fmt: skip
    now = timezone.now()
    CreditGrade.objects.bulk_create(
        CreditGrade(
            institution=h, credit_code=f"BENCH{n:013d}", region=h.region, score=Decimal(80), grade="ABCD"[n % 4],
            risk_class="low", computed_at=now, computed_for=dt.date(YEAR, 11, 30),
        )
        for n, h in enumerate(homes) if n % 2
    )  # fmt: skip
    FundFlag.objects.bulk_create(
        FundFlag(institution=h, region=h.region, rule="escrow.shortfall", reason="余额不足", status="open")
        for n, h in enumerate(homes)
        if not n % 31
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return province, county, leader


BASELINE_SQL = [
    # institutions by status and kind (total, status, kind)
    """SELECT i.status, i.kind, count(*) FROM institutions_institution i JOIN core_region r ON r.id = i.region_id
       WHERE r.code LIKE %(p)s GROUP BY ROLLUP (i.status, i.kind)""",
    # current grades
    """SELECT g.level, count(DISTINCT g.institution_id) FROM institutions_graderating g
       JOIN institutions_institution i ON i.id = g.institution_id JOIN core_region r ON r.id = i.region_id
       WHERE r.code LIKE %(p)s AND g.valid_until >= %(today)s GROUP BY g.level""",
    # clocks: open and overdue by rule; met in time / decided in the year by rule; awaiting filing check
    """SELECT ru.code,
              count(*) FILTER (WHERE d.state IN ('open', 'overdue')),
              count(*) FILTER (WHERE d.state = 'overdue' OR (d.state = 'open' AND d.due < %(today)s)),
              count(*) FILTER (WHERE d.due BETWEEN %(start)s AND %(end)s AND d.state = 'met'
                               AND (d.met_at AT TIME ZONE 'Asia/Shanghai')::date <= d.due),
              count(*) FILTER (WHERE d.due BETWEEN %(start)s AND %(end)s AND (d.state IN ('met', 'overdue')
                               OR (d.state = 'open' AND d.due < %(today)s))),
              count(DISTINCT d.object_id) FILTER (WHERE d.state IN ('open', 'overdue'))
       FROM deadlines_deadline d JOIN deadlines_rule ru ON ru.id = d.rule_id JOIN core_region r ON r.id = d.region_id
       WHERE r.code LIKE %(p)s GROUP BY ru.code""",
    # on-site coverage over the year and the half-year
    """SELECT count(*),
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM inspections_inspection x WHERE x.institution_id = i.id
                   AND x.status IN ('closed', 'published') AND x.inspected_on BETWEEN %(start)s AND %(end)s)),
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM inspections_inspection x WHERE x.institution_id = i.id
                   AND x.status IN ('closed', 'published') AND x.inspected_on BETWEEN %(h_start)s AND %(end)s))
       FROM institutions_institution i JOIN core_region r ON r.id = i.region_id
       WHERE r.code LIKE %(p)s AND i.status IN ('filed', 'registered_not_filed', 'unregistered')""",
    # findings found in the year: by severity, domain, listed, open
    """SELECT f.severity, f.domain_id, count(*), count(*) FILTER (WHERE f.listed_supervision),
              count(*) FILTER (WHERE f.status = 'open')
       FROM inspections_finding f JOIN institutions_institution i ON i.id = f.institution_id
       JOIN core_region r ON r.id = i.region_id
       WHERE r.code LIKE %(p)s AND f.found_on BETWEEN %(start)s AND %(end)s GROUP BY ROLLUP (f.severity, f.domain_id)""",
    # rectification items open and overdue (by their clock)
    """SELECT count(*) FILTER (WHERE it.state IN ('pending', 'responded', 'rejected')),
              count(*) FILTER (WHERE it.state IN ('pending', 'responded', 'rejected') AND EXISTS (
                  SELECT 1 FROM deadlines_deadline d WHERE d.object_id = it.id AND d.rule_id =
                  (SELECT id FROM deadlines_rule WHERE code = 'rectification.item')
                  AND (d.state = 'overdue' OR (d.state = 'open' AND d.due < %(today)s))))
       FROM rectification_noticeitem it JOIN rectification_rectificationnotice n ON n.id = it.notice_id
       JOIN institutions_institution i ON i.id = n.institution_id JOIN core_region r ON r.id = i.region_id
       WHERE r.code LIKE %(p)s AND n.status IN ('issued', 'closed')""",
    # penalties in the year by kind, fines
    """SELECT p.kind, count(*), sum(p.fine_amount) FROM rectification_penalty p
       JOIN institutions_institution i ON i.id = p.institution_id JOIN core_region r ON r.id = i.region_id
       WHERE r.code LIKE %(p)s AND p.decided_on BETWEEN %(start)s AND %(end)s GROUP BY ROLLUP (p.kind)""",
    # complaints by state
    """SELECT c.state, count(*) FROM complaints_complaint c JOIN core_region r ON r.id = c.region_id
       WHERE r.code LIKE %(p)s GROUP BY ROLLUP (c.state)""",
    # credit grades
    """SELECT g.grade, count(*) FROM credit_creditgrade g JOIN core_region r ON r.id = g.region_id
       WHERE r.code LIKE %(p)s GROUP BY ROLLUP (g.grade)""",
    # fund flags by status, escrow flags
    """SELECT f.status, f.rule, count(*) FROM funds_fundflag f JOIN core_region r ON r.id = f.region_id
       WHERE r.code LIKE %(p)s GROUP BY f.status, f.rule""",
    # the region table: per child region, institutions, awaiting check, coverage, findings
    """SELECT substr(r.code, 1, %(child_len)s), count(*),
              count(*) FILTER (WHERE i.status IN ('filed', 'registered_not_filed', 'unregistered')),
              count(*) FILTER (WHERE i.status IN ('filed', 'registered_not_filed', 'unregistered') AND EXISTS (
                  SELECT 1 FROM inspections_inspection x WHERE x.institution_id = i.id
                  AND x.status IN ('closed', 'published') AND x.inspected_on BETWEEN %(start)s AND %(end)s)),
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM deadlines_deadline d WHERE d.object_id = i.id
                  AND d.rule_id = (SELECT id FROM deadlines_rule WHERE code = 'filing.onsite_check')
                  AND d.state IN ('open', 'overdue')))
       FROM institutions_institution i JOIN core_region r ON r.id = i.region_id
       WHERE r.code LIKE %(p)s GROUP BY substr(r.code, 1, %(child_len)s)""",
    # the region table: findings, rectification overdue and complaints per child region
    """SELECT substr(r.code, 1, %(child_len)s), count(*) FROM inspections_finding f
       JOIN institutions_institution i ON i.id = f.institution_id JOIN core_region r ON r.id = i.region_id
       WHERE r.code LIKE %(p)s AND f.found_on BETWEEN %(start)s AND %(end)s GROUP BY substr(r.code, 1, %(child_len)s)""",
    """SELECT substr(r.code, 1, %(child_len)s), count(*) FROM complaints_complaint c JOIN core_region r ON r.id = c.region_id
       WHERE r.code LIKE %(p)s GROUP BY substr(r.code, 1, %(child_len)s)""",
    # (the rectification items overdue per child region: a column of the region table the
    # baseline had left out)
    """SELECT substr(r.code, 1, %(child_len)s),
              count(*) FILTER (WHERE it.state IN ('pending', 'responded', 'rejected') AND EXISTS (
                  SELECT 1 FROM deadlines_deadline d WHERE d.object_id = it.id AND d.rule_id =
                  (SELECT id FROM deadlines_rule WHERE code = 'rectification.item')
                  AND (d.state = 'overdue' OR (d.state = 'open' AND d.due < %(today)s))))
       FROM rectification_noticeitem it JOIN rectification_rectificationnotice n ON n.id = it.notice_id
       JOIN institutions_institution i ON i.id = n.institution_id JOIN core_region r ON r.id = i.region_id
       WHERE r.code LIKE %(p)s AND n.status IN ('issued', 'closed') GROUP BY substr(r.code, 1, %(child_len)s)""",
]


def _reuse_or_build() -> tuple[Any, Any, Any]:
    """Reuse ``bench_dashboard`` when it holds the province already (``DASH_BENCH_REBUILD=1``
    rebuilds it), else build it."""
    from django.core.management import call_command
    from django.db import connection, connections

    if os.environ.get("DASH_BENCH_REBUILD") != "1":
        connection.close()
        saved = connection.settings_dict["NAME"]
        connections.databases["default"]["NAME"] = BENCH_DB
        connection.settings_dict["NAME"] = BENCH_DB
        try:
            call_command("migrate", verbosity=0)
            from supervision.core.models import Region, User

            province = Region.objects.filter(code="370000000000").first()
            leader = User.objects.filter(username="bench_leader").first()
            if province is not None and leader is not None:
                county = Region.objects.filter(level=3).order_by("code").first()
                return province, county, leader
        except Exception:  # no such database yet: build it
            connection.close()
            connections.databases["default"]["NAME"] = saved
            connection.settings_dict["NAME"] = saved
    _recreate_database()
    return _build()


def _baseline(region: Any) -> list[Any]:
    from django.db import connection

    from supervision.core.models import LEVEL_PREFIX

    params = {
        "p": region.prefix + "%",
        "today": dt.date(YEAR, 12, 1),
        "start": dt.date(YEAR, 1, 1),
        "h_start": dt.date(YEAR, 7, 1),
        "end": dt.date(YEAR, 12, 31),
        "child_len": LEVEL_PREFIX[region.level + 1],
    }
    out = []
    with connection.cursor() as cursor:
        for sql in BASELINE_SQL:
            cursor.execute(sql, params)
            out.append(cursor.fetchall())
    return out


def _median(fn: Any, runs: int = 3) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1), result


def run() -> dict[str, Any]:
    from django.db import connection

    if connection.vendor != "postgresql":
        return {"skipped": "needs PostgreSQL (DATABASE_URL=postgres://…)"}
    import time_machine
    from django.test import Client
    from django.test.utils import override_settings

    from supervision.dashboard import snapshots
    from supervision.dashboard.figures import compute_payload
    from supervision.indicators import Period, batch

    started = time.perf_counter()
    with time_machine.travel(dt.datetime(YEAR, 12, 1, 10, 0), tick=True):
        province, county, leader = _reuse_or_build()
        built = round(time.perf_counter() - started, 1)
        period = Period.year(YEAR)
        result: dict[str, Any] = {"build_or_reuse_seconds": built}
        from institutions.models import Institution

        result["institutions"] = Institution.objects.count()
        for label, region in (("county", county), ("province", province)):
            batch.clear_plans()
            first_ms, _ = _median(lambda r=region: compute_payload(leader, r, period), runs=1)
            cold_ms, payload = _median(lambda r=region: compute_payload(leader, r, period))
            base_ms, _ = _median(lambda r=region: _baseline(r))
            result[label] = {
                "region": region.name,
                "figures": sum(len(c["items"]) for s in payload["sections"] for c in s["charts"])
                + sum(len(c["cells"]) for c in payload["children"]),
                "children": len(payload["children"]),
                "dashboard_cold_ms": cold_ms,
                "first_call_ms": first_ms,
                "baseline_sql_ms": base_ms,
                "ratio": round(cold_ms / base_ms, 2) if base_ms else None,
            }
        snapshots.refresh(county, period)
        with override_settings(ALLOWED_HOSTS=["*"]):
            client = Client()
            client.force_login(leader)
            url = f"/dashboard/?region={county.code}&year={YEAR}"
            assert client.get(url).status_code == 200
            cached_ms, _ = _median(lambda: client.get(url), runs=10)
        result["cached_page_ms"] = cached_ms
        result["goal"] = "cold ≤ 2 × baseline; cached page ≤ 50 ms"
    return result
