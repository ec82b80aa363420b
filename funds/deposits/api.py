"""Escrow API: ``/api/v1/escrow-accounts/`` (scoped reads, registration, balances, checks,
closing) and ``/api/v1/escrow-ledger/`` (the resident fee ledger). Explicit serializer fields;
account numbers only masked, residents only by masked ID; actors are set by the server."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from institutions.models import Institution
from supervision.core import policy
from supervision.core.api_base import ScopedReadOnlyViewSet

from . import services
from .filters import EscrowAccountFilter, FeeEntryFilter
from .models import EscrowAccount, FeeEntry, FeeKind, ReportSource


class BalanceSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    balance = serializers.DecimalField(max_digits=14, decimal_places=2)
    source = serializers.CharField()  # type: ignore[assignment]


class EscrowAccountSerializer(serializers.ModelSerializer):
    institution_credit_code = serializers.CharField(
        source="institution.credit_code", read_only=True, allow_null=True
    )
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    account_number = serializers.CharField(source="masked_number", read_only=True)
    has_agreement = serializers.SerializerMethodField()
    latest_balance = serializers.SerializerMethodField()

    class Meta:
        model = EscrowAccount
        fields = [
            "id",
            "institution",
            "institution_credit_code",
            "institution_name",
            "bank_name",
            "account_name",
            "account_number",
            "opened_on",
            "status",
            "has_agreement",
            "latest_balance",
        ]
        read_only_fields = fields

    def get_has_agreement(self, a: EscrowAccount) -> bool:
        return bool(a.agreement_path)

    def get_latest_balance(self, a: EscrowAccount) -> dict[str, Any] | None:
        latest = getattr(a, "latest", None)
        if latest is None:
            return None
        return BalanceSerializer(latest[0]).data if latest else None


class AccountInput(serializers.Serializer):
    institution = serializers.IntegerField()
    bank_name = serializers.CharField(max_length=100)
    account_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    account_number = serializers.CharField(max_length=40)
    opened_on = serializers.DateField()


class BalanceInput(serializers.Serializer):
    as_of = serializers.DateField()
    balance = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=ReportSource.choices, default=ReportSource.STAFF
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CheckOutput(serializers.Serializer):
    raised = serializers.DictField(child=serializers.IntegerField())
    again = serializers.IntegerField()
    flags = serializers.ListField(child=serializers.IntegerField())


def _institution(user: Any, pk: int) -> Institution:
    institution = Institution.objects.visible_to(user).select_related("region").filter(pk=pk).first()
    if institution is None:
        raise ValidationError({"institution": ["机构不存在或不在您的辖区。"]})
    return institution


class EscrowAccountViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """资金监管专户."""

    queryset = EscrowAccount.objects.all()
    serializer_class = EscrowAccountSerializer
    filterset_class = EscrowAccountFilter

    def get_queryset(self) -> Any:
        from django.db.models import Prefetch

        from .models import BalanceReport

        latest = Prefetch(
            "balances", queryset=BalanceReport.objects.order_by("-as_of", "-pk"), to_attr="latest"
        )
        return (
            EscrowAccount.objects.visible_to(self.request.user)
            .select_related("institution")
            .prefetch_related(latest)
            .order_by("institution__name", "pk")
        )

    @extend_schema(request=AccountInput, responses={201: EscrowAccountSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """登记监管专户 (the agreement is uploaded on the staff page)."""
        policy.require_ever(request.user, EscrowAccount, "keep")
        s = AccountInput(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        account = services.account_open(
            institution=_institution(request.user, d["institution"]),
            actor=request.user,
            bank_name=d["bank_name"],
            account_name=d["account_name"],
            account_number=d["account_number"],
            opened_on=d["opened_on"],
        )
        return Response(EscrowAccountSerializer(account).data, status=201)

    def _acting(self, action_name: str) -> EscrowAccount:
        account = self.get_object()
        policy.require(self.request.user, account, action_name)
        return account

    @extend_schema(request=BalanceInput, responses=EscrowAccountSerializer)
    @action(detail=True, methods=["post"])
    def balances(self, request: Request, pk: str | None = None) -> Response:
        """登记专户余额."""
        account = self._acting("keep")
        s = BalanceInput(data=request.data)
        s.is_valid(raise_exception=True)
        services.balance_report(account, actor=request.user, **s.validated_data)
        return Response(EscrowAccountSerializer(self.get_queryset().get(pk=account.pk)).data)

    @extend_schema(request=None, responses=CheckOutput)
    @action(detail=True, methods=["post"], url_path="check", url_name="check")
    def run_checks(self, request: Request, pk: str | None = None) -> Response:
        """资金核查 of the account's institution: the flags raised (``/api/v1/fund-flags/``)."""
        account = self._acting("check")
        result = services.checks_run(actor=request.user, institution=account.institution)
        return Response(
            {"raised": dict(result.raised), "again": result.again, "flags": [f.pk for f in result.flags]}
        )

    @extend_schema(request=None, responses=EscrowAccountSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        """撤销监管专户."""
        account = self._acting("keep")
        services.account_close(account, actor=request.user)
        return Response(EscrowAccountSerializer(self.get_queryset().get(pk=account.pk)).data)


class FeeEntrySerializer(serializers.ModelSerializer):
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    id_number = serializers.CharField(source="id_masked", read_only=True)

    class Meta:
        model = FeeEntry
        fields = [
            "id",
            "institution",
            "institution_name",
            "kind",
            "id_number",
            "amount",
            "received_on",
            "monthly_fee",
            "months_covered",
            "contract_ended_on",
            "refunded_amount",
            "refunded_on",
        ]
        read_only_fields = fields


class FeeInput(serializers.Serializer):
    institution = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=FeeKind.choices)
    resident_name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=18)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    received_on = serializers.DateField()
    monthly_fee = serializers.DecimalField(max_digits=14, decimal_places=2)
    months_covered = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=120)
    contract_ended_on = serializers.DateField(required=False, allow_null=True)
    refunded_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, default=Decimal("0")
    )
    refunded_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class FeeEntryViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """押金与预收费台账 (residents by masked ID number only)."""

    queryset = FeeEntry.objects.select_related("institution").order_by("-received_on", "-pk")
    serializer_class = FeeEntrySerializer
    filterset_class = FeeEntryFilter

    @extend_schema(request=FeeInput, responses={201: FeeEntrySerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        policy.require_ever(request.user, FeeEntry, "keep")
        s = FeeInput(data=request.data)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        institution = _institution(request.user, d.pop("institution"))
        entry = services.fee_record(institution=institution, actor=request.user, **d)
        return Response(FeeEntrySerializer(entry).data, status=201)


def register(router: BaseRouter) -> None:
    router.register("escrow-accounts", EscrowAccountViewSet, basename="escrow-account")
    router.register("escrow-ledger", FeeEntryViewSet, basename="escrow-ledger")
