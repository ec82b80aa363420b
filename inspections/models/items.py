"""The item lists (检查事项清单)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from supervision.core.models import Department, Domain, Remit, RemitRole

# --- Item lists --------------------------------------------------------------------------------


def responsible_department_for(domain: Domain | None) -> Department | None:
    """The department that answers for ``domain`` in the responsibility matrix (Remit rows):
    a department with role "responsible" first, then "lead", then "support"; ties by code."""
    if domain is None:
        return None
    order = {RemitRole.RESPONSIBLE: 0, RemitRole.LEAD: 1, RemitRole.SUPPORT: 2}
    remits = sorted(
        Remit.objects.filter(domain=domain).select_related("department"),
        key=lambda r: (order.get(r.role, 9), r.department.code),  # type: ignore[call-overload]
    )
    return remits[0].department if remits else None


class InspectionItem(models.Model):
    """One line of the random-inspection item list (随机抽查事项清单) or of the national key-item
    list (重点检查事项清单). The responsible department is not stored: it is read from the
    remit matrix, so editing the matrix re-routes every item."""

    code = models.SlugField(_("事项编码"), max_length=40, unique=True)
    title = models.CharField(_("检查事项"), max_length=200)
    domain = models.ForeignKey(
        Domain, on_delete=models.PROTECT, related_name="inspection_items", verbose_name=_("领域")
    )
    legal_basis = models.CharField(_("检查依据"), max_length=300, blank=True)
    check_method = models.CharField(_("检查方式"), max_length=200, blank=True)
    is_key = models.BooleanField(_("重点检查事项"), default=False)
    active = models.BooleanField(_("启用"), default=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("检查事项")
        verbose_name_plural = _("检查事项清单")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.title

    @property
    def responsible_department(self) -> Department | None:
        return responsible_department_for(self.domain)
