"""Each computed row of the 2026 evaluation, checked against the hand-built data set of
conftest.py (and the rows added here): the figure the registry gives for 阳谷县 is the one
counted by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from inspections.models import Finding, Inspection, InspectionItem
from inspections.rectification.models import Penalty
from supervision import indicators
from supervision.core.models import Domain
from supervision.indicators import Period
from tests.evaluation.conftest import aware
from tests.inspections.factories import InspectorFactory, PlanFactory

pytestmark = pytest.mark.django_db
D = dt.date
YEAR = Period.year(2026)


def value(code, world, region=None, user=None):
    return indicators.compute(code, user or world.yanggu_mz, region or world.yanggu, YEAR).value


def test_every_computed_row_of_the_form_has_registry_indicators():
    from supervision.evaluation.data.indicators_004 import COMPUTED

    assert {"2.2", "2.3", "2.5", "2.6", "3.5", "4.1", "4.2", "4.5", "4.9", "4.11", "4.12",
                        "4.13", "4.14", "4.18", "4.20", "4.21"} == COMPUTED  # fmt: skip
    for number in COMPUTED:
        assert indicators.for_evaluation(number), number


def test_registry_rows_grading_fire_disclosure_names_and_social_workers(world, homes):
    assert value("institutions.eval_care_homes", world) == 3  # A, B, C (not D, E, F)
    assert value("institutions.eval_rated", world) == 1  # A; B's rating expired
    assert value("institutions.eval_rated_rate", world) == Decimal("33.3")
    assert value("institutions.eval_fire_done", world) == 1
    assert value("institutions.eval_fire_done_rate", world) == Decimal("33.3")
    assert value("institutions.eval_fire_technical_only", world) == 1
    assert value("institutions.eval_fire_pending", world) == 1
    assert value("institutions.eval_directory_published", world) == 3  # filed: A, B, D
    assert value("institutions.eval_fees_published", world) == 1
    assert value("institutions.eval_fees_published_rate", world) == Decimal("33.3")
    assert value("institutions.eval_names_nonstandard", world) == 1  # 夕阳红之家
    # social workers in post on 2026-12-31: A's first, B's (hired that day); beds 100 + 50 + 30
    assert value("institutions.eval_social_workers", world) == 2
    assert value("institutions.eval_social_workers_per_100_beds", world) == Decimal("1.11")
    # the sibling county counts only its own home; 阳谷县's post sees nothing there
    assert value("institutions.eval_care_homes", world, world.dongchangfu, world.dongchangfu_mz) == 1
    assert value("institutions.eval_care_homes", world, world.dongchangfu) == 0


def test_a_township_post_sees_only_its_township(world, homes, township_mz):
    assert indicators.compute("institutions.eval_care_homes", township_mz, world.yanggu, YEAR).value == 3
    assert indicators.compute("institutions.eval_care_homes", township_mz, world.dongchangfu, YEAR).value == 0


def test_the_20_working_day_checks(world, homes):
    from supervision.deadlines.services import deadline_meet, deadline_open

    for inst in (homes.a, homes.b, homes.c):
        deadline_open(inst, "filing.onsite_check", D(2026, 2, 2), department=world.mz, region=inst.region)
    deadline_meet(homes.a, "filing.onsite_check", at=aware(D(2026, 2, 10)))  # in time
    deadline_meet(homes.b, "filing.onsite_check", at=aware(D(2026, 5, 10)))  # late
    deadline_open(homes.c, "unfiled.onsite_check", D(2026, 3, 2), department=world.mz, region=homes.c.region)
    deadline_meet(homes.c, "unfiled.onsite_check", at=aware(D(2026, 3, 5)))
    assert value("institutions.eval_filing_checks_due", world) == 3
    assert value("institutions.eval_filing_checks_in_time", world) == 1
    assert value("institutions.eval_filing_checks_rate", world) == Decimal("33.3")
    assert value("institutions.eval_unfiled_checks_due", world) == 1
    assert value("institutions.eval_unfiled_checks_rate", world) == Decimal("100.0")


def _inspection(inst, world, kind, status, day):
    return Inspection.objects.create(
        institution=inst, department=world.mz, kind=kind, status=status, inspected_on=day
    )


def test_double_random_coverage_and_hazards(world, homes):
    InspectorFactory(department=world.mz, region=world.yanggu, certificate_expires=D(2027, 12, 31))
    InspectorFactory(department=world.mz, region=world.yanggu, certificate_expires=D(2026, 6, 30))
    InspectorFactory(department=world.mz, region=world.dongchangfu)
    PlanFactory(region=world.yanggu, department=world.mz, year=2026)
    PlanFactory(region=world.yanggu, department=world.mz, year=2025)
    first = _inspection(homes.a, world, "routine", "published", D(2026, 3, 10))
    _inspection(homes.b, world, "special", "closed", D(2026, 5, 1))
    _inspection(homes.a, world, "routine", "closed", D(2026, 9, 1))
    _inspection(homes.c, world, "routine", "planned", None)
    _inspection(homes.c, world, "routine", "closed", D(2025, 12, 1))  # last year
    fire = Domain.objects.get(code="fire")
    for severity, status, day in (("major", "open", D(2026, 3, 10)), ("general", "rectified", D(2026, 3, 10)),
                                  ("general", "closed", D(2025, 11, 1))):  # fmt: skip
        Finding.objects.create(
            institution=homes.a, inspection=first, domain=fire, severity=severity, status=status,
            description="安全出口堵塞", found_on=day, supervising_department=world.mz,
            found_by_department=world.mz,
        )  # fmt: skip
    assert value("inspections.eval_items", world) == InspectionItem.objects.filter(active=True).count() > 0
    assert value("inspections.eval_objects", world) == 4  # A, B, C, D
    assert value("inspections.eval_inspectors", world) == 1
    assert value("inspections.eval_plans", world) == 1
    assert value("inspections.eval_random_inspections", world) == 2
    assert value("inspections.eval_random_published", world) == 1
    assert value("inspections.eval_covered", world) == 2  # A and B; C only last year
    assert value("inspections.eval_uncovered", world) == 1
    assert value("inspections.eval_coverage_rate", world) == Decimal("66.7")
    assert value("inspections.eval_inspections_done", world) == 3
    assert value("inspections.eval_findings", world) == 2
    assert value("inspections.eval_findings_major", world) == 1
    assert value("inspections.eval_findings_remedied", world) == 1
    assert value("inspections.eval_findings_remedied_rate", world) == Decimal("50.0")


def test_penalties_and_their_publication(world, homes):
    for inst, kind, fine, day, published in (
        (homes.a, "fine", Decimal("5000"), D(2026, 4, 1), D(2026, 4, 5)),
        (homes.b, "warning", None, D(2026, 6, 1), None),
        (homes.a, "fine", Decimal("1000"), D(2025, 12, 20), D(2025, 12, 25)),
        (homes.f, "fine", Decimal("9000"), D(2026, 4, 2), D(2026, 4, 5)),
    ):
        Penalty.objects.create(
            institution=inst, department=world.mz, region=inst.region.parent, decision_number=f"罚{day}",
            kind=kind, fine_amount=fine, facts="事实", legal_basis="《养老机构管理办法》第四十六条",
            decided_on=day, published_on=published,
        )  # fmt: skip
    assert value("inspections.eval_penalties", world) == 2
    assert value("inspections.eval_fines", world) == Decimal("5000")
    assert value("inspections.eval_suspensions", world) == 0
    assert value("inspections.eval_penalties_published", world) == 1


def test_joint_punishment_list(world, homes):
    from credit.models import ListingProposal

    fire = Domain.objects.get(code="fire")

    for n, (list_type, state, published) in enumerate((
        ("joint_punishment", "published", D(2026, 5, 1)),
        ("joint_punishment", "draft", None),
        ("watch", "published", D(2026, 5, 1)),
    )):  # fmt: skip
        ListingProposal.objects.create(
            list_type=list_type, number=f"LP{n}", institution=homes.a, credit_code=homes.a.credit_code,
            region=homes.a.region, ground="major_fire_hazard", facts="逾期未整改", domain=fire,
            department=world.mz, state=state, published_on=published,
        )  # fmt: skip
    assert value("credit.eval_listings_published", world) == 1
    assert value("credit.eval_listings_in_force", world) == 1


def test_published_policy_pages(world):
    from supervision.publicity.models import PolicyPage

    for slug, category, region, until in (
        ("g1", "general", None, None),
        ("g2", "general", world.yanggu, aware(D(2026, 6, 1))),  # withdrawn mid-year
        ("s1", "service", world.dongchangfu, None),  # another county's guide
        ("s2", "service", world.yanggu, None),
    ):
        PolicyPage.objects.create(
            slug=slug, category=category, title=slug, body="正文", region=region,
            publish_from=aware(D(2026, 1, 5)), publish_until=until,
        )  # fmt: skip
    assert value("publicity.eval_general_pages", world) == 1
    assert value("publicity.eval_service_pages", world) == 1


def test_deposits_and_escrow(world, homes, fees_domain):
    from funds.deposits.models import EscrowAccount, FeeEntry

    for inst, kind, amount, refunded, who in (
        (homes.a, "deposit", "3000", "1000", "h1"),
        (homes.a, "guarantee", "500", "0", "h1"),
        (homes.b, "deposit", "2000", "0", "h2"),
        (homes.c, "prepaid", "4000", "0", "h3"),  # prepaid fees are not deposits
    ):
        FeeEntry.objects.create(
            institution=inst, domain=fees_domain, kind=kind, resident_name="老人", id_hash=who,
            id_masked="3715**********0011", amount=Decimal(amount), refunded_amount=Decimal(refunded),
            received_on=D(2026, 3, 1), monthly_fee=Decimal("2000"),
        )  # fmt: skip
    EscrowAccount.objects.create(
        institution=homes.a, domain=fees_domain, bank_name="阳谷农商银行", account_name="福寿养老院监管专户",
        account_number="6222000011112222", opened_on=D(2026, 1, 10),
    )  # fmt: skip
    assert value("deposits.eval_amount", world) == Decimal("5500")
    assert value("deposits.eval_people", world) == 2
    assert value("deposits.eval_refunded", world) == Decimal("1000")
    assert value("deposits.eval_holders", world) == 2
    assert value("deposits.eval_escrowed", world) == 1
    assert value("deposits.eval_escrow_rate", world) == Decimal("50.0")
