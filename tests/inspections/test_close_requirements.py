"""Closing (办结) needs a complete record: every key item and every item the plan requires has a
result, the conclusion is written, each inspector of the team has confirmed, and the
institution's representative has signed or their refusal is recorded with a witness. The one
closing service refuses otherwise, listing what is missing, for the page and the API alike."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from credit.models import CreditRecord
from inspections import services
from inspections.models import Inspection, InspectionItem, InspectionStatus, InspectorConfirmation
from tests.inspections.factories import complete_record

pytestmark = pytest.mark.django_db

NOTE = "消防通道畅通，值班记录完整。"


def new_inspection(field, world, plan=None) -> Inspection:
    inspection = services.inspection_create(
        field.homes[0], actor=world.yanggu_mz, kind="special", team=field.inspectors[:2], department=world.mz
    )
    if plan is not None:
        Inspection.objects.filter(pk=inspection.pk).update(plan=plan)
        inspection.refresh_from_db()
    return inspection


def refusal(inspection) -> str:
    with pytest.raises(ValidationError) as exc:
        services.inspection_close(inspection, actor=inspection.created_by, note="")
    (message,) = exc.value.messages
    return message


def test_an_empty_inspection_is_not_closed_and_nothing_is_credited(field, world):
    inspection = new_inspection(field, world)
    message = refusal(inspection)
    key_items = InspectionItem.objects.filter(active=True, is_key=True)
    assert message.startswith("不能办结")
    assert f"{key_items.count()} 项未录入结果" in message
    for item in key_items:
        assert item.title in message
    assert "未填写检查结论" in message
    assert f"检查人员尚未确认：{field.inspectors[0].name}、{field.inspectors[1].name}" in message
    assert "机构代表尚未签字，也未记录拒签及见证人" in message
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.PLANNED and inspection.conclusion == ""
    assert not CreditRecord.objects.filter(credit_code=field.homes[0].credit_code).exists()


@pytest.mark.parametrize("missing", ["key_item", "plan_item", "conclusion", "inspector", "signature"])
def test_each_missing_piece_is_named(field, world, missing):
    plan_item = InspectionItem.objects.filter(active=True, is_key=False).order_by("sort").first()
    field.plan.items.add(plan_item, field.fire_item)
    inspection = new_inspection(field, world, plan=field.plan)
    actor = world.yanggu_mz
    skip_item = {"key_item": field.fire_item, "plan_item": plan_item}.get(missing)
    for item in services.required_items(inspection):
        if item != skip_item:
            services.item_result_record(inspection, item, actor=actor, outcome="pass")
    services.inspection_confirm_inspector(inspection, field.inspectors[0], actor=actor)
    if missing != "inspector":
        services.inspection_confirm_inspector(inspection, field.inspectors[1], actor=actor)
    if missing != "signature":
        services.inspection_sign(inspection, actor=actor, name="李院长", acknowledged=True)
    with pytest.raises(ValidationError) as exc:
        services.inspection_close(inspection, actor=actor, note="" if missing == "conclusion" else NOTE)
    (message,) = exc.value.messages
    expected = {
        "key_item": f"1 项未录入结果：“{field.fire_item.title}”",
        "plan_item": f"1 项未录入结果：“{plan_item.title}”",
        "conclusion": "未填写检查结论（检查情况）",
        "inspector": f"检查人员尚未确认：{field.inspectors[1].name}",
        "signature": "机构代表尚未签字",
    }
    assert expected[missing] in message
    for other, text in expected.items():
        if other != missing and not {other, missing} <= {"key_item", "plan_item"}:
            assert text not in message, other
    assert message.count("；") == 0  # exactly one piece is missing
    inspection.refresh_from_db()
    assert inspection.is_open


def test_a_complete_inspection_closes_and_is_credited(field, world):
    inspection = new_inspection(field, world)
    complete_record(inspection, world.yanggu_mz)
    closed = services.inspection_close(inspection, actor=world.yanggu_mz, note=NOTE)
    assert closed.status == InspectionStatus.CLOSED
    assert closed.conclusion == "compliant" and closed.conclusion_note == NOTE
    passed = CreditRecord.objects.filter(credit_code=field.homes[0].credit_code, kind="inspection_passed")
    assert passed.exists()


def test_a_recorded_refusal_with_a_witness_stands_for_the_signature(field, world):
    inspection = new_inspection(field, world)
    actor = world.yanggu_mz
    with pytest.raises(ValidationError, match="见证人"):
        services.inspection_record_refusal(inspection, actor=actor, name="李院长", witness="")
    with pytest.raises(ValidationError, match="不能是本次检查的检查人员"):
        services.inspection_record_refusal(
            inspection, actor=actor, name="李院长", witness=field.inspectors[0].name
        )
    services.inspection_record_refusal(
        inspection, actor=actor, name="李院长", witness="社区干部赵六", note="认为检查结论不公"
    )
    inspection.refresh_from_db()
    assert inspection.signature_refused and not inspection.representative_signed
    entry = LogEntry.objects.get_for_object(inspection).filter(additional_data__verb="refuse_to_sign").get()
    assert entry.changes["refusal_witness"] == ["", "社区干部赵六"]
    complete_record(inspection, actor)  # items and confirmations; the refusal stays
    inspection.refresh_from_db()
    assert inspection.signature_refused and not inspection.representative_signed
    assert services.inspection_close(inspection, actor=actor, note=NOTE).status == InspectionStatus.CLOSED


def test_a_refusal_cannot_follow_a_signature(field, world):
    inspection = new_inspection(field, world)
    services.inspection_sign(inspection, actor=world.yanggu_mz, name="李院长", acknowledged=True)
    with pytest.raises(ValidationError, match="已签字"):
        services.inspection_record_refusal(inspection, actor=world.yanggu_mz, name="李院长", witness="赵六")


def test_an_inspector_with_an_account_confirms_in_person(field, world):
    inspection = new_inspection(field, world)
    with_account, without = field.inspectors[0], field.inspectors[1]  # inspectors[0] is yanggu_mz
    with pytest.raises(ValidationError, match="须由本人登录确认"):
        services.inspection_confirm_inspector(inspection, with_account, actor=world.yanggu_leader)
    services.inspection_confirm_inspector(inspection, with_account, actor=world.yanggu_mz)
    on_behalf = services.inspection_confirm_inspector(inspection, without, actor=world.yanggu_leader)
    assert on_behalf.confirmed_by == world.yanggu_leader
    again = services.inspection_confirm_inspector(inspection, without, actor=world.yanggu_mz)
    assert again.pk == on_behalf.pk and again.confirmed_by == world.yanggu_leader
    with pytest.raises(ValidationError, match="不是本次检查的检查人员"):
        services.inspection_confirm_inspector(inspection, field.inspectors[2], actor=world.yanggu_mz)
    assert InspectorConfirmation.objects.filter(inspection=inspection).count() == 2
    assert LogEntry.objects.get_for_object(on_behalf).filter(additional_data__verb="confirm").exists()


def test_an_institution_not_found_needs_no_items_nor_signature(field, world):
    inspection = new_inspection(field, world)
    with pytest.raises(ValidationError) as exc:
        services.inspection_close(inspection, actor=world.yanggu_mz, conclusion="not_found", note="")
    (message,) = exc.value.messages
    assert "未录入结果" not in message and "机构代表" not in message
    assert "未填写检查结论" in message and "检查人员尚未确认" in message
    for inspector in field.inspectors[:2]:
        services.inspection_confirm_inspector(inspection, inspector, actor=world.yanggu_mz)
    closed = services.inspection_close(
        inspection, actor=world.yanggu_mz, conclusion="not_found", note="现场已停业，人去楼空"
    )
    assert closed.status == InspectionStatus.CLOSED and closed.conclusion == "not_found"


# --- the API -------------------------------------------------------------------------------------


def test_api_close_is_refused_with_the_list_then_completed_through_actions(field, world, api_for):
    inspection = new_inspection(field, world)
    api = api_for(world.yanggu_mz)
    base = f"/api/v1/inspections/{inspection.pk}"
    response = api.post(f"{base}/close/", {}, format="json")
    assert response.status_code == 400
    (message,) = response.json()["non_field_errors"]
    assert "不能办结" in message and "未填写检查结论" in message and "机构代表尚未签字" in message
    assert Inspection.objects.get(pk=inspection.pk).status == InspectionStatus.PLANNED

    for item in services.required_items(inspection):
        services.item_result_record(inspection, item, actor=world.yanggu_mz, outcome="pass")
    for inspector in field.inspectors[:2]:
        response = api.post(f"{base}/confirm/", {"inspector": inspector.public_code}, format="json")
        assert response.status_code == 200, response.content
    stranger = api.post(f"{base}/confirm/", {"inspector": field.inspectors[3].public_code}, format="json")
    assert stranger.status_code == 400 and "不是本次检查的检查人员" in str(stranger.json())
    bad = api.post(f"{base}/refuse-signature/", {"name": "李院长", "witness": "李院长"}, format="json")
    assert bad.status_code == 400 and "见证人不能是拒绝签字的机构代表本人" in str(bad.json())
    response = api.post(f"{base}/refuse-signature/", {"name": "李院长", "witness": "赵六"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["refusal_witness"] == "赵六"
    assert body["confirmed_by_inspectors"] == sorted(i.public_code for i in field.inspectors[:2])
    response = api.post(f"{base}/close/", {"note": NOTE, "inspected_on": "2026-03-02"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "closed" and response.json()["inspected_on"] == "2026-03-02"


def test_api_sign_and_out_of_scope(field, world, api_for):
    inspection = new_inspection(field, world)
    base = f"/api/v1/inspections/{inspection.pk}"
    assert api_for(world.dongchangfu_mz).post(f"{base}/close/", {}, format="json").status_code == 404
    unsigned = api_for(world.yanggu_mz).post(
        f"{base}/sign/", {"name": "李院长", "acknowledged": False}, format="json"
    )
    assert unsigned.status_code == 400 and "签字须确认已知悉检查结果" in str(unsigned.json())
    signed = api_for(world.yanggu_mz).post(
        f"{base}/sign/", {"name": "李院长", "acknowledged": True}, format="json"
    )
    assert signed.status_code == 200 and signed.json()["representative_ack"] is True


# --- the page ------------------------------------------------------------------------------------


def test_the_page_shows_what_is_missing_and_refuses_to_close(field, world, client_for):
    inspection = new_inspection(field, world)
    c = client_for(world.yanggu_mz)
    url = f"/inspections/{inspection.pk}/"
    page = c.get(url).content.decode()
    assert 'id="close-blockers"' in page
    assert field.fire_item.title in page and "检查人员尚未确认" in page and "机构代表尚未签字" in page
    response = c.post(f"{url}close/", {"inspected_on": "2026-03-02", "note": ""}, follow=True)
    assert "不能办结" in response.content.decode()
    assert Inspection.objects.get(pk=inspection.pk).status == InspectionStatus.PLANNED


def test_the_page_records_confirmations_and_a_refusal_then_closes(field, world, client_for):
    inspection = new_inspection(field, world)
    for item in services.required_items(inspection):
        services.item_result_record(inspection, item, actor=world.yanggu_mz, outcome="pass")
    c = client_for(world.yanggu_mz)
    url = f"/inspections/{inspection.pk}/"
    for inspector in field.inspectors[:2]:
        page = c.post(f"{url}confirm/", {"inspector": inspector.pk}, follow=True).content.decode()
        assert f'id="confirmed-{inspector.pk}"' in page
    response = c.post(
        f"{url}refuse/", {"name": "李院长", "witness": "社区干部赵六", "note": "拒绝签字"}, follow=True
    )
    page = response.content.decode()
    assert "李院长 拒绝签字，见证人：社区干部赵六" in page
    assert 'id="close-blockers"' in page and "机构代表尚未签字" not in page  # only the conclusion left
    response = c.post(f"{url}close/", {"inspected_on": "2026-03-02", "note": NOTE}, follow=True)
    assert "检查已办结" in response.content.decode()
    closed = Inspection.objects.get(pk=inspection.pk)
    assert closed.status == InspectionStatus.CLOSED and closed.conclusion_note == NOTE
    assert 'id="close-blockers"' not in c.get(url).content.decode()
