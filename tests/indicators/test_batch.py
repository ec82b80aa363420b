"""The batched computation (``indicators.batch.compute_many``) gives every figure the value
``indicators.compute`` gives it, whatever the shape of its rows: row sets it may share a
statement with, and those it must measure on their own (DISTINCT, a join that repeats rows, an
OR-combination, nothing at all); sums and derived values; a plan never holds data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Q

from institutions.models import GradeRating, Institution
from supervision import indicators
from supervision.indicators import Derived, Indicator, Measure, Period, batch, in_region, percent
from supervision.indicators.registry import _registry
from tests.institutions.factories import InstitutionFactory, credit_code

pytestmark = pytest.mark.django_db
YEAR = Period.year(2026)


def _homes(user, region, period):
    return in_region(Institution.objects.visible_to(user), region)


def _filed(user, region, period):
    return _homes(user, region, period).filter(status="filed")


def _of_status(status):
    def rows(user, region, period):
        return _homes(user, region, period).filter(beds__lte=100, status=status)

    return rows


ROWS = {
    "plain": _homes,
    "filed": _filed,
    "distinct": lambda u, r, p: _homes(u, r, p).distinct(),
    # a reverse foreign key: an institution with two ratings is two rows (as its count says)
    "rated_rows": lambda u, r, p: _homes(u, r, p).filter(ratings__level__gte=1),
    "either": lambda u, r, p: _filed(u, r, p) | _homes(u, r, p).filter(beds__gte=100),
    "none": lambda u, r, p: Institution.objects.none(),
    # reads the data while the row set is built: such a plan must not be kept
    "listed_ids": lambda u, r, p: _homes(u, r, p).filter(
        pk__in=list(Institution.objects.values_list("pk", flat=True))
    ),
    "big": lambda u, r, p: _homes(u, r, p).filter(Q(beds__gte=100) | Q(status="filed")),
    # a family: the same rows but for one ``status = <constant>`` (read by a status column)
    **{f"status_{s}": _of_status(s) for s in ("filed", "registered_not_filed", "unregistered")},
}


@pytest.fixture
def registered():
    codes = []

    def add(code, **fields):
        indicators.register(
            Indicator(
                code=f"test.batch.{code}", name=code, definition=code, unit="家", source="test", **fields
            )
        )
        codes.append(f"test.batch.{code}")
        return f"test.batch.{code}"

    for name, rows in ROWS.items():
        add(name, rows=rows)
    add("beds", rows=_homes, value=Derived(lambda b: b or 0, Measure(_homes, "beds")))
    add("filed_share", rows=_filed, value=Derived(percent, Measure(_filed), Measure(_homes)))
    add("own_value", rows=_homes, value=lambda u, r, p: 42)
    batch.clear_plans()
    yield codes
    for code in codes:
        _registry.pop(code, None)
    batch.clear_plans()


@pytest.fixture
def data(world):
    a = InstitutionFactory(region=world.yanggu_town, credit_code=credit_code(11), status="filed", beds=120)
    InstitutionFactory(region=world.yanggu_town, credit_code=credit_code(12), beds=40)
    InstitutionFactory(region=world.dongchangfu_town, credit_code=credit_code(13), status="filed", beds=60)
    for level in (3, 4):
        GradeRating.objects.create(
            institution=a, level=level, score_environment=Decimal(100), score_facilities=Decimal(100),
            score_management=Decimal(120), score_service=Decimal(480), total=Decimal(800),
            rated_on=dt.date(2025, 6, 1), valid_until=dt.date(2028, 6, 1),
        )  # fmt: skip
    return a


def regions(world):
    return [world.shandong, world.liaocheng, world.yanggu, world.yanggu_town, world.dongchangfu]


def expected(codes, user, world):
    return {(c, r.code): indicators.compute(c, user, r, YEAR).value for c in codes for r in regions(world)}


@pytest.mark.parametrize("persona", ["sysadmin", "yanggu_mz", "yanggu_xf", "outsider"])
def test_every_shape_of_rows_gives_the_value_of_compute(world, data, registered, persona):
    user = getattr(world, persona)
    requests = [(c, r) for c in registered for r in regions(world)]
    got = {key: v.value for key, v in batch.compute_many(requests, user, YEAR).items()}
    assert got == expected(registered, user, world)
    if persona == "sysadmin":
        assert got[("test.batch.rated_rows", world.yanggu.code)] == 2  # one home, two ratings
        assert got[("test.batch.beds", world.liaocheng.code)] == 220
        assert got[("test.batch.filed_share", world.yanggu.code)] == Decimal("50.0")
        assert got[("test.batch.own_value", world.yanggu.code)] == 42
    again = {key: v.value for key, v in batch.compute_many(requests, user, YEAR).items()}
    assert again == got


def test_row_sets_that_cannot_share_a_statement_are_measured_on_their_own(world, data, registered):
    requests = [(c, world.yanggu) for c in registered]
    batch.compute_many(requests, world.sysadmin, YEAR)
    plan = batch._build(requests, world.sysadmin, YEAR)[0]
    alone = {plan.slots[i].measure.rows for i in plan.direct}
    assert alone == {ROWS["distinct"], ROWS["rated_rows"], ROWS["either"]}
    assert {plan.slots[i].measure.rows for i in plan.constants} == {ROWS["none"]}
    shared = {plan.slots[i].measure.rows for s in plan.groups for i in s.slots}
    assert {ROWS["plain"], ROWS["filed"], ROWS["big"], ROWS["listed_ids"]} <= shared
    assert not plan.cacheable  # "listed_ids" read the institutions while its row set was built


def test_row_sets_differing_in_one_constant_read_one_aggregate_by_its_value(world, data, registered):
    family = [f"test.batch.status_{s}" for s in ("filed", "registered_not_filed", "unregistered")]
    requests = [(c, r) for c in [*family, "test.batch.plain"] for r in (world.yanggu, world.dongchangfu)]
    got = {k: v.value for k, v in batch.compute_many(requests, world.sysadmin, YEAR).items()}
    assert got == {
        k: v for k, v in expected([c for c, _ in requests], world.sysadmin, world).items() if k in got
    }
    assert got[("test.batch.status_registered_not_filed", world.yanggu.code)] == 1
    (plan,) = batch._plans.values()
    (statement,) = plan.groups
    assert statement.keys == 2  # the child key ('': no children here) and the status
    # a county each: every home, and those of at most 100 beds (the family's other conditions)
    assert len(statement.sums) == 4


def test_a_plan_is_kept_and_executed_with_todays_rows(world, data, registered):
    requests = [(c, r) for c in registered if c != "test.batch.listed_ids" for r in regions(world)]
    batch.compute_many(requests, world.sysadmin, YEAR)
    assert len(batch._plans) == 1
    InstitutionFactory(region=world.yanggu_town, credit_code=credit_code(14), status="filed", beds=10)
    got = batch.compute_many(requests, world.sysadmin, YEAR)
    assert got[("test.batch.filed", world.yanggu.code)].value == 2
    assert got[("test.batch.beds", world.yanggu.code)].value == 170
    assert {k: v.value for k, v in got.items()} == {
        k: v for k, v in expected([c for c, _ in requests], world.sysadmin, world).items() if k in got
    }


def test_a_child_whose_rows_differ_by_more_than_the_region_is_not_read_by_key(world, data, registered):
    def odd_params(user, region, period):  # the county counts filed homes, its town every home
        rows = _homes(user, region, period)
        return rows.filter(status="filed") if region.level == 3 else rows

    code = "test.batch.odd"
    _registry[code] = Indicator(
        code=code, name="odd", definition="odd", unit="家", source="test", rows=odd_params
    )
    requests = [(code, world.yanggu), (code, world.yanggu_town)]
    got = batch.compute_many(requests, world.sysadmin, YEAR)
    assert got[(code, world.yanggu.code)].value == 1
    assert got[(code, world.yanggu_town.code)].value == 2
    (plan,) = batch._plans.values()
    assert not any(statement.by_child_key for statement in plan.groups)
    del _registry[code]


def test_reference_writes_forget_the_plans(world, data, registered):
    from supervision.core.models import Domain

    batch.compute_many([("test.batch.plain", world.yanggu)], world.sysadmin, YEAR)
    assert batch._plans
    Domain.objects.create(code="batch_test", name="测试领域")
    assert not batch._plans


def test_a_reference_write_in_another_process_retires_this_process_plans(world, data, registered):
    """Plans live in each process; another process's write reaches this one through the version
    in the shared cache (here: the version moved while this process's plans stay in memory)."""
    from django.core.cache import cache

    requests = [("test.batch.filed", world.yanggu)]
    batch.compute_many(requests, world.sysadmin, YEAR)
    (kept,) = batch._plans
    cache.set(batch.VERSION_KEY, (cache.get(batch.VERSION_KEY) or 0) + 1)  # the other process
    batch.compute_many(requests, world.sysadmin, YEAR)
    assert len(batch._plans) == 2 and kept in batch._plans  # a new plan under the new version
    assert next(reversed(batch._plans)) != kept
