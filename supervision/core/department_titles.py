"""Official names of departments at a region (阳谷县民政局, 阳谷县消防救援大队 …).

A ``Department`` is a kind of department (民政, 消防救援); at a region it is a concrete body whose
official name is not always "region + department" (阳谷县消防救援大队, not 阳谷县消防救援). The
names are configuration, one row per (department, region), kept by the county administrator::

    official_name(department, region)   -> "阳谷县民政局" (fallback: "阳谷县民政")
    department_title(department, region) -> Title (name, abbreviation, contact, phone, address)

Documents and pages that name a department at a region use these helpers; the fallback keeps a
region without a row readable until its administrator configures it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from .policy import ADMINS, LEAD, OWNER, Allow, WriteRules


class DepartmentTitle(models.Model):
    """The official name of ``department`` at ``region``, its 机关代字 for document numbers,
    and the contact printed on its documents."""

    department = models.ForeignKey(
        "core.Department", on_delete=models.CASCADE, related_name="titles", verbose_name=_("部门")
    )
    region = models.ForeignKey(
        "core.Region", on_delete=models.CASCADE, related_name="department_titles", verbose_name=_("区划")
    )
    official_name = models.CharField(
        _("机关全称"), max_length=100, help_text=_("如“阳谷县民政局”“阳谷县消防救援大队”")
    )
    abbreviation = models.CharField(
        _("机关代字"),
        max_length=10,
        blank=True,
        help_text=_("用于发文字号，如“阳民”；不填时用区划首字加部门简称"),
    )
    contact_person = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # The county administrator (管理员) of the lead department (民政) keeps every department's
    # name at the region; a department's own administrator keeps its own.
    write_rules = WriteRules(
        region="region",
        department="department",
        label="部门名称",
        actions={"edit": (Allow(ADMINS, LEAD), Allow(ADMINS, OWNER))},
    )

    class Meta:
        app_label = "core"
        verbose_name = _("部门名称")
        verbose_name_plural = _("部门名称")
        ordering = ["region__code", "department__code"]
        constraints = [models.UniqueConstraint(fields=["department", "region"], name="uniq_department_title")]

    def __str__(self) -> str:
        return self.official_name


@dataclass(frozen=True)
class Title:
    """What a document or page needs to name a department at a region."""

    name: str
    abbreviation: str
    contact_person: str = ""
    contact_phone: str = ""
    address: str = ""
    configured: bool = False


def fallback_name(department: Any, region: Any) -> str:
    return f"{region.name}{department.name}"


def fallback_abbreviation(department: Any, region: Any) -> str:
    return region.name[:1] + (department.short_name or department.name[:1])


def department_title(department: Any, region: Any) -> Title:
    """The configured title of ``department`` at ``region``, or the fallback (region name +
    department name; abbreviation: the region's first character + the department's 简称)."""
    row = None
    if department is not None and region is not None:
        row = DepartmentTitle.objects.filter(department=department, region=region).first()
    if row is None:
        return Title(
            name=fallback_name(department, region),
            abbreviation=fallback_abbreviation(department, region),
        )
    return Title(
        name=row.official_name,
        abbreviation=row.abbreviation or fallback_abbreviation(department, region),
        contact_person=row.contact_person,
        contact_phone=row.contact_phone,
        address=row.address,
        configured=True,
    )


def official_name(department: Any, region: Any) -> str:
    """阳谷县民政局: the official name of the body ``department`` at ``region``."""
    return department_title(department, region).name


def official_names(pairs: Iterable[tuple[Any, Any]]) -> dict[tuple[int, int], str]:
    """Official names of many (department, region) pairs in one query, keyed by their ids, for
    lists (no query per row): ``names[(dept.pk, region.pk)]``."""
    pairs = [(d, r) for d, r in pairs if d is not None and r is not None]
    names = {(d.pk, r.pk): fallback_name(d, r) for d, r in pairs}
    if names:
        rows = DepartmentTitle.objects.filter(
            department_id__in={k[0] for k in names}, region_id__in={k[1] for k in names}
        ).values_list("department_id", "region_id", "official_name")
        for dept_id, region_id, name in rows:
            if (dept_id, region_id) in names:
                names[(dept_id, region_id)] = name
    return names


# The official names of the demo regions (山东省聊城市阳谷县, 东昌府区); the pattern of a county
# body's name by department, used by ``seed_titles`` for the demo and as a starting point.
COUNTY_BODY_NAMES = {
    "civil_affairs": "{region}民政局",
    "fire_rescue": "{region}消防救援大队",
    "market_regulation": "{region}市场监督管理局",
    "health": "{region}卫生健康局",
    "housing_construction": "{region}住房和城乡建设局",
    "natural_resources": "{region}自然资源局",
    "ecology_environment": "{city}生态环境局{region}分局",
    "public_security": "{region}公安局",
    "finance": "{region}财政局",
    "audit": "{region}审计局",
    "medical_security": "{region}医疗保障局",
    "human_resources": "{region}人力资源和社会保障局",
    "education": "{region}教育和体育局",
    "emergency_management": "{region}应急管理局",
    "development_reform": "{region}发展和改革局",
    "administrative_approval": "{region}行政审批服务局",
    "justice": "{region}司法局",
}


def seed_titles(region: Any, contacts: dict[str, tuple[str, str]] | None = None) -> int:
    """Create the missing titles of the county bodies at ``region`` (idempotent; an existing row
    is never overwritten, so an administrator's edits survive). Returns how many were made."""
    from .models import Department

    contacts = contacts or {}
    made = 0
    for dept in Department.objects.filter(code__in=COUNTY_BODY_NAMES):
        person, phone = contacts.get(dept.code, ("", ""))
        _row, created = DepartmentTitle.objects.get_or_create(
            department=dept,
            region=region,
            defaults={
                "official_name": COUNTY_BODY_NAMES[dept.code].format(
                    region=region.name, city=region.parent.name if region.parent_id else ""
                ),
                "abbreviation": fallback_abbreviation(dept, region),
                "contact_person": person,
                "contact_phone": phone,
            },
        )
        made += created
    return made
