"""API: /api/v1/reconciliation-runs/ (list, detail, multipart upload, progress) and
/api/v1/reconciliation-items/ (the township worklist, with ``verify``). Scoped with
``visible_to``; writes go through the services."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter
from rest_framework.viewsets import GenericViewSet

from institutions.models import RegistrationAuthority
from supervision.core.api_base import ScopedReadOnlyViewSet, ScopedViewSetMixin
from supervision.core.scoping import get_visible_or_404

from . import services
from .filters import RunFilter, WorkItemFilter
from .models import ReconciliationRun, RegistrationSource, RunStatus, VerifyResult, WorkItem


def drf_error(exc: DjangoValidationError) -> ValidationError:
    return ValidationError({"non_field_errors": exc.messages})


class RunSerializer(serializers.ModelSerializer):
    source_name = serializers.CharField(source="source.name", read_only=True)
    region = serializers.CharField(source="region.code", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = ReconciliationRun
        fields = [
            "id",
            "source",
            "source_name",
            "region",
            "original_filename",
            "headers",
            "mapping",
            "status",
            "status_display",
            "total_rows",
            "processed_rows",
            "percent",
            "error_rows",
            "counts",
            "failure",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields


class RunUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
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
    """Registration-list runs. POST (multipart) uploads a file; when the mapping (given, or
    remembered for the source, or detected from the headers) covers the required columns the
    import starts at once, otherwise the run waits in status ``mapping``."""

    queryset = ReconciliationRun.objects.select_related("source", "region")
    serializer_class = RunSerializer
    filterset_class = RunFilter
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=RunUploadSerializer, responses={201: RunSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = RunUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            if v.get("source"):
                source = get_visible_or_404(RegistrationSource.objects.all(), request.user, pk=v["source"])
            elif v.get("source_name") and v.get("authority"):
                source = services.source_get_or_create(
                    actor=request.user, name=v["source_name"], authority=v["authority"]
                )
            else:
                raise ValidationError({"source": "请指定数据来源 id，或新数据来源名称和登记管理机关。"})
            run = services.run_create(actor=request.user, source=source, upload=v["file"])
            mapping = run.mapping
            if v.get("mapping"):
                try:
                    mapping = json.loads(v["mapping"])
                except json.JSONDecodeError as exc:
                    raise ValidationError({"mapping": "不是有效的 JSON。"}) from exc
            if not services.mapping_problems(mapping, run.headers):
                with transaction.atomic():
                    run = services.run_confirm_mapping(run, actor=request.user, mapping=mapping)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise drf_error(exc) from exc
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
                "done": run.status in (RunStatus.DONE, RunStatus.FAILED),
            }
        )


class WorkItemSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    action_display = serializers.CharField(source="get_action_display", read_only=True)
    result_display = serializers.CharField(source="get_result_display", read_only=True)
    verified_by: serializers.Field = serializers.StringRelatedField(read_only=True)

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
        data = VerifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            item = services.work_item_verify(item, actor=request.user, **data.validated_data)
        except DjangoValidationError as exc:
            raise drf_error(exc) from exc
        return Response(WorkItemSerializer(self.get_queryset().get(pk=item.pk)).data)


def register(router: BaseRouter) -> None:
    router.register("reconciliation-runs", RunViewSet, basename="reconciliation-run")
    router.register("reconciliation-items", WorkItemViewSet, basename="reconciliation-item")
