"""Staff API: /api/v1/reports/ — scoped, read-only list and detail of the statistical reports
with their figures and the links to the Word and Excel exports. Filling, submitting and
reviewing are on the pages (one service each)."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers
from rest_framework.routers import BaseRouter

from supervision.core.api_base import ScopedReadOnlyViewSet

from .filters import ReportFilter
from .models import Report


class ReportValueSerializer(serializers.Serializer):
    section = serializers.CharField()
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    value = serializers.JSONField(
        allow_null=True, help_text="数值：计数为整数，比率与金额为十进制文本，无法计算时为 null"
    )
    definition = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.source


class ReportSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)
    format_display = serializers.CharField(source="get_format_display", read_only=True)
    region = serializers.CharField(source="region.code", read_only=True)
    unit_name = serializers.CharField(read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    values = ReportValueSerializer(many=True, read_only=True)
    url = serializers.SerializerMethodField()
    word_url = serializers.SerializerMethodField()
    excel_url = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "format",
            "format_display",
            "title",
            "region",
            "unit_name",
            "period_key",
            "period_label",
            "period_start",
            "period_end",
            "state",
            "state_display",
            "preparer",
            "prepared_on",
            "submitted_at",
            "reviewed_at",
            "return_reason",
            "computed_at",
            "values",
            "url",
            "word_url",
            "excel_url",
        ]
        read_only_fields = fields

    def _abs(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_url(self, obj: Report) -> str:
        return self._abs(reverse("reports:detail", args=[obj.pk]))

    def get_word_url(self, obj: Report) -> str:
        return self._abs(reverse("reports:word", args=[obj.pk]))

    def get_excel_url(self, obj: Report) -> str:
        return self._abs(reverse("reports:excel", args=[obj.pk]))


class ReportViewSet(ScopedReadOnlyViewSet):
    """统计报表（只读）：按报表、状态、统计期、区域筛选。"""

    queryset = Report.objects.select_related("region").order_by("-period_end", "format", "region__code")
    serializer_class = ReportSerializer
    filterset_class = ReportFilter


def register(router: BaseRouter) -> None:
    router.register("reports", ReportViewSet, basename="report")
