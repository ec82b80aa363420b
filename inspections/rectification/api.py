"""Staff API: /api/v1/rectifications/ (notices with their items; actions respond, accept,
reject on one item) and /api/v1/penalties/ (register; create through ``penalty_record``).
State changes only through these actions, each calling its service. Every write asks the write
policy before its payload is validated; refusals (403) and the services' validation errors (400)
reach the client through the one exception handler (``supervision.core.api_errors``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from inspections.models import Finding, Inspection, Inspector
from institutions.models import Institution
from supervision.core import policy
from supervision.core.api_base import ScopedReadOnlyViewSet

from . import services
from .filters import NoticeFilter, PenaltyFilter
from .models import Acceptance, ItemResponse, NoticeItem, Penalty, PenaltyKind, RectificationNotice


class ItemResponseSerializer(serializers.ModelSerializer):
    class Meta:
        model = ItemResponse
        fields = [
            "round",
            "action_taken",
            "evidence_text",
            "evidence_name",
            "evidence_sha256",
            "responded_on",
        ]


class ItemAcceptanceSerializer(serializers.ModelSerializer):
    verdict_display = serializers.CharField(source="get_verdict_display", read_only=True)

    class Meta:
        model = Acceptance
        fields = [
            "verdict",
            "verdict_display",
            "acceptor_name",
            "acceptor_certificate",
            "observed",
            "reinspection",
            "reinspected_on",
            "new_due",
            "signed_at",
        ]


class NoticeItemSerializer(serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    responses = ItemResponseSerializer(many=True, read_only=True)
    acceptances = ItemAcceptanceSerializer(many=True, read_only=True)

    class Meta:
        model = NoticeItem
        fields = [
            "id",
            "seq",
            "finding",
            "problem",
            "legal_basis",
            "requirement",
            "period_workdays",
            "due_date_set",
            "due",
            "state",
            "state_display",
            "accepted_at",
            "responses",
            "acceptances",
        ]


class NoticeSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    credit_code = serializers.CharField(source="institution.credit_code", read_only=True, allow_null=True)
    issuer = serializers.CharField(source="issuer_name", read_only=True)
    items = NoticeItemSerializer(many=True, read_only=True)

    class Meta:
        model = RectificationNotice
        fields = [
            "id",
            "number",
            "status",
            "status_display",
            "institution",
            "institution_name",
            "credit_code",
            "issuer",
            "issued_on",
            "closed_at",
            "published_on",
            "published_until",
            "document",
            "items",
        ]


class RectificationItemAction(serializers.Serializer):
    item = serializers.IntegerField(help_text="整改事项 id（本通知书内）")


class RectificationRespondInput(RectificationItemAction):
    action_taken = serializers.CharField()
    evidence_text = serializers.CharField(required=False, allow_blank=True, default="")
    responded_on = serializers.DateField(required=False)


class RectificationVerdictInput(RectificationItemAction):
    acceptor = serializers.IntegerField(
        required=False, allow_null=True, help_text="验收人（执法检查人员 id）"
    )
    observed = serializers.CharField(required=False, allow_blank=True, default="")
    reinspected_on = serializers.DateField(required=False, allow_null=True)
    reinspection = serializers.IntegerField(required=False, allow_null=True)


class RectificationRejectInput(RectificationVerdictInput):
    new_period_workdays = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=250
    )


class RectificationViewSet(ScopedReadOnlyViewSet):
    """责令限期整改通知书 with items; actions on one item: respond, accept, reject."""

    queryset = (
        RectificationNotice.objects.select_related("institution", "issuing_department", "issuing_region")
        .prefetch_related("items__responses", "items__acceptances")
        .order_by("-issued_on", "-pk")
    )
    serializer_class = NoticeSerializer
    filterset_class = NoticeFilter

    def _notice(self, action: str) -> RectificationNotice:
        """The notice in scope (404 otherwise), once the policy allows ``action`` on it."""
        notice = self.get_object()
        policy.require(self.request.user, notice, action)
        return notice

    def _item(self, notice: RectificationNotice, data: dict[str, Any]) -> NoticeItem:
        item = notice.items.filter(pk=data["item"]).first()
        if item is None:
            raise ValidationError({"item": "该整改事项不属于本通知书。"})
        return item

    def _done(self, request: Any) -> Response:
        notice = self.get_queryset().get(pk=self.kwargs["pk"])
        return Response(NoticeSerializer(notice, context={"request": request}).data)

    @extend_schema(request=RectificationRespondInput, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request: Any, pk: Any = None) -> Response:
        notice = self._notice("respond")
        data = RectificationRespondInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        services.item_respond(
            self._item(notice, v),
            actor=request.user,
            action_taken=v["action_taken"],
            evidence_text=v.get("evidence_text", ""),
            on=v.get("responded_on"),
        )
        return self._done(request)

    def _verdict_kwargs(self, v: dict[str, Any]) -> dict[str, Any]:
        acceptor = Inspector.objects.filter(pk=v["acceptor"]).first() if v.get("acceptor") else None
        reinspection = (
            Inspection.objects.visible_to(self.request.user).filter(pk=v["reinspection"]).first()
            if v.get("reinspection")
            else None
        )
        return {
            "actor": self.request.user,
            "acceptor": acceptor,
            "observed": v.get("observed", ""),
            "reinspected_on": v.get("reinspected_on"),
            "reinspection": reinspection,
        }

    @extend_schema(request=RectificationVerdictInput, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Any, pk: Any = None) -> Response:
        notice = self._notice("accept")
        data = RectificationVerdictInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        services.item_accept(self._item(notice, v), **self._verdict_kwargs(v))
        return self._done(request)

    @extend_schema(request=RectificationRejectInput, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Any, pk: Any = None) -> Response:
        notice = self._notice("reject")
        data = RectificationRejectInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        services.item_reject(
            self._item(notice, v), new_period_workdays=v.get("new_period_workdays"), **self._verdict_kwargs(v)
        )
        return self._done(request)


class PenaltySerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    appeal_status_display = serializers.CharField(source="get_appeal_status_display", read_only=True)
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    credit_code = serializers.CharField(source="institution.credit_code", read_only=True, allow_null=True)
    department = serializers.CharField(source="department.code", read_only=True)

    class Meta:
        model = Penalty
        fields = [
            "id",
            "decision_number",
            "institution",
            "institution_name",
            "credit_code",
            "findings",
            "department",
            "kind",
            "kind_display",
            "fine_amount",
            "confiscated",
            "facts",
            "legal_basis",
            "decided_on",
            "legal_representative",
            "appeal_status",
            "appeal_status_display",
            "published_on",
            "published_until",
            "publication_ended_on",
            "publication_end_reason",
        ]
        read_only_fields = fields


class PenaltyRecordInput(serializers.Serializer):
    institution = serializers.IntegerField()
    decision_number = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=PenaltyKind.choices)
    fine_amount = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True)
    confiscated = serializers.CharField(required=False, allow_blank=True, default="")
    facts = serializers.CharField()
    legal_basis = serializers.CharField(max_length=300)
    decided_on = serializers.DateField()
    findings = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


class PenaltyAppealInput(serializers.Serializer):
    appeal_status = serializers.CharField()


class PenaltyEndPublicationInput(serializers.Serializer):
    ended_on = serializers.DateField(help_text="自该日起不再公示（最早为决定之日起满6个月，且不早于今天）")
    reason = serializers.CharField(max_length=2000, help_text="理由：当事人的信用修复申请及审核意见")


class PenaltyViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """行政处罚登记: list/retrieve in scope; POST records a decision (published, fed to credit)."""

    queryset = Penalty.objects.select_related("institution", "department").prefetch_related("findings")
    serializer_class = PenaltySerializer
    filterset_class = PenaltyFilter

    @extend_schema(request=PenaltyRecordInput, responses=PenaltySerializer)
    def create(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        # A create: the post gates before the payload is read; the service judges the row.
        policy.require_ever(request.user, Penalty, "create")
        data = PenaltyRecordInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        institution = Institution.objects.visible_to(request.user).filter(pk=v["institution"]).first()
        if institution is None:
            raise ValidationError({"institution": "机构不存在或不在您的辖区。"})
        findings = list(Finding.objects.visible_to(request.user).filter(pk__in=v["findings"]))
        penalty = services.penalty_record(
            institution,
            actor=request.user,
            decision_number=v["decision_number"],
            kind=v["kind"],
            facts=v["facts"],
            legal_basis=v["legal_basis"],
            decided_on=v["decided_on"],
            fine_amount=v.get("fine_amount"),
            confiscated=v.get("confiscated", ""),
            findings=findings,
        )
        return Response(PenaltySerializer(penalty).data, status=201)

    @extend_schema(request=PenaltyAppealInput, responses=PenaltySerializer)
    @action(detail=True, methods=["post"])
    def appeal(self, request: Any, pk: Any = None) -> Response:
        penalty = self.get_object()
        policy.require(request.user, penalty, "appeal")
        data = PenaltyAppealInput(data=request.data)
        data.is_valid(raise_exception=True)
        penalty = services.penalty_set_appeal(
            penalty, actor=request.user, status=data.validated_data["appeal_status"]
        )
        return Response(PenaltySerializer(penalty).data)

    @extend_schema(
        request=PenaltyEndPublicationInput,
        responses=PenaltySerializer,
        summary="信用修复：提前结束行政处罚公示",
    )
    @action(detail=True, methods=["post"], url_path="end-publication")
    def end_publication(self, request: Any, pk: Any = None) -> Response:
        penalty = self.get_object()
        policy.require(request.user, penalty, "end_publication")
        data = PenaltyEndPublicationInput(data=request.data)
        data.is_valid(raise_exception=True)
        penalty = services.penalty_end_publication(
            penalty,
            actor=request.user,
            ended_on=data.validated_data["ended_on"],
            reason=data.validated_data["reason"],
        )
        return Response(PenaltySerializer(penalty).data)


def register(router: BaseRouter) -> None:
    router.register("rectifications", RectificationViewSet, basename="rectification")
    router.register("penalties", PenaltyViewSet, basename="penalty")
