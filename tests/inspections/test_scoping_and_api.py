"""Scoping for sibling counties and partner departments on lists, details, exports and the API;
partner systems POST findings in their remit; public pages show no personal data."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from inspections import services
from inspections.models import Finding
from tests.inspections.factories import close_complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def findings(field, world):
    fire = services.finding_create(
        field.homes[0], field.fire_item.domain, actor=world.yanggu_mz, description="阳谷消防通道堵塞"
    )
    duty = services.finding_create(
        field.homes[1], field.duty_item.domain, actor=world.yanggu_mz, description="阳谷未落实24小时值班"
    )
    other = services.finding_create(
        field.other_home, field.duty_item.domain, actor=world.dongchangfu_mz, description="东昌府值班记录缺失"
    )
    return {"fire": fire, "duty": duty, "other": other}


def test_list_is_scoped_by_county_and_remit(findings, world, client_for):
    page = client_for(world.yanggu_mz).get("/inspections/findings/").content.decode()
    assert "阳谷消防通道堵塞" in page and "阳谷未落实24小时值班" in page and "东昌府值班记录缺失" not in page


def test_partner_department_sees_only_its_domain(findings, world, client_for):
    page = client_for(world.yanggu_xf).get("/inspections/findings/").content.decode()
    assert "阳谷消防通道堵塞" in page
    assert "阳谷未落实24小时值班" not in page and "东昌府值班记录缺失" not in page


def test_detail_out_of_scope_is_404(findings, world, client_for):
    c = client_for(world.dongchangfu_mz)
    assert c.get(f"/inspections/findings/{findings['fire'].pk}/").status_code == 404
    assert c.get(f"/inspections/findings/{findings['other'].pk}/").status_code == 200


def test_partner_detail_outside_remit_is_404(findings, world, client_for):
    c = client_for(world.yanggu_xf)
    assert c.get(f"/inspections/findings/{findings['duty'].pk}/").status_code == 404
    assert c.get(f"/inspections/findings/{findings['fire'].pk}/").status_code == 200


@pytest.mark.parametrize("kind", ["hazards", "rectification", "responsibility"])
def test_three_list_exports_are_scoped(findings, world, client_for, kind):
    response = client_for(world.yanggu_xf).get(f"/inspections/findings/list/{kind}/?export=xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    text = " ".join(str(c) for r in rows for c in r if c)
    assert "阳谷消防通道堵塞" in text
    assert "值班" not in text
    assert len(rows) == 2  # header + one finding


def test_api_findings_scoped(findings, world, api_for):
    data = api_for(world.dongchangfu_mz).get("/api/v1/findings/").json()
    assert [r["description"] for r in data["results"]] == ["东昌府值班记录缺失"]
    assert api_for(world.dongchangfu_mz).get(f"/api/v1/findings/{findings['fire'].pk}/").status_code == 404
    xf = api_for(world.yanggu_xf).get("/api/v1/findings/").json()
    assert [r["description"] for r in xf["results"]] == ["阳谷消防通道堵塞"]


def test_partner_system_posts_finding_in_its_remit(field, world, api_for):
    api = api_for(world.yanggu_xf)
    ok = api.post(
        "/api/v1/findings/",
        {
            "institution": field.homes[0].pk,
            "domain": "fire",
            "severity": "major",
            "description": "灭火器过期",
            "source_system": "消防监督系统",
        },
        format="json",
    )
    assert ok.status_code == 201, ok.content
    body = ok.json()
    assert body["supervising_department"] == "fire_rescue" and body["listed_supervision"] is True
    assert body["needs_referral"] is False
    outside = api.post(
        "/api/v1/findings/",
        {"institution": field.homes[0].pk, "domain": "operations", "description": "值班缺失"},
        format="json",
    )
    assert outside.status_code == 400 and "domain" in outside.json()
    other_county = api.post(
        "/api/v1/findings/",
        {"institution": field.other_home.pk, "domain": "fire", "description": "越界"},
        format="json",
    )
    assert other_county.status_code == 400
    assert Finding.objects.count() == 1


def test_api_inspections_and_draws_scoped(field, world, api_for):
    draw = services.draw_execute(
        services.draw_create(field.plan, actor=world.yanggu_mz), actor=world.yanggu_mz
    )
    mine = api_for(world.yanggu_mz).get("/api/v1/draws/").json()["results"]
    assert [d["id"] for d in mine] == [draw.pk]
    assert mine[0]["seed"] == ""  # not revealed yet
    assert mine[0]["seed_hash"] == draw.seed_hash
    assert api_for(world.dongchangfu_mz).get("/api/v1/draws/").json()["results"] == []
    assert api_for(world.dongchangfu_mz).get("/api/v1/inspections/").json()["results"] == []
    assert len(api_for(world.yanggu_mz).get("/api/v1/inspections/").json()["results"]) == 3
    # Fire rescue is not in this civil-affairs plan: sees neither its draw nor its inspections.
    assert api_for(world.yanggu_xf).get("/api/v1/inspections/").json()["results"] == []
    items = api_for(world.yanggu_xf).get("/api/v1/inspection-items/?domain=").json()
    fire = next(i for i in items["results"] if i["code"] == "fire-passages")
    assert fire["responsible_department"] == "fire_rescue"


def test_api_inspectors_scoped(field, world, api_for):
    xf = api_for(world.yanggu_xf).get("/api/v1/inspectors/").json()["results"]
    assert {r["department"] for r in xf} == {"fire_rescue"}
    assert api_for(world.dongchangfu_mz).get("/api/v1/inspectors/").json()["results"] == []


def test_staff_pages_render_and_need_login(field, world, client_for, client):
    assert client.get("/inspections/").status_code == 302
    c = client_for(world.yanggu_mz)
    for url in (
        "/inspections/",
        "/inspections/items/",
        "/inspections/inspectors/",
        "/inspections/plans/",
        f"/inspections/plans/{field.plan.pk}/",
        f"/inspections/plans/{field.plan.pk}/coverage/",
        "/inspections/findings/list/rectification/",
        "/inspections/new/",
        "/inspections/findings/new/",
    ):
        assert c.get(url).status_code == 200, url
    assert client_for(world.dongchangfu_mz).get(f"/inspections/plans/{field.plan.pk}/").status_code == 404


def test_public_draw_page_verifies_and_hides_names(field, world, client):
    draw = services.draw_execute(
        services.draw_create(field.plan, actor=world.yanggu_mz), actor=world.yanggu_mz
    )
    page = client.get(f"/public/inspections/draws/{draw.pk}/?verify=1").content.decode()
    assert draw.seed_hash in page and "种子尚未公开" in page and draw.seed not in page
    services.draw_reveal(draw, actor=world.yanggu_mz)
    page = client.get(f"/public/inspections/draws/{draw.pk}/?verify=1").content.decode()
    assert "复核一致" in page and draw.seed in page
    for inspector in field.inspectors:
        assert inspector.name not in page and inspector.certificate_number not in page
    # Tampering with the stored result is detected.
    draw.refresh_from_db()
    draw.result["drawn"] = draw.result["drawn"][1:]
    draw.save()
    assert "复核不一致" in client.get(f"/public/inspections/draws/{draw.pk}/?verify=1").content.decode()


def test_public_result_only_when_published(field, world, client):
    inspection = services.inspection_create(
        field.homes[0], actor=world.yanggu_mz, kind="special", team=field.inspectors[:2]
    )
    services.item_result_record(
        inspection, field.fire_item, actor=world.yanggu_mz, outcome="fail", note="张三说通道堵塞"
    )
    services.inspection_sign(inspection, actor=world.yanggu_mz, name="李四", acknowledged=True)
    close_complete(inspection, actor=world.yanggu_mz)
    assert client.get(f"/public/inspections/results/{inspection.pk}/").status_code == 404
    services.inspection_publish(inspection, actor=world.yanggu_mz, summary="发现消防问题，已责令整改")
    page = client.get(f"/public/inspections/results/{inspection.pk}/").content.decode()
    assert "已责令整改" in page and field.homes[0].name in page
    assert "李四" not in page and "张三" not in page and field.inspectors[0].name not in page
    assert field.homes[0].name in client.get("/public/inspections/").content.decode()


def test_object_directory_is_live_and_scoped(field, world, client_for):
    from institutions.models import InstitutionStatus

    c = client_for(world.yanggu_mz)
    page = c.get("/inspections/objects/").content.decode()
    assert field.homes[0].name in page and field.other_home.name not in page
    # Kept in sync by querying the registry: a terminated institution leaves the directory.
    type(field.homes[0]).objects.filter(pk=field.homes[0].pk).update(status=InstitutionStatus.TERMINATED)
    assert field.homes[0].name not in c.get("/inspections/objects/").content.decode()
    assert (
        field.other_home.name
        in client_for(world.dongchangfu_mz).get("/inspections/objects/").content.decode()
    )


def test_inspector_directory_flags_and_filters_certificate_expiry(field, world, client_for):
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()  # the directory speaks about today by design
    expired, expiring = field.inspectors[3], field.inspectors[4]
    expired.certificate_expires = today - dt.timedelta(days=1)
    expired.save()
    expiring.certificate_expires = today + dt.timedelta(days=10)
    expiring.save()
    c = client_for(world.yanggu_mz)
    page = c.get("/inspections/inspectors/").content.decode()
    assert page.count("cert-expired") == 1 and page.count("cert-expiring") == 1
    names = lambda v: {  # noqa: E731
        row["name"] for row in c.get(f"/api/v1/inspectors/?certificate={v}").json()["results"]
    }
    assert names("expired") == {expired.name}
    assert names("expiring") == {expiring.name}
    assert expired.name not in names("valid") and expiring.name in names("valid")


def test_public_draw_never_names_an_unregistered_institution(field, world, client):
    from institutions.models import InstitutionStatus
    from tests.institutions.factories import InstitutionFactory

    black = InstitutionFactory(
        region=world.yanggu_town, credit_code="", status=InstitutionStatus.UNREGISTERED, name="无证黑养老院"
    )
    field.plan.sampling_ratio = 1
    field.plan.save()
    draw = services.draw_execute(
        services.draw_create(field.plan, actor=world.yanggu_mz), actor=world.yanggu_mz
    )
    assert services.institution_code(black) in {r["code"] for r in draw.result["drawn"]}
    services.draw_reveal(draw, actor=world.yanggu_mz)
    page = client.get(f"/public/inspections/draws/{draw.pk}/?verify=1").content.decode()
    data = client.get(f"/public/inspections/draws/{draw.pk}/inputs.json").content.decode()
    assert "无证黑养老院" not in page and "无证黑养老院" not in data
    assert "未登记机构" in page and field.homes[0].name in page
    assert "复核一致" in page
