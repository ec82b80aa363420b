"""Reads of inspections and findings.

* ``FindingQuerySet.with_progress()`` – where a finding stands, read from the records that
  decide it and never copied onto the finding: its referral (抄告, ``supervision.referrals``),
  its rectification notice item (``inspections.rectification``) and that item's clock
  (``supervision.deadlines``). The finding page, the three lists, the API and the overview all
  read these annotations, so a state means the same thing (and counts the same) everywhere.
* Reads beyond the default scope (a scope extension registered in apps.py): partner
  departments taking part in a joint inspection see it; the department that found a problem
  keeps seeing its finding after the finding was handed to the responsible department for
  referral.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import BooleanField, Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supervision.core.scoping import ScopedQuerySet

# The referral steps, by state of the finding's latest referral (see supervision/referrals).
REFERRAL_IN_HAND = ("sent", "rerouted", "acknowledged")


class ReferralProgress(models.TextChoices):
    """Where the written referral (抄告) of a finding stands."""

    NONE = "none", _("无需抄告")
    AWAITING = "awaiting", _("需抄告")
    REFERRED = "referred", _("已抄告，待反馈")
    RESPONDED = "responded", _("已反馈，待结果互认")
    RECOGNISED = "recognised", _("结果已互认")


class RectificationProgress(models.TextChoices):
    """Where the rectification of a finding stands (一问题一整改，一整改一验收)."""

    NO_NOTICE = "no_notice", _("待下达整改通知")
    RECTIFYING = "rectifying", _("已下达整改通知，整改中")
    RESPONDED = "responded", _("已报整改，待验收")
    REJECTED = "rejected", _("验收不通过，继续整改")
    RECTIFIED = "rectified", _("已整改")
    CLOSED = "closed", _("已销号")


class FindingQuerySet(ScopedQuerySet):
    """Findings: ``visible_to`` (Scope on the model), the open ones, and ``with_progress``."""

    def open(self) -> FindingQuerySet:
        from .models import FindingStatus

        return self.filter(status=FindingStatus.OPEN)

    def major_open(self) -> FindingQuerySet:
        from .models import Severity

        return self.open().filter(severity=Severity.MAJOR)

    def with_progress(self) -> FindingQuerySet:
        """Annotate each finding with where it stands (one correlated subquery per source
        column, so a list or a count costs no extra query per row):

        * ``current_referral_id`` / ``current_referral_state``: its latest referral;
        * ``referral_progress`` (``ReferralProgress``) and ``awaiting_referral``: 需抄告 while
          the finding was handed over by remit (supervising ≠ finding department) and no
          letter has gone out (no referral, or only a draft);
        * ``current_notice_item_id`` / ``current_notice_id`` / ``notice_item_state``: its notice
          item in the latest issued (or closed) notice — drafts do not bind anybody;
        * ``rectification_due`` (整改期限): the due date of that item's clock, else the item's
          own; before any notice, the period the finder wrote on the spot (``rectify_by``);
        * ``rectification_overdue``: that clock is live and past due — decided by the clock
          alone, never by a date copied elsewhere;
        * ``rectification_progress`` (``RectificationProgress``).
        """
        if "rectification_progress" in self.query.annotations:
            return self
        # The rectification sub-app sits on this app (its models import ours): import it here,
        # when the query is built, not at module import.
        from inspections.rectification.models import ITEM_RULE, ItemState, NoticeItem, NoticeStatus
        from supervision.deadlines.models import LIVE_STATES, Deadline
        from supervision.referrals.models import Referral, ReferralState

        from .models import FindingStatus

        opts, item_opts = self.model._meta, NoticeItem._meta
        # By app label and model name, not by ContentType id (as ``Referral.with_clocks``).
        referral = Referral.objects.filter(
            content_type__app_label=opts.app_label,
            content_type__model=opts.model_name,
            object_id=OuterRef("pk"),
        ).order_by("-pk")
        item = (
            NoticeItem.objects.filter(finding=OuterRef("pk"))
            .exclude(notice__status=NoticeStatus.DRAFT)
            .order_by(F("notice__issued_on").desc(nulls_last=True), "-pk")
        )
        clock = Deadline.objects.filter(
            content_type__app_label=item_opts.app_label,
            content_type__model=item_opts.model_name,
            object_id=OuterRef("current_notice_item_id"),
            rule__code=ITEM_RULE,
        ).order_by("-pk")
        handed_over = ~Q(supervising_department=F("found_by_department"))
        awaiting = Q(current_referral_state=ReferralState.DRAFT) | (
            Q(current_referral_state__isnull=True) & handed_over
        )
        return (
            self.annotate(
                current_referral_id=Subquery(referral.values("pk")[:1]),
                current_referral_state=Subquery(referral.values("state")[:1]),
                current_notice_item_id=Subquery(item.values("pk")[:1]),
                current_notice_id=Subquery(item.values("notice_id")[:1]),
                notice_item_state=Subquery(item.values("state")[:1]),
                notice_item_due=Subquery(item.values("due")[:1]),
            )
            .annotate(
                clock_due=Subquery(clock.values("due")[:1]),
                clock_state=Subquery(clock.values("state")[:1]),
            )
            .annotate(
                referral_progress=Case(
                    When(
                        current_referral_state=ReferralState.RECOGNISED,
                        then=Value(ReferralProgress.RECOGNISED),
                    ),
                    When(
                        current_referral_state=ReferralState.RESPONDED, then=Value(ReferralProgress.RESPONDED)
                    ),
                    When(current_referral_state__in=REFERRAL_IN_HAND, then=Value(ReferralProgress.REFERRED)),
                    When(awaiting, then=Value(ReferralProgress.AWAITING)),
                    default=Value(ReferralProgress.NONE),
                    output_field=models.CharField(),
                ),
                awaiting_referral=Case(
                    When(awaiting, then=Value(True)), default=Value(False), output_field=BooleanField()
                ),
                rectification_due=Coalesce("clock_due", "notice_item_due", "rectify_by"),
                rectification_overdue=Case(
                    When(clock_state__in=LIVE_STATES, clock_due__lt=timezone.localdate(), then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                ),
                rectification_progress=Case(
                    When(status=FindingStatus.CLOSED, then=Value(RectificationProgress.CLOSED)),
                    When(
                        Q(status=FindingStatus.RECTIFIED) | Q(notice_item_state=ItemState.ACCEPTED),
                        then=Value(RectificationProgress.RECTIFIED),
                    ),
                    When(notice_item_state=ItemState.RESPONDED, then=Value(RectificationProgress.RESPONDED)),
                    When(notice_item_state=ItemState.REJECTED, then=Value(RectificationProgress.REJECTED)),
                    When(notice_item_state=ItemState.PENDING, then=Value(RectificationProgress.RECTIFYING)),
                    default=Value(RectificationProgress.NO_NOTICE),
                    output_field=models.CharField(),
                ),
            )
        )


def joint_inspection_scope(model: type[models.Model], user: Any) -> Q | None:
    from .models import Finding, Inspection

    if model is Inspection:
        q = Q(pk__in=[])
        for a in user.active_assignments():
            q |= Q(
                pk__in=Inspection.objects.filter(
                    partner_departments=a.department_id, institution__region__code__startswith=a.region.prefix
                ).values("pk")
            )
        return q
    if model is Finding:
        q = Q(pk__in=[])
        for a in user.active_assignments():
            q |= Q(
                found_by_department_id=a.department_id, institution__region__code__startswith=a.region.prefix
            )
        return q
    return None
