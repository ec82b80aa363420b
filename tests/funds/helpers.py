"""Building claims for the funds tests: ID numbers with valid check digits, residents, claims
filed and submitted as the civil-affairs inspector, taken on to payment when asked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from funds import services
from funds.models import LineKind, SubsidyClaim
from tests.institutions.factories import id_number as _id_number


def id_number(n: int) -> str:
    """A valid 18-digit resident ID number (sequence ``n``; 阳谷's pre-2019 area code)."""
    return _id_number(n, birth="19400101")


def resident(n: int, month: dt.date, care_level: str = "moderate", name: str = "") -> dict[str, Any]:
    return {
        "kind": LineKind.RESIDENT,
        "month": month,
        "id_number": id_number(n),
        "resident_name": name or f"老人{n}",
        "care_level": care_level,
    }


def beds(n: int, month: dt.date) -> dict[str, Any]:
    return {"kind": LineKind.OCCUPIED_BEDS, "month": month, "quantity": n}


def claim(
    world: Any,
    programme: Any,
    institution: Any,
    rows: list[dict[str, Any]],
    *,
    start: dt.date = dt.date(2026, 10, 1),
    end: dt.date = dt.date(2026, 10, 1),
    submit: bool = True,
) -> SubsidyClaim:
    c = services.claim_create(
        world.yanggu_mz if institution.region.code.startswith("371521") else world.dongchangfu_mz,
        programme=programme,
        institution=institution,
        period_start=start,
        period_end=end,
    )
    actor = world.yanggu_mz if institution.region.code.startswith("371521") else world.dongchangfu_mz
    services.claim_add_lines(actor, c, rows)
    if submit:
        c = services.claim_submit(actor, c)
    return SubsidyClaim.objects.get(pk=c.pk)


def paid(world: Any, money: Any, c: SubsidyClaim, on: dt.date = dt.date(2026, 11, 10)) -> SubsidyClaim:
    """Review, approve and pay a submitted claim (flags, if any, must be closed first)."""
    services.claim_review(world.yanggu_mz, c, decision="pass")
    services.claim_approve(money.yanggu_cz, SubsidyClaim.objects.get(pk=c.pk), decision="approve")
    services.claim_pay(
        money.yanggu_cz, SubsidyClaim.objects.get(pk=c.pk), paid_on=on, reference=f"PZ-{c.pk}", amount=None
    )
    return SubsidyClaim.objects.get(pk=c.pk)


def money_of(c: SubsidyClaim) -> Decimal:
    return c.amount_claimed


def close_with_beds(world: Any, home: Any, beds_found: int | None) -> Any:
    """An inspection of ``home`` by 阳谷县民政, closed on 2026-11-20 with the beds it counted."""
    from inspections import services as inspections
    from tests.factories import DomainFactory, RemitFactory
    from tests.inspections.factories import InspectorFactory, close_complete

    RemitFactory(department=world.mz, domain=DomainFactory(code=f"operations-{home.pk}"), role="lead")
    team = [InspectorFactory(department=world.mz, region=world.yanggu) for _ in range(2)]
    team[0].user = world.yanggu_mz
    team[0].save()
    inspection = inspections.inspection_create(
        home, actor=world.yanggu_mz, kind="special", team=team, department=world.mz
    )
    return close_complete(
        inspection, actor=world.yanggu_mz, inspected_on=dt.date(2026, 11, 20), beds_found=beds_found
    )
