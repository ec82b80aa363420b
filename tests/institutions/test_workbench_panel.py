"""The civil-affairs workbench panel: registered-not-filed, filings awaiting the on-site check
and unregistered institutions in the user's jurisdiction, each linking to the filtered list."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from institutions import services
from institutions.models import InstitutionStatus
from tests.institutions.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(world):
    town = world.yanggu_town
    made = {
        "not_filed": [InstitutionFactory(region=town, name=f"阳谷县未备案{i}养老院") for i in range(3)],
        "black": InstitutionFactory(
            region=town, credit_code=None, status=InstitutionStatus.UNREGISTERED, name="无证托老所"
        ),
        "filed": InstitutionFactory(region=town, name="阳谷县已备案养老院"),
        "checked": InstitutionFactory(region=town, name="阳谷县已核查养老院"),
    }
    for key in ("filed", "checked"):
        services.filing_submit(
            made[key],
            actor=world.yanggu_mz,
            submitted_on=dt.date(2026, 4, 1),
            commitment_text="承诺",
            certificate_number="证 1",
        )
    services.onsite_check_record(
        made["checked"],
        actor=world.yanggu_mz,
        checked_on=dt.date(2026, 4, 8),
        inspectors="张三",
        result="consistent",
    )
    InstitutionFactory(region=world.dongchangfu_town, name="东昌府区未备案养老院")
    return made


def panel_counts(body: str) -> dict[str, tuple[int, str]]:
    section = body[body.index('id="registry-panel"') :]
    found = re.findall(r'href="([^"]+)" data-panel-item="(\w+)">\s*<span[^>]*>(\d+)</span>', section)
    return {key: (int(n), url.replace("&amp;", "&")) for url, key, n in found}


def test_panel_counts_and_links(world, registry, client_for):
    c = client_for(world.yanggu_mz)
    counts = panel_counts(c.get("/workbench/").content.decode())
    assert {k: v[0] for k, v in counts.items()} == {"not_filed": 3, "awaiting": 1, "unregistered": 1}
    listing = c.get(counts["awaiting"][1]).content.decode()
    assert "阳谷县已备案养老院" in listing and "阳谷县已核查养老院" not in listing
    listing = c.get(counts["unregistered"][1]).content.decode()
    assert "无证托老所" in listing and "阳谷县未备案0养老院" not in listing
    listing = c.get(counts["not_filed"][1]).content.decode()
    assert "阳谷县未备案2养老院" in listing and "东昌府区未备案养老院" not in listing


def test_panel_is_scoped_and_only_for_civil_affairs(world, registry, client_for):
    other = panel_counts(client_for(world.dongchangfu_mz).get("/workbench/").content.decode())
    assert {k: v[0] for k, v in other.items()} == {"not_filed": 1, "awaiting": 0, "unregistered": 0}
    assert 'id="registry-panel"' not in client_for(world.yanggu_xf).get("/workbench/").content.decode()
