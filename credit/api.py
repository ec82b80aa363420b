"""Staff API: /api/v1/credit-records/, /api/v1/credit-grades/, /api/v1/blacklist/ (with one
action per procedure step). Scoped with ``visible_to``; writes go through the services; ID
numbers are never serialised (only the masked form)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import BaseRouter
from rest_framework.viewsets import GenericViewSet

from institutions.models import Institution
from supervision.core import policy
from supervision.core.api_base import ScopedReadOnlyViewSet, ScopedViewSetMixin
from supervision.core.scoping import get_visible_or_404

from . import services
from .filters import CreditGradeFilter, CreditRecordFilter, ListingProposalFilter
from .models import CreditGrade, CreditRecord, Ground, ListingProposal, ListType, RecordKind


class CreditRecordSerializer(serializers.ModelSerializer):
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    department = serializers.CharField(
        source="department.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = CreditRecord
        fields = [
            "id",
            "credit_code",
            "institution_name",
            "kind",
            "kind_display",
            "title",
            "points",
            "source_document",
            "effective_on",
            "expires_on",
            "person_name",
            "person_id_masked",
            "department",
            "withdrawn_at",
        ]
        read_only_fields = fields


class CreditRecordInput(serializers.Serializer):
    credit_code = serializers.CharField(max_length=18)
    kind = serializers.ChoiceField(choices=[(k, RecordKind(k).label) for k in services.STAFF_KINDS])
    title = serializers.CharField(max_length=300)
    document = serializers.CharField(max_length=300)
    effective = serializers.DateField(required=False)
    person_name = serializers.CharField(max_length=50, required=False, default="")
    person_id_number = serializers.CharField(max_length=18, required=False, default="", write_only=True)


class CreditRecordViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    GenericViewSet,
):
    """Credit records; POST enters a staff-entered fact (court judgment, 失信被执行人, award …).
    The post is asked before the input is read; the service judges the record itself (its
    institution's region, its kind's domain). Refusals and bad input propagate to the API's one
    exception handler (403 / 400)."""

    queryset = CreditRecord.objects.select_related("institution", "department").order_by(
        "-effective_on", "-pk"
    )
    serializer_class = CreditRecordSerializer
    filterset_class = CreditRecordFilter

    @extend_schema(request=CreditRecordInput, responses=CreditRecordSerializer)
    def create(self, request, *args: Any, **kwargs: Any) -> Response:
        policy.require_ever(request.user, CreditRecord, "record")
        data = CreditRecordInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        inst = get_visible_or_404(
            Institution.objects.select_related("region"), request.user, credit_code=d.pop("credit_code")
        )
        record = services.record_enter(request.user, inst, d.pop("kind"), **d)
        return Response(CreditRecordSerializer(record).data, status=201)


class CreditGradeSerializer(serializers.ModelSerializer):
    institution_name = serializers.CharField(source="institution.name", read_only=True)

    class Meta:
        model = CreditGrade
        fields = [
            "credit_code",
            "institution_name",
            "score",
            "grade",
            "risk_class",
            "reasons",
            "computed_for",
        ]


class CreditGradeViewSet(ScopedReadOnlyViewSet):
    """Credit grades with their reasons, looked up by credit code."""

    queryset = CreditGrade.objects.select_related("institution").order_by("credit_code")
    serializer_class = CreditGradeSerializer
    filterset_class = CreditGradeFilter
    lookup_field = "credit_code"


class ProposalSerializer(serializers.ModelSerializer):
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    department = serializers.CharField(source="department.name", read_only=True, allow_null=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    evidence = serializers.PrimaryKeyRelatedField(many=True, read_only=True)  # type: ignore[var-annotated]
    allowed_steps = serializers.ListField(child=serializers.CharField(), read_only=True)
    # From the objection clock (the deadline engine's ``credit.objection``).
    objection_due = serializers.DateField(read_only=True, allow_null=True)
    objection_due_provisional = serializers.BooleanField(read_only=True)

    class Meta:
        model = ListingProposal
        fields = [
            "id",
            "number",
            "list_type",
            "credit_code",
            "institution_name",
            "person_name",
            "person_id_masked",
            "ground",
            "facts",
            "evidence",
            "department",
            "state",
            "state_display",
            "allowed_steps",
            "notified_on",
            "objection_due",
            "objection_due_provisional",
            "objection_on",
            "objection_text",
            "reviewed_on",
            "review_opinion",
            "review_recommends_listing",
            "decided_on",
            "decision_number",
            "decision_sha256",
            "decision_opinion",
            "term_starts",
            "term_ends",
            "permanent",
            "published_on",
            "removal_applied_on",
            "removal_proof",
            "removal_opinion",
            "removed_on",
            "removal_reason",
        ]
        read_only_fields = fields


class ProposalInput(serializers.Serializer):
    credit_code = serializers.CharField(max_length=18)
    list_type = serializers.ChoiceField(choices=ListType.choices)
    ground = serializers.ChoiceField(choices=Ground.choices)
    facts = serializers.CharField()
    evidence = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
    person_name = serializers.CharField(required=False, default="")
    person_id_number = serializers.CharField(required=False, default="", write_only=True)


class StepInput(serializers.Serializer):
    on = serializers.DateField(required=False)
    text = serializers.CharField(required=False, default="", allow_blank=True)
    approve = serializers.BooleanField(required=False, default=False)
    permanent = serializers.BooleanField(required=False, default=False)


class BlacklistViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    GenericViewSet,
):
    """Listing procedures (joint-punishment list, watch list, industry bans). POST proposes;
    each procedure step is an action: notify, object, review, decide, publish, apply_removal,
    decide_removal, withdraw. ``approve`` carries the yes/no of review and decisions. Every
    write asks the policy before its input is read (a create: the post; a step: the proposal)."""

    queryset = (
        ListingProposal.objects.with_objection_due()
        .select_related("institution", "department")
        .defer("decision_pdf")
        .order_by("-created_at", "-pk")
        .prefetch_related("evidence")
    )
    serializer_class = ProposalSerializer
    filterset_class = ListingProposalFilter

    @extend_schema(request=ProposalInput, responses=ProposalSerializer)
    def create(self, request, *args: Any, **kwargs: Any) -> Response:
        policy.require_ever(request.user, ListingProposal, "propose")
        data = ProposalInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        inst = get_visible_or_404(
            Institution.objects.select_related("region"), request.user, credit_code=d.pop("credit_code")
        )
        evidence = list(CreditRecord.objects.visible_to(request.user).filter(pk__in=d.pop("evidence")))
        p = services.proposal_create(request.user, inst, evidence=evidence, **d)
        return Response(ProposalSerializer(p).data, status=201)

    def _step(self, request, step: str, call) -> Response:
        p = self.get_object()
        policy.require(request.user, p, step)
        data = StepInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        d.setdefault("on", None)
        result = call(p, request.user, d)
        return Response(ProposalSerializer(result).data)

    @extend_schema(request=StepInput, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def notify(self, request, pk=None):
        return self._step(request, "notify", lambda p, u, d: services.proposal_notify(p, actor=u, on=d["on"]))

    @extend_schema(request=StepInput, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def object(self, request, pk=None):
        return self._step(
            request,
            "object",
            lambda p, u, d: services.proposal_object(p, actor=u, text=d["text"], on=d["on"]),
        )

    @extend_schema(request=StepInput, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self._step(
            request,
            "review",
            lambda p, u, d: services.proposal_review(
                p, actor=u, opinion=d["text"], recommend_listing=d["approve"], on=d["on"]
            ),
        )

    @extend_schema(request=StepInput, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        return self._step(
            request,
            "decide",
            lambda p, u, d: services.proposal_decide(
                p, actor=u, list_it=d["approve"], opinion=d["text"], on=d["on"], permanent=d["permanent"]
            ),
        )

    @extend_schema(request=StepInput, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._step(
            request, "publish", lambda p, u, d: services.proposal_publish(p, actor=u, on=d["on"])
        )

    @extend_schema(request=StepInput, responses=ProposalSerializer)
    @action(detail=True, methods=["post"], url_path="apply-removal")
    def apply_removal(self, request, pk=None):
        return self._step(
            request,
            "apply_removal",
            lambda p, u, d: services.proposal_apply_removal(p, actor=u, proof=d["text"], on=d["on"]),
        )

    @extend_schema(request=StepInput, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        """Decide an early-removal application (``approve`` true: removed; false: stays listed)."""
        return self._step(
            request,
            "decide_removal",
            lambda p, u, d: services.proposal_decide_removal(
                p, actor=u, approve=d["approve"], opinion=d["text"], on=d["on"]
            ),
        )

    @extend_schema(request=StepInput, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._step(
            request, "withdraw", lambda p, u, d: services.proposal_withdraw(p, actor=u, reason=d["text"])
        )


def register(router: BaseRouter) -> None:
    router.register("credit-records", CreditRecordViewSet, basename="credit-record")
    router.register("credit-grades", CreditGradeViewSet, basename="credit-grade")
    router.register("blacklist", BlacklistViewSet, basename="blacklist")
