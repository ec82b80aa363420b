"""A page served from the cache runs no query; publishing invalidates it; clients over the
public rate get 429 with a Chinese message."""

from __future__ import annotations

import pytest

from supervision.publicity.services import record_public_change

from .conftest import policy

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/public/",
        "/public/policies/",
        "/public/policies/p1/",
        "/public/api/policies.json",
        "/public/api/schema/",
    ],
)
def test_second_request_runs_no_query(client, world, django_assert_num_queries, url):
    policy(world, slug="p1")
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.status_code == 200 and second.content == first.content
    assert second["X-Public-Cache"] == "hit"


def test_publishing_invalidates_cached_pages(client, world, django_capture_on_commit_callbacks):
    policy(world, slug="p1", title="旧标题")
    assert "旧标题" in client.get("/public/policies/").content.decode()
    from supervision.publicity.models import PolicyPage

    PolicyPage.objects.filter(slug="p1").update(title="新标题")
    assert "旧标题" in client.get("/public/policies/").content.decode()  # still cached
    with django_capture_on_commit_callbacks(execute=True):
        record_public_change("policies", "p1", "upsert", {"title": "新标题"})
    assert "新标题" in client.get("/public/policies/").content.decode()


def test_logged_in_staff_never_get_shared_pages(client_for, world):
    c = client_for(world.yanggu_mz)
    c.get("/public/")
    assert "X-Public-Cache" not in c.get("/public/")


def test_throttled_per_client(client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "public": "3/min"},
    }
    codes = [client.get("/public/policies/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get("/public/")
    assert (
        limited.status_code == 429 and "访问过于频繁" in limited.content.decode() and limited["Retry-After"]
    )
    assert client.get("/public/", REMOTE_ADDR="10.0.0.9").status_code == 200  # another client
