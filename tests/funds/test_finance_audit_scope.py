"""财政 and 审计 posts see the funds of their own county, pages and API alike, and not an
inspection they have no remit for (an out-of-scope object answers 404, as everywhere)."""

from __future__ import annotations

import datetime as dt

import pytest

from funds import services

from .helpers import beds, claim, close_with_beds

pytestmark = pytest.mark.django_db
OCT = dt.date(2026, 10, 1)


def test_finance_and_audit_pages_show_their_county_funds_only(world, money, client_for, api_for):
    from funds.models import SubsidyProgramme

    mine = claim(world, money.bed_programme, money.home, [beds(20, OCT)])
    programme = SubsidyProgramme.objects.get(pk=money.bed_programme.pk)
    programme.pk, programme.region, programme.name = None, world.dongchangfu, "东昌府区运营补贴"
    programme.save()
    theirs = services.claim_create(
        world.dongchangfu_mz,
        programme=programme,
        institution=money.other_home,
        period_start=OCT,
        period_end=OCT,
    )
    inspection = close_with_beds(world, money.home, 20)  # 民政's inspection of the same home
    assert client_for(world.yanggu_mz).get(f"/inspections/{inspection.pk}/").status_code == 200
    for user in (money.yanggu_cz, money.yanggu_sj_auditor):
        client = client_for(user)
        page = client.get("/funds/")
        assert page.status_code == 200 and mine.number in page.text and theirs.number not in page.text
        assert client.get(f"/funds/claims/{mine.pk}/").status_code == 200
        assert client.get(f"/funds/claims/{theirs.pk}/").status_code == 404
        assert client.get(f"/inspections/{inspection.pk}/").status_code == 404
        listed = api_for(user).get("/api/v1/subsidy-claims/").json()
        assert [row["id"] for row in listed["results"]] == [mine.pk]
        assert api_for(user).get(f"/api/v1/subsidy-claims/{theirs.pk}/").status_code == 404
