"""Complaints API (/api/v1/complaints/): scoped reads and one action per handling step, each
calling its service. The complainant's name and phone are masked for every member of staff (the
handling department unmasks them with a reason on the audited page); outside the handling
department the free text is scrubbed of numbers too."""

from __future__ import annotations

from typing import Any

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from supervision.core import policy
from supervision.core.api_base import ScopedReadOnlyViewSet
from supervision.core.models import Department, Region
from supervision.publicity.masking import mask_name, mask_phone, scrub

from . import services
from .filters import ComplaintFilter
from .forms import HotlineForm
from .models import Category, Complaint, Outcome


class ComplaintSerializer(serializers.ModelSerializer):
    complainant_name = serializers.SerializerMethodField()
    complainant_phone = serializers.SerializerMethodField()
    institution_credit_code = serializers.CharField(
        source="institution.credit_code", default=None, read_only=True, allow_null=True
    )
    handling_department_code = serializers.CharField(
        source="handling_department.code", default=None, read_only=True, allow_null=True
    )
    handling_region_code = serializers.CharField(
        source="handling_region.code", default=None, read_only=True, allow_null=True
    )
    region_code = serializers.CharField(source="region.code", read_only=True)
    merged_into_code = serializers.CharField(
        source="merged_into.tracking_code", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = Complaint
        fields = [
            "id",
            "tracking_code",
            "channel",
            "hotline_number",
            "institution",
            "institution_credit_code",
            "institution_name",
            "institution_address",
            "region_code",
            "category",
            "domain",
            "content",
            "complainant_name",
            "complainant_phone",
            "handling_department_code",
            "handling_region_code",
            "state",
            "received_at",
            "feedback_due",
            "outcome",
            "findings",
            "reply",
            "replied_at",
            "merged_into_code",
            "inspection",
        ]
        read_only_fields = fields

    def _full(self, c: Complaint) -> bool:
        return services.is_handler(self.context["request"].user, c)

    # The complainant is masked for everyone, the handling department included, as on the pages:
    # the full name and phone are shown only by the unmasking page (/audit/reveal/complainant/<id>/),
    # after a reason is given and recorded on the audit trail.
    def get_complainant_name(self, c: Complaint) -> str:
        return mask_name(c.complainant_name)

    def get_complainant_phone(self, c: Complaint) -> str:
        return mask_phone(c.complainant_phone)

    def to_representation(self, c: Complaint) -> dict[str, Any]:
        data = super().to_representation(c)
        if not self._full(c):
            # Free text often carries the complainant's own number: masked outside the handler.
            data["content"], data["findings"] = scrub(c.content), scrub(c.findings)
        return data


class HotlineSerializer(serializers.Serializer):
    """A 12345 work order (validated by the same rules as the staff page's form)."""

    hotline_number = serializers.CharField(max_length=40, help_text="12345 工单号；同一工单号只登记一次")
    content = serializers.CharField(min_length=10, max_length=4000)
    credit_code = serializers.CharField(required=False, allow_blank=True, max_length=18)
    institution_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    institution_address = serializers.CharField(required=False, allow_blank=True, max_length=300)
    region = serializers.CharField(
        required=False, allow_blank=True, help_text="发生地县或乡镇的 12 位区划代码（机构未登记时必填）"
    )
    category = serializers.ChoiceField(choices=Category.choices, required=False, allow_blank=True)
    name = serializers.CharField(required=False, allow_blank=True, max_length=50, help_text="来电人姓名")
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30, help_text="来电号码")


class FromReferralSerializer(serializers.Serializer):
    referral = serializers.CharField(help_text="抄告函文号或编号（须为本部门可见的抄告）")


class HotlineReceiptSerializer(serializers.Serializer):
    """What the operator learns when the new complaint is outside their own scope."""

    id = serializers.IntegerField()
    tracking_code = serializers.CharField()
    state = serializers.CharField()
    handling_department_code = serializers.CharField()
    handling_region_code = serializers.CharField()


class ReassignSerializer(serializers.Serializer):
    to_department = serializers.SlugRelatedField(slug_field="code", queryset=Department.objects.all())
    to_region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False, allow_null=True
    )
    reason = serializers.CharField()


class MergeSerializer(serializers.Serializer):
    into = serializers.CharField(help_text="主件查询码")


class ReplySerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=Outcome.choices,
        required=False,
        allow_blank=True,
        help_text="查证结论；属实/部分属实记入信用档案",
    )
    findings = serializers.CharField()
    reply = serializers.CharField()


class ComplaintViewSet(ScopedReadOnlyViewSet):
    queryset = Complaint.objects.select_related(
        "institution", "region", "handling_department", "handling_region", "merged_into"
    ).order_by("-received_at", "-pk")
    serializer_class = ComplaintSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ComplaintFilter

    def _acting(self, action: str) -> Complaint:
        """The complaint (404 out of scope), once the policy allows ``action`` (else 403):
        asked before the payload is read."""
        c = self.get_object()
        policy.require(self.request.user, c, action)
        return c

    def _run(self, fn: Any) -> Response:
        c = fn()
        c.refresh_from_db()
        return Response(ComplaintSerializer(c, context=self.get_serializer_context()).data)

    @extend_schema(request=HotlineSerializer, responses={201: ComplaintSerializer})
    @action(detail=False, methods=["post"])
    def hotline(self, request: Request) -> Response:
        """Enter a 12345 work order (civil affairs over the place); it is routed at once by the
        remit matrix. The post is asked before the payload is read, the place by the service."""
        policy.require_ever(request.user, Complaint, "intake_hotline")
        if not isinstance(request.data, dict):
            raise DRFValidationError({"detail": ["请求体应为 JSON 对象（或表单）。"]})
        data = {k: v for k, v in request.data.items() if k in HotlineSerializer().fields}
        if data.get("region"):
            region = Region.objects.filter(code=str(data["region"]).strip()).first()
            if region is None:
                raise DRFValidationError({"region": ["未找到该区划代码。"]})
            data["region"] = region.code  # the form's region picker reads the code
        form = HotlineForm(data=data)
        if not form.is_valid():
            raise DRFValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
        d = form.cleaned_data
        c = services.complaint_register_hotline(
            actor=request.user,
            hotline_number=d["hotline_number"],
            **form.intake(),
        )
        return self._created(c)

    def _created(self, c: Complaint) -> Response:
        c = Complaint.objects.select_related("handling_department", "handling_region").get(pk=c.pk)
        if self.get_queryset().filter(pk=c.pk).exists():
            body = ComplaintSerializer(c, context=self.get_serializer_context()).data
        else:
            body = HotlineReceiptSerializer(
                {
                    "id": c.pk,
                    "tracking_code": c.tracking_code,
                    "state": c.state,
                    "handling_department_code": c.handling_department.code,  # type: ignore[union-attr]
                    "handling_region_code": c.handling_region.code,  # type: ignore[union-attr]
                }
            ).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=FromReferralSerializer, responses={201: ComplaintSerializer})
    @action(detail=False, methods=["post"], url_path="from-referral")
    def from_referral(self, request: Request) -> Response:
        """Register a referral (抄告) sent to the user's department as a complaint (idempotent).
        The post is asked before the payload is read, the referral's receiver by the service."""
        policy.require_ever(request.user, Complaint, "intake_referral")
        s = FromReferralSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        referral = services.referral_for_intake(request.user, s.validated_data["referral"])
        c = services.complaint_from_referral(referral, actor=request.user)
        return self._created(c)

    @extend_schema(request=None, responses=ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str | None = None) -> Response:
        """The handling department starts work on it (办理中)."""
        c = self._acting("start")
        return self._run(lambda: services.complaint_start(c, actor=request.user))

    @extend_schema(request=None, responses=ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        """Close a replied complaint (已办结)."""
        c = self._acting("close")
        return self._run(lambda: services.complaint_close(c, actor=request.user))

    @extend_schema(request=ReassignSerializer, responses=ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def reassign(self, request: Request, pk: str | None = None) -> Response:
        c = self._acting("reassign")
        s = ReassignSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        return self._run(
            lambda: services.complaint_reassign(
                c,
                actor=request.user,
                to_department=d["to_department"],
                to_region=d.get("to_region"),
                reason=d["reason"],
            )
        )

    @extend_schema(request=MergeSerializer, responses=ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str | None = None) -> Response:
        c = self._acting("merge")
        s = MergeSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        target = (
            self.get_queryset()
            .filter(tracking_code=services.normalise_code(s.validated_data["into"]))
            .first()
        )
        if target is None:
            raise DRFValidationError({"into": ["未找到该查询码对应的投诉（或无权查看）。"]})
        return self._run(lambda: services.complaint_merge(c, target, actor=request.user))

    @extend_schema(request=ReplySerializer, responses=ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: str | None = None) -> Response:
        c = self._acting("reply")
        s = ReplySerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        return self._run(
            lambda: services.complaint_reply(
                c, actor=request.user, findings=d["findings"], reply=d["reply"], outcome=d.get("outcome", "")
            )
        )


def register(router: BaseRouter) -> None:
    router.register("complaints", ComplaintViewSet, basename="complaint")
