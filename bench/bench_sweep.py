"""The deadline sweep on PostgreSQL: 1,000,000 live deadlines of which 10,000 are due.

Baseline, measured in the same run: the single SQL statement that selects the same fired
(deadline, stage) pairs the sweep claims (superseded catch-up stages excluded, as the sweep
does). Reported: the time of one committed sweep (mark overdue, claim with INSERT … ON CONFLICT,
retire finished clocks), and
separately of the delivery that follows it in its own task (notifications for two staff per
clock, recipient counts), the time of an idle sweep (nothing new: the steady state every five
minutes), each as a ratio of the baseline, and the number of queries of each.

Runs in its own database ``bench_supervision`` (dropped and recreated), never the test or
development database. On SQLite it is skipped with a message."""

from __future__ import annotations

import datetime as dt
import io
import statistics
import time
from typing import Any

TOTAL = 1_000_000
DUE = 10_000
BENCH_DB = "bench_supervision"


def _undo(sweep_id: str) -> None:
    """Delete what one sweep claimed (and its notifications) and vacuum, outside any transaction."""
    from django.db import connection

    from supervision.deadlines.models import Deadline, Notification, Reminder

    claimed = Reminder.objects.filter(sweep_id=sweep_id)
    Notification.objects.filter(reminder__in=claimed).delete()
    Deadline.objects.filter(reminders__in=claimed).update(reminders_done=False)
    claimed.delete()
    with connection.cursor() as cur:
        for model in (Notification, Reminder, Deadline):
            cur.execute(f"VACUUM ANALYZE {model._meta.db_table}")


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


def _seed(today: dt.date) -> dict[str, Any]:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from supervision.core.models import Assignment, Department, Region, Role, User
    from supervision.deadlines.models import Deadline, Reminder, Rule, StagePlan, default_stages

    prov = Region.objects.create(code="370000000000", name="山东省", level=1)
    city = Region.objects.create(code="371500000000", name="聊城市", level=2, parent=prov)
    counties = [
        Region.objects.create(code=f"3715{i:02d}000000", name=f"县{i}", level=3, parent=city)
        for i in range(1, 11)
    ]
    mz = Department.objects.create(code="civil_affairs", name="民政", is_lead=True)
    users = User.objects.bulk_create(
        [User(username=f"u{c.code}-{k}") for c in counties for k in range(3)], batch_size=100
    )
    Assignment.objects.bulk_create(
        [
            Assignment(
                user=u,
                department=mz,
                region=counties[i // 3],
                role=Role.LEADER if i % 3 == 2 else Role.INSPECTOR,
            )
            for i, u in enumerate(users)
        ]
    )
    rule = Rule.objects.get(code="filing.onsite_check")
    plan, _ = StagePlan.objects.get_or_create(
        key=StagePlan.key_for(default_stages()), defaults={"stages": default_stages()}
    )
    ct = ContentType.objects.get_for_model(Region)
    now = "2026-01-01 00:00:00+00"
    buf = io.StringIO()
    for i in range(TOTAL):
        # DUE clocks fall due today (the "due" stage fires; earlier stages are superseded); the
        # rest fall due 30..400 days ahead.
        due = today if i < DUE else today + dt.timedelta(days=30 + i % 370)
        start = due - dt.timedelta(days=28)
        county = counties[i % len(counties)]
        buf.write(
            f"{ct.pk}\t{i + 1}\t机构{i}\t{rule.pk}\t1\tworking_days\t20\t{plan.pk}\t{start}\t{due}\tf\t"
            f"{mz.pk}\t{county.pk}\topen\t\t\t\tf\t{now}\t{now}\tf\n"
        )
    cols = (
        "content_type_id, object_id, subject_repr, rule_id, rule_version, unit, length, stage_plan_id, "
        "start, due, "
        "provisional, department_id, region_id, state, note, met_by_repr, waived_reason, reminders_done, "
        "created_at, updated_at, pinned"
    )
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        with cur.cursor.copy(f"COPY {Deadline._meta.db_table} ({cols}) FROM STDIN") as copy:
            copy.write(buf.getvalue())
        # Steady state: the sweep runs every five minutes, so the clocks falling due today
        # already had their "5 days before" and "1 day before" reminders claimed and delivered.
        r_t = Reminder._meta.db_table
        cur.execute(
            f"""INSERT INTO {r_t} (deadline_id, stage, escalate, delivered, sweep_id, sent_at,
                                   recipients, delivered_at)
                SELECT d.id, s.stage, false, true, 'history', d.created_at, 2, d.created_at
                FROM {Deadline._meta.db_table} d CROSS JOIN (VALUES ('before_5'), ('before_1')) AS s(stage)
                WHERE d.due <= %s""",
            [today],
        )
        for table in (Deadline._meta.db_table, r_t):
            cur.execute(f"ANALYZE {table}")
    return {"seconds_to_load": round(time.perf_counter() - t0, 1)}


def _baseline_sql(today: dt.date) -> tuple[str, list[Any]]:
    from supervision.deadlines.models import Deadline
    from supervision.deadlines.services import _plan_rows

    rows = _plan_rows(today)
    params: list[Any] = []
    for plan_id, stage, bound, later, *_rest in rows:
        params += [plan_id, stage, bound, later]
    values = ", ".join(["(%s, %s, CAST(%s AS DATE), CAST(%s AS DATE))"] * len(rows))
    sql = f"""
        SELECT d.id, s.column2 FROM {Deadline._meta.db_table} d
        JOIN (VALUES {values}) AS s ON s.column1 = d.stage_plan_id AND d.due <= s.column3
        WHERE d.state IN ('open', 'overdue') AND d.reminders_done = false AND d.due <= %s
          AND (s.column4 IS NULL OR d.due > s.column4)
    """
    return sql, [*params, max(r[2] for r in rows)]


def run() -> dict[str, Any]:
    from unittest import mock

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from supervision.deadlines import tasks
    from supervision.deadlines.services import deliver, sweep

    if connection.vendor != "postgresql":
        msg = "skipped: the sweep benchmark needs PostgreSQL (set DATABASE_URL=postgres://…)"
        print(msg)
        return {"skipped": msg}
    _recreate_database()
    _use_bench_database()
    now = timezone.now()
    today = timezone.localtime(now).date()
    seeded = _seed(today)
    sql, params = _baseline_sql(today)

    def baseline() -> tuple[float, int]:
        with connection.cursor() as cur:
            t0 = time.perf_counter()
            cur.execute(sql, params)
            n = len(cur.fetchall())
            return time.perf_counter() - t0, n

    baseline()  # warm the cache
    base_times, selected = [], 0
    sweep_times, queries, claimed = [], 0, 0
    deliver_times, deliver_queries, notifications = [], 0, 0
    # Each sweep and each delivery commits, as in production: commit-time work (the deferred
    # foreign-key checks of the claimed rows) is part of the cost. Between runs the claimed
    # reminders and their notifications are deleted and the tables vacuumed, so that every
    # run starts from the same state. The delivery task the sweep queues on commit is held
    # back and timed separately.
    with mock.patch.object(tasks.deliver, "apply_async"):
        for _ in range(3):
            t, selected = baseline()
            base_times.append(t)
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                r = sweep(now)
                sweep_times.append(time.perf_counter() - t0)
            queries, claimed = len(ctx.captured_queries), r.claimed
            breakdown = [
                (q["sql"].split()[0] + " " + " ".join(q["sql"].split()[1:4]))[:60] + f" = {q['time']}s"
                for q in ctx.captured_queries
            ]
            with CaptureQueriesContext(connection) as dctx:
                t0 = time.perf_counter()
                _stamp, notifications = deliver(now)
                deliver_times.append(time.perf_counter() - t0)
            deliver_queries = len(dctx.captured_queries)
            deliver_breakdown = [
                (q["sql"].split()[0] + " " + " ".join(q["sql"].split()[1:4]))[:60] + f" = {q['time']}s"
                for q in dctx.captured_queries
            ]
            _undo(r.sweep_id)
        sweep(now)  # one real sweep; the next ones find nothing new
        idle_times = []
        for _ in range(3):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                r = sweep(now)
                idle_times.append(time.perf_counter() - t0)
            assert r.claimed == 0
            idle_queries = len(ctx.captured_queries)
    base = statistics.median(base_times)
    full, idle = statistics.median(sweep_times), statistics.median(idle_times)
    delivery = statistics.median(deliver_times)
    result = {
        "deadlines": TOTAL,
        "due": DUE,
        **seeded,
        "baseline_select_ms": round(base * 1000, 1),
        "baseline_rows": selected,
        "sweep_ms": round(full * 1000, 1),
        "sweep_claimed": claimed,
        "sweep_queries": queries,
        "ratio_sweep_to_select": round(full / base, 2),
        "sweep_query_times": breakdown,
        "delivery_ms": round(delivery * 1000, 1),
        "delivery_notifications": notifications,
        "delivery_queries": deliver_queries,
        "ratio_delivery_to_select": round(delivery / base, 2),
        "delivery_query_times": deliver_breakdown,
        "idle_sweep_ms": round(idle * 1000, 1),
        "idle_sweep_queries": idle_queries,
        "ratio_idle_sweep_to_select": round(idle / base, 2),
        "goal": "ratio_sweep_to_select <= 3",
    }
    print(
        f"sweep {result['sweep_ms']} ms vs select {result['baseline_select_ms']} ms: "
        f"{result['ratio_sweep_to_select']}x ({queries} queries); "
        f"delivery {result['delivery_ms']} ms: {result['ratio_delivery_to_select']}x "
        f"({deliver_queries} queries, {notifications} notifications); "
        f"idle sweep {result['ratio_idle_sweep_to_select']}x"
    )
    return result
