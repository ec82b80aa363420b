"""Higher floors add sections to the detail page through the registry, without this app
importing them; the page shows the institution's own disclosure and its commitment."""

from __future__ import annotations

import pytest

from institutions import public

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(public, "_DETAIL_SECTIONS", [])
    return public._DETAIL_SECTIONS


def test_detail_shows_disclosure_and_commitment(client, directory):
    body = client.get(f"/public/institutions/{directory.a.credit_code.lower()}/").content.decode()
    for text in (
        "生活照料、康复护理",
        "床位费 800 元/月",
        "0635-6212345",
        "三级",
        ">120<",
        "本机构郑重承诺",
        "2026-03-02",
    ):
        assert text in body, text
    body_c = client.get(f"/public/institutions/{directory.c.credit_code}/").content.decode()
    assert "该机构尚未备案" in body_c and "未评定" in body_c


def test_registered_sections_render_and_none_hides(client, directory, registry):
    seen = []

    def inspections(inst):
        seen.append(inst.credit_code)
        return {
            "title": "检查结果公开",
            "template": "public/institution_section_list.html",
            "context": {"items": [f"{inst.name} 2026-04-01 合格"], "empty": "无"},
        }

    public.register_public_detail_section(inspections)
    public.register_public_detail_section(inspections)  # idempotent
    public.register_public_detail_section(lambda inst: None)
    body = client.get(f"/public/institutions/{directory.a.credit_code}/").content.decode()
    assert body.count("检查结果公开") == 1 and f"{directory.a.name} 2026-04-01 合格" in body
    assert seen == [directory.a.credit_code]


def test_section_output_is_escaped(client, directory, registry):
    public.register_public_detail_section(
        lambda inst: {
            "title": "<b>处罚</b>",
            "template": "public/institution_section_list.html",
            "context": {"items": ["<script>alert(1)</script>"]},
        }
    )
    body = client.get(f"/public/institutions/{directory.a.credit_code}/").content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body
    assert "<b>处罚</b>" not in body
