"""Lists and endpoints keep a constant number of queries as rows grow (no N+1)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inspections import services

pytestmark = pytest.mark.django_db


def count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def add_findings(field, world, n, start=0):
    for i in range(n):
        services.finding_create(
            field.homes[(start + i) % len(field.homes)],
            field.fire_item.domain,
            actor=world.yanggu_mz,
            description=f"问题{start + i}",
        )


@pytest.mark.parametrize(
    "url",
    [
        "/inspections/findings/",
        "/inspections/findings/list/responsibility/",
        "/api/v1/findings/",
        "/inspections/",
        "/api/v1/inspections/",
    ],
)
def test_constant_queries(field, world, client_for, url):
    c = client_for(world.yanggu_mz)
    add_findings(field, world, 2)
    services.inspection_create(
        field.homes[0], actor=world.yanggu_mz, kind="special", team=field.inspectors[:2]
    )
    c.get(url)  # warm caches (content types, sessions)
    few = count(lambda: c.get(url))
    add_findings(field, world, 8, start=2)
    for home in field.homes[1:5]:
        services.inspection_create(home, actor=world.yanggu_mz, kind="special", team=field.inspectors[:2])
    many = count(lambda: c.get(url))
    assert many == few, (few, many)


def test_overview_queries_do_not_grow_with_major_hazards(field, world, client_for):
    def add_major(n, start):
        for i in range(n):
            services.finding_create(
                field.homes[(start + i) % len(field.homes)],
                field.fire_item.domain,
                actor=world.yanggu_mz,
                description=f"重大问题{start + i}",
                severity="major",
            )

    c = client_for(world.yanggu_leader)
    add_major(2, 0)
    c.get("/inspections/overview/")
    few = count(lambda: c.get("/inspections/overview/"))
    add_major(8, 2)
    many = count(lambda: c.get("/inspections/overview/"))
    assert many == few, (few, many)
