"""API for reference data: regions and departments with their remits.

Regions and departments are public reference data (GB/T 2260 and the published
responsibility matrix), so they are readable by any authenticated user without scoping."""

from __future__ import annotations

from rest_framework import serializers, viewsets
from rest_framework.routers import BaseRouter

from .filters import DepartmentFilter, RegionFilter
from .models import Department, Domain, Region, Remit


class RegionSerializer(serializers.ModelSerializer):
    parent: serializers.Field = serializers.SlugRelatedField(slug_field="code", read_only=True)  # type: ignore[assignment]
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "level_display", "parent"]


class RemitSerializer(serializers.ModelSerializer):
    domain: serializers.Field = serializers.SlugRelatedField(slug_field="code", read_only=True)
    domain_name = serializers.CharField(source="domain.name", read_only=True)

    class Meta:
        model = Remit
        fields = ["domain", "domain_name", "role", "duty", "source"]


class DepartmentSerializer(serializers.ModelSerializer):
    remits = RemitSerializer(many=True, read_only=True)

    class Meta:
        model = Department
        fields = ["code", "name", "short_name", "is_lead", "remits"]


class DomainSerializer(serializers.ModelSerializer):
    class Meta:
        model = Domain
        fields = ["code", "name", "description"]


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """Administrative divisions (GB/T 2260 codes padded to 12 digits)."""

    queryset = Region.objects.select_related("parent").order_by("code")
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    lookup_field = "code"


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Departments and their remits (the responsibility matrix)."""

    queryset = Department.objects.prefetch_related("remits__domain")
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilter
    lookup_field = "code"


class DomainViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Domain.objects.all()
    serializer_class = DomainSerializer
    lookup_field = "code"


def register(router: BaseRouter) -> None:
    router.register("regions", RegionViewSet)
    router.register("departments", DepartmentViewSet)
    router.register("domains", DomainViewSet)
