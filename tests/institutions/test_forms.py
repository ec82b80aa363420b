"""Create/edit forms: the credit-code message reaches the page; edits are audited; the
township choice is limited to the user's jurisdiction."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry

from institutions.models import Institution
from tests.institutions.factories import credit_code

pytestmark = pytest.mark.django_db


def form_data(world, **over):
    data = {
        "credit_code": credit_code(4242),
        "name": "阳谷县松鹤养老院",
        "kind": "care_home",
        "nature": "for_profit",
        "registration_authority": "market",
        "region": world.yanggu_town.pk,
        "address": "博济桥街道育才街 9 号",
        "beds": 60,
        "residents": 0,
        "fire_acceptance": "passed",
    }
    data.update(over)
    return data


def test_create_form_shows_precise_credit_code_error(world, client_for):
    c = client_for(world.yanggu_mz)
    code = credit_code(4242)
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    response = c.post("/institutions/new/", form_data(world, credit_code=wrong))
    body = response.content.decode()
    assert response.status_code == 200 and f"应为“{code[-1]}”" in body
    response = c.post("/institutions/new/", form_data(world, credit_code=code[:5] + "O" + code[6:]))
    assert "第 6 位字符“O”不合法" in response.content.decode()
    ok = c.post("/institutions/new/", form_data(world))
    inst = Institution.objects.get(credit_code=code)
    assert ok.status_code == 302 and ok["Location"] == f"/institutions/{inst.pk}/"
    assert inst.status == "registered_not_filed"


def test_create_form_offers_only_own_townships(world, client_for):
    body = client_for(world.yanggu_mz).get("/institutions/new/").content.decode()
    assert world.yanggu_town.name in body and world.dongchangfu_town.name not in body
    response = client_for(world.yanggu_mz).post(
        "/institutions/new/", form_data(world, region=world.dongchangfu_town.pk)
    )
    assert response.status_code == 200 and not Institution.objects.exists()


def test_edit_is_written_by_the_service_and_audited(world, client_for, yanggu_home):
    c = client_for(world.yanggu_mz)
    data = form_data(world, credit_code=yanggu_home.credit_code, name=yanggu_home.name, beds=99)
    response = c.post(f"/institutions/{yanggu_home.pk}/edit/", data)
    assert response.status_code == 302
    yanggu_home.refresh_from_db()
    assert yanggu_home.beds == 99
    entry = LogEntry.objects.get_for_object(yanggu_home).filter(additional_data__verb="update").get()
    assert entry.actor == world.yanggu_mz and entry.changes_dict["beds"] == ["80", "99"]
    page = c.get(f"/institutions/{yanggu_home.pk}/").content.decode()
    assert "变更历史" in page and "床位数：80 → 99" in page and "修改信息" in page


def test_full_width_code_is_stored_normalised_and_duplicates_are_caught(world, client_for):
    c = client_for(world.yanggu_mz)
    code = credit_code(4242)
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in code)
    assert c.post("/institutions/new/", form_data(world, credit_code=full_width)).status_code == 302
    assert Institution.objects.get().credit_code == code
    again = c.post("/institutions/new/", form_data(world, credit_code=code.lower(), name="阳谷县另一养老院"))
    assert again.status_code == 200 and "已存在" in again.content.decode()
    assert Institution.objects.count() == 1


def test_fire_acceptance_without_papers_needs_an_explanation(world, client_for, api_for):
    c = client_for(world.yanggu_mz)
    response = c.post("/institutions/new/", form_data(world, fire_acceptance="technical_only"))
    assert response.status_code == 200
    assert "请说明缺少的土地/房产手续" in response.content.decode()
    assert not Institution.objects.exists()
    payload = {**form_data(world, fire_acceptance="technical_only"), "region": world.yanggu_town.code}
    refused = api_for(world.yanggu_mz).post("/api/v1/institutions/", payload, format="json")
    assert refused.status_code == 400 and "土地/房产手续" in str(refused.json()["fire_acceptance_note"])
    note = "租用村集体用房，缺少不动产权证书；消防设施经第三方检测符合技术条件"
    ok = c.post(
        "/institutions/new/", form_data(world, fire_acceptance="technical_only", fire_acceptance_note=note)
    )
    assert ok.status_code == 302
    body = c.get(ok["Location"]).content.decode()
    assert "因土地/房产手续缺失未能验收" in body and note in body
