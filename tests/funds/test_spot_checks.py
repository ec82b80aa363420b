"""The quarterly spot check (003 4.): a clock per county and quarter from the shipped
``subsidy.quarterly_spot_check`` rule, a committed and re-runnable draw of paid claims, a check
per drawn claim (third party included), and the clock met when the last check is in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from funds import services
from funds.models import RoundStatus, SpotCheckRound, VerifiedBeds
from funds.services.spotchecks import rerun
from supervision.core.draw import seed_hash
from supervision.core.policy import Denied
from supervision.deadlines.models import Deadline

from .helpers import beds, claim, paid

pytestmark = pytest.mark.django_db
OCT = dt.date(2026, 10, 1)


def _clock(round_):
    return Deadline.objects.get(
        object_id=round_.pk, rule__code="subsidy.quarterly_spot_check", content_type__model="spotcheckround"
    )


def test_every_county_with_subsidies_gets_a_round_and_clock_per_quarter(world, money):
    rounds = services.spot_checks_open_quarter(dt.date(2026, 12, 1))
    assert [(r.region, r.year, r.quarter) for r in rounds] == [(world.yanggu, 2026, 4)]
    clock = _clock(rounds[0])
    assert clock.due == dt.date(2026, 12, 31) and clock.region == world.yanggu
    assert clock.department.is_lead
    # idempotent: a second run opens nothing new
    again = services.spot_checks_open_quarter(dt.date(2026, 12, 15))
    assert (
        again[0].pk == rounds[0].pk
        and Deadline.objects.filter(rule__code="subsidy.quarterly_spot_check").count() == 1
    )
    q1 = services.spot_check_open(world.yanggu, 2027, 1)
    assert _clock(q1).due == dt.date(2027, 3, 31)


def _paid_claims(world, money, n):
    out = []
    for i in range(n):
        inst = money.home if i % 2 == 0 else money.second_home
        month = dt.date(2026, 1 + i, 1)
        out.append(
            paid(
                world,
                money,
                claim(world, money.bed_programme, inst, [beds(10, month)], start=month, end=month),
            )
        )
    return out


def test_draw_is_committed_then_revealed_and_re_runs_identically(world, money):
    claims = _paid_claims(world, money, 6)
    round_ = services.spot_check_open(world.yanggu, 2026, 4)
    round_ = services.spot_check_commit(round_, actor=world.yanggu_mz, ratio="0.5")
    assert round_.status == RoundStatus.COMMITTED and round_.seed_hash == seed_hash(round_.seed)
    assert sorted(i["code"] for i in round_.inputs["institutions"]) == sorted(c.number for c in claims)
    round_ = services.spot_check_draw(round_, actor=world.yanggu_mz)
    drawn = round_.result["drawn"]
    assert len(drawn) == 3  # ceil(0.5 × 6)
    assert rerun(round_.seed, round_.inputs) == drawn
    assert sorted(round_.items.values_list("claim__number", flat=True)) == sorted(drawn)


def test_checks_complete_the_round_and_meet_the_clock(world, money):
    _paid_claims(world, money, 2)
    round_ = services.spot_check_open(world.yanggu, 2026, 4)
    round_ = services.spot_check_draw(
        services.spot_check_commit(round_, actor=world.yanggu_mz, ratio="1"), actor=world.yanggu_mz
    )
    first, second = list(round_.items.order_by("pk"))
    with pytest.raises(Denied):
        services.spot_check_record(
            first, actor=money.yanggu_cz, result="passed", checked_on=dt.date(2026, 11, 20)
        )
    with pytest.raises(ValidationError):
        services.spot_check_record(
            first, actor=world.yanggu_mz, result="problem", checked_on=dt.date(2026, 11, 20)
        )
    services.spot_check_record(
        first,
        actor=world.yanggu_mz,
        result="passed",
        checked_on=dt.date(2026, 11, 20),
        beds_found=48,
        status_ok=True,
        staff_ok=True,
        third_party="聊城市某会计师事务所",
        third_party_conclusion="账实相符",
    )
    assert VerifiedBeds.objects.get().beds_found == 48
    assert _clock(round_).state == "open"
    services.spot_check_record(
        second,
        actor=world.yanggu_mz,
        result="problem",
        checked_on=dt.date(2026, 11, 21),
        note="入住人数不符",
    )
    round_ = SpotCheckRound.objects.get(pk=round_.pk)
    assert round_.status == RoundStatus.COMPLETED
    assert _clock(round_).state == "met"


def test_commit_needs_paid_claims_and_a_sane_ratio(world, money):
    round_ = services.spot_check_open(world.yanggu, 2026, 4)
    with pytest.raises(ValidationError, match="没有可抽查"):
        services.spot_check_commit(round_, actor=world.yanggu_mz)
    with pytest.raises(ValidationError, match="抽查比例"):
        services.spot_check_commit(round_, actor=world.yanggu_mz, ratio=Decimal("1.5"))


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _drawn_item(world, money):
    _paid_claims(world, money, 1)
    round_ = services.spot_check_open(world.yanggu, 2026, 4)
    round_ = services.spot_check_draw(
        services.spot_check_commit(round_, actor=world.yanggu_mz, ratio="1"), actor=world.yanggu_mz
    )
    return round_.items.get()


def test_third_party_report_is_uploaded_to_the_private_store_and_scoped(client, world, money, private_root):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from funds.models import SpotCheckItem
    from supervision.files.models import StoredFile

    item = _drawn_item(world, money)
    client.force_login(world.yanggu_mz)
    url = reverse("funds:item_check", args=[item.pk])
    post = {"result": "passed", "checked_on": "2026-11-20", "third_party": "聊城市某会计师事务所"}
    # a file that is not a PDF or an image is refused and nothing is recorded
    bad = SimpleUploadedFile("报告.exe", b"MZ\x90\x00" + b"\x00" * 64)
    client.post(url, {**post, "third_party_report": bad})
    item.refresh_from_db()
    assert item.result == "pending" and not item.third_party_report and not StoredFile.objects.exists()

    report = SimpleUploadedFile("第三方核查报告.pdf", PDF, content_type="application/pdf")
    assert client.post(url, {**post, "third_party_report": report}).status_code == 302
    item = SpotCheckItem.objects.get(pk=item.pk)
    stored = StoredFile.objects.get(name=item.third_party_report)
    assert item.result == "passed" and stored.original_name == "第三方核查报告.pdf"
    assert (private_root / stored.name).read_bytes() == PDF  # in the private store, not under media
    page = client.get(reverse("funds:round_detail", args=[item.round_id])).content.decode()
    assert "查看第三方核查报告" in page
    download = reverse("funds:item_report", args=[item.pk])
    response = client.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    client.force_login(world.dongchangfu_mz)  # another county: not in scope
    assert client.get(download).status_code == 404


def test_a_report_needs_the_third_party_named(world, money):
    from django.core.files.uploadedfile import SimpleUploadedFile

    item = _drawn_item(world, money)
    with pytest.raises(ValidationError, match="第三方核查机构名称"):
        services.spot_check_record(
            item,
            actor=world.yanggu_mz,
            result="passed",
            checked_on=dt.date(2026, 11, 20),
            third_party_report=SimpleUploadedFile("r.pdf", PDF),
        )
