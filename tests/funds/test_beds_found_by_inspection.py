"""The rule "beds claimed that an inspection found not to exist" reads the beds an inspection
counted on site: closing the inspection hands the count to funds through the institutions
floor (``institutions.bed_counts``), and the institution's live claims are checked at once."""

from __future__ import annotations

import datetime as dt

import pytest

from funds.models import FundFlag, VerifiedBeds

from .helpers import beds, claim, close_with_beds

pytestmark = pytest.mark.django_db
OCT = dt.date(2026, 10, 1)
RULE = "subsidy.beds_not_found"


def test_beds_claimed_beyond_what_an_inspection_counted_are_flagged(world, money):
    over = claim(world, money.bed_programme, money.home, [beds(40, OCT)])  # 50 beds registered
    assert not FundFlag.objects.filter(claim=over, rule=RULE).exists()
    inspection = close_with_beds(world, money.home, 35)
    assert inspection.beds_found == 35
    [flag] = FundFlag.objects.filter(claim=over, rule=RULE)
    assert "申报 40 张" in flag.reason and "2026-11-20 核查实有 35 张" in flag.reason
    assert "专项检查" in flag.reason or inspection.get_kind_display() in flag.reason


def test_beds_within_what_an_inspection_counted_are_not_flagged(world, money):
    within = claim(world, money.bed_programme, money.second_home, [beds(25, OCT)])
    close_with_beds(world, money.second_home, 25)
    assert VerifiedBeds.objects.get(institution=money.second_home).beds_found == 25
    assert not FundFlag.objects.filter(claim=within, rule=RULE).exists()


def test_an_inspection_that_counted_no_beds_records_no_bed_count(world, money):
    claim(world, money.bed_programme, money.home, [beds(40, OCT)])
    close_with_beds(world, money.home, None)
    assert not VerifiedBeds.objects.exists()
    assert not FundFlag.objects.filter(rule=RULE).exists()
