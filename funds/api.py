"""Staff API of funds: /api/v1/subsidy-programmes/, /api/v1/subsidy-claims/ (create; actions
lines, submit, review, approve, pay, recover), /api/v1/spot-checks/ (actions commit, draw),
/api/v1/fund-flags/ (action review), /api/v1/recovery-orders/ (action repay).

Every write asks the write policy before its payload is validated (a create is gated by
``policy.require_ever`` until the service sees the row); state changes only through the
actions, each calling its service; the actor is always the requesting user. Explicit
serializer fields; ID numbers never leave the server (masked only)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from institutions.models import Institution
from supervision.core import policy
from supervision.core.api_base import ScopedReadOnlyViewSet

from . import services
from .filters import ClaimFilter, FlagFilter, ProgrammeFilter, RecoveryFilter, RoundFilter
from .models import (
    CareLevel,
    ClaimLine,
    FlagOutcome,
    FundFlag,
    LineKind,
    RecoveryOrder,
    Repayment,
    SpotCheckItem,
    SpotCheckRound,
    SubsidyClaim,
    SubsidyProgramme,
)


class ProgrammeSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = SubsidyProgramme
        fields = [
            "id",
            "name",
            "kind",
            "kind_display",
            "region",
            "region_name",
            "unit_amount",
            "care_level_rates",
            "legal_basis",
            "source_document",
            "valid_from",
            "valid_until",
            "active",
        ]


class LineSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    care_level_display = serializers.CharField(source="get_care_level_display", read_only=True)

    class Meta:
        model = ClaimLine
        fields = [
            "id",
            "month",
            "kind",
            "kind_display",
            "quantity",
            "care_level",
            "care_level_display",
            "resident_name",
            "id_masked",
            "amount",
        ]


class ClaimSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    programme_name = serializers.CharField(source="programme.name", read_only=True)

    class Meta:
        model = SubsidyClaim
        fields = [
            "id",
            "number",
            "programme",
            "programme_name",
            "institution",
            "institution_name",
            "period_start",
            "period_end",
            "status",
            "status_display",
            "amount_claimed",
            "amount_approved",
            "paid_on",
            "paid_amount",
            "payment_reference",
            "basis_note",
            "review_note",
            "approval_note",
            "submitted_at",
            "reviewed_at",
            "approved_at",
        ]
        read_only_fields = fields


class ClaimDetailSerializer(ClaimSerializer):
    lines = LineSerializer(many=True, read_only=True)

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "lines"]
        read_only_fields = fields


class ClaimCreateInput(serializers.Serializer):
    programme = serializers.IntegerField()
    institution = serializers.IntegerField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    basis_note = serializers.CharField(required=False, allow_blank=True, default="")


class LineInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LineKind.choices)
    month = serializers.DateField()
    quantity = serializers.IntegerField(min_value=1, required=False, default=1)
    care_level = serializers.ChoiceField(
        choices=CareLevel.choices, required=False, allow_blank=True, default=""
    )
    resident_name = serializers.CharField(required=False, allow_blank=True, default="")
    id_number = serializers.CharField(required=False, allow_blank=True, default="", write_only=True)


class LinesInput(serializers.Serializer):
    lines = LineInput(many=True)


class DecisionInput(serializers.Serializer):
    decision = serializers.CharField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, default=None
    )


class PayInput(serializers.Serializer):
    paid_on = serializers.DateField()
    reference = serializers.CharField()
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, default=None
    )


class RecoverInput(serializers.Serializer):
    facts = serializers.CharField()


def _valid(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    s = serializer_class(data=data)
    s.is_valid(raise_exception=True)
    return dict(s.validated_data)


class _ActingViewSet(ScopedReadOnlyViewSet):
    """Every write action the same way: the object in scope (else 404), the write policy
    before the payload is read, the validated input, one service call, the fresh row."""

    result_serializer: type[serializers.Serializer]

    def act(
        self,
        policy_action: str,
        call: Callable[[Any, dict[str, Any]], Any],
        payload: type[serializers.Serializer] | None = None,
    ) -> Response:
        obj = self.get_object()
        policy.require(self.request.user, obj, policy_action)
        data = _valid(payload, self.request.data) if payload is not None else {}
        call(obj, data)
        return self.fresh(obj)

    def fresh(self, obj: Any, status: int = 200) -> Response:
        return Response(self.result_serializer(self.get_queryset().get(pk=obj.pk)).data, status=status)


class ProgrammeViewSet(ScopedReadOnlyViewSet):
    queryset = SubsidyProgramme.objects.select_related("region").order_by("region__code", "kind", "name")
    serializer_class = ProgrammeSerializer
    filterset_class = ProgrammeFilter


class ClaimViewSet(mixins.CreateModelMixin, _ActingViewSet):
    queryset = SubsidyClaim.objects.select_related("institution", "programme").order_by("-created_at", "-pk")
    filterset_class = ClaimFilter
    result_serializer = ClaimDetailSerializer

    def get_serializer_class(self) -> Any:
        return ClaimDetailSerializer if self.action == "retrieve" else ClaimSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        return qs.prefetch_related("lines") if self.action == "retrieve" else qs

    def fresh(self, obj: Any, status: int = 200) -> Response:
        claim = self.get_queryset().prefetch_related("lines").get(pk=obj.pk)
        return Response(ClaimDetailSerializer(claim).data, status=status)

    @extend_schema(request=ClaimCreateInput, responses=ClaimDetailSerializer)
    def create(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        policy.require_ever(request.user, SubsidyClaim, "file")
        data = _valid(ClaimCreateInput, request.data)
        programme = SubsidyProgramme.objects.visible_to(request.user).filter(pk=data["programme"]).first()
        institution = Institution.objects.visible_to(request.user).filter(pk=data["institution"]).first()
        if programme is None or institution is None:
            raise serializers.ValidationError(
                {"programme" if programme is None else "institution": ["未找到或无权查看"]}
            )
        claim = services.claim_create(
            request.user,
            programme=programme,
            institution=institution,
            period_start=data["period_start"],
            period_end=data["period_end"],
            basis_note=data["basis_note"],
        )
        return self.fresh(claim, 201)

    @extend_schema(request=LinesInput, responses=ClaimDetailSerializer)
    @action(detail=True, methods=["post"])
    def lines(self, request: Any, pk: Any = None) -> Response:
        return self.act(
            "file",
            lambda c, d: services.claim_add_lines(request.user, c, [dict(x) for x in d["lines"]]),
            LinesInput,
        )

    @extend_schema(request=None, responses=ClaimDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Any, pk: Any = None) -> Response:
        return self.act("file", lambda c, _d: services.claim_submit(request.user, c))

    @extend_schema(request=DecisionInput, responses=ClaimDetailSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Any, pk: Any = None) -> Response:
        return self.act(
            "review",
            lambda c, d: services.claim_review(request.user, c, decision=d["decision"], note=d["note"]),
            DecisionInput,
        )

    @extend_schema(request=DecisionInput, responses=ClaimDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Any, pk: Any = None) -> Response:
        return self.act(
            "approve",
            lambda c, d: services.claim_approve(
                request.user, c, decision=d["decision"], amount=d["amount"], note=d["note"]
            ),
            DecisionInput,
        )

    @extend_schema(request=PayInput, responses=ClaimDetailSerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request: Any, pk: Any = None) -> Response:
        return self.act(
            "pay",
            lambda c, d: services.claim_pay(
                request.user, c, paid_on=d["paid_on"], reference=d["reference"], amount=d["amount"]
            ),
            PayInput,
        )

    @extend_schema(request=RecoverInput, responses=None)
    @action(detail=True, methods=["post"])
    def recover(self, request: Any, pk: Any = None) -> Response:
        claim = self.get_object()
        policy.require(request.user, claim, "recover")
        data = _valid(RecoverInput, request.data)
        order = services.recovery_issue(request.user, claim, facts=data["facts"])
        return Response(RecoverySerializer(order).data, status=201)


class FlagSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)
    rule_label = serializers.CharField(read_only=True)
    institution_name = serializers.CharField(source="institution.name", read_only=True)

    class Meta:
        model = FundFlag
        fields = [
            "id",
            "institution",
            "institution_name",
            "rule",
            "rule_label",
            "reason",
            "status",
            "status_display",
            "outcome",
            "outcome_display",
            "outcome_note",
            "claim",
            "reviewed_at",
            "created_at",
        ]
        read_only_fields = fields


class FlagReviewInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=FlagOutcome.choices)
    note = serializers.CharField()


class FlagViewSet(_ActingViewSet):
    queryset = FundFlag.objects.select_related("institution").order_by("-created_at", "-pk")
    serializer_class = result_serializer = FlagSerializer
    filterset_class = FlagFilter

    @extend_schema(request=FlagReviewInput, responses=FlagSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Any, pk: Any = None) -> Response:
        return self.act(
            "review",
            lambda f, d: services.flag_review(f, request.user, outcome=d["outcome"], note=d["note"]),
            FlagReviewInput,
        )


class SpotCheckItemSerializer(serializers.ModelSerializer):
    claim_number = serializers.CharField(source="claim.number", read_only=True)
    result_display = serializers.CharField(source="get_result_display", read_only=True)

    class Meta:
        model = SpotCheckItem
        fields = [
            "id",
            "claim",
            "claim_number",
            "result",
            "result_display",
            "checked_on",
            "beds_found",
            "status_ok",
            "staff_ok",
            "note",
            "third_party",
            "third_party_conclusion",
        ]


class RoundSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    seed = serializers.SerializerMethodField()
    items = SpotCheckItemSerializer(many=True, read_only=True)

    class Meta:
        model = SpotCheckRound
        fields = [
            "id",
            "region",
            "region_name",
            "year",
            "quarter",
            "status",
            "status_display",
            "ratio",
            "seed_hash",
            "seed",
            "inputs",
            "result",
            "committed_at",
            "drawn_at",
            "completed_at",
            "items",
        ]
        read_only_fields = fields

    def get_seed(self, obj: SpotCheckRound) -> str:
        """Revealed only once drawn (commit, then reveal)."""
        return obj.seed if obj.drawn_at else ""


class CommitInput(serializers.Serializer):
    ratio = serializers.DecimalField(
        max_digits=4, decimal_places=3, required=False, allow_null=True, default=None
    )


class RoundViewSet(_ActingViewSet):
    queryset = (
        SpotCheckRound.objects.select_related("region")
        .prefetch_related("items__claim")
        .order_by("-year", "-quarter", "region__code")
    )
    serializer_class = result_serializer = RoundSerializer
    filterset_class = RoundFilter

    @extend_schema(request=CommitInput, responses=RoundSerializer)
    @action(detail=True, methods=["post"])
    def commit(self, request: Any, pk: Any = None) -> Response:
        return self.act(
            "check",
            lambda r, d: services.spot_check_commit(r, actor=request.user, ratio=d["ratio"]),
            CommitInput,
        )

    @extend_schema(request=None, responses=RoundSerializer)
    @action(detail=True, methods=["post"])
    def draw(self, request: Any, pk: Any = None) -> Response:
        return self.act("check", lambda r, _d: services.spot_check_draw(r, actor=request.user))


class RepaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Repayment
        fields = ["id", "amount", "paid_on", "reference", "created_at"]


class RecoverySerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    claim_number = serializers.CharField(source="claim.number", read_only=True)
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    document_number = serializers.CharField(source="document.number", read_only=True, default="")
    repayments = RepaymentSerializer(many=True, read_only=True)
    outstanding = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = RecoveryOrder
        fields = [
            "id",
            "claim",
            "claim_number",
            "institution",
            "institution_name",
            "amount",
            "outstanding",
            "facts",
            "status",
            "status_display",
            "issued_on",
            "due_on",
            "document",
            "document_number",
            "penalty_decision",
            "repayments",
        ]
        read_only_fields = fields


class RepayInput(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid_on = serializers.DateField()
    reference = serializers.CharField(required=False, allow_blank=True, default="")


class RecoveryViewSet(_ActingViewSet):
    queryset = (
        RecoveryOrder.objects.select_related("claim", "institution", "document")
        .prefetch_related("repayments")
        .order_by("-issued_on", "-pk")
    )
    serializer_class = result_serializer = RecoverySerializer
    filterset_class = RecoveryFilter

    @extend_schema(request=RepayInput, responses=RecoverySerializer)
    @action(detail=True, methods=["post"])
    def repay(self, request: Any, pk: Any = None) -> Response:
        return self.act(
            "repay",
            lambda o, d: services.repayment_record(
                request.user, o, amount=d["amount"], paid_on=d["paid_on"], reference=d["reference"]
            ),
            RepayInput,
        )


def register(router: BaseRouter) -> None:
    router.register("subsidy-programmes", ProgrammeViewSet, basename="subsidy-programme")
    router.register("subsidy-claims", ClaimViewSet, basename="subsidy-claim")
    router.register("spot-checks", RoundViewSet, basename="spot-check")
    router.register("fund-flags", FlagViewSet, basename="fund-flag")
    router.register("recovery-orders", RecoveryViewSet, basename="recovery-order")
