"""Credit test helpers: institutions with valid credit codes, records, and a procedure driven
to a given step."""

from __future__ import annotations

import datetime as dt
import itertools

from stdnum.cn import ric, uscc

from credit import services
from credit.models import ListType
from institutions.models import Institution

_seq = itertools.count(1)


def credit_code(area: str = "371521") -> str:
    body = f"52{area}MJ{next(_seq):06d}"[:17]
    return body + uscc.calc_check_digit(body)


def id_number(seq: int, area: str = "110101") -> str:
    """A valid resident ID number (python-stdnum knows the historical area codes only)."""
    body = f"{area}19800101{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def institution(region, name: str | None = None, area: str = "371521") -> Institution:
    code = credit_code(area)
    return Institution.objects.create(
        credit_code=code,
        name=name or f"测试养老院{code[-6:]}",
        kind="care_home",
        nature="non_profit",
        region=region,
        address="测试路1号",
    )


def record(inst: Institution, kind: str, user=None, on: dt.date | None = None, **kw):
    kw.setdefault("title", f"{kind} 测试记录")
    kw.setdefault("document", "测试文书〔2026〕1号")
    return services.record_fact(
        inst.credit_code, kind, effective=on or dt.date(2026, 3, 2), entered_by=user, **kw
    )


def proposal(
    world,
    inst,
    ground="major_fire_hazard",
    kind="major_hazard_overdue",
    list_type=ListType.JOINT_PUNISHMENT,
    **kw,
):
    evidence = record(inst, kind, world.yanggu_mz)
    return services.proposal_create(
        world.yanggu_mz,
        inst,
        list_type=list_type,
        ground=ground,
        facts="该机构存在重大火灾隐患，责令限期整改后逾期未整改。",
        evidence=[evidence],
        **kw,
    )


def run_engine(day: dt.date, hour: int = 9) -> None:
    """The deadline engine's sweep and delivery at ``hour`` o'clock of ``day`` (pinned)."""
    from django.utils import timezone

    from supervision.deadlines.services import deliver, sweep

    now = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))
    sweep(now)
    deliver(now)


def to_published(world, inst, on: dt.date = dt.date(2026, 3, 2), permanent: bool = False, **kw):
    """Drive a proposal from draft to published: notify on ``on``, no objection, review after
    the period, decide, publish."""
    p = proposal(world, inst, **kw)
    p = services.proposal_notify(p, actor=world.yanggu_mz, on=on)
    after = p.objection_due + dt.timedelta(days=1)
    p = services.proposal_review(
        p, actor=world.yanggu_mz, opinion="事实清楚，证据确凿", recommend_listing=True, on=after
    )
    p = services.proposal_decide(
        p, actor=world.yanggu_leader, list_it=True, opinion="同意列入", on=after, permanent=permanent
    )
    return services.proposal_publish(p, actor=world.yanggu_mz, on=after)
