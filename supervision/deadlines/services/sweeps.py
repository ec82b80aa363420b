"""The sweep: mark overdue clocks and claim every reminder stage that has fired, exactly once,
in a constant number of statements whatever the number of rows (delivery is ``delivery``)."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from supervision.workcal import services as workcal

from ..models import Deadline, DeadlineState, Reminder, StagePlan

log = logging.getLogger("supervision.deadlines.services")


@dataclass
class SweepResult:
    sweep_id: str
    today: dt.date
    overdue_marked: int
    claimed: int
    delivered: int
    notifications: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "sweep_id": self.sweep_id,
            "today": self.today.isoformat(),
            "overdue_marked": self.overdue_marked,
            "claimed": self.claimed,
            "delivered": self.delivered,
            "notifications": self.notifications,
        }


def fire_bound(today: dt.date, offset: int) -> dt.date:
    """The latest due date for which a stage at ``offset`` working days from due has fired by
    ``today``: the stage of a deadline fires once ``due <= fire_bound(today, offset)``.

    * offset -k (before): the k-th working day strictly before due is on or before today
      ⇔ fewer than k working days lie in (today, due) ⇔ due <= add_workdays(today, k);
    * offset 0: due <= today;
    * offset +k (after): at least k working days lie in (due, today]
      ⇔ due < the k-th working day on or before today = add_workdays(today + 1, -k).
    """
    if offset < 0:
        return workcal.add_workdays(today, -offset)
    if offset == 0:
        return today
    return workcal.add_workdays(today + dt.timedelta(days=1), -offset) - dt.timedelta(days=1)


def _plan_rows(today: dt.date) -> list[tuple[int, str, dt.date, dt.date | None, bool, bool]]:
    """(plan, stage, bound, superseding bound, escalate, last) for every stage of every plan.

    Catch-up policy: of a plan's ordinary stages only the latest fired one is delivered; an
    earlier stage whose successor has also fired (e.g. "5 days before" on an overdue clock) is
    superseded: the sweep never claims it (``due`` is at or before the successor's boundary).
    Escalation stages always go out (other people)."""
    rows = []
    for plan in StagePlan.objects.all():
        stages = sorted(plan.stages, key=lambda s: (int(s["offset"]), s["stage"]))
        ordinary = [s for s in stages if not s.get("escalate")]
        last = stages[-1]["stage"] if stages else None
        for s in stages:
            bound = fire_bound(today, int(s["offset"]))
            later = None
            if not s.get("escalate"):
                idx = ordinary.index(s)
                if idx + 1 < len(ordinary):
                    later = fire_bound(today, int(ordinary[idx + 1]["offset"]))
            rows.append((plan.pk, s["stage"], bound, later, bool(s.get("escalate")), s["stage"] == last))
    return rows


def _d(value: dt.date | None) -> Any:
    return None if value is None else connection.ops.adapt_datefield_value(value)


def _dt(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def sweep(now: dt.datetime | None = None, *, queue: str | None = None) -> SweepResult:
    """Mark overdue clocks and claim every reminder stage that has fired, exactly once.

    A constant number of statements whatever the number of rows:
    1. one UPDATE marks open clocks past due as overdue;
    2. one SELECT loads the (few) stage plans; boundary dates are computed once in Python;
    3. one INSERT … SELECT … ON CONFLICT DO NOTHING claims every fired (deadline, stage) pair
       with this sweep's id: the unique constraint makes a second claim impossible. An ordinary
       stage whose successor has also fired (catch-up) is superseded and simply not claimed
       (``due <= successor's boundary``); boundaries only grow with time, so it never fires later;
    4. the clocks whose last stage is claimed are retired (``reminders_done``), in the same
       statement on PostgreSQL (a data-modifying CTE over the INSERT's RETURNING);
    5. one EXISTS looks for claimed reminders not yet delivered (this sweep's, or an earlier
       one's whose delivery task was lost) and, if any, ``deliver`` is queued after commit.
    Notifications and e-mail are made by ``deliver``, outside the claim."""
    from .. import tasks

    now = now or timezone.now()
    today = timezone.localtime(now).date()
    sweep_id = uuid.uuid4().hex
    d_t, r_t = _table(Deadline), _table(Reminder)
    with transaction.atomic():
        overdue = Deadline.objects.filter(state=DeadlineState.OPEN, due__lt=today).update(
            state=DeadlineState.OVERDUE, updated_at=now
        )
        plan_rows = _plan_rows(today)
        claimed = 0
        if plan_rows:
            date_sql = "CAST(%s AS DATE)" if connection.vendor == "postgresql" else "%s"
            values = ", ".join([f"(%s, %s, {date_sql}, {date_sql}, %s, %s)"] * len(plan_rows))
            params: list[Any] = []
            for plan_id, stage, bound, later, esc, last in plan_rows:
                params.extend([plan_id, stage, _d(bound), _d(later), esc, last])
            max_bound = _d(max(r[2] for r in plan_rows))
            claim_sql = f"""
                INSERT INTO {r_t} (deadline_id, stage, escalate, delivered, sweep_id, sent_at, recipients)
                SELECT d.id, s.column2, s.column5, %s, %s, %s, 0
                FROM {d_t} d
                JOIN (VALUES {values}) AS s ON s.column1 = d.stage_plan_id AND d.due <= s.column3
                WHERE d.state IN (%s, %s) AND d.reminders_done = %s AND d.due <= %s
                  AND (s.column4 IS NULL OR d.due > s.column4)
                  AND NOT EXISTS (
                      SELECT 1 FROM {r_t} r WHERE r.deadline_id = d.id AND r.stage = s.column2
                  )
                ON CONFLICT (deadline_id, stage) DO NOTHING"""  # nosec B608 # tables from _meta, values bound
            claim_params = [True, sweep_id, _dt(now), *params, "open", "overdue", False, max_bound]
            last_stages = [(r[0], r[1]) for r in plan_rows if r[5]]
            last_params = [x for pair in last_stages for x in pair]
            with connection.cursor() as cur:
                if connection.vendor == "postgresql":
                    # One statement: the claim, and the retirement of the clocks whose last stage
                    # it took, joined on what the INSERT returned, so that Reminder needs no
                    # index on sweep_id (each index entry is paid on every claimed row).
                    retire = ""
                    if last_stages:
                        cond = " OR ".join(["(d.stage_plan_id = %s AND c.stage = %s)"] * len(last_stages))
                        retire = f""", retired AS (
                            UPDATE {d_t} d SET reminders_done = %s FROM claimed c
                            WHERE d.id = c.deadline_id AND ({cond}))"""  # nosec B608 # tables from _meta, values bound
                        last_params = [True, *last_params]
                    cur.execute(
                        f"WITH claimed AS ({claim_sql} RETURNING deadline_id, stage){retire} "
                        "SELECT COUNT(*) FROM claimed",  # nosec B608 # tables from _meta, values bound
                        [*claim_params, *(last_params if last_stages else [])],
                    )
                    claimed = cur.fetchone()[0]
                else:
                    cur.execute(claim_sql, claim_params)
                    claimed = cur.rowcount
                    if claimed and last_stages:
                        cond = " OR ".join(["(d.stage_plan_id = %s AND r.stage = %s)"] * len(last_stages))
                        cur.execute(
                            f"""UPDATE {d_t} SET reminders_done = %s WHERE id IN (
                                SELECT r.deadline_id FROM {r_t} r JOIN {d_t} d ON d.id = r.deadline_id
                                WHERE r.sweep_id = %s AND ({cond}))""",  # nosec B608 # tables from _meta, values bound
                            [True, sweep_id, *last_params],
                        )
        pending = bool(claimed) or Reminder.objects.filter(delivered_at__isnull=True).exists()
        if pending:
            options = {"queue": queue} if queue else {}
            transaction.on_commit(lambda: tasks.deliver.apply_async(**options))
    result = SweepResult(sweep_id, today, overdue, claimed, claimed, 0)
    if claimed or overdue:
        log.info("deadline sweep %s", result.as_dict())
    return result
