"""A page served from the cache touches no database; any change of an institution, filing or
grade makes cached pages stale; each client is throttled."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from institutions.models import Filing

from .conftest import grade
from .helpers import codes_on_page

pytestmark = pytest.mark.django_db
URL = "/public/institutions/"


@pytest.mark.parametrize(
    "path",
    [
        URL + "?region=371521000000&kind=care_home&o=-beds",
        "/public/institutions/export.json?page=1&q=阳谷",
        "/public/institutions/export.csv?page=1",
        "/public/institutions/schema.json",
    ],
)
def test_second_identical_request_runs_no_query(client, directory, django_assert_num_queries, path):
    first = client.get(path)
    assert first.status_code == 200 and first["X-Public-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(path)
    assert second["X-Public-Cache"] == "hit"
    assert second.content == first.content and second["Content-Type"] == first["Content-Type"]


def test_detail_second_request_runs_no_query(client, directory, django_assert_num_queries):
    path = f"/public/institutions/{directory.a.credit_code}/"
    first = client.get(path)
    with django_assert_num_queries(0):
        assert client.get(path).content == first.content


def test_changes_invalidate_cached_pages(client, directory):
    path = f"{URL}?q=福寿"
    assert "120" in client.get(path).content.decode()
    directory.a.beds = 150
    directory.a.save(update_fields=["beds"])
    response = client.get(path)
    assert response["X-Public-Cache"] == "miss" and ">150<" in response.content.decode()
    detail = f"/public/institutions/{directory.a.credit_code}/"
    client.get(detail)
    Filing.objects.filter(institution=directory.a).update(commitment_text="旧")  # no signal: stays cached
    assert client.get(detail)["X-Public-Cache"] == "hit"
    Filing.objects.create(institution=directory.a, kind="change", submitted_on=dt.date(2026, 5, 1))
    assert client.get(detail)["X-Public-Cache"] == "miss"
    grade(directory.b, 4)
    assert codes_on_page(client.get(URL, {"grade": "4"})) == [directory.b.credit_code]


def test_visitors_with_a_session_neither_read_nor_fill_the_shared_cache(client, directory, world):
    client.get(URL)
    client.force_login(world.yanggu_mz)
    assert "X-Public-Cache" not in client.get(URL)  # not served from the shared cache
    assert "X-Public-Cache" not in client.get(URL, {"kind": "community"})
    client.logout()
    client.cookies.clear()
    assert client.get(URL, {"kind": "community"})["X-Public-Cache"] == "miss"  # was not stored


def test_throttled_per_client(client, directory, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public": "3/min"}}
    for _ in range(3):
        assert client.get(URL).status_code == 200  # cache hits count too
    blocked = client.get(URL)
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) <= 60
    assert client.get(URL, REMOTE_ADDR="10.0.0.9").status_code == 200  # another client
    assert client.get(URL, HTTP_X_FORWARDED_FOR="10.0.0.10").status_code == 429  # spoofing does not help


def test_query_count_does_not_grow_with_rows(client, directory, world):
    from tests.institutions.factories import InstitutionFactory

    def count(path: str) -> int:
        from django.core.cache import cache

        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    path = f"{URL}?region=371500000000&region=371521000000"
    count(path)  # warm process-wide caches (content types) so that only the page is counted
    small = count(path)
    for i in range(25):
        InstitutionFactory(name=f"阳谷县博济桥街道第{i}养老院", status="filed", region=world.yanggu_town)
    assert count(path) == small <= 7
    # the institution itself, its grade, its commitment, then one query per registered section
    # (inspection results, rectification outcomes, penalties, list status, the service-quality
    # data the institution disclosed)
    assert count(f"/public/institutions/{directory.a.credit_code}/") <= 9
    assert count("/public/institutions/export.json?region=371521000000") <= 4
