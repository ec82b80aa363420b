"""A crawl of the directory, its downloads and every detail page finds no ID number and no
mobile number, although the data holds them in non-public fields; black institutions never show."""

from __future__ import annotations

import re

import pytest

from institutions.models import Institution

from .conftest import ID_IN_TEXT, MOBILE

pytestmark = pytest.mark.django_db
ID_RE = re.compile(r"\b\d{17}[\dXx]\b")
MOBILE_RE = re.compile(r"\b1[3-9]\d{9}\b")
LINK = re.compile(r'href="(/public/institutions/[^"]*)"')


def crawl(client, start: list[str]) -> dict[str, str]:
    seen: dict[str, str] = {}
    todo = list(start)
    while todo:
        url = todo.pop().replace("&amp;", "&")
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        content = b"".join(response.streaming_content) if response.streaming else response.content
        seen[url] = content.decode("utf-8")
        if "html" in response["Content-Type"]:
            todo += [u for u in LINK.findall(seen[url]) if u not in seen]
    return seen


def test_crawl_finds_no_id_or_mobile_numbers(client, directory):
    pages = crawl(
        client,
        [
            "/public/institutions/",
            "/public/institutions/?region=371521000000",
            "/public/institutions/?region=371500000000&region=371521000000&region=371521101000",
            f"/public/institutions/{directory.terminated.credit_code}/",
        ],
    )
    # the crawl reached every listed institution's page and the downloads
    for inst in directory.listed:
        assert f"/public/institutions/{inst.credit_code}/" in pages
    assert any(u.startswith("/public/institutions/export.csv") for u in pages)
    assert any(u.startswith("/public/institutions/export.json") for u in pages)
    codes = {c for c in Institution.objects.values_list("credit_code", flat=True) if c}
    for url, text in pages.items():
        for code in codes:  # an all-digit credit code has the shape of an ID number: it may show
            text = text.replace(code, "")
        assert not ID_RE.search(text), url
        assert not MOBILE_RE.search(text), url
        assert ID_IN_TEXT not in text and MOBILE not in text
        assert "王小明" not in text and "李大山" not in text  # persons appear masked only
        assert directory.black.name not in text and "张某某" not in text
        assert directory.not_operating.name not in text


def test_detail_masks_what_must_show_and_omits_the_rest(client, directory):
    body = client.get(f"/public/institutions/{directory.a.credit_code}/").content.decode()
    assert "王**" in body and "李**" in body
    assert "138****5678" in body  # a mobile contact number is masked, not dropped silently
    assert "0635-6212345" in body  # the complaint landline is published
    assert ID_IN_TEXT[:4] + "*" * 10 + ID_IN_TEXT[-4:] in body  # scrubbed out of free text
    assert "JY13715210000001" not in body  # licence numbers are not in the allow-list


@pytest.mark.parametrize("which", ["not_operating"])
def test_unlisted_statuses_have_no_page(client, directory, which):
    assert client.get(f"/public/institutions/{getattr(directory, which).credit_code}/").status_code == 404


def test_terminated_institution_keeps_its_page_but_leaves_the_directory(client, directory):
    body = client.get(f"/public/institutions/{directory.terminated.credit_code}/").content.decode()
    assert "已终止服务" in body
    assert directory.terminated.credit_code not in client.get("/public/institutions/").content.decode()
