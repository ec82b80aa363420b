"""Staff API: /api/v1/institutions/ (lookup by credit code), /api/v1/filings/, /api/v1/staff/.

Everything is scoped with ``visible_to``; writes go through the services; ID numbers are never
serialised (only the masked form)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.routers import BaseRouter
from rest_framework.viewsets import GenericViewSet

from supervision.core import policy
from supervision.core.api_base import ScopedReadOnlyViewSet, ScopedViewSetMixin
from supervision.core.models import Region
from supervision.core.scoping import get_visible_or_404

from . import services
from .filters import FilingFilter, InstitutionFilter, StaffFilter
from .models import Certificate, Filing, Institution, Staff
from .querysets import institution_list_queryset
from .validators import normalise_credit_code


class InstitutionSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    region_name = serializers.CharField(source="region.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    current_grade = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Institution
        fields = [
            "credit_code",
            "name",
            "kind",
            "nature",
            "registration_authority",
            "status",
            "status_display",
            "region",
            "region_name",
            "address",
            "legal_representative",
            "principal",
            "beds",
            "residents",
            "floor_area",
            "premises_ownership",
            "contact_phone",
            "complaint_phone",
            "service_items",
            "fee_standards",
            "rules",
            "introduction",
            "opened_on",
            "medical_service",
            "party_organisation",
            "fire_acceptance",
            "fire_acceptance_note",
            "is_key_fire_unit",
            "food_licence",
            "name_nonstandard",
            "current_grade",
            "updated_at",
        ]
        read_only_fields = ["status", "legal_representative", "principal", "name_nonstandard", "updated_at"]

    # The services' refusals (Denied → 403, ValidationError → 400) are answered by the one API
    # error handler (supervision/core/api_errors.py).
    def create(self, validated_data: dict[str, Any]) -> Institution:
        return services.institution_create(actor=self.context["request"].user, **validated_data)

    def update(self, instance: Institution, validated_data: dict[str, Any]) -> Institution:
        # A new region is judged by the service: the editor must keep the registry there too.
        return services.institution_update(instance, actor=self.context["request"].user, **validated_data)


@extend_schema_view(
    list=extend_schema(summary="养老服务机构列表（按辖区过滤）"),
    retrieve=extend_schema(summary="按统一社会信用代码查看机构"),
)
class InstitutionViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    GenericViewSet,
):
    """The registry. Status changes are not writable here: they have their own services."""

    queryset = Institution.objects.order_by("name", "pk")
    serializer_class = InstitutionSerializer
    filterset_class = InstitutionFilter
    lookup_field = "credit_code"
    lookup_value_regex = "[0-9A-Za-z]{18}"
    ordering_fields = ["name", "credit_code", "beds", "updated_at", "status"]

    def get_queryset(self) -> QuerySet:
        # Built per request: the grade and badge annotations compare with today's date, which a
        # queryset built when the module is imported would freeze at start-up.
        return institution_list_queryset().order_by("name", "pk").visible_to(self.request.user)  # type: ignore[attr-defined]

    def get_object(self) -> Institution:
        # Codes are stored upper case; a lookup typed in lower case finds the same institution.
        self.kwargs[self.lookup_field] = normalise_credit_code(self.kwargs[self.lookup_field])
        return super().get_object()

    # The write policy before the payload is read: a create by the post (the service then
    # judges the region), an edit on the (scoped) institution.
    def create(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        policy.require_ever(request.user, Institution, "keep")
        return super().create(request, *args, **kwargs)

    def update(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        policy.require(request.user, self.get_object(), "edit")
        return super().update(request, *args, **kwargs)


class FilingSerializer(serializers.ModelSerializer):
    # null on output: an institution not yet registered has no credit code.
    institution = serializers.CharField(source="institution.credit_code", allow_null=True)
    institution_name = serializers.CharField(source="institution.name", read_only=True)

    class Meta:
        model = Filing
        fields = [
            "id",
            "institution",
            "institution_name",
            "kind",
            "submitted_on",
            "applicant",
            "certificate_number",
            "commitment_text",
            "changes",
            "note",
            "created_at",
        ]
        read_only_fields = ["kind", "changes", "created_at"]

    def create(self, validated_data: dict[str, Any]) -> Filing:
        request = self.context["request"]
        code = validated_data.pop("institution")["credit_code"]
        if not code:
            raise serializers.ValidationError({"institution": ["请填写机构的统一社会信用代码。"]})
        inst = get_visible_or_404(Institution.objects.all(), request.user, credit_code=code.upper())
        return services.filing_submit(inst, actor=request.user, **validated_data)


class FilingViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    GenericViewSet,
):
    """Filings and change filings; POST files an institution (opens its 20-working-day check)."""

    queryset = Filing.objects.select_related("institution").order_by("-submitted_on", "-pk")
    serializer_class = FilingSerializer
    filterset_class = FilingFilter

    def create(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        # Filing is civil affairs' (the post gates; the service judges the institution).
        policy.require_ever(request.user, Institution, "keep")
        return super().create(request, *args, **kwargs)


class CertificateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Certificate
        fields = ["name", "number", "issued_on", "expires_on"]


class StaffSerializer(serializers.ModelSerializer):
    """Never the ID number: only the masked form and the name."""

    institution = serializers.CharField(source="institution.credit_code", read_only=True, allow_null=True)
    name = serializers.CharField(source="person.name", read_only=True)
    id_masked = serializers.CharField(source="person.id_masked", read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    certificates = CertificateSerializer(many=True, read_only=True)

    class Meta:
        model = Staff
        fields = [
            "id",
            "institution",
            "name",
            "id_masked",
            "role",
            "role_display",
            "skill_level",
            "hired_on",
            "left_on",
            "certificates",
        ]


class StaffViewSet(ScopedReadOnlyViewSet):
    """从业人员 (read-only here; appointments go through the staff pages and their ban checks)."""

    queryset = (
        Staff.objects.select_related("institution", "person").prefetch_related("certificates").order_by("pk")
    )
    serializer_class = StaffSerializer
    filterset_class = StaffFilter


def register(router: BaseRouter) -> None:
    router.register("institutions", InstitutionViewSet, basename="institution")
    router.register("filings", FilingViewSet, basename="filing")
    router.register("staff", StaffViewSet, basename="staff")
