"""The public pages of inspections, rectification and credit: public layout (no staff
navbar, a skip link), home-page cards, open datasets, no personal numbers, and a cached page
that goes stale the moment something is published."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from credit.models import ListingProposal
from inspections.models import Draw, Inspection, InspectionStatus
from inspections.rectification.models import NoticeStatus, Penalty, RectificationNotice
from supervision.publicity.masking import ID_PATTERN, MOBILE_PATTERN

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_module, db):
    """The demo data, with its published inspection results taken back to closed: each test
    publishes the one it checks, so that publishing is a change the cached pages must see."""
    Inspection.objects.filter(status=InspectionStatus.PUBLISHED).update(
        status=InspectionStatus.CLOSED, published_at=None, published_until=None
    )
    # The demo's notice is still open (one 重大 problem under 挂牌督办): give the results list a
    # closed, published one, as accepting every problem would.
    if not RectificationNotice.objects.filter(published_on__isnull=False).exists():
        RectificationNotice.objects.filter(pk=RectificationNotice.objects.order_by("pk").first().pk).update(
            status=NoticeStatus.CLOSED,
            closed_at=timezone.now(),
            published_on=timezone.localdate(),
            published_until=timezone.localdate() + dt.timedelta(days=365),
        )


def public_urls() -> list[str]:
    draw = Draw.objects.order_by("pk").first()
    listing = ListingProposal.objects.filter(published_on__isnull=False).first()
    assert draw is not None and listing is not None
    urls = [
        "/public/",
        "/public/inspections/",
        "/public/inspections/draws/",
        f"/public/inspections/draws/{draw.pk}/",
        f"/public/inspections/draws/{draw.pk}/?verify=1",
        "/public/inspections/results/",
        "/public/rectification/",
        "/public/rectification/penalties/",
        "/public/credit/",
        "/public/credit/?type=watch",
        "/public/credit/status/",
        f"/public/credit/status/{listing.credit_code}/",
    ]
    urls += [f"/public/inspections/results/{pk}/" for pk in published_inspection_pks()]
    return urls


def published_inspection_pks() -> list[int]:
    return list(Inspection.objects.filter(status=InspectionStatus.PUBLISHED).values_list("pk", flat=True))


def publish_one_inspection() -> Inspection:
    inspection = Inspection.objects.filter(status=InspectionStatus.CLOSED).first()
    assert inspection is not None, "the demo data has a closed inspection"
    inspection.status = InspectionStatus.PUBLISHED
    inspection.published_at = timezone.now()
    inspection.published_until = timezone.localdate() + dt.timedelta(days=365)
    inspection.public_summary = "消防设施完好，已公开"
    inspection.save()
    return inspection


def test_every_page_uses_the_public_layout(demo, client):
    publish_one_inspection()
    for url in public_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert 'class="public-site"' in body, url
        assert 'href="#main"' in body and "跳到正文" in body, url
        assert "/accounts/logout" not in body and "工作台" not in body, url  # no staff navbar
        assert "csrfmiddlewaretoken" not in body, url


def test_public_pages_and_downloads_carry_no_personal_numbers(demo, client):
    publish_one_inspection()
    draw = Draw.objects.order_by("pk").first()
    downloads = [f"/public/inspections/draws/{draw.pk}/inputs.json", "/public/credit/list.csv"]
    for key in ("inspection_results", "draws", "rectification_results", "penalties", "credit_listings"):
        downloads += [f"/public/api/{key}.csv", f"/public/api/{key}.json"]
    for url in public_urls() + downloads:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode("utf-8-sig")
        assert not ID_PATTERN.search(body), url
        assert not MOBILE_PATTERN.search(body), url


def test_home_page_has_a_card_for_each_public_list(demo, client):
    body = client.get("/public/").content.decode()
    for url in (
        "/public/inspections/draws/",
        "/public/inspections/results/",
        "/public/rectification/",
        "/public/rectification/penalties/",
        "/public/credit/",
    ):
        assert f'href="{url}"' in body, url


def test_datasets_match_the_pages(demo, client):
    inspection = publish_one_inspection()
    body = client.get("/public/api/inspection_results.json").json()
    assert [r["id"] for r in body["results"]] == [inspection.pk]
    assert body["results"][0]["institution_name"] == inspection.institution.name
    penalty = Penalty.objects.filter(published_on__isnull=False).first()
    assert penalty.decision_number in client.get("/public/api/penalties.csv").content.decode("utf-8-sig")
    notice = RectificationNotice.objects.filter(published_on__isnull=False).first()
    assert notice.number in client.get("/public/api/rectification_results.csv").content.decode("utf-8-sig")
    listing = ListingProposal.objects.filter(published_on__isnull=False).first()
    assert listing.decision_number in client.get("/public/api/credit_listings.csv").content.decode(
        "utf-8-sig"
    )


@pytest.mark.parametrize("url", ["/public/inspections/results/", "/public/inspections/"])
def test_publishing_an_inspection_invalidates_the_cached_list(demo, client, url, django_assert_num_queries):
    first = client.get(url)
    assert first["X-Public-Cache"] == "miss"
    with django_assert_num_queries(0):
        assert client.get(url)["X-Public-Cache"] == "hit"
    inspection = publish_one_inspection()
    fresh = client.get(url)
    assert fresh["X-Public-Cache"] == "miss"
    assert inspection.institution.name in fresh.content.decode()


def test_revoking_a_penalty_invalidates_the_cached_list(demo, client):
    penalty = Penalty.objects.filter(published_on__isnull=False).first()
    url = "/public/rectification/penalties/"
    assert penalty.decision_number in client.get(url).content.decode()
    assert client.get(url)["X-Public-Cache"] == "hit"
    penalty.appeal_status = "revoked"
    penalty.save()
    assert penalty.decision_number not in client.get(url).content.decode()


def test_removing_a_listing_invalidates_the_cached_list(demo, client):
    listing = ListingProposal.objects.filter(published_on__isnull=False).first()
    url = "/public/credit/"
    assert listing.decision_number in client.get(url).content.decode()
    assert client.get(url)["X-Public-Cache"] == "hit"
    listing.state = "removed"
    listing.save()
    assert listing.decision_number not in client.get(url).content.decode()


def test_draw_recheck_is_answered_per_query_not_from_the_plain_page_cache(demo, client):
    draw = Draw.objects.filter(revealed_at__isnull=False).first()
    if draw is None:  # the demo reveals no seed: reveal one for the check
        draw = Draw.objects.exclude(result=None).first()
        assert draw is not None
        Draw.objects.filter(pk=draw.pk).update(revealed_at=timezone.now())
    url = f"/public/inspections/draws/{draw.pk}/"
    assert 'id="verify-result"' not in client.get(url).content.decode()
    checked = client.get(url + "?verify=1").content.decode()
    assert "复核一致" in checked


@pytest.mark.parametrize(
    ("list_url", "key", "field"),
    [
        ("/public/inspections/results/", "inspection_results", "institution_name"),
        ("/public/inspections/draws/", "draws", "plan"),
        ("/public/rectification/", "rectification_results", "number"),
        ("/public/rectification/penalties/", "penalties", "decision_number"),
        ("/public/policies/", "policies", "title"),
    ],
)
def test_each_list_links_its_downloads_which_hold_its_rows(demo, client, list_url, key, field):
    publish_one_inspection()
    body = client.get(list_url).content.decode()
    assert f'href="/public/api/{key}.csv"' in body and f'href="/public/api/{key}.json"' in body
    rows = client.get(f"/public/api/{key}.json").json()["results"]
    assert rows and all(str(r[field]) in body for r in rows), key
    text = client.get(f"/public/api/{key}.csv").content.decode("utf-8-sig")
    assert [r[field] for r in csv.DictReader(io.StringIO(text))] == [str(r[field]) for r in rows]


def test_credit_downloads_follow_the_tab_shown(demo, client):
    body = client.get("/public/credit/?type=watch").content.decode()
    assert 'href="/public/credit/list.csv?type=watch"' in body
    assert 'href="/public/credit/list.json?type=watch"' in body


def test_change_feed_carries_published_results_and_draw_steps(demo, client):
    """A mirror of the inspection lists follows the change feed: a result appears when it is
    published, each step of a draw with the draw's current public row."""
    start = timezone.now()
    assert [
        c
        for c in client.get(f"/public/api/changes/?since={start.isoformat().replace('+', '%2B')}").json()[
            "results"
        ]
        if c["dataset"] in ("inspection_results", "draws")
    ] == []
    inspection = publish_one_inspection()
    draw = Draw.objects.exclude(result=None).order_by("pk").first()
    Draw.objects.filter(pk=draw.pk).update(revealed_at=timezone.now())
    since = start.isoformat().replace("+", "%2B")
    items = client.get(f"/public/api/changes/?since={since}").json()["results"]
    results = [c for c in items if c["dataset"] == "inspection_results"]
    assert [c["key"] for c in results] == [str(inspection.pk)]
    assert results[0]["payload"]["institution_name"] == inspection.institution.name
    draws = [c for c in items if c["dataset"] == "draws"]
    assert [c["key"] for c in draws] == [str(draw.pk)] and draws[0]["payload"]["revealed_at"]
    page = client.get("/public/api/schema/").content.decode()
    assert "<code>inspection_results</code>" in page and "<code>draws</code>" in page
