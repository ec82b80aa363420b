"""``/api/v1/indicators/``: the registry's definitions, and one indicator's value for a region
and period as the caller sees it (their ``visible_to``), with the link to the rows behind it.

``GET /api/v1/indicators/?group=问题隐患`` — definitions;
``GET /api/v1/indicators/inspections.onsite_coverage_year/?region=371521000000&period=2026``
— the value (``period``: ``2026``, ``2026H1``, ``2026Q3``, ``2026-11``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from supervision.core.models import Region
from supervision.core.querysets import regions_visible_to

from . import registry
from .registry import Indicator, Period


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="指标代码（稳定标识）")
    name = serializers.CharField(help_text="指标名称")
    definition = serializers.CharField(help_text="统计口径")
    unit = serializers.CharField(help_text="单位")
    source = serializers.CharField(help_text="依据（文件及条款）")  # type: ignore[assignment]
    evaluation = serializers.CharField(allow_null=True, help_text="对应的效能评估表指标序号（004 附件1）")
    group = serializers.CharField(help_text="所属板块")


class IndicatorValueSerializer(IndicatorSerializer):
    region = serializers.CharField(help_text="区划代码")
    region_name = serializers.CharField(help_text="区划名称")
    period = serializers.CharField(help_text="统计期代码")
    period_label = serializers.CharField(help_text="统计期")
    value = serializers.FloatField(allow_null=True, help_text="数值（比率为百分数；无分母时为空）")
    rows_url = serializers.CharField(allow_null=True, help_text="指标对应明细列表的页面地址")


def _definition(ind: Indicator) -> dict[str, Any]:
    return {
        "code": ind.code,
        "name": ind.name,
        "definition": ind.definition,
        "unit": ind.unit,
        "source": ind.source,
        "evaluation": ind.evaluation,
        "group": ind.group,
    }


def _home_region(user: Any) -> Region | None:
    posts = sorted(user.active_assignments(), key=lambda a: (a.region.level, a.region.code))
    if posts:
        return posts[0].region
    if user.is_superuser:
        return Region.objects.order_by("level", "code").first()
    return None


REGION_PARAM = OpenApiParameter("region", OpenApiTypes.STR, description="区划代码（12位；默认本人辖区）")
PERIOD_PARAM = OpenApiParameter(
    "period", OpenApiTypes.STR, description="统计期：2026、2026H1、2026Q3、2026-11（默认本年度）"
)


class IndicatorViewSet(viewsets.ViewSet):
    """指标：定义与取值（按区划、统计期；按调用者的可见范围计算）。"""

    lookup_field = "code"
    lookup_value_regex = r"[^/]+"

    @extend_schema(
        parameters=[
            OpenApiParameter("group", OpenApiTypes.STR, description="所属板块"),
            OpenApiParameter("evaluation", OpenApiTypes.STR, description="效能评估表指标序号，如 2.5"),
        ],
        responses=IndicatorSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        items = registry.all_indicators()
        group = request.query_params.get("group")
        if group:
            items = [i for i in items if i.group == group]
        evaluation = request.query_params.get("evaluation")
        if evaluation:
            items = [i for i in items if i.evaluation == evaluation]
        return Response(IndicatorSerializer([_definition(i) for i in items], many=True).data)

    @extend_schema(parameters=[REGION_PARAM, PERIOD_PARAM], responses=IndicatorValueSerializer)
    def retrieve(self, request: Request, code: str | None = None) -> Response:
        try:
            ind = registry.get(code or "")
        except LookupError as exc:
            raise Http404("未找到该指标") from exc
        region = self._region(request)
        period = self._period(request)
        figure = registry.compute(ind.code, request.user, region, period)
        value = figure.value
        if isinstance(value, Decimal):
            value = float(value)
        data = {
            **_definition(ind),
            "region": region.code,
            "region_name": region.name,
            "period": period.key,
            "period_label": period.label,
            "value": value,
            "rows_url": figure.rows_url,
        }
        return Response(IndicatorValueSerializer(data).data)

    def _region(self, request: Request) -> Region:
        code = (request.query_params.get("region") or "").strip()
        if code and (not code.isdigit() or len(code) > 12):
            raise serializers.ValidationError({"region": ["区划代码应为不超过12位的数字"]})
        user: Any = request.user
        region = (
            regions_visible_to(user).filter(code=code.ljust(12, "0")).first() if code else _home_region(user)
        )
        if region is None:
            raise Http404("未找到或无权查看")
        return region

    def _period(self, request: Request) -> Period:
        key = (request.query_params.get("period") or "").strip()
        if not key:
            return Period.year(timezone.localdate().year)
        try:
            period = Period.parse(key)
        except (ValueError, TypeError):
            raise serializers.ValidationError(
                {"period": ["统计期格式应为 2026、2026H1、2026Q3 或 2026-11"]}
            ) from None
        if not 2000 <= period.start.year <= 2100:
            raise serializers.ValidationError({"period": ["统计期年份超出范围"]})
        return period


def register(router: BaseRouter) -> None:
    router.register("indicators", IndicatorViewSet, basename="indicator")
