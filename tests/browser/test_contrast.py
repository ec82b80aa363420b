"""Every text on the public pages, buttons and links included, has a contrast ratio of at least
4.5:1 against what is behind it (WCAG 2: (L1 + 0.05) / (L2 + 0.05) of the relative luminances),
measured from the browser's computed styles at desktop and phone size."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.complaints.conftest import clean_public_cache  # noqa: F401 (fixture)
from tests.institutions.factories import InstitutionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MINIMUM = 4.5

# For every element that shows text of its own: its colour, the first opaque background behind
# it (walking up the ancestors; a background image is not judged), and the WCAG ratio.
MEASURE = "\n".join(
    line
    for line in (Path(__file__).parent / "contrast.js").read_text(encoding="utf-8").splitlines()
    if not line.startswith("//")
)


def measure(page, url: str) -> list[dict]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page.evaluate(MEASURE)


def test_the_public_complaint_button_is_white_on_dark_blue(page, live_server, world):
    page.goto(f"{live_server.url}/public/")
    button = page.locator("a.btn-primary", has_text="我要投诉举报")
    rows = [r for r in page.evaluate(MEASURE) if r["text"] == "我要投诉举报"]
    assert rows and button.count() == 1
    assert rows[0]["color"] == "rgb(255, 255, 255)" and rows[0]["ratio"] >= MINIMUM, rows


@pytest.mark.parametrize("size", [(1366, 900), (390, 844)], ids=["desktop", "phone"])
def test_every_text_on_the_public_pages_meets_4_5_to_1(page, live_server, world, size):
    home = InstitutionFactory(name="阳谷县博济桥街道福寿养老院", status="filed", region=world.yanggu_town)
    page.set_viewport_size({"width": size[0], "height": size[1]})
    low = []
    pages = [
        "/public/",
        "/public/institutions/",
        f"/public/institutions/{home.credit_code}/",
        "/public/complaints/",
        f"/public/complaints/?institution={home.credit_code}",
        "/public/complaints/track/",
        "/public/policies/",
        "/public/no-such-page/",
    ]
    measured = 0
    for path in pages:
        for row in measure(page, live_server.url + path):
            measured += 1
            if row["ratio"] < MINIMUM:
                low.append(
                    f"{path} <{row['tag']} class='{row['cls']}'> 「{row['text']}」 "
                    f"{row['color']} on {row['background']}: {row['ratio']}"
                )
    assert measured > 100
    assert not low, "text below 4.5:1:\n" + "\n".join(low)
