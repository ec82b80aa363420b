"""Reconciliation of registration lists (004 §二(三)(四)).

A ``RegistrationSource`` is one registration authority's periodic list (市场监管, 事业单位登记,
社会组织登记 …) with the column mapping staff confirmed last time. Each upload is a
``ReconciliationRun``; every data row of the file becomes a ``ReconciliationRow`` (its
validation errors, its match and its classification), and the run adds one row per registry
institution that no registration row matched (未登记). Rows needing action become
``WorkItem``s for the township, whose verification result the county sees.

The registry (``institutions.Institution``) is never written here except through
``services.institutions_create_registered_unfiled`` and the registry's own services.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution, RegistrationAuthority
from supervision.core.models import Department, Region
from supervision.core.scoping import Scope, ScopedQuerySet

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
    APPLYING = "applying", _("导入中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


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
    status = models.CharField(_("状态"), max_length=12, choices=RunStatus.choices, default=RunStatus.MAPPING)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    error_rows = models.PositiveIntegerField(_("错误行数"), default=0)
    counts = models.JSONField(_("分类统计"), default=dict, blank=True)
    failure = models.TextField(_("失败原因"), blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region", department="department")

    class Meta:
        verbose_name = _("登记数据比对")
        verbose_name_plural = _("登记数据比对")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.source} · {self.original_filename}"

    @property
    def percent(self) -> int:
        if self.status == RunStatus.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(self.processed_rows * 100 / self.total_rows))

    @property
    def is_running(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.VALIDATING, RunStatus.APPLYING)


class Classification(models.TextChoices):
    FILED = "filed", _("已备案")
    REGISTERED_NOT_FILED = "registered_not_filed", _("登记未备案")
    REGISTERED_NOT_OPERATING = "registered_not_operating", _("登记但未开展养老服务")
    UNREGISTERED = "unregistered", _("未登记")
    ERROR = "error", _("数据错误")


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
    number, a registry institution that no registration row matched (未登记)."""

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

    class Meta:
        verbose_name = _("比对结果行")
        verbose_name_plural = _("比对结果行")
        ordering = ["run_id", "row_number", "pk"]
        indexes = [models.Index(fields=["run", "classification"]), models.Index(fields=["run", "review"])]

    def __str__(self) -> str:
        return f"{self.row_number or '—'} {self.name}"


class WorkAction(models.TextChoices):
    ONSITE_CHECK = "onsite_check", _("现场核查（未登记开展服务）")
    URGE_FILING = "urge_filing", _("现场核查并督促备案")
    CHANGE_REGISTRATION = "change_registration", _("协调变更登记内容")


class VerifyResult(models.TextChoices):
    OPERATING_FILEABLE = "operating_fileable", _("实际开展养老服务，符合备案条件")
    OPERATING_NOT_QUALIFIED = "operating_not_qualified", _("实际开展养老服务，不具备备案条件")
    NOT_OPERATING = "not_operating", _("未实际开展养老服务")
    CLOSED = "closed", _("已停业/查无此机构")
    OTHER = "other", _("其他")


class WorkItem(models.Model):
    """A task for the township: verify a reconciliation result on site (004 §二(三): 乡镇（街道）
    接到县民政局推送的登记信息后及时开展现场核查 … 并将核查结果及时反馈县民政局)."""

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

    class Meta:
        verbose_name = _("核查任务")
        verbose_name_plural = _("核查任务")
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.name} · {self.get_action_display()}"

    @property
    def is_done(self) -> bool:
        return bool(self.result)
