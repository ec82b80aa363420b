"""The shared fund flag: raised once per rule and subject while unresolved, reviewed by 民政 or
财政 of the region with an outcome, refused to others."""

from __future__ import annotations

import pytest

from funds.models import FlagStatus, FundFlag
from funds.services.flags import flag_raise, flag_review, register_flag_rule
from supervision.core.policy import Denied

pytestmark = pytest.mark.django_db

register_flag_rule("test.sample", "测试规则", "测试依据")


def test_raise_is_idempotent_while_open_and_again_after_close(world, money):
    flag, created = flag_raise(institution=money.home, rule="test.sample", reason="疑点一")
    again, created_again = flag_raise(institution=money.home, rule="test.sample", reason="疑点一（重复）")
    assert created and not created_again and again.pk == flag.pk
    assert flag.region == money.home.region and flag.domain.code == "fiscal_funds"
    assert flag.rule_label == "测试规则"
    flag_review(flag, world.yanggu_mz, outcome="dismissed", note="经核实不属实")
    flag.refresh_from_db()
    assert (
        flag.status == FlagStatus.CLOSED
        and flag.outcome == "dismissed"
        and flag.reviewed_by == world.yanggu_mz
    )
    fresh, created_fresh = flag_raise(institution=money.home, rule="test.sample", reason="再次发现")
    assert created_fresh and fresh.pk != flag.pk


def test_flags_on_different_subjects_are_distinct(world, money):
    a, _ = flag_raise(institution=money.home, rule="test.sample", reason="x", subject=money.bed_programme)
    b, _ = flag_raise(
        institution=money.home, rule="test.sample", reason="y", subject=money.resident_programme
    )
    assert a.pk != b.pk and a.subject == money.bed_programme
    assert FundFlag.objects.count() == 2


def test_review_needs_an_outcome_note_and_the_right_post(world, money):
    flag, _ = flag_raise(institution=money.home, rule="test.sample", reason="疑点")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        flag_review(flag, world.yanggu_mz, outcome="confirmed", note="")
    for refused in (world.yanggu_xf, world.dongchangfu_mz, money.yanggu_sj_auditor, money.dongchangfu_cz):
        with pytest.raises(Denied):
            flag_review(flag, refused, outcome="confirmed", note="属实")
    flag_review(flag, money.yanggu_cz, outcome="confirmed", note="属实")
    assert FundFlag.objects.get(pk=flag.pk).outcome == "confirmed"


def test_finance_and_audit_see_flags_of_their_county_only(world, money):
    flag_raise(institution=money.home, rule="test.sample", reason="阳谷")
    flag_raise(institution=money.other_home, rule="test.sample", reason="东昌府")
    assert set(FundFlag.objects.visible_to(money.yanggu_cz).values_list("reason", flat=True)) == {"阳谷"}
    assert set(FundFlag.objects.visible_to(money.yanggu_sj_auditor).values_list("reason", flat=True)) == {
        "阳谷"
    }
    assert FundFlag.objects.visible_to(world.yanggu_xf).count() == 0
