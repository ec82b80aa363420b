"""Reconciliation of registration lists (004 §二(三)(四)).

A ``RegistrationSource`` is one registration authority's periodic list (市场监管, 事业单位登记,
社会组织登记 …) with the column mapping staff confirmed last time. Each upload is a
``ReconciliationRun``; every data row of the file becomes a ``ReconciliationRow`` (its
validation errors, its match and exactly one classification). Only a list declared complete
(全量) for its authority and region adds one row per registry institution that no registration
row matched, in their own bucket (名录外待核): a partial (增量) list says nothing about what it
leaves out. The run stops at a preview; only an explicit confirmation applies it, and rows
needing action then become ``WorkItem``s for the township (one open item per institution and
kind), whose verification result the county sees.

The registry (``institutions.Institution``) is never written here except through
``services.institutions_create_registered_unfiled`` and the registry's own services.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution, RegistrationAuthority
from supervision.core.models import Department, Region
from supervision.core.policy import ACTING, LEAD, Allow, WriteRules
from supervision.core.scoping import Scope, ScopedQuerySet
from supervision.core.transitions import register_verbs

# Our fields a registration list can provide: key -> (label, header synonyms for auto-detection).
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "credit_code": (
        "统一社会信用代码",
        ("统一社会信用代码", "信用代码", "社会信用代码", "统一代码", "credit_code"),
    ),
    "name": ("名称", ("名称", "机构名称", "企业名称", "单位名称", "主体名称", "组织名称", "name")),
    "address": ("地址", ("住所", "地址", "经营场所", "住所（经营场所）", "注册地址", "address")),
    "region": (
        "所属乡镇（街道）",
        ("所属乡镇", "乡镇（街道）", "乡镇街道", "所属街道", "区划", "区划代码", "region"),
    ),
    "business_scope": ("经营范围/业务范围", ("经营范围", "业务范围", "宗旨和业务范围", "business_scope")),
    "operating": ("是否开展养老服务", ("是否开展养老服务", "是否开展", "实际开展", "operating")),
    "legal_representative": ("法定代表人", ("法定代表人", "法定代表人（负责人）", "负责人")),
}
REQUIRED_FIELDS = ("credit_code", "name")

# Who acts on registration lists: an admin, inspector or leader post of civil affairs (the lead
# department) over the place. Reconciling the registration lists with the registry and pushing
# the results to the townships is civil-affairs work (004 §二(三)(四): 县民政局 obtains the
# lists, 乡镇（街道）民政 verify on site and report back); the registry it writes is kept by civil
# affairs alone. Auditors and liaisons only read (house rule, README "The write policy").
CIVIL_AFFAIRS_ACTS = (Allow(ACTING, LEAD),)


class RegistrationSource(models.Model):
    """A registration authority's list as this county receives it, with the remembered
    column mapping (our field → their column header)."""

    name = models.CharField(_("数据来源"), max_length=100)
    authority = models.CharField(
        _("登记管理机关"),
        max_length=24,
        choices=RegistrationAuthority.choices,
        default=RegistrationAuthority.MARKET,
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属辖区"))
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("部门")
    )
    column_mapping = models.JSONField(_("列映射"), default=dict, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region", department="department")

    class Meta:
        verbose_name = _("登记数据来源")
        verbose_name_plural = _("登记数据来源")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="uniq_reconciliation_source")]

    def __str__(self) -> str:
        return self.name


class RunStatus(models.TextChoices):
    MAPPING = "mapping", _("待确认列映射")
    QUEUED = "queued", _("排队中")
    VALIDATING = "validating", _("校验比对中")
    PREVIEW = "preview", _("待确认导入")
    CONFIRMED = "confirmed", _("已确认，排队导入")
    APPLYING = "applying", _("导入中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
    DISCARDED = "discarded", _("已放弃")


class ListCoverage(models.TextChoices):
    """What the uploaded list covers. Only a complete list can tell that a registry institution
    is missing from it; an incremental one (new or changed registrations, a partial extract)
    cannot."""

    FULL = "full", _("全量")
    INCREMENTAL = "incremental", _("增量")


# The steps staff take on a run (the staging and applying phases are claimed by the task with
# conditional updates, not by people).
RUN_TRANSITIONS: dict[tuple[str, str], str] = {
    (RunStatus.MAPPING, RunStatus.QUEUED): "reconciliation_map",
    (RunStatus.PREVIEW, RunStatus.CONFIRMED): "reconciliation_confirm",
    (RunStatus.MAPPING, RunStatus.DISCARDED): "reconciliation_discard",
    (RunStatus.PREVIEW, RunStatus.DISCARDED): "reconciliation_discard",
}
# Lazy labels: shown in the language of the page that reads them.
RUN_VERBS: dict[str, Any] = {
    "reconciliation_map": _("确认列映射"),
    "reconciliation_confirm": _("确认导入"),
    "reconciliation_discard": _("放弃导入"),
}
register_verbs(RUN_VERBS)


class ReconciliationRun(models.Model):
    """One uploaded registration list and its reconciliation against the registry."""

    source = models.ForeignKey(
        RegistrationSource, on_delete=models.PROTECT, related_name="runs", verbose_name=_("数据来源")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("辖区"))
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("部门")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("上传人"),
    )
    file_path = models.CharField(_("文件"), max_length=300, editable=False)
    original_filename = models.CharField(_("原文件名"), max_length=200)
    headers = models.JSONField(_("表头"), default=list, blank=True)
    mapping = models.JSONField(_("列映射"), default=dict, blank=True)
    coverage = models.CharField(
        _("名单范围"),
        max_length=12,
        choices=ListCoverage.choices,
        help_text=_("全量：该登记管理机关在本辖区登记的全部主体；增量：部分或新增、变更的主体。"),
    )
    status = models.CharField(_("状态"), max_length=12, choices=RunStatus.choices, default=RunStatus.MAPPING)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    error_rows = models.PositiveIntegerField(_("错误行数"), default=0)
    counts = models.JSONField(_("分类统计"), default=dict, blank=True)
    failure = models.TextField(_("失败原因"), blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("确认导入人"),
    )
    confirmed_at = models.DateTimeField(_("确认导入时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region", department="department")
    # Over the run's region (the uploader's jurisdiction): upload (a create, judged on the
    # uploader's post), confirm the column mapping, confirm the import, discard.
    write_rules = WriteRules(
        region="region",
        department="department",
        label="登记数据比对",
        actions={
            "upload": CIVIL_AFFAIRS_ACTS,
            "map": CIVIL_AFFAIRS_ACTS,
            "confirm": CIVIL_AFFAIRS_ACTS,
            "discard": CIVIL_AFFAIRS_ACTS,
        },
        # The create is refused before a region is known: name the department and the roles.
        reasons={
            "upload": "上传登记数据须由民政部门（牵头部门）的管理员、监管执法人员或领导办理，"
            "比对归属其岗位的辖区；审计员、联络员和其他部门只能查看。"
        },
    )

    class Meta:
        verbose_name = _("登记数据比对")
        verbose_name_plural = _("登记数据比对")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.source} · {self.original_filename}"

    @property
    def percent(self) -> int:
        if self.status in (RunStatus.DONE, RunStatus.PREVIEW):
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(self.processed_rows * 100 / self.total_rows))

    @property
    def is_running(self) -> bool:
        return self.status in (
            RunStatus.QUEUED,
            RunStatus.VALIDATING,
            RunStatus.CONFIRMED,
            RunStatus.APPLYING,
        )

    @property
    def is_full(self) -> bool:
        return self.coverage == ListCoverage.FULL

    def file_counts(self) -> list[tuple[str, str, int]]:
        """(class, label, rows) for every class a file row can fall in, from the stored counts:
        each row of the file is in exactly one, so they add up to ``total_rows``."""
        return [(c.value, str(c.label), int(self.counts.get(c.value, 0))) for c in FILE_CLASSES]

    @property
    def file_total(self) -> int:
        return sum(n for _k, _l, n in self.file_counts())

    @property
    def registry_absent(self) -> int:
        """Registry institutions a complete list does not name (not rows of the file)."""
        return int(self.counts.get(Classification.REGISTRY_ABSENT, 0))

    @property
    def region_derived(self) -> int:
        return int(self.counts.get(REGION_DERIVED, 0))


class Classification(models.TextChoices):
    FILED = "filed", _("已备案")
    REGISTERED_NOT_FILED = "registered_not_filed", _("登记未备案")
    REGISTERED_NOT_OPERATING = "registered_not_operating", _("登记但未开展养老服务")
    REVIEW = "review", _("待复核匹配")
    ERROR = "error", _("数据错误")
    # Not a row of the file: a registry institution that a complete (全量) list does not name.
    # To review (it may have been deregistered, or the list's extract may have left it out);
    # never taken for an unregistered operator.
    REGISTRY_ABSENT = "registry_absent", _("名录外待核")
    # Legacy: runs from before list coverage existed counted registry institutions missing from
    # any list as 未登记. Nothing produces it any more (a registration list cannot reveal an
    # operator without registration); kept so those runs still display.
    UNREGISTERED = "unregistered", _("未登记")


# The classes of the rows of a file, each row in exactly one.
FILE_CLASSES = (
    Classification.FILED,
    Classification.REGISTERED_NOT_FILED,
    Classification.REGISTERED_NOT_OPERATING,
    Classification.REVIEW,
    Classification.ERROR,
)
# Key in ``ReconciliationRun.counts``: rows whose township was derived from the address.
REGION_DERIVED = "region_derived"


class MatchMethod(models.TextChoices):
    CREDIT_CODE = "credit_code", _("信用代码一致")
    NAME = "name", _("名称地址相似")
    NEW = "new", _("新增登记未备案机构")
    NONE = "none", _("未匹配")


class ReviewState(models.TextChoices):
    NONE = "", _("无需复核")
    PENDING = "pending", _("待复核")
    ACCEPTED = "accepted", _("已确认")
    REJECTED = "rejected", _("已否决")


class ReconciliationRow(models.Model):
    """One row of an uploaded list (``row_number`` = its line in the file) or, with no row
    number, a registry institution that no row of a complete list matched (名录外待核)."""

    run = models.ForeignKey(
        ReconciliationRun, on_delete=models.CASCADE, related_name="rows", verbose_name=_("比对")
    )
    row_number = models.PositiveIntegerField(_("行号"), null=True, blank=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=40, blank=True, db_index=True)
    name = models.CharField(_("名称"), max_length=200, blank=True)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    region_text = models.CharField(_("区划（原文）"), max_length=100, blank=True)
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("乡镇（街道）"),
    )
    region_derived = models.BooleanField(
        _("乡镇由地址推断"),
        default=False,
        help_text=_("文件未提供所属乡镇（街道），由地址中的乡镇（街道）名称推断。"),
    )
    business_scope = models.TextField(_("经营范围"), blank=True)
    operating_text = models.CharField(_("是否开展养老服务"), max_length=50, blank=True)
    classification = models.CharField(_("分类"), max_length=32, choices=Classification.choices, db_index=True)
    institution = models.ForeignKey(
        Institution,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("匹配机构"),
    )
    candidate = models.ForeignKey(
        Institution,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("候选机构"),
    )
    match_method = models.CharField(
        _("匹配方式"), max_length=12, choices=MatchMethod.choices, default=MatchMethod.NONE
    )
    confidence = models.FloatField(_("置信度"), default=0)
    review = models.CharField(_("复核"), max_length=10, choices=ReviewState.choices, blank=True, default="")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    errors = models.JSONField(_("错误"), default=list, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="run__region", department="run__department")
    # Reviewing a name match writes the registry (a registration, a new institution): over the
    # run's region, as the run itself.
    write_rules = WriteRules(
        region="run__region",
        department="run__department",
        label="比对结果行",
        actions={"review": CIVIL_AFFAIRS_ACTS},
    )

    class Meta:
        verbose_name = _("比对结果行")
        verbose_name_plural = _("比对结果行")
        ordering = ["run_id", "row_number", "pk"]
        indexes = [models.Index(fields=["run", "classification"]), models.Index(fields=["run", "review"])]

    def __str__(self) -> str:
        return f"{self.row_number or '—'} {self.name}"


class WorkAction(models.TextChoices):
    URGE_FILING = "urge_filing", _("现场核查并督促备案")
    CHANGE_REGISTRATION = "change_registration", _("协调变更登记内容")
    REVIEW_ABSENT = "review_absent", _("名录外待核（核实登记状态）")
    # Legacy (see Classification.UNREGISTERED): no longer created from registration lists.
    ONSITE_CHECK = "onsite_check", _("现场核查（未登记开展服务）")


class VerifyResult(models.TextChoices):
    OPERATING_FILEABLE = "operating_fileable", _("实际开展养老服务，符合备案条件")
    OPERATING_NOT_QUALIFIED = "operating_not_qualified", _("实际开展养老服务，不具备备案条件")
    NOT_OPERATING = "not_operating", _("未实际开展养老服务")
    CLOSED = "closed", _("已停业/查无此机构")
    OTHER = "other", _("其他")


class WorkItem(models.Model):
    """A task for the township: verify a reconciliation result on site (004 §二(三): 乡镇（街道）
    接到县民政局推送的登记信息后及时开展现场核查 … 并将核查结果及时反馈县民政局).

    At most one open item (no result yet) per institution and kind, whatever the number of
    runs that name it: re-importing a list adds no second task. Rows with no registry
    institution (a new registration that does not operate) are kept unique by credit code."""

    run = models.ForeignKey(
        ReconciliationRun, on_delete=models.CASCADE, related_name="items", verbose_name=_("比对")
    )
    row = models.OneToOneField(
        ReconciliationRow, on_delete=models.CASCADE, related_name="work_item", verbose_name=_("比对结果行")
    )
    institution = models.ForeignKey(
        Institution,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("机构"),
    )
    name = models.CharField(_("机构名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=40, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇（街道）")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("负责部门")
    )
    action = models.CharField(_("待办事项"), max_length=24, choices=WorkAction.choices, db_index=True)
    classification = models.CharField(_("比对分类"), max_length=32, choices=Classification.choices)
    result = models.CharField(
        _("核实结果"), max_length=32, choices=VerifyResult.choices, blank=True, db_index=True
    )
    notes = models.TextField(_("核实情况说明"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("核实人"),
    )
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("派发时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region", department="department")
    # The on-site verification is recorded over the item's township: by the township's civil
    # affairs, or by the county's, whose jurisdiction holds it.
    write_rules = WriteRules(
        region="region", department="department", label="核查任务", actions={"verify": CIVIL_AFFAIRS_ACTS}
    )

    class Meta:
        verbose_name = _("核查任务")
        verbose_name_plural = _("核查任务")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "action"],
                condition=models.Q(result="", institution__isnull=False),
                name="uniq_open_work_item_institution",
            ),
            models.UniqueConstraint(
                fields=["credit_code", "action"],
                condition=models.Q(result="", institution__isnull=True) & ~models.Q(credit_code=""),
                name="uniq_open_work_item_code",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.get_action_display()}"

    @property
    def is_done(self) -> bool:
        return bool(self.result)
