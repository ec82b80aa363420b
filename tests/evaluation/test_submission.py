"""A township's evaluation goes to the county: submitted once every row is answered, returned
with a reason, corrected and approved; the report-by clock is met by the submission; the
township sees only its own form."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from supervision.core.policy import Denied
from supervision.deadlines.models import Deadline
from supervision.evaluation import services
from supervision.evaluation.models import Evaluation

pytestmark = pytest.mark.django_db


def _answer_all(evaluation, actor):
    for entry in evaluation.entries.all():
        services.entry_update(entry, actor=actor, completion="done", completed_text="已完成")


def test_township_submits_county_returns_then_approves(world, township_mz):
    town = world.yanggu_town
    with pytest.raises(Denied):  # the county does not fill in the township's form
        services.evaluation_create(world.yanggu_mz, region=town, year=2026)
    evaluation = services.evaluation_create(township_mz, region=town, year=2026, preparer="李联络")
    assert evaluation.entries.count() == 50
    clock = Deadline.objects.get(object_id=evaluation.pk, rule__code="evaluation.submit")
    assert clock.state == "open" and clock.region == town

    with pytest.raises(ValidationError, match="未选择完成情况"):
        services.evaluation_submit(evaluation, actor=township_mz)
    _answer_all(evaluation, township_mz)
    entry = evaluation.entries.get(number="2.8")
    services.entry_update(entry, actor=township_mz, completion="not_done", explanation="")
    with pytest.raises(ValidationError, match=r"2\.8"):
        services.evaluation_submit(evaluation, actor=township_mz)
    services.entry_update(entry, actor=township_mz, explanation="尚无入院评估数据")

    with pytest.raises(Denied):  # the county does not submit for the township
        services.evaluation_submit(evaluation, actor=world.yanggu_mz)
    evaluation = services.evaluation_submit(evaluation, actor=township_mz)
    assert evaluation.state == "submitted"
    clock.refresh_from_db()
    assert clock.state == "met"
    with pytest.raises(ValidationError):  # a submitted form is not changed
        services.entry_update(entry, actor=township_mz, explanation="改")

    with pytest.raises(Denied):  # the township does not review itself
        services.evaluation_approve(evaluation, actor=township_mz)
    with pytest.raises(ValidationError, match="理由"):
        services.evaluation_return(evaluation, actor=world.yanggu_mz, reason=" ")
    evaluation = services.evaluation_return(evaluation, actor=world.yanggu_mz, reason="4.9 未分类说明原因")
    assert evaluation.state == "returned" and evaluation.return_reason == "4.9 未分类说明原因"
    services.entry_update(entry, actor=township_mz, explanation="已补充说明")
    evaluation = services.evaluation_submit(evaluation, actor=township_mz)
    evaluation = services.evaluation_approve(evaluation, actor=world.yanggu_leader)
    assert evaluation.state == "approved"
    assert [e.step for e in evaluation.events.order_by("pk")] == ["submit", "return", "submit", "approve"]


def test_township_sees_only_its_own_evaluation(world, township_mz, client_for):
    from tests.factories import RegionFactory

    other = RegionFactory(code="371521101000", name="狮子楼街道", level=4, parent=world.yanggu)
    mine = services.evaluation_create(township_mz, region=world.yanggu_town, year=2026)
    county = services.evaluation_create(world.yanggu_mz, region=world.yanggu, year=2026)
    theirs = Evaluation.objects.create(region=other, year=2026)
    client = client_for(township_mz)
    assert client.get(f"/evaluation/{mine.pk}/").status_code == 200
    assert client.get(f"/evaluation/{theirs.pk}/").status_code == 404
    assert client.get(f"/evaluation/{county.pk}/").status_code == 404
    assert client.get(f"/evaluation/{theirs.pk}/word/").status_code == 404
    listed = client.get("/evaluation/").content.decode()
    assert f"/evaluation/{mine.pk}/" in listed and f"/evaluation/{theirs.pk}/" not in listed
    # the county sees both townships
    assert client_for(world.yanggu_mz).get(f"/evaluation/{theirs.pk}/").status_code == 200


def test_a_row_is_answered_on_its_page_with_an_evidence_file(
    world, township_mz, client_for, settings, tmp_path
):
    from tests.uploads import pdf, upload

    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    evaluation = services.evaluation_create(township_mz, region=world.yanggu_town, year=2026)
    client = client_for(township_mz)
    file = upload("公开制度.pdf", pdf(), "application/pdf")
    response = client.post(
        f"/evaluation/{evaluation.pk}/rows/1.7/",
        {"completion": "done", "completed_text": "制度已上墙", "evidence_text": "照片", "explanation": "",
         "file": file, "file_description": "公开制度文件"},
    )  # fmt: skip
    assert response.status_code == 302
    entry = evaluation.entries.get(number="1.7")
    assert entry.completed_text == "制度已上墙" and entry.evidence.count() == 1
    evidence = entry.evidence.get()
    assert client.get(f"/evaluation/evidence/{evidence.pk}/").status_code == 200
    assert client_for(world.dongchangfu_mz).get(f"/evaluation/evidence/{evidence.pk}/").status_code == 404
    # a partner department's post may read the form but not fill it in
    assert client_for(world.yanggu_xf).post(f"/evaluation/{evaluation.pk}/rows/1.7/", {}).status_code == 403
