"""A later draw of the same plan leaves out the institutions the plan has already drawn (a pending
task, or an inspection finished in the current period): they are not candidates, the frozen
inputs list them under ``excluded`` with the reason, and the public re-run still agrees. A team
left short of the plan's team size after recusal (回避后人员不足) goes ahead only on a
recorded confirmation."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from inspections import services
from inspections.draw import run_draw
from inspections.models import CoveragePeriod, DrawStatus, Inspection, InspectionStatus, InspectorConflict
from inspections.services import institution_code
from tests.inspections.factories import close_complete

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)


def executed(plan, world, on=DAY, **kwargs):
    draw = services.draw_create(plan, actor=world.yanggu_mz, on=on)
    return services.draw_execute(draw, actor=world.yanggu_mz, **kwargs)


def drawn_codes(draw) -> set[str]:
    return {r["code"] for r in draw.result["drawn"]}


def test_second_draw_leaves_out_pending_institutions_and_still_verifies(field, world, client):
    first = executed(field.plan, world)
    taken = drawn_codes(first)
    assert len(taken) == 3  # ceil(0.5 × 6)
    second = services.draw_create(field.plan, actor=world.yanggu_mz, on=DAY + dt.timedelta(days=30))
    candidates = {r["code"] for r in second.inputs["institutions"]}
    assert candidates == {institution_code(h) for h in field.homes} - taken
    assert {r["code"]: r["reason"] for r in second.inputs["excluded"]} == dict.fromkeys(taken, "pending")
    second = services.draw_execute(second, actor=world.yanggu_mz)
    assert not drawn_codes(second) & taken
    pending = Inspection.objects.filter(plan=field.plan, status=InspectionStatus.PLANNED)
    per_home = list(pending.values_list("institution_id", flat=True))
    assert len(per_home) == len(set(per_home))  # no institution has two 待检查 tasks
    # The public re-run from the revealed seed and the published inputs agrees.
    services.draw_reveal(second, actor=world.yanggu_mz)
    page = client.get(f"/public/inspections/draws/{second.pk}/?verify=1").content.decode()
    assert "复核一致" in page
    assert 'id="draw-excluded"' in page and "本计划已有待检查任务" in page
    name = next(h.name for h in field.homes if institution_code(h) in taken)
    assert name in page
    data = client.get(f"/public/inspections/draws/{second.pk}/inputs.json").json()
    assert {r["code"] for r in data["inputs"]["excluded"]} == taken
    assert run_draw(data["seed"], data["inputs"]) == data["result"]


def test_finished_inspections_of_this_period_are_left_out_and_earlier_periods_are_not(field, world):
    field.plan.coverage_period = CoveragePeriod.HALF_YEAR
    field.plan.sampling_ratio = 1
    field.plan.save()
    first = executed(field.plan, world)
    inspections = list(Inspection.objects.filter(draw=first).order_by("pk"))
    close_complete(inspections[0], actor=world.yanggu_mz, inspected_on=dt.date(2026, 3, 10))
    close_complete(inspections[1], actor=world.yanggu_mz, inspected_on=dt.date(2026, 7, 10))
    for inspection in inspections[2:]:
        services.inspection_cancel(inspection, actor=world.yanggu_mz)
    later = services.draw_create(field.plan, actor=world.yanggu_mz, on=dt.date(2026, 9, 1))
    excluded = {r["code"]: r["reason"] for r in later.inputs["excluded"]}
    assert excluded == {institution_code(inspections[1].institution): "inspected"}
    candidates = {r["code"] for r in later.inputs["institutions"]}
    assert institution_code(inspections[0].institution) in candidates  # inspected in the first half
    assert institution_code(inspections[2].institution) in candidates  # cancelled task


def test_redraw_keeps_institutions_whose_inspection_started(field, world):
    first = executed(field.plan, world)
    started = Inspection.objects.filter(draw=first).order_by("pk").first()
    services.item_result_record(started, field.fire_item, actor=world.yanggu_mz, outcome="pass")
    new = services.draw_redraw(first, actor=world.yanggu_mz, reason="名录库数据有误")
    assert [r["code"] for r in new.inputs["excluded"]] == [institution_code(started.institution)]
    assert len(new.inputs["institutions"]) == len(field.homes) - 1  # planned tasks were cancelled


def test_a_new_draw_waits_for_the_committed_one(field, world):
    waiting = services.draw_create(field.plan, actor=world.yanggu_mz, on=DAY)
    with pytest.raises(ValidationError, match=f"#{waiting.pk} 尚未执行"):
        services.draw_create(field.plan, actor=world.yanggu_mz, on=DAY)
    services.draw_execute(waiting, actor=world.yanggu_mz)
    assert services.draw_create(field.plan, actor=world.yanggu_mz, on=DAY).status == DrawStatus.COMMITTED


# --- short teams after recusal -------------------------------------------------------------------


def short_plan(field, left: int):
    """Team size 3, every home drawn; the first home keeps only ``left`` of 5 inspectors."""
    field.plan.team_size = 3
    field.plan.sampling_ratio = 1
    field.plan.save()
    home = field.homes[0]
    for inspector in field.inspectors[left:]:
        InspectorConflict.objects.create(inspector=inspector, institution=home, kind="relative")
    return home


def test_short_team_is_refused_without_confirmation(field, world):
    home = short_plan(field, left=2)
    draw = services.draw_create(field.plan, actor=world.yanggu_mz, on=DAY)
    assert services.short_team_candidates(draw.inputs) == [institution_code(home)]
    with pytest.raises(ValidationError, match="回避后人员不足：1 个抽中的检查对象检查组少于 3 人"):
        services.draw_execute(draw, actor=world.yanggu_mz)
    draw.refresh_from_db()
    assert draw.status == DrawStatus.COMMITTED and draw.result is None
    assert not draw.short_team_accepted
    assert not Inspection.objects.filter(draw=draw).exists()


def test_short_team_goes_ahead_on_a_recorded_confirmation(field, world):
    home = short_plan(field, left=2)
    draw = executed(field.plan, world, accept_short_teams=True)
    assert draw.status == DrawStatus.EXECUTED
    assert draw.result["short"] == [institution_code(home)]
    assert draw.short_team_accepted and draw.short_team_accepted_by == world.yanggu_mz
    assert draw.short_team_accepted_at is not None
    entry = LogEntry.objects.get_for_object(draw).filter(additional_data__verb="accept_short_teams").get()
    assert entry.actor == world.yanggu_mz and entry.changes["short_team_accepted"] == ["False", "True"]
    assert Inspection.objects.get(draw=draw, institution=home).team.count() == 2


def test_a_confirmation_is_recorded_only_when_a_team_is_short(field, world):
    draw = executed(field.plan, world, accept_short_teams=True)
    assert draw.result["short"] == [] and not draw.short_team_accepted


def test_a_team_below_two_is_refused_even_when_confirmed(field, world):
    short_plan(field, left=1)
    draw = services.draw_create(field.plan, actor=world.yanggu_mz, on=DAY)
    with pytest.raises(ValidationError, match="少于 2 人"):
        services.draw_execute(draw, actor=world.yanggu_mz, accept_short_teams=True)
    draw.refresh_from_db()
    assert draw.status == DrawStatus.COMMITTED and not draw.short_team_accepted


def test_the_draw_page_warns_refuses_and_records_the_confirmation(field, world, client_for):
    home = short_plan(field, left=2)
    draw = services.draw_create(field.plan, actor=world.yanggu_mz, on=DAY)
    c = client_for(world.yanggu_mz)
    url = f"/inspections/draws/{draw.pk}/"
    page = c.get(url).content.decode()
    assert 'id="short-risk"' in page and home.name in page
    page = c.post(f"{url}execute/", follow=True).content.decode()
    assert "回避后人员不足" in page
    draw.refresh_from_db()
    assert draw.status == DrawStatus.COMMITTED
    page = c.post(f"{url}execute/", {"accept_short_teams": "1"}, follow=True).content.decode()
    assert "抽取完成" in page
    assert 'id="short-team-accepted"' in page and "已确认人员不足仍执行" in page
    draw.refresh_from_db()
    assert draw.status == DrawStatus.EXECUTED and draw.short_team_accepted_by == world.yanggu_mz


def test_the_draw_page_lists_excluded_institutions(field, world, client_for):
    first = executed(field.plan, world)
    second = services.draw_create(field.plan, actor=world.yanggu_mz, on=DAY)
    page = client_for(world.yanggu_mz).get(f"/inspections/draws/{second.pk}/").content.decode()
    assert 'id="draw-excluded"' in page and "本计划已有待检查任务" in page
    for code in drawn_codes(first):
        assert code in page


def test_an_excluded_unregistered_institution_is_not_named_in_public(field, world, client):
    from institutions.models import InstitutionStatus
    from tests.institutions.factories import InstitutionFactory

    black = InstitutionFactory(
        region=world.yanggu_town, credit_code="", status=InstitutionStatus.UNREGISTERED, name="无证黑养老院"
    )
    field.plan.sampling_ratio = 1
    field.plan.save()
    executed(field.plan, world)
    second = services.draw_create(field.plan, actor=world.yanggu_mz, on=DAY)
    assert institution_code(black) in {r["code"] for r in second.inputs["excluded"]}
    page = client.get(f"/public/inspections/draws/{second.pk}/").content.decode()
    data = client.get(f"/public/inspections/draws/{second.pk}/inputs.json").content.decode()
    assert "无证黑养老院" not in page and "无证黑养老院" not in data
    assert "未登记机构" in page and field.homes[0].name in page
