"""Rectification's clocks and publication periods."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from inspections.models import publication_end as _publication_end
from inspections.models import publication_months as _publication_months
from supervision.deadlines.models import Deadline, DeadlineState
from supervision.workcal.services import add_months

ITEM_RULE = "rectification.item"
# 挂牌督办's own clock (shipped by migration 0004: no document gives a period, so the rule's length
# is a house default; a listing document that states a date pins it).
LISTING_RULE = "listing.supervision"
NOTICE_KIND, NOTICE_KIND_SHORT = "rectification", "整改"
SUSPENSION_KIND, SUSPENSION_KIND_SHORT = "suspension", "停整"

# --- publication periods ------------------------------------------------------------------
# How long a published rectification result or penalty stays on the public pages. Leaving is a
# query on ``published_until`` (the last day shown, inclusive), so no job has to run. The
# defaults may be overridden per deployment with ``settings.PUBLICATION_MONTHS`` (same keys).
#
# Penalties count from the decision date (自行政处罚决定之日起), following the 信用修复 rules
# on administrative-penalty information: a warning (警告、通报批评) is public for 3 months; any
# other penalty at least 6 months and at most 3 years. We publish the others for the maximum,
# 3 years, because ending publication after the 6-month minimum is credit repair (信用修复), a
# decision on the party's application, not a default. Rectification results have no term in
# the seed documents (003 11. only says "及时向社会公布"); 责令改正 is not a penalty (行政处罚法
# art. 28), so they get the shorter term of ordinary dishonesty information, 1 year from
# publication. All are house defaults to confirm against the provincial rules.
PUBLICATION_MONTHS: dict[str, int] = {
    "penalty.warning": 3,
    "penalty": 36,
    "rectification_result": 12,
}


# 信用修复: a penalty other than a warning may leave the public pages early, on the party's
# application, once it has been public for this many months from the decision (the minimum term
# of the same rules); a warning's 3 months are fixed and cannot be shortened.
CREDIT_REPAIR_MINIMUM_MONTHS = 6


def publication_months(key: str) -> int:
    """Months of publication for ``key`` (``penalty.<kind>``, ``penalty`` or
    ``rectification_result``): the setting's value, else the default; the most specific key wins."""
    return _publication_months(key, PUBLICATION_MONTHS)


def publication_end(start: dt.date, key: str) -> dt.date:
    """Last day shown for a term of ``publication_months(key)`` starting on ``start``: the day
    before the same date ``months`` later (3 months from 2026-01-15 → 2026-04-14)."""
    return _publication_end(start, key, PUBLICATION_MONTHS)


def earliest_early_end(decided_on: dt.date) -> dt.date:
    """The first day a penalty decided on ``decided_on`` may be off the public pages through
    信用修复: after ``CREDIT_REPAIR_MINIMUM_MONTHS`` of publication."""
    return add_months(decided_on, CREDIT_REPAIR_MINIMUM_MONTHS)


DEFAULT_CONSEQUENCE = (
    "逾期未整改或者整改不合格的，本机关将依法责令停业整顿，并依照《养老机构管理办法》等规定予以处理；"
    "需要采取行政强制措施的，移送有权机关依法处理；整改情况将记入信用记录并向社会公开。"
)


# --- clocks --------------------------------------------------------------------------------


def overdue_clock(today: dt.date | None = None) -> Q:
    """The engine's own test of an overdue clock: marked overdue by the sweep, or still open
    with its due date passed (the condition the next sweep marks), so a page never waits for the
    sweep. Read on the Deadline row, never on a date copied onto the subject."""
    today = today or timezone.localdate()
    return Q(state=DeadlineState.OVERDUE) | Q(state=DeadlineState.OPEN, due__lt=today)


def clocks_of(model: type[models.Model], rule_code: str, subject: Any = None) -> models.QuerySet[Deadline]:
    """The ``rule_code`` clocks of rows of ``model`` (of ``subject`` when given, else correlated
    to the outer query's ``pk``), by app label and model name as ``FindingQuerySet.with_progress``."""
    opts = model._meta
    object_id: Any = OuterRef("pk") if subject is None else subject.pk
    return Deadline.objects.filter(
        content_type__app_label=opts.app_label,
        content_type__model=opts.model_name,
        object_id=object_id,
        rule__code=rule_code,
    )


def has_overdue_clock(model: type[models.Model], rule_code: str, today: dt.date | None = None) -> Exists:
    """``Exists`` of an overdue ``rule_code`` clock on the outer row: filters, lists, panels."""
    return Exists(clocks_of(model, rule_code).filter(overdue_clock(today)))


def _clock_overdue(obj: models.Model, rule_code: str) -> bool:
    annotated = getattr(obj, "clock_overdue", None)
    if annotated is not None:
        return bool(annotated)
    return clocks_of(type(obj), rule_code, obj).filter(overdue_clock()).exists()
