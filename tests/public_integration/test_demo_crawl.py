"""The privacy crawl on the demo data (``seed_demo``): every /public/ URL pattern of every app,
filled with every demo object that could answer it, then every /public/ link the pages offer,
downloads included. No page carries an 18-digit ID number or a mobile number, although the demo
holds both in non-public places (complainants, complaint content) and an editor has pasted
some into public free text (an institution's introduction, a published result's summary)."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from credit.models import ListingProposal
from inspections.complaints.models import Complaint
from inspections.models import Draw, Inspection, InspectionStatus
from institutions.models import Institution
from supervision.publicity.masking import find_personal_data
from supervision.publicity.models import PolicyPage
from supervision.publicity.registry import public_datasets
from tests.publicity.test_privacy_crawl import LINK, PARAM, public_routes

pytestmark = pytest.mark.django_db
GLUED_ID = "37152119800101123X"
GLUED_MOBILE = "13912345678"


@pytest.fixture
def demo(demo_module, db, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"public": "100000/min", "complaint": "100000/hour"},
    }
    cache.clear()
    inst = Institution.objects.exclude(credit_code=None).filter(status="filed").order_by("pk").first()
    Institution.objects.filter(pk=inst.pk).update(
        introduction=f"院长身份证{GLUED_ID}，值班手机{GLUED_MOBILE}（不应公开）。"
    )
    Inspection.objects.filter(status=InspectionStatus.PUBLISHED).update(
        public_summary=f"经核实，联系人电话{GLUED_MOBILE}所述问题属实。"
    )
    yield
    cache.clear()


def test_crawl_of_every_public_url_with_demo_data(client, demo):
    assert Complaint.objects.exclude(complainant_phone="").exists()  # the demo holds mobiles
    assert Inspection.objects.filter(status=InspectionStatus.PUBLISHED).exists()
    values = {
        "credit_code": [
            *Institution.objects.exclude(credit_code=None).values_list("credit_code", flat=True),
            *ListingProposal.objects.values_list("credit_code", flat=True),
        ],
        "pk": [
            str(pk)
            for pk in sorted(
                set(Draw.objects.values_list("pk", flat=True))
                | set(Inspection.objects.values_list("pk", flat=True))
            )
        ],
        "slug": list(PolicyPage.objects.values_list("slug", flat=True)),
        "code": list(Complaint.objects.values_list("tracking_code", flat=True)),
        "key": list(public_datasets()),
    }
    routes = [r for r in public_routes() if not r.startswith("/public/manage/")]
    todo: list[str] = ["/public/api/changes/?since=2000-01-01", "/public/inspections/draws/1/?verify=1"]
    for route in routes:
        names = [m.group("name") for m in PARAM.finditer(route)]
        assert len(names) <= 1, route
        todo += [PARAM.sub(v, route) for v in values[names[0]]] if names else [route]
    answered: dict[str, int] = {}
    leaks: dict[str, list[str]] = {}
    codes = tuple(c for c in values["credit_code"] if c)
    while todo:
        url = todo.pop().replace("&amp;", "&")
        if url in answered or url.startswith("/public/manage/"):
            continue
        response = client.get(url)
        answered[url] = response.status_code
        if response.status_code != 200:
            continue
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8-sig")
        if found := find_personal_data(text, allow=codes):
            leaks[url] = found
        if "html" in response.get("Content-Type", ""):
            todo += [u for u in LINK.findall(text) if u not in answered]
    assert leaks == {}
    assert not [u for u, code in answered.items() if code >= 500]
    # every public URL pattern answered with a page at least once
    for route in routes:
        escaped = re.escape(route).replace(r"\<", "<").replace(r"\>", ">")
        pattern = re.compile("^" + PARAM.sub("[^/]+", escaped))
        assert any(pattern.match(u.split("?")[0]) and code == 200 for u, code in answered.items()), route
    assert sum(code == 200 for code in answered.values()) > 60
