"""While listed, restrictions bite — enforced by the registry itself (institutions services)
and exposed to funds and awards through credit.services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from credit import services
from credit.models import ListType, ProposalState
from institutions import services as registry
from institutions.models import PersonRestriction
from tests.credit import factories

pytestmark = pytest.mark.django_db

SCORES = {
    "score_environment": Decimal(100),
    "score_facilities": Decimal(100),
    "score_management": Decimal(120),
    "score_service": Decimal(500),
}
ZHANG = factories.id_number(11)


def test_listed_institution_cannot_get_a_grade_rating(world, home):
    factories.to_published(world, home)
    with pytest.raises(ValidationError) as exc:
        registry.grade_rate(home, actor=world.yanggu_mz, scores=SCORES, rated_on=dt.date(2026, 6, 1))
    message = str(exc.value)
    assert "失信联合惩戒对象名单" in message and "不得参加等级评定" in message and "信惩决" in message


def test_listed_legal_representative_is_caught_at_another_institution(world, home, other_home):
    registry.appointment_make(
        home,
        actor=world.yanggu_mz,
        post="legal_representative",
        name="张三",
        id_number=ZHANG,
        started_on=dt.date(2025, 1, 1),
    )
    factories.to_published(world, home)
    with pytest.raises(ValidationError) as exc:
        registry.appointment_make(
            other_home,
            actor=world.yanggu_mz,
            post="principal",
            name="张三",
            id_number=ZHANG,
            started_on=dt.date(2026, 6, 1),
        )
    assert "张三" in str(exc.value) and "不得担任主要负责人" in str(exc.value)
    # ... matched by the keyed hash of the ID number, shown masked
    assert ZHANG not in str(exc.value) and ZHANG[:4] + "*" in str(exc.value)


def test_restrictions_for_funds_and_awards(world, home, other_home):
    assert services.restrictions_for(home.credit_code, dt.date(2026, 6, 1)) == []
    factories.to_published(world, home)
    codes = {r["code"] for r in services.restrictions_for(home.credit_code, dt.date(2026, 6, 1))}
    assert {"no_fiscal_support", "no_government_purchase", "no_award", "no_grade_rating"} <= codes
    assert services.is_listed(home.credit_code, dt.date(2026, 6, 1))
    assert not services.is_listed(other_home.credit_code, dt.date(2026, 6, 1))


def test_watch_list_is_lighter(world, home):
    factories.to_published(world, home, list_type=ListType.WATCH)
    on = dt.date(2026, 6, 1)
    assert not services.is_listed(home.credit_code, on)
    codes = {r["code"] for r in services.restrictions_for(home.credit_code, on)}
    assert codes == {"award_flag", "key_supervision"}
    assert services.risk_class_for([home.credit_code]) == {home.credit_code: "high"}
    rating = registry.grade_rate(home, actor=world.yanggu_mz, scores=SCORES, rated_on=on)
    assert rating.pk


def test_industry_ban_of_a_person_up_to_permanent(world, home, other_home):
    li = factories.id_number(22)
    p = factories.to_published(
        world,
        home,
        list_type=ListType.INDUSTRY_BAN,
        ground="resident_abuse",
        kind="resident_abuse",
        person_name="李四",
        person_id_number=li,
        permanent=True,
    )
    assert p.permanent and p.term_ends is None and p.person_id_masked == li[:4] + "**********" + li[-4:]
    with pytest.raises(ValidationError, match="行业禁入"):
        registry.staff_appoint(
            other_home,
            actor=world.yanggu_mz,
            name="李四",
            id_number=li,
            role="caregiver",
            hired_on=dt.date(2030, 1, 1),
        )
    with pytest.raises(ValidationError, match="终身"):
        services.proposal_apply_removal(p, actor=world.yanggu_mz, proof="已整改", on=dt.date(2030, 1, 1))


def test_automatic_expiry_at_term_end(world, home):
    p = factories.to_published(world, home)  # listed 2026-03-10 .. 2029-03-09
    assert services.listings_sweep(dt.date(2029, 3, 9))["expired"] == 0
    assert services.is_listed(home.credit_code, dt.date(2029, 3, 9))
    assert services.listings_sweep(dt.date(2029, 3, 10))["expired"] == 1
    assert services.listings_sweep(dt.date(2029, 3, 11))["expired"] == 0
    p.refresh_from_db()
    assert p.state == ProposalState.REMOVED and p.removal_reason == "expired"
    assert not services.is_listed(home.credit_code, dt.date(2029, 3, 10))
    # the registry's restriction carries the same term: rating allowed again
    assert registry.grade_rate(home, actor=world.yanggu_mz, scores=SCORES, rated_on=dt.date(2029, 3, 10)).pk


def test_early_removal_refused_before_two_years_allowed_after_with_proof(world, home, other_home):
    registry.appointment_make(
        home,
        actor=world.yanggu_mz,
        post="legal_representative",
        name="张三",
        id_number=ZHANG,
        started_on=dt.date(2025, 1, 1),
    )
    p = factories.to_published(world, home)  # term starts 2026-03-10
    with pytest.raises(ValidationError, match="2028-03-10"):
        services.proposal_apply_removal(p, actor=world.yanggu_mz, proof="已完成整改", on=dt.date(2028, 3, 9))
    with pytest.raises(ValidationError, match="证明"):
        services.proposal_apply_removal(p, actor=world.yanggu_mz, proof="", on=dt.date(2028, 3, 10))
    p = services.proposal_apply_removal(
        p, actor=world.yanggu_mz, proof="消防验收合格意见书", on=dt.date(2028, 3, 10)
    )
    assert p.state == ProposalState.REMOVAL_APPLIED
    with pytest.raises(Exception, match="负责人"):
        services.proposal_decide_removal(
            p, actor=world.yanggu_mz, approve=True, opinion="同意", on=dt.date(2028, 3, 20)
        )
    p = services.proposal_decide_removal(
        p, actor=world.yanggu_leader, approve=True, opinion="整改到位，同意移出", on=dt.date(2028, 3, 20)
    )
    assert p.state == ProposalState.REMOVED and p.removal_reason == "early"
    assert not services.is_listed(home.credit_code, dt.date(2028, 3, 21))
    assert not PersonRestriction.objects.filter(lifted_on__isnull=True).exists()
    # the legal representative may serve elsewhere again, the institution may be rated again
    registry.appointment_make(
        other_home,
        actor=world.yanggu_mz,
        post="principal",
        name="张三",
        id_number=ZHANG,
        started_on=dt.date(2028, 4, 1),
    )
    assert registry.grade_rate(home, actor=world.yanggu_mz, scores=SCORES, rated_on=dt.date(2028, 4, 1)).pk


def test_early_removal_refused_after_new_serious_dishonesty(world, home):
    p = factories.to_published(world, home)
    factories.record(home, "subsidy_fraud", world.yanggu_mz, on=dt.date(2027, 5, 1))
    with pytest.raises(ValidationError, match="严重失信"):
        services.proposal_apply_removal(p, actor=world.yanggu_mz, proof="已整改", on=dt.date(2028, 6, 1))


def test_refused_removal_keeps_the_entry_published(world, home):
    p = factories.to_published(world, home)
    p = services.proposal_apply_removal(p, actor=world.yanggu_mz, proof="说明", on=dt.date(2028, 6, 1))
    p = services.proposal_decide_removal(
        p, actor=world.yanggu_leader, approve=False, opinion="证明不足", on=dt.date(2028, 6, 5)
    )
    assert p.state == ProposalState.PUBLISHED
    assert services.is_listed(home.credit_code, dt.date(2028, 6, 6))


def test_listed_institution_subsidy_and_purchase_are_refused_with_a_clear_message(world, home, other_home):
    """The hook funds calls before approving a subsidy or a government purchase."""
    on = dt.date(2026, 6, 1)
    services.restriction_check(home.credit_code, "no_fiscal_support", on)  # not listed: passes
    p = factories.to_published(world, home)
    with pytest.raises(ValidationError) as exc:
        services.restriction_check(home.credit_code, "no_fiscal_support", on)
    message = str(exc.value)
    assert home.name in message and "失信联合惩戒对象名单" in message and p.decision_number in message
    assert "不得申请财政资金扶持（补贴）" in message and "至 2029-03-09" in message
    with pytest.raises(ValidationError, match="不得参与政府购买服务"):
        services.restriction_check(home.credit_code, "no_government_purchase", on)
    with pytest.raises(ValidationError, match="不得参与评比表彰"):
        services.restriction_check(home.credit_code, "no_award", on)
    services.restriction_check(other_home.credit_code, "no_fiscal_support", on)
    # after the term the subsidy may be approved again
    services.restriction_check(home.credit_code, "no_fiscal_support", dt.date(2029, 3, 10))


def test_watch_list_flags_award_selection_but_refuses_nothing(world, home):
    on = dt.date(2026, 6, 1)
    factories.to_published(world, home, list_type=ListType.WATCH)
    for measure in services.REFUSING_MEASURES:
        services.restriction_check(home.credit_code, measure, on)
    flags = services.selection_flags(home.credit_code, on)
    assert len(flags) == 1 and "重点关注名单" in flags[0]


def test_a_restricted_person_is_found_at_another_institution(world, home, other_home, client_for):
    """Already legal representative of another institution when the first one is listed: the
    other institution's credit profile shows the match (by keyed hash, masked)."""
    for inst in (home, other_home):
        registry.appointment_make(
            inst,
            actor=world.yanggu_mz,
            post="legal_representative",
            name="张三",
            id_number=ZHANG,
            started_on=dt.date(2025, 1, 1),
        )
    assert services.person_matches(other_home, dt.date(2026, 6, 1)) == []
    factories.to_published(world, home)
    matches = services.person_matches(other_home, dt.date(2026, 6, 1))
    assert [(m["name"], m["id_masked"]) for m in matches] == [("张三", ZHANG[:4] + "**********" + ZHANG[-4:])]
    assert matches[0]["restrictions"][0].kind == "joint_punishment"
    page = client_for(world.yanggu_mz).get(f"/credit/institution/{other_home.credit_code}/").content.decode()
    assert 'id="person-matches"' in page and "失信联合惩戒对象" in page and ZHANG not in page


def test_a_person_named_in_a_record_elsewhere_is_found(world, home, other_home):
    li = factories.id_number(55)
    factories.record(home, "court_judgment", world.yanggu_mz, person_name="李四", person_id_number=li)
    registry.appointment_make(
        other_home,
        actor=world.yanggu_mz,
        post="principal",
        name="李四",
        id_number=li,
        started_on=dt.date(2026, 1, 5),
    )
    matches = services.person_matches(other_home, dt.date(2026, 6, 1))
    assert len(matches) == 1 and matches[0]["records"][0].institution == home


def test_records_elsewhere_outside_the_users_scope_are_counted_not_shown(world, home, far_home, client_for):
    """A person named in a 东昌府 record who is principal in 阳谷: the 阳谷 user learns that
    another record exists, not what it says (the record is outside their jurisdiction)."""
    wang = factories.id_number(77)
    factories.record(
        far_home,
        "subsidy_fraud",
        world.dongchangfu_mz,
        title="虚报床位骗取运营补贴",
        person_name="王五",
        person_id_number=wang,
    )
    registry.appointment_make(
        home,
        actor=world.yanggu_mz,
        post="principal",
        name="王五",
        id_number=wang,
        started_on=dt.date(2026, 1, 5),
    )
    (match,) = services.person_matches(home, dt.date(2026, 6, 1), user=world.yanggu_mz)
    assert match["records"] == [] and match["hidden"] == 1
    (full,) = services.person_matches(home, dt.date(2026, 6, 1), user=world.dongchangfu_mz)
    assert full["hidden"] == 0 and full["records"][0].institution == far_home
    page = client_for(world.yanggu_mz).get(f"/credit/institution/{home.credit_code}/").content.decode()
    assert "虚报床位骗取运营补贴" not in page and "另有 1 条记录在您的辖区或职责范围之外" in page
