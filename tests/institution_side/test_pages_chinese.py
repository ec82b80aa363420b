"""The institution's pages read in Chinese (the crawl's rules, tests/ui/crawl.py), for the
account and for civil affairs' side of it (the account form, the institution page's tabs)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.ui.crawl import problems, read

pytestmark = pytest.mark.django_db

PAGES = [
    "/institution/",
    "/institution/filing/",
    "/institution/disclosure/",
    "/institution/reports/",
    "/institution/account/",
]


def test_the_institution_pages_speak_chinese(world, institution_account):
    user, inst = institution_account
    client = Client()
    client.force_login(user)
    found = {}
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        issues = problems(read(url, response.content.decode()))
        if issues:
            found[url] = issues
    world.yanggu_mz.display_name = "阳谷县民政局监管员"
    world.yanggu_mz.save(update_fields=["display_name"])
    staff = Client()
    staff.force_login(world.yanggu_mz)
    for url, headers in (
        (f"/institutions/{inst.pk}/accounts/new/", {}),
        (f"/institutions/{inst.pk}/file/accounts/", {"HTTP_HX_REQUEST": "true"}),
        (f"/institutions/{inst.pk}/file/reported/", {"HTTP_HX_REQUEST": "true"}),
        ("/institution/sign-in/", {}),
    ):
        response = staff.get(url, **headers)
        assert response.status_code == 200, url
        issues = problems(read(url, response.content.decode()))
        if issues:
            found[url] = issues
    assert not found, found
