"""Staff API: /api/v1/referrals/ — scoped list/detail (sender side and receiving side), and one
action per step (send, acknowledge, respond, reroute, recognise; withdrawing is on the page).
State changes only through those actions, each calling its service. New referrals are created
by the referring apps through ``services.refer`` (their own endpoints know the subject)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from supervision.core import policy
from supervision.core.api_base import ScopedReadOnlyViewSet
from supervision.core.models import Department, Region

from . import services
from .filters import ReferralFilter
from .models import Referral, ReferralHop, prime_official_names


class HopSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    from_body = serializers.SerializerMethodField()
    to_body = serializers.SerializerMethodField()
    by: serializers.StringRelatedField = serializers.StringRelatedField()

    class Meta:
        model = ReferralHop
        fields = ["kind", "kind_display", "from_body", "to_body", "by", "on", "at", "reason"]

    def get_from_body(self, h: ReferralHop) -> str:
        return f"{h.from_region.name}{h.from_department.name}"

    def get_to_body(self, h: ReferralHop) -> str:
        return f"{h.to_region.name}{h.to_department.name}"


class _PrimedReferralList(serializers.ListSerializer):
    """A page of referrals: the bodies' official names read once for the whole page."""

    def to_representation(self, data: Any) -> list[Any]:
        items = data.all() if hasattr(data, "all") else data
        return super().to_representation(prime_official_names(items))


class ReferralSerializer(serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    domain = serializers.CharField(source="domain.code", read_only=True)
    from_department = serializers.CharField(source="from_department.code", read_only=True)
    from_region = serializers.CharField(source="from_region.code", read_only=True)
    to_department = serializers.CharField(source="to_department.code", read_only=True)
    to_region = serializers.CharField(source="to_region.code", read_only=True)
    sender = serializers.CharField(source="sender_name", read_only=True)
    receiver = serializers.CharField(source="receiver_name", read_only=True)
    subject_type = serializers.SerializerMethodField()
    response_due = serializers.DateField(read_only=True, allow_null=True)
    send_due = serializers.DateField(read_only=True, allow_null=True)
    letter_url = serializers.SerializerMethodField()

    def to_representation(self, instance: Referral) -> dict[str, Any]:
        if instance._official_names is None:  # one referral (not a page): its two names
            prime_official_names([instance])
        return super().to_representation(instance)

    class Meta:
        model = Referral
        list_serializer_class = _PrimedReferralList
        fields = [
            "id",
            "number",
            "state",
            "state_display",
            "subject_type",
            "object_id",
            "subject_repr",
            "title",
            "institution_name",
            "credit_code",
            "description",
            "evidence_summary",
            "domain",
            "found_on",
            "from_department",
            "from_region",
            "sender",
            "to_department",
            "to_region",
            "receiver",
            "sent_on",
            "send_due",
            "response_due",
            "acknowledged_at",
            "responded_on",
            "action_taken",
            "result",
            "recognised_at",
            "recognition_note",
            "letter_url",
            "created_at",
        ]
        read_only_fields = fields

    def get_subject_type(self, r: Referral) -> str:
        return f"{r.content_type.app_label}.{r.content_type.model}"

    def get_letter_url(self, r: Referral) -> str | None:
        return f"/documents/{r.letter_id}/download/" if r.letter_id else None


class ReferralDetailSerializer(ReferralSerializer):
    hops = HopSerializer(many=True, read_only=True)
    allowed_steps = serializers.SerializerMethodField()

    class Meta(ReferralSerializer.Meta):
        fields = [*ReferralSerializer.Meta.fields, "hops", "allowed_steps"]
        read_only_fields = fields

    def get_allowed_steps(self, r: Referral) -> list[str]:
        user = self.context["request"].user
        return [s for s in r.allowed_steps() if policy.can(user, r, s)]


class DateInput(serializers.Serializer):
    on = serializers.DateField(required=False, help_text="日期（默认今天）")


class NoteInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RespondInput(serializers.Serializer):
    action_taken = serializers.CharField(help_text="采取的措施")
    result = serializers.CharField(help_text="处理结果")
    on = serializers.DateField(required=False, help_text="反馈日期（默认今天）")


class RerouteInput(serializers.Serializer):
    to_department = serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.all(), help_text="接收部门代码（职责清单中负责该领域）"
    )
    to_region = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.all(),
        required=False,
        help_text="接收部门辖区代码（默认不变）",
    )
    reason = serializers.CharField(help_text="转办理由")
    on = serializers.DateField(required=False)


class ReferralViewSet(ScopedReadOnlyViewSet):
    """Referrals (抄告) visible to the user: those its departments sent (or whose domain is in
    their remit) and those currently referred to them. ``?box=inbox|outbox`` narrows to one side."""

    queryset = (
        Referral.objects.with_clocks()
        .select_related(
            "from_department", "from_region", "to_department", "to_region", "domain", "content_type"
        )
        .order_by("-created_at", "-pk")
    )
    filterset_class = ReferralFilter
    ordering_fields = ["created_at", "sent_on", "found_on", "response_due", "state"]

    def get_serializer_class(self):
        return ReferralDetailSerializer if self.action != "list" else ReferralSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        box = self.request.query_params.get("box")
        if box == "inbox":
            qs = qs.received_by(self.request.user)
        elif box == "outbox":
            qs = qs.sent_by(self.request.user)
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                "hops__from_department",
                "hops__from_region",
                "hops__to_department",
                "hops__to_region",
                "hops__by",
            )
        return qs

    def _run(self, request: Any, step: str, input_class: type[serializers.Serializer]) -> Response:
        referral = self.get_object()  # scoped: 404 out of scope
        policy.require(request.user, referral, step)  # 403 before the payload is read
        data = input_class(data=request.data)
        data.is_valid(raise_exception=True)
        # The service's refusals (a step the state does not allow, a denied post) are answered
        # by the one API error handler (supervision/core/api_errors.py).
        services.STEP_SERVICES[step](referral, actor=request.user, **data.validated_data)
        fresh = self.get_queryset().filter(pk=referral.pk).first() or referral
        return Response(ReferralDetailSerializer(fresh, context={"request": request}).data)

    @extend_schema(
        summary="发出抄告函（抄告部门）",
        request=DateInput,
        responses={200: ReferralDetailSerializer, 400: OpenApiResponse(description="状态不允许"), 403: None},
    )
    @action(detail=True, methods=["post"])
    def send(self, request: Any, pk: Any = None) -> Response:
        return self._run(request, "send", DateInput)

    @extend_schema(
        summary="接收抄告（接收部门）", request=NoteInput, responses={200: ReferralDetailSerializer}
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Any, pk: Any = None) -> Response:
        return self._run(request, "acknowledge", NoteInput)

    @extend_schema(
        summary="反馈办理结果（接收部门）", request=RespondInput, responses={200: ReferralDetailSerializer}
    )
    @action(detail=True, methods=["post"])
    def respond(self, request: Any, pk: Any = None) -> Response:
        return self._run(request, "respond", RespondInput)

    @extend_schema(
        summary="转办至职责清单中的负责部门（接收部门）",
        request=RerouteInput,
        responses={200: ReferralDetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def reroute(self, request: Any, pk: Any = None) -> Response:
        return self._run(request, "reroute", RerouteInput)

    @extend_schema(
        summary="结果互认（抄告部门）", request=NoteInput, responses={200: ReferralDetailSerializer}
    )
    @action(detail=True, methods=["post"])
    def recognise(self, request: Any, pk: Any = None) -> Response:
        return self._run(request, "recognise", NoteInput)


def register(router: BaseRouter) -> None:
    router.register("referrals", ReferralViewSet, basename="referral")
