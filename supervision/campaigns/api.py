"""Campaign API (read-only): ``/api/v1/campaigns/`` with their phases, ``/api/v1/tasks/`` with the
assignments the caller sees and their report-by clocks, ``/api/v1/training-quotas/`` with the
trainings counted so far. Explicit fields; everything through ``visible_to``."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.routers import BaseRouter

from supervision.core.api_base import ScopedReadOnlyViewSet

from . import services
from .filters import CampaignFilter, QuotaFilter, TaskFilter
from .models import Campaign, CampaignPhase, CampaignTask, TaskAssignment
from .roster import TrainingQuota


class PhaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = CampaignPhase
        fields = ["id", "order", "name", "starts_on", "ends_on", "description"]
        read_only_fields = fields


class CampaignSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code", read_only=True)
    department_code = serializers.CharField(source="department.code", read_only=True)
    phases = PhaseSerializer(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "title",
            "kind",
            "region_code",
            "department_code",
            "document_number",
            "source_document",
            "description",
            "starts_on",
            "ends_on",
            "state",
            "phases",
        ]
        read_only_fields = fields


class AssignmentSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code", read_only=True)
    department_code = serializers.CharField(source="department.code", read_only=True)
    report_due = serializers.DateField(read_only=True, allow_null=True)
    clock_state = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = TaskAssignment
        fields = [
            "id",
            "region_code",
            "department_code",
            "role",
            "state",
            "submitted_at",
            "report_due",
            "clock_state",
        ]
        read_only_fields = fields


class TaskSerializer(serializers.ModelSerializer):
    lead_department_code = serializers.CharField(source="lead_department.code", read_only=True)
    responsible_department_codes = serializers.SerializerMethodField()
    assignments = AssignmentSerializer(source="shown", many=True, read_only=True)

    class Meta:
        model = CampaignTask
        fields = [
            "id",
            "campaign",
            "phase",
            "number",
            "title",
            "content",
            "lead_department_code",
            "responsible_department_codes",
            "townships_report",
            "report_by",
            "source_article",
            "assignments",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_responsible_department_codes(self, task: CampaignTask) -> list[str]:
        return [d.code for d in task.responsible_departments.all()]


class QuotaSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    done = serializers.SerializerMethodField(help_text="已完成人次（按培训记录统计；未登记统计指标时为空）")

    class Meta:
        model = TrainingQuota
        fields = [
            "id",
            "programme",
            "region_code",
            "region_name",
            "target",
            "period_start",
            "period_end",
            "source_document",
            "source_article",
            "done",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_done(self, quota: TrainingQuota) -> int | None:
        request = self.context.get("request")
        return services.quota_progress([quota], request.user)[0].done if request else None


class CampaignViewSet(ScopedReadOnlyViewSet):
    """专项行动."""

    queryset = (
        Campaign.objects.select_related("region", "department")
        .prefetch_related("phases")
        .order_by("-starts_on", "-pk")
    )
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilter


class TaskViewSet(ScopedReadOnlyViewSet):
    """任务清单: each task with the assignments the caller sees."""

    queryset = CampaignTask.objects.select_related("lead_department").order_by("report_by", "pk")
    serializer_class = TaskSerializer
    filterset_class = TaskFilter

    def get_queryset(self) -> Any:
        shown = (
            TaskAssignment.objects.visible_to(self.request.user)
            .select_related("region", "department")
            .with_clock()  # type: ignore[attr-defined]
        )
        return (
            super()
            .get_queryset()
            .prefetch_related(
                "responsible_departments", Prefetch("assignments", queryset=shown, to_attr="shown")
            )
        )


class QuotaViewSet(ScopedReadOnlyViewSet):
    """培训任务分解 (003 附件2)."""

    queryset = TrainingQuota.objects.select_related("region").order_by("programme", "region__code")
    serializer_class = QuotaSerializer
    filterset_class = QuotaFilter


def register(router: BaseRouter) -> None:
    router.register("campaigns", CampaignViewSet, basename="campaign")
    router.register("tasks", TaskViewSet, basename="campaign-task")
    router.register("training-quotas", QuotaViewSet, basename="training-quota")
