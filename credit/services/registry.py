"""Facts the registry (``institutions``, the floor below) establishes, read into the ledger.

``institutions`` may not import credit, so credit reads it: the written credit commitment of a
filing (000 (十一)) is a ``commitment_made`` record; the on-site verification that follows it
says whether the commitment was honoured (备案信息属实 → ``commitment_honoured``) or not
(与实际不符 → ``commitment_broken``); a grade rating (GB/T 37276) is a ``grade_rating`` record
valid until the rating expires. Each record cites its registry row as source, so the sync is
idempotent and a record withdrawn by staff is never re-created.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from institutions.models import Filing, FilingKind, GradeRating, OnsiteCheck, OnsiteResult

from ..models import CreditRecord, RecordKind
from .ledger import record_fact

ONSITE_KINDS = {
    OnsiteResult.CONSISTENT: RecordKind.COMMITMENT_HONOURED,
    OnsiteResult.INCONSISTENT: RecordKind.COMMITMENT_BROKEN,
}


def _unrecorded(qs: models.QuerySet, kinds: list[str]) -> models.QuerySet:
    """Rows of ``qs`` with no credit record (even withdrawn) of any of ``kinds`` citing them."""
    ct = ContentType.objects.get_for_model(qs.model)
    done = CreditRecord.objects.filter(source_type=ct, kind__in=kinds).values("source_id")
    return qs.exclude(pk__in=done)


def registry_facts_sync(on: dt.date | None = None, institution: Any = None) -> int:
    """Record every registry fact not yet in the ledger (the daily sweep calls this).
    Returns the number of records written."""
    written = 0
    with_code = models.Q(institution__credit_code__isnull=False) & ~models.Q(institution__credit_code="")
    scope = models.Q(institution=institution) if institution is not None else models.Q()

    filings = _unrecorded(
        Filing.objects.filter(with_code, scope, kind=FilingKind.INITIAL).exclude(commitment_text=""),
        [RecordKind.COMMITMENT_MADE],
    ).select_related("institution")
    if on is not None:
        filings = filings.filter(submitted_on__lte=on)
    for f in filings.order_by("pk"):
        record_fact(
            f.institution.credit_code,
            RecordKind.COMMITMENT_MADE,
            title="备案时作出书面信用承诺",
            source=f,
            document=f"信用承诺书（{f.submitted_on:%Y-%m-%d} 备案"
            + (f"，登记证书 {f.certificate_number}" if f.certificate_number else "")
            + "）",
            effective=f.submitted_on,
            entered_by=f.created_by,
        )
        written += 1

    # An on-site verification judges the commitment only once a commitment has been made.
    committed = Filing.objects.filter(kind=FilingKind.INITIAL).exclude(commitment_text="")
    checks = _unrecorded(
        OnsiteCheck.objects.filter(with_code, scope, result__in=list(ONSITE_KINDS)).filter(
            institution__in=committed.values("institution")
        ),
        list(ONSITE_KINDS.values()),
    ).select_related("institution")
    if on is not None:
        checks = checks.filter(checked_on__lte=on)
    for c in checks.order_by("pk"):
        kind = ONSITE_KINDS[OnsiteResult(c.result)]
        record_fact(
            c.institution.credit_code,
            kind,
            title=f"备案后现场核查：{c.get_result_display()}",
            source=c,
            document=f"现场核查记录（{c.checked_on:%Y-%m-%d}，核查人员：{c.inspectors}）",
            effective=c.checked_on,
            entered_by=c.created_by,
        )
        written += 1

    ratings = _unrecorded(GradeRating.objects.filter(with_code, scope), [RecordKind.GRADE_RATING])
    if on is not None:
        ratings = ratings.filter(rated_on__lte=on)
    for r in ratings.select_related("institution").order_by("pk"):
        record_fact(
            r.institution.credit_code,
            RecordKind.GRADE_RATING,
            title=f"养老机构等级评定：{r.get_level_display()}（总分 {r.total}）",
            source=r,
            document=f"等级评定结果（{r.rated_by or '评定机构'}，{r.rated_on:%Y-%m-%d}）",
            effective=r.rated_on,
            expires=r.valid_until,
        )
        written += 1
    return written
