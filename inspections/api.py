"""REST API (/api/v1/): scoped like the staff pages. Partner systems may POST findings in their
own remit (``/api/v1/findings/``); everything else is read-only here and changes through the
staff pages' services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.routers import BaseRouter

from institutions.models import Institution
from supervision.core.api_base import ScopedReadOnlyViewSet, ScopedViewSetMixin
from supervision.core.models import Domain

from . import services
from .filters import DrawFilter, FindingFilter, InspectionFilter, InspectorFilter, ItemFilter
from .models import Draw, Finding, Inspection, InspectionItem, Inspector, ItemResult


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
    institution_credit_code = serializers.CharField(source="institution.credit_code", read_only=True)
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
            "representative_ack",
            "closed_at",
            "published_at",
            "published_until",
            "results",
        ]


class InspectionViewSet(ScopedReadOnlyViewSet):
    queryset = (
        Inspection.objects.select_related("institution", "department")
        .prefetch_related("partner_departments", "team", "results__item", "results__department")
        .order_by("-pk")
    )
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilter


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
            "listed_supervision",
            "status",
            "source_system",
            "created_at",
        ]
        read_only_fields = ["inspection", "needs_referral", "listed_supervision", "status", "created_at"]

    def validate_institution(self, value: Institution) -> Institution:
        user = self.context["request"].user
        if not Institution.objects.visible_to(user).filter(pk=value.pk).exists():
            raise serializers.ValidationError("机构不存在或不在您的辖区。")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        user = self.context["request"].user
        department = services.acting_department(user, attrs["institution"].region)
        if department is None:
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
        try:
            return services.finding_create(
                institution, domain, actor=user, department=department, **validated
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


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


def register(router: BaseRouter) -> None:
    router.register("inspection-items", InspectionItemViewSet, basename="inspection-item")
    router.register("inspectors", InspectorViewSet, basename="inspector")
    router.register("draws", DrawViewSet, basename="draw")
    router.register("inspections", InspectionViewSet, basename="inspection")
    router.register("findings", FindingViewSet, basename="finding")
