"""Staff API: /api/v1/evaluations/ — scoped, read-only list and detail of the 004 evaluations;
the detail carries the 50 rows and links the Word export (the form as townships submit it)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.routers import BaseRouter

from supervision.core.api_base import ScopedReadOnlyViewSet

from .filters import EvaluationFilter
from .models import Evaluation, EvaluationEntry


class ComputedSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    value = serializers.JSONField(
        allow_null=True, help_text="计数为整数，比率与金额为十进制文本，无法计算时为 null"
    )
    unit = serializers.CharField()
    definition = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.source


class EntrySerializer(serializers.ModelSerializer):
    text = serializers.CharField(read_only=True)
    basis = serializers.CharField(read_only=True)
    completion_display = serializers.CharField(source="get_completion_display", read_only=True)
    computed = ComputedSerializer(many=True, read_only=True)

    class Meta:
        model = EvaluationEntry
        fields = [
            "number",
            "text",
            "basis",
            "completion",
            "completion_display",
            "completed_text",
            "evidence_text",
            "explanation",
            "computed",
        ]
        read_only_fields = fields


class EvaluationSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)
    unit_name = serializers.CharField(read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    url = serializers.SerializerMethodField()
    word_url = serializers.SerializerMethodField()
    excel_url = serializers.SerializerMethodField()

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "year",
            "title",
            "region",
            "unit_name",
            "state",
            "state_display",
            "preparer",
            "prepared_on",
            "submitted_at",
            "reviewed_at",
            "return_reason",
            "computed_at",
            "url",
            "word_url",
            "excel_url",
        ]
        read_only_fields = fields

    def _abs(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_url(self, obj: Evaluation) -> str:
        return self._abs(reverse("evaluation:detail", args=[obj.pk]))

    def get_word_url(self, obj: Evaluation) -> str:
        return self._abs(reverse("evaluation:word", args=[obj.pk]))

    def get_excel_url(self, obj: Evaluation) -> str:
        return self._abs(reverse("evaluation:excel", args=[obj.pk]))


class EvaluationDetailSerializer(EvaluationSerializer):
    entries = serializers.SerializerMethodField()

    class Meta(EvaluationSerializer.Meta):
        fields = [*EvaluationSerializer.Meta.fields, "entries"]
        read_only_fields = fields

    @extend_schema_field(EntrySerializer(many=True))
    def get_entries(self, obj: Evaluation) -> list[dict[str, Any]]:
        from .documents import entries

        return EntrySerializer(entries(obj), many=True).data  # type: ignore[return-value]


class EvaluationViewSet(ScopedReadOnlyViewSet):
    """效能评估表（只读）：详情含 50 项指标及 Word 导出链接。"""

    queryset = Evaluation.objects.select_related("region").order_by("-year", "region__code")
    serializer_class = EvaluationSerializer
    filterset_class = EvaluationFilter

    def get_serializer_class(self) -> Any:
        return EvaluationDetailSerializer if self.action == "retrieve" else EvaluationSerializer


def register(router: BaseRouter) -> None:
    router.register("evaluations", EvaluationViewSet, basename="evaluation")
