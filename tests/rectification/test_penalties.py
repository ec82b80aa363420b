"""Penalties: recorded with their decision, fed to the credit ledger, published with natural
persons masked; a revoked decision leaves the public list and the ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from inspections.rectification import services

pytestmark = pytest.mark.django_db


def record(world, site, **extra):
    data = dict(
        decision_number="阳民罚决字〔2026〕3号",
        kind="fine",
        fine_amount=Decimal("20000"),
        facts="未按规定建立入住评估制度",
        legal_basis="《养老机构管理办法》第四十六条",
        decided_on=dt.date(2026, 10, 20),
        findings=[site.duty],
    )
    data.update(extra)
    return services.penalty_record(site.home, actor=world.yanggu_mz, **data)


def test_penalty_feeds_credit_and_is_published_masked(world, site, client):
    from credit.models import CreditRecord

    site.home.contact_phone = "13912345678"
    site.home.save()
    penalty = record(world, site)
    credit = CreditRecord.objects.get(kind="penalty", institution=site.home)
    assert credit.source_document == "阳民罚决字〔2026〕3号"
    page = client.get("/public/rectification/penalties/").content.decode()
    assert "阳民罚决字〔2026〕3号" in page and "阳谷县福寿养老院" in page and "20000" in page
    assert "张**" in page
    assert "张三丰" not in page and "13912345678" not in page
    assert penalty.findings.get() == site.duty


def test_a_fine_needs_an_amount_and_numbers_are_unique(world, site):
    with pytest.raises(ValidationError) as err:
        record(world, site, fine_amount=None)
    assert "fine_amount" in err.value.message_dict
    record(world, site)
    with pytest.raises(ValidationError) as err:
        record(world, site)
    assert "已登记" in err.value.message_dict["decision_number"][0]


def test_revoked_penalty_leaves_the_public_list_and_the_ledger(world, site, client):
    from credit.models import CreditRecord

    penalty = record(world, site)
    services.penalty_set_appeal(penalty, actor=world.yanggu_mz, status="revoked")
    assert "阳民罚决字〔2026〕3号" not in client.get("/public/rectification/penalties/").content.decode()
    assert CreditRecord.objects.get(kind="penalty").withdrawn_at is not None


def test_penalty_api_create_and_register_export(world, site, api_for, client_for):
    api = api_for(world.yanggu_mz)
    response = api.post(
        "/api/v1/penalties/",
        {
            "institution": site.home.pk,
            "decision_number": "阳民罚决字〔2026〕9号",
            "kind": "warning",
            "facts": "未公开收费标准",
            "legal_basis": "《养老机构管理办法》第四十六条",
            "decided_on": "2026-10-21",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert api.get("/api/v1/penalties/").json()["count"] == 1
    assert api_for(world.dongchangfu_mz).get("/api/v1/penalties/").json()["count"] == 0
    export = client_for(world.yanggu_mz).get("/inspections/rectification/penalties/?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_appeal_status_follows_the_procedure_and_a_revoked_decision_is_final(world, site):
    penalty = record(world, site)
    for status in ("reconsideration", "upheld", "litigation"):  # 复议维持后仍可起诉
        penalty = services.penalty_set_appeal(penalty, actor=world.yanggu_mz, status=status)
    penalty = services.penalty_set_appeal(penalty, actor=world.yanggu_mz, status="revoked")
    with pytest.raises(ValidationError, match="已经复议或诉讼撤销"):
        services.penalty_set_appeal(penalty, actor=world.yanggu_mz, status="none")
    penalty.refresh_from_db()
    assert penalty.appeal_status == "revoked"


def test_a_number_taken_concurrently_is_a_clear_error(world, site, monkeypatch):
    from inspections.rectification.models import Penalty

    record(world, site)
    # the duplicate check passes (as when another request inserts between check and insert)
    monkeypatch.setattr(Penalty.objects, "filter", lambda *a, **k: Penalty.objects.none())
    with pytest.raises(ValidationError) as err:
        record(world, site)
    assert err.value.message_dict["decision_number"] == ["该决定书文号已登记。"]
