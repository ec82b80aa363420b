"""The checklist page: the saved hazard grade shown back (and changeable), one section per
domain with navigation and a confirmed 全部符合, photos taken inline into the private store."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from inspections import services
from inspections.models import Evidence, Finding, InspectionItem, ItemResult

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspection(field, world):
    return services.inspection_create(
        field.homes[0], actor=world.yanggu_mz, kind="special", team=field.inspectors[:2]
    )


def photo(name: str = "p.jpg") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 30)).save(buf, format="JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def url(inspection) -> str:
    return f"/inspections/{inspection.pk}/checklist/"


def selected_severity(html: str, item: InspectionItem) -> str:
    select = re.search(rf'<select[^>]*name="severity-{item.pk}".*?</select>', html, re.S).group(0)
    return re.search(r'<option value="(\w+)" selected>', select).group(1)


def test_the_saved_grade_is_shown_back(inspection, field, world, client_for):
    services.item_result_record(
        inspection,
        field.duty_item,
        actor=world.yanggu_mz,
        outcome="fail",
        note="无值班记录",
        severity="major",
    )
    html = client_for(world.yanggu_mz).get(url(inspection)).content.decode()
    assert selected_severity(html, field.duty_item) == "major"
    assert "查看问题（重大）" in html
    # the label is its own, so the option text is the grade alone (nothing to truncate)
    assert ">重大</option>" in html and "隐患等级（不符合时）" in html


def test_changing_the_grade_on_the_checklist_changes_the_finding(inspection, field, world, client_for):
    services.item_result_record(
        inspection,
        field.duty_item,
        actor=world.yanggu_mz,
        outcome="fail",
        note="无值班记录",
        severity="general",
    )
    client = client_for(world.yanggu_mz)
    client.post(
        url(inspection),
        {
            f"item-{field.duty_item.pk}": "fail",
            f"note-{field.duty_item.pk}": "无值班记录",
            f"severity-{field.duty_item.pk}": "serious",
        },
    )
    finding = Finding.objects.get(item_result__item=field.duty_item, item_result__inspection=inspection)
    assert finding.severity == "serious"
    assert selected_severity(client.get(url(inspection)).content.decode(), field.duty_item) == "serious"


def test_sections_have_navigation_and_a_confirmed_all_pass(inspection, field, world, client_for):
    html = client_for(world.yanggu_mz).get(url(inspection)).content.decode()
    items = services.checklist_items(inspection)
    domains = {i.domain_id for i in items}
    assert len(domains) >= 2
    for domain_id in domains:
        assert f'href="#section-{domain_id}"' in html and f'id="section-{domain_id}"' in html
        button = re.search(rf'<button[^>]*name="all_pass" value="{domain_id}"[^>]*>', html, re.S).group(0)
        assert "data-confirm=" in button and "全部记为“符合”" in button
    assert "js/checklist.js" in html and "<script>" not in html.split("</nav>", 1)[1]


def test_all_pass_marks_one_section_and_keeps_a_failed_item(inspection, field, world, client_for):
    items = services.checklist_items(inspection)
    section = field.duty_item.domain_id
    in_section = [i for i in items if i.domain_id == section]
    assert len(in_section) >= 2
    failed = in_section[1]
    client_for(world.yanggu_mz).post(
        url(inspection),
        {"all_pass": str(section), f"item-{failed.pk}": "fail", f"note-{failed.pk}": "记录缺失"},
    )
    results = {r.item_id: r.outcome for r in ItemResult.objects.filter(inspection=inspection)}
    assert results[failed.pk] == "fail"
    assert all(results[i.pk] == "pass" for i in in_section if i.pk != failed.pk)
    assert not any(i.pk in results for i in items if i.domain_id != section)  # other sections untouched


def test_a_photo_taken_on_the_checklist_is_kept_privately_with_its_item(
    inspection, field, world, client_for, private_root
):
    client = client_for(world.yanggu_mz)
    html = client.get(url(inspection)).content.decode()
    assert f'name="photo-{field.fire_item.pk}"' in html
    assert 'accept="image/*" capture="environment"' in html and 'enctype="multipart/form-data"' in html
    client.post(
        url(inspection), {f"item-{field.fire_item.pk}": "fail", f"photo-{field.fire_item.pk}": photo()}
    )
    evidence = Evidence.objects.get(inspection=inspection)
    assert evidence.item_result.item == field.fire_item
    assert private_root in services.evidence_path(evidence).parents
    html = client.get(url(inspection)).content.decode()
    assert f'src="/inspections/evidence/{evidence.pk}/"' in html


def test_a_photo_without_a_result_is_refused_with_a_reason(inspection, field, world, client_for):
    client = client_for(world.yanggu_mz)
    response = client.post(url(inspection), {f"photo-{field.fire_item.pk}": photo()}, follow=True)
    assert not Evidence.objects.exists()
    assert "请先选择检查结果，再上传照片" in response.content.decode()


def test_an_auditor_sees_the_checklist_read_only(inspection, field, world, client_for):
    from tests.factories import AssignmentFactory, UserFactory

    auditor = UserFactory(username="mz_auditor")
    AssignmentFactory(user=auditor, department=world.mz, region=world.yanggu, role="auditor")
    html = client_for(auditor).get(url(inspection)).content.decode()
    assert "checklist-save" not in html and 'name="all_pass"' not in html
    assert (
        client_for(auditor).post(url(inspection), {f"item-{field.duty_item.pk}": "pass"}).status_code == 403
    )
