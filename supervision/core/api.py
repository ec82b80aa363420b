"""API for reference data: regions and departments with their remits.

Regions and departments are public reference data (GB/T 2260 and the published
responsibility matrix), so they are readable by any authenticated user without scoping."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response
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


LOCKED_OUT = "登录失败次数过多，账户或来源地址已被锁定 15 分钟，请稍后再试或联系系统管理员。"


class TokenResult(serializers.Serializer):
    token = serializers.CharField(help_text="在请求头中使用：Authorization: Token <token>")


class ObtainTokenView(ObtainAuthToken):
    """``POST /api/v1/auth/token/`` with username and password returns the user's API token.

    The credentials go through django-axes like the login form: five failures per user or per
    address lock both for 15 minutes. DRF hands the backend its own request wrapper, on which
    axes flags the lockout, so the axes middleware never sees it; this view answers the
    lockout itself (429 with a Chinese message) instead of the generic "wrong credentials"."""

    @extend_schema(
        operation_id="auth_token_create",
        tags=["auth"],
        responses={
            200: TokenResult,
            400: OpenApiResponse(
                description='用户名或密码错误：{"non_field_errors": ["无法使用提供的认证信息登录。"]}'
            ),
            429: OpenApiResponse(description="登录失败次数过多，已锁定 15 分钟"),
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            if getattr(request, "axes_locked_out", False) or getattr(
                request._request, "axes_locked_out", False
            ):
                return Response({"detail": LOCKED_OUT}, status=status.HTTP_429_TOO_MANY_REQUESTS)
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})


def register(router: BaseRouter) -> None:
    router.register("regions", RegionViewSet)
    router.register("departments", DepartmentViewSet)
    router.register("domains", DomainViewSet)
