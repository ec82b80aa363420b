"""REST API (/api/v1/): scoped like the staff pages. Partner systems may POST findings in their
own remit (``/api/v1/findings/``). An inspection's record is completed and closed through its
actions (``confirm``, ``sign``, ``refuse-signature``, ``close``), each calling the one service
the staff page calls. Every write asks the write policy before its payload is validated (403
``{"detail": "…"}`` with the Chinese reason); a service's refusal of the input or the state step
is 400 in the one error shape (``supervision.core.api_errors``). Everything else is read-only."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from institutions.models import Institution
from supervision.core import policy
from supervision.core.api_base import ScopedReadOnlyViewSet, ScopedViewSetMixin
from supervision.core.models import Domain

from . import services
from .filters import DrawFilter, FindingFilter, InspectionFilter, InspectorFilter, ItemFilter
from .models import Conclusion, Draw, Finding, Inspection, InspectionItem, Inspector, ItemResult
from .querysets import RectificationProgress, ReferralProgress


class ItemSerializer(serializers.ModelSerializer):
    domain: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    responsible_department = serializers.SerializerMethodField()

    class Meta:
        model = InspectionItem
        fields = [
            "id",
            "code",
            "title",
            "domain",
            "responsible_department",
            "legal_basis",
            "check_method",
            "is_key",
            "active",
        ]

    def get_responsible_department(self, obj: InspectionItem) -> str | None:
        dept = obj.responsible_department
        return dept.code if dept else None


class InspectionItemViewSet(viewsets.ReadOnlyModelViewSet):
    """The item list is the same for every authenticated user."""

    queryset = InspectionItem.objects.select_related("domain").order_by("sort", "code")
    serializer_class = ItemSerializer
    filterset_class = ItemFilter


class InspectorSerializer(serializers.ModelSerializer):
    department: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    region: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    domains: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    drawable = serializers.SerializerMethodField()

    class Meta:
        model = Inspector
        fields = [
            "id",
            "public_code",
            "name",
            "department",
            "region",
            "certificate_number",
            "certificate_expires",
            "domains",
            "active",
            "drawable",
        ]

    def get_drawable(self, obj: Inspector) -> bool:
        return obj.is_drawable()


class InspectorViewSet(ScopedReadOnlyViewSet):
    queryset = (
        Inspector.objects.select_related("department", "region").prefetch_related("domains").order_by("pk")
    )
    serializer_class = InspectorSerializer
    filterset_class = InspectorFilter


class DrawSerializer(serializers.ModelSerializer):
    seed = serializers.SerializerMethodField(help_text="Revealed seed; empty until revealed.")
    plan: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Draw
        fields = [
            "id",
            "plan",
            "status",
            "seed_hash",
            "seed",
            "inputs",
            "result",
            "previous",
            "redraw_reason",
            "short_team_accepted",
            "short_team_accepted_at",
            "created_at",
            "executed_at",
            "revealed_at",
        ]

    def get_seed(self, obj: Draw) -> str:
        return obj.public_seed


class DrawViewSet(ScopedReadOnlyViewSet):
    queryset = Draw.objects.select_related("plan").order_by("-created_at")
    serializer_class = DrawSerializer
    filterset_class = DrawFilter


class ItemResultSerializer(serializers.ModelSerializer):
    item: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    department: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = ItemResult
        fields = ["item", "outcome", "note", "department", "recorded_at"]


class InspectionSerializer(serializers.ModelSerializer):
    institution_credit_code = serializers.CharField(
        source="institution.credit_code", read_only=True, allow_null=True
    )
    department: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    partner_departments: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    team: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="public_code", many=True, read_only=True
    )
    results = ItemResultSerializer(many=True, read_only=True)
    confirmed_by_inspectors = serializers.SerializerMethodField(
        help_text="Public codes of the team members who have confirmed the record."
    )

    class Meta:
        model = Inspection
        fields = [
            "id",
            "kind",
            "status",
            "institution",
            "institution_credit_code",
            "department",
            "partner_departments",
            "plan",
            "draw",
            "team",
            "unannounced",
            "scheduled_on",
            "inspected_on",
            "conclusion",
            "conclusion_note",
            "beds_found",
            "representative_name",
            "representative_signed_at",
            "representative_ack",
            "refusal_witness",
            "refusal_note",
            "refusal_recorded_at",
            "confirmed_by_inspectors",
            "closed_at",
            "published_at",
            "published_until",
            "results",
        ]

    def get_confirmed_by_inspectors(self, obj: Inspection) -> list[str]:
        return sorted(c.inspector.public_code for c in obj.confirmations.all())


class InspectionSignInput(serializers.Serializer):
    name = serializers.CharField(max_length=50, help_text="机构签字人姓名")
    acknowledged = serializers.BooleanField(help_text="机构代表已知悉并确认检查结果")


class InspectionRefusalInput(serializers.Serializer):
    name = serializers.CharField(max_length=50, help_text="拒绝签字的机构代表姓名")
    witness = serializers.CharField(max_length=50, help_text="见证人姓名（不得为检查人员）")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class InspectionConfirmInput(serializers.Serializer):
    inspector = serializers.CharField(help_text="检查人员编号（public_code，如 I000012）")


class InspectionCloseInput(serializers.Serializer):
    inspected_on = serializers.DateField(required=False, allow_null=True)
    conclusion = serializers.ChoiceField(choices=Conclusion.choices, required=False, allow_blank=True)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="检查结论（检查情况）"
    )
    beds_found = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, help_text="现场核实床位数（清点床位时填写）"
    )


class InspectionViewSet(ScopedReadOnlyViewSet):
    """Inspections with their item results; actions complete and close the record."""

    queryset = (
        Inspection.objects.select_related("institution", "department")
        .prefetch_related(
            "partner_departments",
            "team",
            "results__item",
            "results__department",
            "confirmations__inspector",
        )
        .order_by("-pk")
    )
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilter

    def _done(self, request: Any) -> Response:
        inspection = self.get_queryset().get(pk=self.kwargs["pk"])
        return Response(InspectionSerializer(inspection, context={"request": request}).data)

    def _allowed(self, action: str) -> Inspection:
        """The inspection (scoped: 404 out of scope), once the policy allows ``action`` on it —
        before the payload is validated."""
        inspection = self.get_object()
        policy.require(self.request.user, inspection, action)
        return inspection

    @extend_schema(request=InspectionConfirmInput, responses=InspectionSerializer, summary="检查人员确认")
    @action(detail=True, methods=["post"])
    def confirm(self, request: Any, pk: Any = None) -> Response:
        inspection = self._allowed("confirm")
        data = InspectionConfirmInput(data=request.data)
        data.is_valid(raise_exception=True)
        code = data.validated_data["inspector"]
        inspector = next((i for i in inspection.team.all() if i.public_code == code), None)
        if inspector is None:
            raise serializers.ValidationError({"inspector": ["该人员不是本次检查的检查人员。"]})
        services.inspection_confirm_inspector(inspection, inspector, actor=request.user)
        return self._done(request)

    @extend_schema(request=InspectionSignInput, responses=InspectionSerializer, summary="机构代表签字确认")
    @action(detail=True, methods=["post"])
    def sign(self, request: Any, pk: Any = None) -> Response:
        inspection = self._allowed("sign")
        data = InspectionSignInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.inspection_sign(
            inspection,
            actor=request.user,
            name=data.validated_data["name"],
            acknowledged=data.validated_data["acknowledged"],
        )
        return self._done(request)

    @extend_schema(
        request=InspectionRefusalInput, responses=InspectionSerializer, summary="记录机构代表拒绝签字及见证人"
    )
    @action(detail=True, methods=["post"], url_path="refuse-signature")
    def refuse_signature(self, request: Any, pk: Any = None) -> Response:
        inspection = self._allowed("refuse")
        data = InspectionRefusalInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        services.inspection_record_refusal(
            inspection, actor=request.user, name=v["name"], witness=v["witness"], note=v["note"]
        )
        return self._done(request)

    @extend_schema(request=InspectionCloseInput, responses=InspectionSerializer, summary="办结检查")
    @action(detail=True, methods=["post"])
    def close(self, request: Any, pk: Any = None) -> Response:
        inspection = self._allowed("close")
        data = InspectionCloseInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        services.inspection_close(
            inspection,
            actor=request.user,
            conclusion=v.get("conclusion") or "",
            note=v["note"],
            inspected_on=v.get("inspected_on"),
            beds_found=v.get("beds_found"),
        )
        return self._done(request)


class FindingSerializer(serializers.ModelSerializer):
    institution: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        queryset=Institution.objects.all()
    )
    domain: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", queryset=Domain.objects.all()
    )
    supervising_department: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    found_by_department: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    # Where the finding stands, read from its referral, notice item and clock (with_progress).
    needs_referral = serializers.BooleanField(source="awaiting_referral", read_only=True)
    referral = serializers.IntegerField(source="current_referral_id", read_only=True, allow_null=True)
    referral_progress = serializers.ChoiceField(choices=ReferralProgress.choices, read_only=True)
    notice = serializers.IntegerField(source="current_notice_id", read_only=True, allow_null=True)
    notice_item = serializers.IntegerField(source="current_notice_item_id", read_only=True, allow_null=True)
    rectification_progress = serializers.ChoiceField(choices=RectificationProgress.choices, read_only=True)
    rectification_due = serializers.DateField(read_only=True, allow_null=True)
    rectification_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "institution",
            "inspection",
            "domain",
            "severity",
            "description",
            "evidence_note",
            "rectification_required",
            "rectify_by",
            "responsible_person",
            "supervising_department",
            "found_by_department",
            "found_on",
            "needs_referral",
            "referral",
            "referral_progress",
            "notice",
            "notice_item",
            "rectification_progress",
            "rectification_due",
            "rectification_overdue",
            "listed_supervision",
            "status",
            "source_system",
            "created_at",
        ]
        read_only_fields = ["inspection", "listed_supervision", "status", "created_at"]

    def validate_institution(self, value: Institution) -> Institution:
        user = self.context["request"].user
        if not Institution.objects.visible_to(user).filter(pk=value.pk).exists():
            raise serializers.ValidationError("机构不存在或不在您的辖区。")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        user = self.context["request"].user
        region = attrs["institution"].region
        department = services.acting_department(user, region)
        if department is None:
            # No acting post over the institution: refused (403) with the policy's reason.
            policy.require(user, Finding, "create", region=region, department=None)
            raise serializers.ValidationError("您在该机构所在辖区没有岗位。")
        if not department.is_lead and not services.department_covers(department, attrs["domain"]):
            raise serializers.ValidationError({"domain": "只能报送本部门职责领域内的问题。"})
        attrs["_department"] = department
        return attrs

    def create(self, validated: dict[str, Any]) -> Finding:
        user = self.context["request"].user
        department = validated.pop("_department")
        institution = validated.pop("institution")
        domain = validated.pop("domain")
        finding = services.finding_create(institution, domain, actor=user, department=department, **validated)
        return Finding.objects.with_progress().get(pk=finding.pk)


@extend_schema(description="问题隐患（三张清单的数据源）。部门业务系统可 POST 本部门职责领域内的问题。")
class FindingViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Finding.objects.select_related(
        "institution", "domain", "supervising_department", "found_by_department"
    ).order_by("-pk")
    serializer_class = FindingSerializer
    filterset_class = FindingFilter

    def get_queryset(self) -> Any:
        # Annotated per request: whether a clock is overdue depends on today.
        queryset: Any = super().get_queryset()
        return queryset.with_progress()

    def create(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        # The post gates before the payload is read; the service then judges the institution.
        policy.require_ever(request.user, Finding, "create")
        return super().create(request, *args, **kwargs)


def register(router: BaseRouter) -> None:
    router.register("inspection-items", InspectionItemViewSet, basename="inspection-item")
    router.register("inspectors", InspectorViewSet, basename="inspector")
    router.register("draws", DrawViewSet, basename="draw")
    router.register("inspections", InspectionViewSet, basename="inspection")
    router.register("findings", FindingViewSet, basename="finding")
