"""The list page and the API list run a fixed number of queries however many rows they show."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.institutions.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


def count(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_list_page_queries_do_not_grow_with_rows(world, client_for):
    c = client_for(world.yanggu_mz)
    InstitutionFactory.create_batch(2, region=world.yanggu_town)
    c.get("/institutions/")
    few = count(lambda: c.get("/institutions/"))
    InstitutionFactory.create_batch(20, region=world.yanggu_town)
    many = count(lambda: c.get("/institutions/"))
    assert many == few


def test_api_list_queries_do_not_grow_with_rows(world, api_for):
    api = api_for(world.yanggu_mz)
    InstitutionFactory.create_batch(2, region=world.yanggu_town)
    api.get("/api/v1/institutions/")  # warm the persona's assignment cache
    few = count(lambda: api.get("/api/v1/institutions/"))
    InstitutionFactory.create_batch(20, region=world.yanggu_town)
    many = count(lambda: api.get("/api/v1/institutions/"))
    assert many == few


def test_staff_api_queries_do_not_grow_with_rows(world, api_for):
    import datetime as dt

    from institutions import services
    from supervision.core import policy
    from tests.institutions.factories import id_number

    inst = InstitutionFactory(region=world.yanggu_town)
    api = api_for(world.yanggu_mz)

    def hire(n):
        services.staff_appoint(
            inst,
            actor=policy.SYSTEM,
            name=f"护理员{n}",
            id_number=id_number(n),
            role="caregiver",
            hired_on=dt.date(2026, 1, 5),
        )

    hire(1)
    api.get("/api/v1/staff/")
    few = count(lambda: api.get("/api/v1/staff/"))
    for n in range(2, 12):
        hire(n)
    many = count(lambda: api.get("/api/v1/staff/"))
    assert many == few
