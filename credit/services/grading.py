"""Grades, risk classes and the read API (risk_class_for, is_listed, restrictions_for)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from auditlog.context import disable_auditlog
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from supervision.core.audit import audit

from ..models import (
    IN_FORCE_STATES,
    CreditGrade,
    CreditRecord,
    Grade,
    GradeThreshold,
    ListingProposal,
    ListType,
    RiskClass,
)
from ..rules import BASE_SCORE, DEFAULT_THRESHOLDS
from .common import JOINT_MEASURES, WATCH_MEASURES, institution_by_code, rules_table, today

# --- grades ----------------------------------------------------------------------------------


def thresholds() -> list[tuple[str, Decimal, str]]:
    """(grade, min score, risk class), best grade first."""
    rows = [(t.grade, t.min_score, t.risk_class) for t in GradeThreshold.objects.all()]
    if not rows:
        rows = [(g, Decimal(m), r) for g, (m, r) in DEFAULT_THRESHOLDS.items()]
    return sorted(rows, key=lambda r: r[1], reverse=True)


def grade_for_score(score: Decimal) -> tuple[str, str]:
    rows = thresholds()
    for grade, minimum, risk in rows:
        if score >= minimum:
            return grade, risk
    return rows[-1][0], rows[-1][2]


GRADE_ORDER = [Grade.A, Grade.B, Grade.C, Grade.D]
RISK_ORDER = [RiskClass.LOW, RiskClass.MEDIUM, RiskClass.HIGH]


def listings_in_force(credit_codes: Iterable[str] | None = None, on: dt.date | None = None):
    """Institution listings (joint punishment, watch) in force on ``on``."""
    on = on or today()
    qs = ListingProposal.objects.filter(
        state__in=IN_FORCE_STATES,
        list_type__in=[ListType.JOINT_PUNISHMENT, ListType.WATCH],
        term_starts__lte=on,
    ).filter(models.Q(permanent=True) | models.Q(term_ends__gte=on))
    if credit_codes is not None:
        qs = qs.filter(credit_code__in=list(credit_codes))
    return qs


def grade_compute(credit_code: str, on: dt.date | None = None) -> dict[str, Any]:
    """The score, grade, risk class and reasons (every input with its weight) — no write."""
    on = on or today()
    table = rules_table()
    score = BASE_SCORE
    reasons: list[dict[str, Any]] = [
        {"label": "基础分", "points": str(BASE_SCORE), "weight": "1", "contribution": str(BASE_SCORE)}
    ]
    serious: list[str] = []
    records = CreditRecord.objects.filter(credit_code=credit_code).in_force(on).order_by("effective_on", "pk")
    for r in records:
        _pts, _months, decays, is_serious = table.get(r.kind, (r.points, None, False, False))
        weight = Decimal(1)
        if decays and r.expires_on:
            total = (r.expires_on - r.effective_on).days or 1
            left = (r.expires_on - on).days
            weight = (Decimal(max(left, 0)) / Decimal(total)).quantize(Decimal("0.01"))
        contribution = (r.points * weight).quantize(Decimal("0.1"))
        score += contribution
        if is_serious:
            serious.append(r.get_kind_display())
        reasons.append(
            {
                "record": r.pk,
                "kind": r.kind,
                "label": f"{r.get_kind_display()}：{r.title}",
                "effective_on": r.effective_on.isoformat(),
                "expires_on": r.expires_on.isoformat() if r.expires_on else None,
                "points": str(r.points),
                "weight": str(weight),
                "contribution": str(contribution),
                "serious": is_serious,
            }
        )
    grade, risk = grade_for_score(score)
    listings = list(listings_in_force([credit_code], on))
    if serious and GRADE_ORDER.index(Grade(grade)) < GRADE_ORDER.index(Grade.C):
        grade, risk = Grade.C, _risk_of(Grade.C)
        reasons.append(
            {"label": "计分期内存在严重失信记录（" + "、".join(serious) + "），等级最高为 C", "cap": "C"}
        )
    if any(p.list_type == ListType.JOINT_PUNISHMENT for p in listings):
        grade, risk = Grade.D, RiskClass.HIGH
        reasons.append({"label": "列入失信联合惩戒对象名单期间，信用等级为 D，高风险", "cap": "D"})
    elif listings:
        risk = RiskClass.HIGH
        reasons.append({"label": "列入重点关注名单期间，作为重点监管对象（高风险）", "cap": "risk"})
    return {"score": score, "grade": str(grade), "risk_class": str(risk), "reasons": reasons, "on": on}


def _risk_of(grade: str) -> str:
    for g, _m, risk in thresholds():
        if g == grade:
            return risk
    return RiskClass.HIGH


def grade_recompute(credit_code: str, on: dt.date | None = None) -> CreditGrade:
    """Recompute and store an institution's grade (called whenever its records or listings
    change, and by the daily sweep so that expiring records and decays take effect)."""
    inst = institution_by_code(credit_code)
    code = inst.credit_code or ""
    result = grade_compute(code, on)
    with transaction.atomic():
        grade, created = CreditGrade.objects.select_for_update().get_or_create(
            institution=inst,
            defaults={
                "credit_code": code,
                "region": inst.region,
                "score": result["score"],
                "grade": result["grade"],
                "risk_class": result["risk_class"],
                "reasons": result["reasons"],
                "computed_at": timezone.now(),
                "computed_for": result["on"],
            },
        )
        if created:
            audit(grade, None, "grade", {"grade": (None, grade.grade)}, created=True)
            return grade
        before = {"grade": grade.grade, "score": grade.score, "risk_class": grade.risk_class}
        grade.score = result["score"]
        grade.grade = result["grade"]
        grade.risk_class = result["risk_class"]
        grade.reasons = result["reasons"]
        grade.computed_at = timezone.now()
        grade.computed_for = result["on"]
        grade.region = inst.region
        with disable_auditlog():
            grade.save()
        after = {"grade": grade.grade, "score": grade.score, "risk_class": grade.risk_class}
        changed = {k: (before[k], after[k]) for k in before if str(before[k]) != str(after[k])}
        if changed:
            audit(grade, None, "grade", changed)
    return grade


RISK_LOOKUP_CHUNK = 5000


def risk_class_for(credit_codes: Iterable[str]) -> dict[str, str]:
    """Risk class per credit code for the random draw (inspections looks this up without a
    compile-time dependency). Unknown codes get the class of an institution with no record."""
    codes = [c for c in credit_codes if c]
    found: dict[str, str] = {}
    listed: set[str] = set()
    # A draw over a province passes hundreds of thousands of codes: bind them in chunks (SQLite
    # caps bound parameters at 32,766; a huge IN list also plans badly on PostgreSQL).
    for i in range(0, len(codes), RISK_LOOKUP_CHUNK):
        part = codes[i : i + RISK_LOOKUP_CHUNK]
        found.update(
            CreditGrade.objects.filter(credit_code__in=part).values_list("credit_code", "risk_class")
        )
        listed.update(listings_in_force(part).values_list("credit_code", flat=True))
    default = grade_for_score(BASE_SCORE)[1]
    return {c: (RiskClass.HIGH.value if c in listed else found.get(c, default)) for c in codes}


def risk_source(institutions: Iterable[Any]) -> dict[int, str]:
    """Adapter for ``inspections.risk.register_risk_source``: institutions -> {id: class}.
    Credit may not import inspections; inspections registers this in its AppConfig.ready
    when ``apps.is_installed("credit")``."""
    insts = [i for i in institutions if getattr(i, "credit_code", None)]
    classes = risk_class_for([i.credit_code for i in insts])
    return {i.pk: classes[i.credit_code] for i in insts}


def is_listed(credit_code: str, on: dt.date | None = None) -> bool:
    """Whether the institution is on the joint-punishment list on ``on`` (default today)."""
    return listings_in_force([credit_code], on).filter(list_type=ListType.JOINT_PUNISHMENT).exists()


def restrictions_for(credit_code: str, on: dt.date | None = None) -> list[dict[str, Any]]:
    """The measures in force against the institution: one dict per measure with ``code``,
    ``label``, ``list_type``, ``decision_number``, ``until`` (None: permanent). Funds refuse a
    subsidy on ``no_fiscal_support``, a purchase on ``no_government_purchase``; awards and
    pilots check ``no_award`` / ``award_flag``."""
    out: list[dict[str, Any]] = []
    for p in listings_in_force([credit_code], on).order_by("term_starts"):
        measures = JOINT_MEASURES if p.list_type == ListType.JOINT_PUNISHMENT else WATCH_MEASURES
        for code, label in measures.items():
            out.append(
                {
                    "code": code,
                    "label": label,
                    "list_type": p.list_type,
                    "decision_number": p.decision_number,
                    "until": None if p.permanent else p.term_ends,
                }
            )
    return out


# Actions refused while a measure is in force, by the measure that forbids them (000 (十三)).
REFUSING_MEASURES: dict[str, str] = {
    "no_fiscal_support": "申请财政资金扶持（补贴）",
    "no_government_purchase": "参与政府购买服务",
    "no_award": "参与评比表彰",
    "no_policy_pilot": "参与政策试点",
    "no_grade_rating": "参加等级评定",
    "no_medical_insurance_settlement": "申请医保联网结算",
}


def restriction_check(credit_code: str, measure: str, on: dt.date | None = None) -> None:
    """Refuse, with a clear message, an action that a measure in force forbids: funds call
    ``restriction_check(code, "no_fiscal_support")`` before approving a subsidy,
    ``"no_government_purchase"`` before a purchase, awards and pilots ``"no_award"`` /
    ``"no_policy_pilot"``. Returns quietly when nothing forbids it."""
    if measure not in REFUSING_MEASURES:
        raise ValueError(f"unknown restricting measure: {measure}")
    for r in restrictions_for(credit_code, on):
        if r["code"] != measure:
            continue
        inst = institution_by_code(credit_code)
        until = "终身" if r["until"] is None else f"至 {r['until']:%Y-%m-%d}"
        raise ValidationError(
            f"{inst.name}已列入{ListType(r['list_type']).label}（决定书 {r['decision_number']}，"
            f"{until}），{r['label']}，不得{REFUSING_MEASURES[measure]}。",
            code="credit_restricted",
        )


def selection_flags(credit_code: str, on: dt.date | None = None) -> list[str]:
    """Warnings to show in any award or pilot selection (评比表彰、政策试点): an entry on the
    joint-punishment list (which also refuses it) or on the watch list (a prompt only)."""
    flags = []
    for p in listings_in_force([credit_code], on).order_by("term_starts"):
        until = "终身" if p.permanent else f"至 {p.term_ends:%Y-%m-%d}"
        flags.append(f"已列入{p.get_list_type_display()}（决定书 {p.decision_number}，{until}）")
    return flags
