"""The public intake form (no login, honeypot, rate limit, Chinese validation) and the lookup by
tracking code (status and reply; no content, no complainant, no staff names)."""

from __future__ import annotations

import pytest

from inspections.complaints import services
from inspections.complaints.models import Complaint

pytestmark = pytest.mark.django_db

FORM = {
    "category": "fire",
    "content": "三楼安全出口被杂物堵死，灭火器过期。",
    "name": "张三丰",
    "phone": "13812345678",
}


def test_file_by_credit_code_and_track(client, world, home):
    assert home.name in client.get(f"/public/complaints/?institution={home.credit_code}").content.decode()
    r = client.post("/public/complaints/", {**FORM, "credit_code": home.credit_code})
    assert r.status_code == 302
    c = Complaint.objects.get()
    assert (
        c.institution == home and c.handling_department == world.xf and c.complainant_phone == "13812345678"
    )
    page = client.get(r["Location"]).content.decode()
    assert c.tracking_code in page and "已分办" in page and "消防救援" in page
    for secret in ("张三丰", "13812345678", "杂物堵死", "yanggu_xf"):
        assert secret not in page
    services.complaint_reply(
        c,
        actor=world.yanggu_xf,
        findings="核实属实（联系人 13812345678）",
        reply="已责令限期清理，复查合格。",
    )
    page = client.get(
        f"/public/complaints/track/?code={c.tracking_code.lower()}", follow=True
    ).content.decode()
    assert "已答复" in page and "复查合格" in page and "核实属实" not in page


def test_form_renders_every_field_once(client, world, home):
    import re

    for url in ("/public/complaints/", f"/public/complaints/?institution={home.credit_code}"):
        page = client.get(url).content.decode()
        ids = re.findall(r'\sid="(id_[a-z_]+)"', page)
        assert sorted(ids) == sorted(set(ids))  # the "name" field once, not also among the institution's
        for field in ("category", "content", "photos", "anonymous", "name", "phone"):
            assert f'id="id_{field}"' in page, field
    blank = client.get("/public/complaints/").content.decode()
    for field in ("credit_code", "institution_name", "institution_address", "region"):
        assert f'id="id_{field}"' in blank, field


def test_opened_from_an_institution_the_place_comes_with_it(client, world, home):
    page = client.get(f"/public/complaints/?institution={home.credit_code}").content.decode()
    assert home.name in page and home.region.full_name() in page
    assert f'name="region" value="{home.region.code}"' in page
    assert f'name="credit_code" value="{home.credit_code}"' in page


def test_institution_page_links_to_the_form_for_it(client, world, home):
    page = client.get(f"/public/institutions/{home.credit_code}/").content.decode()
    assert f'href="/public/complaints/?institution={home.credit_code}"' in page


def test_typed_name_links_an_exact_match(client, world, home):
    r = client.post("/public/complaints/", {**FORM, "institution_name": home.name})
    assert r.status_code == 302 and Complaint.objects.get().institution == home


def test_validation_messages_in_chinese(client, world):
    r = client.post("/public/complaints/", {"content": "太短", "phone": "12345"})
    text = r.content.decode()
    assert r.status_code == 400
    assert (
        "投诉内容至少 10 个字" in text and "请填写被投诉机构名称" in text and "请填写正确的手机号码" in text
    )
    assert not Complaint.objects.exists()


def test_honeypot(client, world, home):
    r = client.post(
        "/public/complaints/", {**FORM, "credit_code": home.credit_code, "website": "http://spam"}
    )
    assert r.status_code == 400 and not Complaint.objects.exists()


def test_submissions_rate_limited_per_client(client, world, home, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "complaint": "2/hour",
        },
    }
    codes = [
        client.post("/public/complaints/", {**FORM, "credit_code": home.credit_code}).status_code
        for _ in range(3)
    ]
    assert codes == [302, 302, 429] and Complaint.objects.count() == 2
    assert client.get("/public/complaints/").status_code == 200  # reading the form is not limited
    r = client.post("/public/complaints/", {**FORM, "credit_code": home.credit_code}, REMOTE_ADDR="10.1.1.1")
    assert r.status_code == 302


def test_unknown_code(client):
    r = client.get("/public/complaints/track/ABCDEFGHJKLM/")
    assert r.status_code == 404 and "未找到该查询码" in r.content.decode()


def test_merged_complaint_shows_the_main_reply(client, world, home, fire_complaint):
    dup = services.complaint_submit_public(
        content="楼道堆满杂物，消防通道不通。", institution=home, category="fire"
    )
    services.complaint_merge(dup, fire_complaint, actor=world.yanggu_xf)
    services.complaint_reply(fire_complaint, actor=world.yanggu_xf, findings="属实", reply="已清理完毕。")
    page = client.get(f"/public/complaints/track/{dup.tracking_code}/").content.decode()
    assert "已清理完毕" in page and "合并办理" in page


def test_stats_dataset_has_counts_only(client, world, fire_complaint):
    data = client.get("/public/api/complaint_stats.json").json()
    assert data["results"] == [
        {
            "region_code": world.yanggu.code,
            "region_name": "阳谷县",
            "month": "2026-09",
            "category": "fire",
            "category_name": "消防安全隐患",
            "received": 1,
            "replied": 0,
            "replied_in_time": 0,
        }
    ]
    schema = client.get("/public/api/complaint_stats.schema.json").json()
    assert list(schema["properties"]) == list(data["results"][0])
    csv_text = client.get("/public/api/complaint_stats.csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0] == ",".join(data["results"][0])
