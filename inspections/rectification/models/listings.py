"""Listed supervision (挂牌督办) and its progress."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inspections.models import Finding
from supervision.core.models import Department
from supervision.core.policy import WriteRules
from supervision.core.scoping import Scope, ScopedQuerySet

from ..rules import LISTING_HANDLERS, LISTING_OPENERS
from .common import LISTING_RULE, _clock_overdue, has_overdue_clock

# --- listed supervision --------------------------------------------------------------------


class ListingStatus(models.TextChoices):
    OPEN = "open", _("督办中")
    CLOSED = "closed", _("已销号")


LISTING_TRANSITIONS: dict[tuple[str, str], str] = {(ListingStatus.OPEN, ListingStatus.CLOSED): "close"}


class ListingQuerySet(ScopedQuerySet):
    def with_clock(self, today: dt.date | None = None) -> ListingQuerySet:
        """Annotate ``clock_overdue`` (the listing's clock is overdue; ``is_overdue`` reads it)."""
        return self.annotate(clock_overdue=has_overdue_clock(ListedSupervision, LISTING_RULE, today))


class ListedSupervision(models.Model):
    """挂牌督办 of one 重大 hazard: the supervising government body, the period (its own
    ``listing.supervision`` clock; ``deadline`` is the date the listing states), progress reports
    and closure."""

    finding = models.OneToOneField(
        Finding, on_delete=models.PROTECT, related_name="listing", verbose_name=_("重大隐患")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("承办部门")
    )
    supervising_body = models.CharField(_("挂牌督办机关"), max_length=100)
    deadline = models.DateField(_("督办期限"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ListingStatus.choices, default=ListingStatus.OPEN, db_index=True
    )
    listed_on = models.DateField(_("挂牌日期"), default=dt.date.today)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    closure_note = models.TextField(_("销号说明"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("销号人"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )

    objects = ListingQuerySet.as_manager()
    scope = Scope(region="finding__institution__region", domain="finding__domain", department="department")
    write_rules = WriteRules(
        region="finding__institution__region",
        department="department",
        domain="finding__domain",
        label="挂牌督办",
        actions={"open": LISTING_OPENERS, "progress": LISTING_HANDLERS, "close": LISTING_HANDLERS},
    )

    class Meta:
        verbose_name = _("挂牌督办")
        verbose_name_plural = _("挂牌督办")
        ordering = ["status", "deadline", "pk"]

    def __str__(self) -> str:
        return f"{self.supervising_body} 挂牌督办 · {self.finding}"

    @property
    def is_overdue(self) -> bool:
        """Open and its clock overdue (read on the Deadline, see ``overdue_clock``)."""
        return self.status == ListingStatus.OPEN and _clock_overdue(self, LISTING_RULE)


class ListingProgress(models.Model):
    listing = models.ForeignKey(
        ListedSupervision, on_delete=models.CASCADE, related_name="progress", verbose_name=_("挂牌督办")
    )
    reported_on = models.DateField(_("报告日期"), default=dt.date.today)
    text = models.TextField(_("进展情况"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("报告人"),
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("督办进展")
        verbose_name_plural = _("督办进展")
        ordering = ["reported_on", "pk"]

    def __str__(self) -> str:
        return f"{self.reported_on} {self.text[:20]}"
