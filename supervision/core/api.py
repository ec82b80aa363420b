"""API for reference data: regions and departments with their remits.

Regions and departments are public reference data (GB/T 2260 and the published
responsibility matrix), so they are readable by any authenticated user without scoping."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter
from rest_framework.views import APIView

from .filters import DepartmentFilter, RegionFilter
from .models import Department, Domain, Region, Remit


class RegionSerializer(serializers.ModelSerializer):
    parent: serializers.Field = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="code", read_only=True, allow_null=True
    )
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


# The lockout answer names the time left (supervision/accounts/lockout.py); this is its start.
LOCKED_OUT = "登录失败次数过多"


class TokenResult(serializers.Serializer):
    token = serializers.CharField(help_text="在请求头中使用：Authorization: Token <token>；只显示这一次")
    expiry = serializers.DateTimeField(allow_null=True, help_text="令牌失效时间")


class TokenRequest(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})
    otp = serializers.CharField(required=False, help_text="已启用两步验证的账户：验证器上的 6 位动态码")


class ObtainTokenView(APIView):
    """``POST /api/v1/auth/token/`` with username and password returns a new API token.

    Every sign-in issues a new token (django-rest-knox: only a digest is stored; it expires
    after ``API_TOKEN_TTL_HOURS``). The credentials go through django-axes like the login form:
    five failures for one user name lock it for 15 minutes (and many failures from one address
    lock the address). DRF hands the backend its own request wrapper, on which axes flags the
    lockout, so the axes middleware never sees it; this view answers the lockout itself (429
    with a Chinese message and the time left) instead of the generic "wrong credentials".
    A user who must change an initial password, or who has two-factor sign-in, is held to the
    same steps as on the web (supervision/accounts)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [FormParser, MultiPartParser, JSONParser]
    serializer_class = AuthTokenSerializer

    @extend_schema(
        operation_id="auth_token_create",
        tags=["auth"],
        request=TokenRequest,
        responses={
            200: TokenResult,
            400: OpenApiResponse(
                description='用户名或密码错误：{"non_field_errors": ["无法使用提供的认证信息登录。"]}'
            ),
            403: OpenApiResponse(description="须先在网页上修改初始密码或启用两步验证"),
            429: OpenApiResponse(description="登录失败次数过多，暂时锁定（说明剩余时间）"),
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        from supervision.accounts.lockout import lockout_message
        from supervision.accounts.web import api_sign_in_refusal

        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            if getattr(request, "axes_locked_out", False) or getattr(
                request._request, "axes_locked_out", False
            ):
                credentials = {"username": request.data.get("username", "")}
                return Response(
                    {"detail": lockout_message(request, credentials)},
                    status=status.HTTP_429_TOO_MANY_REQUESTS,
                )
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        user = serializer.validated_data["user"]
        refusal = api_sign_in_refusal(user, request.data.get("otp"))
        if refusal:
            return Response({"detail": refusal}, status=status.HTTP_403_FORBIDDEN)
        from django.contrib.auth.signals import user_logged_in

        from supervision.accounts.tokens import issue_token

        instance, key = issue_token(user)
        request._request.api_token_login = True  # type: ignore[attr-defined]
        request.api_token_login = True  # type: ignore[attr-defined]
        user_logged_in.send(sender=type(user), request=request, user=user)
        return Response({"token": key, "expiry": instance.expiry})


def register(router: BaseRouter) -> None:
    router.register("regions", RegionViewSet)
    router.register("departments", DepartmentViewSet)
    router.register("domains", DomainViewSet)
