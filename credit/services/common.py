"""Shared constants and helpers of the credit services (dates, audit entries)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from institutions.models import Institution

from ..models import (  # noqa: F401 (STEP_LABELS is re-exported)
    STEP_LABELS,
    GradingRule,
    ProposalState,
    RecordKind,
)
from ..rules import DEFAULT_RULES

P = ProposalState

# The domain a record kind belongs to (decides which partner departments see it).
KIND_DOMAIN: dict[str, str] = {
    RecordKind.MAJOR_HAZARD_OVERDUE: "fire",
    RecordKind.SUBSIDY_FRAUD: "fiscal_funds",
    RecordKind.ILLEGAL_FUNDRAISING: "illegal_fundraising",
    RecordKind.RESIDENT_ABUSE: "elder_abuse",
    RecordKind.SERIOUS_ACCIDENT: "emergency",
    RecordKind.DISCLOSURE_FAILURE: "registration",
    RecordKind.BEYOND_SCOPE: "registration",
    RecordKind.COMMITMENT_MADE: "registration",
    RecordKind.COMMITMENT_HONOURED: "registration",
    RecordKind.COMMITMENT_BROKEN: "registration",
}

# Kinds staff may enter by hand on the credit profile (the others are fed by the apps that
# establish them: inspections, funds, complaints).
STAFF_KINDS = (
    RecordKind.COURT_JUDGMENT,
    RecordKind.DISHONEST_DEBTOR,
    RecordKind.AWARD,
    RecordKind.GRADE_RATING,
    RecordKind.ILLEGAL_FUNDRAISING,
    RecordKind.RESIDENT_ABUSE,
    RecordKind.OBSTRUCTION,
    RecordKind.SERIOUS_ACCIDENT,
    RecordKind.DISCLOSURE_FAILURE,
    RecordKind.BEYOND_SCOPE,
    RecordKind.COMMITMENT_HONOURED,
    RecordKind.COMMITMENT_BROKEN,
)


# Measures while in force (000 (十三), 103号): code -> label.
JOINT_MEASURES = {
    "no_award": "限制参与评比表彰",
    "no_grade_rating": "限制参与等级评定",
    "no_government_purchase": "限制参与政府采购",
    "no_fiscal_support": "限制获得财政资金扶持（补贴）",
    "no_policy_pilot": "限制参与政策试点",
    "no_medical_insurance_settlement": "限制单位医保联网结算",
    "key_supervision": "列为重点监管对象，增加检查频次",
    "no_post_elsewhere": "法定代表人、主要负责人不得担任其他养老服务机构的法定代表人或主要负责人",
}
WATCH_MEASURES = {
    "award_flag": "参与评比表彰、政策试点时予以提示",
    "key_supervision": "列为重点监管对象，增加检查频次",
}


def today() -> dt.date:
    return timezone.localdate()


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# --- audit -----------------------------------------------------------------------------------


def rules_table() -> dict[str, tuple[Decimal, int | None, bool, bool]]:
    """Kind -> (points, validity months, decays, serious): the configured rows over the defaults."""
    table = {k: (Decimal(p), m, d, s) for k, (p, m, d, s) in DEFAULT_RULES.items()}
    for r in GradingRule.objects.all():
        table[r.kind] = (r.points, r.validity_months, r.decays, r.serious)
    return table


def institution_by_code(credit_code: str) -> Institution:
    code = (credit_code or "").strip().upper()
    inst = Institution.objects.select_related("region").filter(credit_code=code).first()
    if inst is None:
        raise ValidationError(f"统一社会信用代码 {code or '（空）'} 不在机构名录中，不能记入信用记录。")
    return inst
