"""A crawl of every public URL pattern (resolved from the URL configuration, filled with the data
below, then following every /public/ link) finds no 18-digit ID number and no mobile number,
although the data holds both in non-public fields: institution contacts, complainants, complaint
content, findings, even a policy page an editor pasted a mobile number into."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from inspections.complaints import services as complaints
from institutions.models import Institution
from supervision.publicity.masking import find_personal_data
from tests.public_directory.conftest import ID_IN_TEXT, MOBILE, directory  # noqa: F401 (fixture)

from .conftest import policy

pytestmark = pytest.mark.django_db
PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")
LINK = re.compile(r'(?:href|action)="(/public/[^"#]*)"')
SKIP = ("/public/manage/",)  # staff pages (login required) mounted under /public/


def public_routes() -> list[str]:
    out: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern) and route.startswith("public/"):
                out.append("/" + route.lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns, "")
    return out


def fill(route: str, values: dict[str, list[str]]) -> list[str]:
    names = [m.group("name") for m in PARAM.finditer(route)]
    if not names:
        return [route]
    options = [values.get(n, [])[:4] for n in names]
    urls = []
    for combo in itertools.product(*options):
        url = route
        for v in combo:
            url = PARAM.sub(v, url, count=1)
        urls.append(url)
    return urls


@pytest.fixture
def public_data(world, directory):  # noqa: F811
    now = timezone.now()
    a = directory.a
    fire = complaints.complaint_submit_public(
        content=f"我是张三丰，身份证 {ID_IN_TEXT}，电话 {MOBILE}，三楼安全出口堵塞。",
        institution=a,
        category="fire",
        name="张三丰",
        phone=MOBILE,
    )
    complaints.complaint_reply(
        fire, actor=world.yanggu_xf, findings=f"联系投诉人 {MOBILE} 核实", reply="已责令清理，复查合格。"
    )
    other = complaints.complaint_submit_public(
        content=f"黑托老点收住老人，负责人电话{MOBILE}，身份证{ID_IN_TEXT}。",
        institution_name="张某某家庭托老点",
        region=world.yanggu_town,
        phone="13700001111",
    )
    policy(
        world,
        slug="guide",
        body=f"咨询电话 0635-6212345；经办人手机 {MOBILE}。",
        publish_until=now + dt.timedelta(days=9),
    )
    policy(
        world,
        slug="old",
        title="已过期",
        publish_from=now - dt.timedelta(days=9),
        publish_until=now - dt.timedelta(days=1),
    )
    return {
        "credit_code": [i.credit_code for i in directory.listed],
        "slug": ["guide", "old"],
        "code": [fire.tracking_code, other.tracking_code],
        "key": ["policies", "complaint_stats"],
        "pk": [str(pk) for pk in range(1, 4)],
    }


def test_crawl_every_public_url_finds_no_personal_numbers(client, public_data):
    routes = public_routes()
    assert (
        "/public/" in routes
        and "/public/api/changes/" in routes
        and "/public/complaints/track/<str:code>/" in routes
    )
    reached: dict[str, str] = {}
    todo = [u for r in routes for u in fill(r, public_data)] + ["/public/api/changes/?since=2000-01-01"]
    while todo:
        url = todo.pop().replace("&amp;", "&")
        if url in reached or url.startswith(SKIP):
            continue
        response = client.get(url)
        if response.status_code != 200:
            reached[url] = ""
            continue
        body = b"".join(response.streaming_content) if response.streaming else response.content
        reached[url] = body.decode("utf-8")
        if "html" in response.get("Content-Type", ""):
            todo += [u for u in LINK.findall(reached[url]) if u not in reached]
    pages = {u: t for u, t in reached.items() if t}
    codes = tuple(c for c in Institution.objects.values_list("credit_code", flat=True) if c)
    for url, text in pages.items():
        assert find_personal_data(text, allow=codes) == [], url
        assert "张三丰" not in text and ID_IN_TEXT not in text, url
    # every pattern of this part answered at least once with a page
    for route in routes:
        if (
            route.startswith(("/public/complaints/", "/public/policies/", "/public/api/"))
            or route == "/public/"
        ):
            if route.startswith(SKIP):
                continue
            pat = re.compile(
                "^" + PARAM.sub("[^/]+", re.escape(route).replace(r"\<", "<").replace(r"\>", ">")) + "$"
            )
            assert any(pat.match(u.split("?")[0]) for u in pages), route
    assert any(u.startswith("/public/institutions/") for u in pages)
    assert "/public/policies/old/" not in pages  # past its period: gone
    assert "已过期" not in pages["/public/policies/"]
    assert len(pages) > 20
