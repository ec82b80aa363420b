"""A citizen (no login) searches the public directory by name, narrows it to a county with the
cascading region selects, opens an institution and reads its published filing commitment."""

from __future__ import annotations

import pytest

from tests.public_directory.conftest import clean_public_cache, directory  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_finds_an_institution_and_its_commitment(page, live_server, directory):  # noqa: F811
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(f"{live_server.url}/public/institutions/")
    page.fill("#id_q", "街道")
    page.click("#directory-search")
    page.wait_for_selector("#directory-results")
    results = page.inner_text("#directory-results")
    assert directory.a.name in results and directory.d.name in results

    page.select_option("#region-county", "371521000000")  # 阳谷县; htmx brings its townships
    page.wait_for_selector("#region-town option[value='371521101000']", state="attached")
    page.click("#directory-search")
    page.wait_for_selector("text=共 3 家机构")
    results = page.inner_text("#directory-results")
    assert directory.a.name in results and directory.d.name not in results
    assert page.input_value("#id_q") == "街道" and page.input_value("#region-county") == "371521000000"

    page.click(f"text={directory.a.name}")
    page.wait_for_selector("#commitment")
    assert "本机构郑重承诺" in page.inner_text("#commitment")
    assert "床位费 800 元/月" in page.inner_text("#fee-standards")
    assert "王小明" not in page.content()
