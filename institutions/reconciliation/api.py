"""API: /api/v1/reconciliation-runs/ (list, detail, multipart upload, progress, ``preview``,
``confirm``, ``discard``) and /api/v1/reconciliation-items/ (the township worklist, with
``verify``). An upload stops at the preview (status ``preview``, counts per class); only
``confirm`` imports it. Scoped with ``visible_to``; every write asks the policy before its
payload is read, then goes through the services (their refusals answer through the one error
handler: 400 for a ValidationError, 403 for ``policy.Denied``)."""

from __future__ import annotations

import json
from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter
from rest_framework.viewsets import GenericViewSet

from institutions.models import RegistrationAuthority
from supervision.core import policy
from supervision.core.api_base import ScopedReadOnlyViewSet, ScopedViewSetMixin
from supervision.core.scoping import get_visible_or_404

from . import services
from .filters import RunFilter, WorkItemFilter
from .models import ListCoverage, ReconciliationRun, RegistrationSource, RunStatus, VerifyResult, WorkItem

COVERAGE_REQUIRED = "请选择名单范围：全量或增量。"


class RunSerializer(serializers.ModelSerializer):
    source_name = serializers.CharField(source="source.name", read_only=True)
    region = serializers.CharField(source="region.code", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    coverage_display = serializers.CharField(source="get_coverage_display", read_only=True)
    percent = serializers.IntegerField(read_only=True)
    file_total = serializers.IntegerField(
        read_only=True, help_text="文件各分类行数之和（每行恰属一类），等于 total_rows"
    )
    registry_absent = serializers.IntegerField(
        read_only=True, help_text="名录外待核：名录中有、全量名单中没有的机构数（不计入文件行数）"
    )
    region_derived = serializers.IntegerField(read_only=True, help_text="乡镇（街道）由地址推断的行数")

    class Meta:
        model = ReconciliationRun
        fields = [
            "id",
            "source",
            "source_name",
            "region",
            "original_filename",
            "coverage",
            "coverage_display",
            "headers",
            "mapping",
            "status",
            "status_display",
            "total_rows",
            "processed_rows",
            "percent",
            "error_rows",
            "counts",
            "file_total",
            "registry_absent",
            "region_derived",
            "failure",
            "created_at",
            "confirmed_at",
            "finished_at",
        ]
        read_only_fields = fields


class RunUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    coverage = serializers.ChoiceField(
        choices=ListCoverage.choices,
        help_text="full：该登记管理机关在本辖区的全量名单；incremental：增量（部分）名单",
        error_messages={"required": COVERAGE_REQUIRED, "invalid_choice": COVERAGE_REQUIRED},
    )
    source = serializers.IntegerField(required=False, help_text="已有数据来源 id")  # type: ignore[assignment]
    source_name = serializers.CharField(required=False, max_length=100, help_text="新数据来源名称")
    authority = serializers.ChoiceField(
        choices=[c for c in RegistrationAuthority.choices if c[0] != RegistrationAuthority.NONE],
        required=False,
    )
    mapping = serializers.CharField(
        required=False,
        help_text='JSON：{"credit_code": "统一社会信用代码", "name": "企业名称", …}；省略时沿用记忆的映射',
    )


class RunViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Registration-list runs. POST (multipart) uploads a file with its ``coverage`` (全量 or
    增量); when the mapping (given, or remembered for the source, or detected from the headers)
    covers the required columns the check is queued at once (status ``queued``; it runs in the
    background, never in the request: poll ``…/progress/``), otherwise the run waits in status
    ``mapping``. The check ends in status ``preview``; ``POST …/confirm/`` imports it (new
    registrations, work items), ``POST …/discard/`` drops it."""

    queryset = ReconciliationRun.objects.select_related("source", "region")
    serializer_class = RunSerializer
    filterset_class = RunFilter
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=RunUploadSerializer, responses={201: RunSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Upload a list. The check (staging up to the preview) runs in the background: the
        answer comes at once, with status ``queued`` (or ``mapping``); poll ``…/progress/``.
        A file over the import limits (size, inflated size, rows) is refused with 400."""
        # The post gates before the payload is read; the service judges the post's region.
        policy.require_ever(request.user, ReconciliationRun, "upload")
        data = RunUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if v.get("source"):
            source = get_visible_or_404(RegistrationSource.objects.all(), request.user, pk=v["source"])
        elif v.get("source_name") and v.get("authority"):
            source = services.source_get_or_create(
                actor=request.user, name=v["source_name"], authority=v["authority"]
            )
        else:
            raise ValidationError({"source": "请指定数据来源 id，或新数据来源名称和登记管理机关。"})
        mapping = None
        if v.get("mapping"):
            try:
                mapping = json.loads(v["mapping"])
            except json.JSONDecodeError as exc:
                raise ValidationError({"mapping": "不是有效的 JSON。"}) from exc
            if not isinstance(mapping, dict) or not all(isinstance(h, str) for h in mapping.values()):
                raise ValidationError({"mapping": "应为对象：{字段: 列名}。"})
        run = services.run_create(actor=request.user, source=source, upload=v["file"], coverage=v["coverage"])
        mapping = run.mapping if mapping is None else mapping
        if not services.mapping_problems(mapping, run.headers):
            run = services.run_confirm_mapping(run, actor=request.user, mapping=mapping)
        run.refresh_from_db()
        return Response(RunSerializer(run).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses=inline_serializer(
            "ReconciliationProgress",
            {
                "status": serializers.CharField(),
                "processed_rows": serializers.IntegerField(),
                "total_rows": serializers.IntegerField(),
                "percent": serializers.IntegerField(),
                "done": serializers.BooleanField(),
            },
        )
    )
    @action(detail=True, methods=["get"])
    def progress(self, request: Request, pk: str | None = None) -> Response:
        run = self.get_object()
        return Response(
            {
                "status": run.status,
                "processed_rows": run.processed_rows,
                "total_rows": run.total_rows,
                "percent": run.percent,
                "done": run.status in (RunStatus.DONE, RunStatus.FAILED, RunStatus.DISCARDED),
            }
        )

    @extend_schema(
        responses=inline_serializer(
            "ReconciliationPreview",
            {
                "status": serializers.CharField(),
                "coverage": serializers.CharField(),
                "total_rows": serializers.IntegerField(),
                "classes": serializers.DictField(child=serializers.IntegerField()),
                "file_total": serializers.IntegerField(),
                "registry_absent": serializers.IntegerField(),
                "region_derived": serializers.IntegerField(),
                "new_institutions": serializers.IntegerField(),
                "work_items": serializers.ListField(child=serializers.DictField()),
            },
        )
    )
    @action(detail=True, methods=["get"])
    def preview(self, request: Request, pk: str | None = None) -> Response:
        """The counts per class (each file row in exactly one; 名录外待核 apart) and what
        confirming will create."""
        run = self.get_object()
        planned = (
            services.run_preview(run)
            if run.status == RunStatus.PREVIEW
            else {"work_items": [], "new_institutions": 0}
        )
        return Response(
            {
                "status": run.status,
                "coverage": run.coverage,
                "total_rows": run.total_rows,
                "classes": {key: n for key, _label, n in run.file_counts()},
                "file_total": run.file_total,
                "registry_absent": run.registry_absent,
                "region_derived": run.region_derived,
                **planned,
            }
        )

    @extend_schema(request=None, responses={200: RunSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        """Import a previewed run: creates the registrations and the work items (in the
        background; poll ``…/progress/``)."""
        run = self.get_object()
        policy.require(request.user, run, "confirm")
        services.run_confirm(run, actor=request.user)
        return Response(RunSerializer(self.get_queryset().get(pk=run.pk)).data)

    @extend_schema(request=None, responses={200: RunSerializer})
    @action(detail=True, methods=["post"])
    def discard(self, request: Request, pk: str | None = None) -> Response:
        """Drop a run waiting for its mapping or its confirmation; nothing is imported."""
        run = self.get_object()
        policy.require(request.user, run, "discard")
        services.run_discard(run, actor=request.user)
        return Response(RunSerializer(self.get_queryset().get(pk=run.pk)).data)


class WorkItemSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    action_display = serializers.CharField(source="get_action_display", read_only=True)
    result_display = serializers.CharField(source="get_result_display", read_only=True)
    verified_by: serializers.Field = serializers.StringRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = WorkItem
        fields = [
            "id",
            "run",
            "institution",
            "name",
            "credit_code",
            "region",
            "region_name",
            "action",
            "action_display",
            "classification",
            "result",
            "result_display",
            "notes",
            "verified_by",
            "verified_at",
            "created_at",
        ]
        read_only_fields = fields


class VerifySerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=VerifyResult.choices)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class WorkItemViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    """The township worklist; ``verify`` records 核实结果 and notes (visible to the county)."""

    queryset = WorkItem.objects.select_related("region", "verified_by")
    serializer_class = WorkItemSerializer
    filterset_class = WorkItemFilter

    @extend_schema(
        request=VerifySerializer, responses={200: WorkItemSerializer}, parameters=[], methods=["POST"]
    )
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        policy.require(request.user, item, "verify")
        data = VerifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.work_item_verify(item, actor=request.user, **data.validated_data)
        return Response(WorkItemSerializer(self.get_queryset().get(pk=item.pk)).data)


def register(router: BaseRouter) -> None:
    router.register("reconciliation-runs", RunViewSet, basename="reconciliation-run")
    router.register("reconciliation-items", WorkItemViewSet, basename="reconciliation-item")
