"""Fund-raising risk API (``/api/v1/fundraising-risks/``): scoped reads, recording, referral to
地方金融监管 and 公安 (through the referral mechanism) and closing. Explicit fields; the actor
and the recording department are set by the server."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from institutions.models import Institution
from supervision.core import policy
from supervision.core.api_base import ScopedReadOnlyViewSet
from supervision.core.models import Region

from . import services
from .filters import RiskItemFilter
from .models import RiskItem, RiskKind, RiskLevel, RiskSource


class RiskItemSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code", read_only=True)
    department_code = serializers.CharField(source="department.code", read_only=True)
    institution_credit_code = serializers.CharField(
        source="institution.credit_code", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = RiskItem
        fields = [
            "id",
            "institution",
            "institution_credit_code",
            "institution_name",
            "region_code",
            "kind",
            "source",
            "complaint_code",
            "level",
            "description",
            "amount_involved",
            "people_involved",
            "found_on",
            "state",
            "department_code",
            "outcome",
            "closed_on",
        ]
        read_only_fields = fields


class RiskInput(serializers.Serializer):
    institution = serializers.IntegerField(required=False, allow_null=True)
    institution_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    region = serializers.CharField(
        required=False, allow_blank=True, help_text="发生地 12 位区划代码（未登记经营者必填）"
    )
    kind = serializers.ChoiceField(choices=RiskKind.choices)
    source = serializers.ChoiceField(choices=RiskSource.choices)  # type: ignore[assignment]
    complaint_code = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    level = serializers.ChoiceField(choices=RiskLevel.choices)
    description = serializers.CharField(max_length=4000)
    amount_involved = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    people_involved = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    found_on = serializers.DateField()


class ReferInput(serializers.Serializer):
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class ReferOutput(serializers.Serializer):
    id = serializers.IntegerField()
    to_department = serializers.CharField(source="to_department.code")
    state = serializers.CharField()


class CloseInput(serializers.Serializer):
    outcome = serializers.CharField(max_length=4000)
    closed_on = serializers.DateField(required=False)


class RiskItemViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """非法集资风险."""

    queryset = RiskItem.objects.select_related("region", "department", "institution").order_by(
        "-found_on", "-pk"
    )
    serializer_class = RiskItemSerializer
    filterset_class = RiskItemFilter

    @extend_schema(request=RiskInput, responses={201: RiskItemSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        policy.require_ever(request.user, RiskItem, "record")
        s = RiskInput(data=request.data)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        institution = None
        if d.get("institution"):
            institution = Institution.objects.visible_to(request.user).filter(pk=d["institution"]).first()
            if institution is None:
                raise ValidationError({"institution": ["机构不存在或不在您的辖区。"]})
        code = (d.get("region") or "").strip()
        region = Region.objects.filter(code=code).first() if code else None
        if institution is None and region is None:
            raise ValidationError({"region": ["请填写机构编号，或经营者名称和发生地区划代码。"]})
        item = services.risk_record(
            actor=request.user,
            institution=institution,
            institution_name=d["institution_name"],
            region=institution.region if institution else region,  # type: ignore[arg-type]
            kind=d["kind"],
            source=d["source"],
            complaint_code=d["complaint_code"],
            level=d["level"],
            description=d["description"],
            amount_involved=d.get("amount_involved"),
            people_involved=d.get("people_involved"),
            found_on=d["found_on"],
        )
        return Response(RiskItemSerializer(item).data, status=201)

    @extend_schema(request=ReferInput, responses=ReferOutput(many=True))
    @action(detail=True, methods=["post"])
    def refer(self, request: Request, pk: str | None = None) -> Response:
        """移送地方金融监管、公安 (a draft referral each, with the 7-working-day sending clock)."""
        item = self.get_object()
        policy.require(request.user, item, "refer")
        s = ReferInput(data=request.data)
        s.is_valid(raise_exception=True)
        referrals = services.risk_refer(item, actor=request.user, note=s.validated_data["note"])
        return Response(ReferOutput(referrals, many=True).data)

    @extend_schema(request=CloseInput, responses=RiskItemSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        policy.require(request.user, item, "close")
        s = CloseInput(data=request.data)
        s.is_valid(raise_exception=True)
        closed = services.risk_close(
            item,
            actor=request.user,
            outcome=s.validated_data["outcome"],
            on=s.validated_data.get("closed_on"),
        )
        return Response(RiskItemSerializer(closed).data)


def register(router: BaseRouter) -> None:
    router.register("fundraising-risks", RiskItemViewSet, basename="fundraising-risk")
