"""The public re-run of the quarterly spot-check draw: the committed seed hash from the
commitment on, the seed only once drawn, the inputs, and a re-run that matches the result;
never claim lines or residents."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from funds import services
from funds.models import SpotCheckRound

from .helpers import beds, claim, id_number, paid, resident

pytestmark = pytest.mark.django_db
OCT = dt.date(2026, 10, 1)


@pytest.fixture
def committed(world, money):
    for i in range(3):
        month = dt.date(2026, 1 + i, 1)
        paid(
            world,
            money,
            claim(world, money.bed_programme, money.home, [beds(10, month)], start=month, end=month),
        )
    paid(
        world,
        money,
        claim(world, money.resident_programme, money.second_home, [resident(7, OCT, name="王秀英")]),
    )
    round_ = services.spot_check_open(world.yanggu, 2026, 4)
    return services.spot_check_commit(round_, actor=world.yanggu_mz, ratio="0.5")


def test_committed_round_shows_the_hash_but_never_the_seed(client, committed):
    url = reverse("public_funds:round_detail", args=[committed.pk])
    body = client.get(url).content.decode()
    assert committed.seed_hash in body
    assert committed.seed not in body and "抽取完成后公开" in body
    data = json.loads(client.get(reverse("public_funds:round_inputs", args=[committed.pk])).content)
    assert data["seed"] is None and data["seed_hash"] == committed.seed_hash
    body = client.get(url, {"verify": "1"}).content.decode()
    assert "种子尚未公开" in body


def test_drawn_round_is_re_run_by_anyone_and_matches(client, world, committed):
    round_ = services.spot_check_draw(committed, actor=world.yanggu_mz)
    assert client.get(reverse("public_funds:rounds")).status_code == 200
    url = reverse("public_funds:round_detail", args=[round_.pk])
    body = client.get(url, {"verify": "1"}).content.decode()
    assert round_.seed in body and round_.seed_hash in body
    assert "复核一致" in body
    for number in round_.result["drawn"]:
        assert number in body
    # no personal data: neither the resident's name nor any part of the ID number
    assert "王秀英" not in body and id_number(7) not in body and id_number(7)[-4:] not in body
    data = json.loads(client.get(reverse("public_funds:round_inputs", args=[round_.pk])).content)
    assert data["seed"] == round_.seed and data["result"]["drawn"] == round_.result["drawn"]
    assert "王秀英" not in json.dumps(data, ensure_ascii=False)


def test_a_tampered_result_is_reported(client, world, committed):
    round_ = services.spot_check_draw(committed, actor=world.yanggu_mz)
    result = dict(round_.result, drawn=["NOT-DRAWN"])
    SpotCheckRound.objects.filter(pk=round_.pk).update(result=result)
    body = client.get(
        reverse("public_funds:round_detail", args=[round_.pk]), {"verify": "1"}
    ).content.decode()
    assert "复核不一致" in body and "重新计算的结果与公布结果不同" in body


def test_an_open_round_is_not_public(client, world, money):
    round_ = services.spot_check_open(world.yanggu, 2026, 4)
    assert client.get(reverse("public_funds:round_detail", args=[round_.pk])).status_code == 404


def test_round_list_query_count(client, world, money, django_assert_max_num_queries, committed):
    for q in (1, 2, 3):
        SpotCheckRound.objects.create(region=world.yanggu, year=2025, quarter=q, status="committed")
    with django_assert_max_num_queries(8):
        assert client.get(reverse("public_funds:rounds")).status_code == 200
