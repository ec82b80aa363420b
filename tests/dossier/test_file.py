"""The institution's file (一户一档): every tab with its count equal to its rows, through the
user's scope; badges in the list and on the page; a readable change history."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from institutions import dossier as registry
from institutions.history import readable_value

pytestmark = pytest.mark.django_db

EXPECTED_TABS = {
    "basic",
    "staff",
    "ratings",
    "inspections",
    "findings",
    "complaints",
    "credit",
    "penalties",
    "referrals",
    "safety",
    "documents",
    "clocks",
    "history",
}


def tab_counts(page: str) -> dict[str, int]:
    return {
        key: int(count)
        for key, count in re.findall(
            r'data-tab="([a-z_]+)"[^>]*>[^<]*<span[^>]*data-count>(\d+)</span>', page
        )
    }


def tab_rows(html: str) -> int:
    return sum(len(re.findall(r"<tr[ >]", body)) for body in re.findall(r"<tbody>(.*?)</tbody>", html, re.S))


def test_every_part_of_the_file_has_its_tab():
    assert {t.key for t in registry.tabs()} >= EXPECTED_TABS


@pytest.mark.parametrize("persona", ["yanggu_mz", "yanggu_xf"])
def test_each_tab_count_equals_its_rows(world, dossier, client, persona):
    client.force_login(getattr(world, persona))
    page = client.get(f"/institutions/{dossier.home.pk}/").content.decode()
    counts = tab_counts(page)
    assert set(counts) == {t.key for t in registry.tabs()}
    for key, count in counts.items():
        partial = client.get(f"/institutions/{dossier.home.pk}/file/{key}/", HTTP_HX_REQUEST="true")
        assert partial.status_code == 200, key
        assert tab_rows(partial.content.decode()) == count, key


def test_fire_rescue_sees_only_its_remit_findings(world, dossier, client):
    client.force_login(world.yanggu_xf)
    html = client.get(
        f"/institutions/{dossier.home.pk}/file/findings/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "安全出口被杂物堵塞" in html and "夜间值班记录缺失" not in html
    client.force_login(world.yanggu_mz)
    html = client.get(
        f"/institutions/{dossier.home.pk}/file/findings/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "安全出口被杂物堵塞" in html and "夜间值班记录缺失" in html


def test_complaints_tab_never_shows_the_complainant(world, dossier, client):
    client.force_login(world.yanggu_mz)
    html = client.get(
        f"/institutions/{dossier.home.pk}/file/complaints/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert dossier.complaint.tracking_code in html
    for secret in ("投诉人李四", "13912345678", "辱骂"):
        assert secret not in html


def test_a_tab_by_query_string_and_plain_request_redirects(world, dossier, client):
    client.force_login(world.yanggu_mz)
    page = client.get(f"/institutions/{dossier.home.pk}/?tab=credit").content.decode()
    assert 'id="file-credit-grade"' in page and "D 级" in page
    plain = client.get(f"/institutions/{dossier.home.pk}/file/credit/")
    assert plain.status_code == 302 and plain["Location"].endswith("?tab=credit")
    assert (
        client.get(f"/institutions/{dossier.home.pk}/file/nonsense/", HTTP_HX_REQUEST="true").status_code
        == 404
    )


def test_out_of_scope_institution_is_404_for_its_tabs(world, dossier, client):
    client.force_login(world.dongchangfu_mz)
    assert client.get(f"/institutions/{dossier.home.pk}/").status_code == 404
    response = client.get(f"/institutions/{dossier.home.pk}/file/findings/", HTTP_HX_REQUEST="true")
    assert response.status_code == 404


def test_badges_on_the_page_and_in_the_list(world, dossier, client):
    client.force_login(world.yanggu_mz)
    page = client.get(f"/institutions/{dossier.home.pk}/").content.decode()
    assert 'data-badge="listed"' in page and "失信联合惩戒名单" in page
    assert 'data-badge="grade_d"' in page
    calm = client.get(f"/institutions/{dossier.calm.pk}/").content.decode()
    assert "data-badge=" not in calm
    listing = client.get("/institutions/").content.decode()
    row = listing[listing.index("阳谷县福寿养老院") :][:600]
    assert 'data-badge="listed"' in row and 'data-badge="grade_d"' in row


def test_list_badges_cost_no_query_per_row(world, dossier, client):
    from tests.institutions.factories import InstitutionFactory

    client.force_login(world.yanggu_mz)
    client.get("/institutions/")
    with CaptureQueriesContext(connection) as few:
        client.get("/institutions/")
    for i in range(5):
        InstitutionFactory(name=f"阳谷县新建{i}号养老院", region=world.yanggu_town)
    with CaptureQueriesContext(connection) as more:
        client.get("/institutions/")
    assert len(more) == len(few)


def test_file_page_queries_do_not_grow_with_the_rows(world, dossier, client):
    import datetime as dt

    from inspections import services as inspection_services
    from institutions import services as registry_services
    from supervision.core.models import Domain
    from tests.institutions.factories import id_number

    fire = Domain.objects.get(code="fire")

    def add(i: int) -> None:
        inspection_services.finding_create(
            dossier.home, fire, actor=world.yanggu_xf, description=f"隐患{i}", found_on=dt.date(2026, 11, 21)
        )
        registry_services.staff_appoint(
            dossier.home,
            actor=world.yanggu_mz,
            name=f"护理员{i}",
            id_number=id_number(40 + i),
            role="caregiver",
            hired_on=dt.date(2026, 1, 5),
        )
        registry_services.institution_update(dossier.home, actor=world.yanggu_mz, beds=100 + i)

    add(0)  # one row of each kind: the prefetches run from the first row on
    client.force_login(world.yanggu_mz)
    url = f"/institutions/{dossier.home.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(1, 4):
        add(i)
    with CaptureQueriesContext(connection) as more:
        page = client.get(url).content.decode()
    assert "护理员3" in page and "隐患3" in page
    assert len(more) == len(few), len(more) - len(few)


def test_history_names_instead_of_ids_beijing_time_and_no_braces(world, dossier, client):
    client.force_login(world.yanggu_mz)
    html = client.get(
        f"/institutions/{dossier.home.pk}/file/history/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "博济桥街道" in html and "侨润街道" in html  # the move, by name
    assert f"→ {dossier.other_town.pk}<" not in html
    assert "+00:00" not in html and "{}" not in html and "None" not in html
    # The clock is pinned at 2026-12-01 10:00 Beijing time.
    assert "2026-12-01 10:" in html


def test_readable_values():
    from institutions.models import Institution

    party = Institution._meta.get_field("party_organisation")
    status = Institution._meta.get_field("status")
    assert readable_value(party, "True") == "是" and readable_value(party, "False") == "否"
    assert readable_value(status, "filed") == "已备案"
    assert readable_value(None, "{}") == "—" and readable_value(None, "None") == "—"
    assert readable_value(None, "2026-12-02 02:00:00+00:00") == "2026-12-02 10:00"
