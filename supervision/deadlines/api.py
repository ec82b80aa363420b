"""API: deadlines (scoped, read-only, plus ``waive``), rules (read-only) and the user's own
notifications (read-only, plus ``read`` and ``read_all``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from supervision.core import policy
from supervision.core.api_base import ScopedReadOnlyViewSet

from . import services
from .filters import DeadlineFilter, RuleFilter
from .models import Deadline, Notification, Reminder, Rule, RuleOverride


class ReminderSerializer(serializers.ModelSerializer):
    class Meta:
        model = Reminder
        fields = ["stage", "escalate", "delivered", "sent_at", "recipients"]


class DeadlineSerializer(serializers.ModelSerializer):
    rule: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="code", read_only=True)
    rule_name = serializers.CharField(source="rule.name", read_only=True)
    region: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="code", read_only=True)
    department: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    subject_type = serializers.SerializerMethodField()
    workdays_left = serializers.SerializerMethodField()

    class Meta:
        model = Deadline
        fields = [
            "id", "rule", "rule_name", "rule_version", "unit", "length", "subject_type", "object_id",
            "subject_repr", "start", "due", "provisional", "workdays_left", "region", "department", "state",
            "note", "met_at", "met_by_repr", "waived_reason", "waived_at", "created_at",
        ]  # fmt: skip

    def get_subject_type(self, obj: Deadline) -> str:
        ct = obj.content_type
        return f"{ct.app_label}.{ct.model}"

    def get_workdays_left(self, obj: Deadline) -> int | None:
        return obj.workdays_left() if obj.is_live else None


class DeadlineDetailSerializer(DeadlineSerializer):
    reminders = ReminderSerializer(many=True, read_only=True)

    class Meta(DeadlineSerializer.Meta):
        fields = [*DeadlineSerializer.Meta.fields, "reminders"]


class WaiveSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, error_messages={"blank": "请填写豁免理由", "required": "请填写豁免理由"}
    )


class DeadlineViewSet(ScopedReadOnlyViewSet):
    """Deadlines the user may see (region subtree; partners: their own department's)."""

    queryset = Deadline.objects.select_related("rule", "region", "department", "content_type")
    serializer_class = DeadlineSerializer
    filterset_class = DeadlineFilter
    ordering_fields = ["due", "start", "state"]
    ordering = ["due", "id"]

    def get_serializer_class(self) -> Any:
        return DeadlineDetailSerializer if self.action in ("retrieve", "waive") else DeadlineSerializer

    def get_queryset(self) -> Any:
        qs = super().get_queryset()
        return qs.prefetch_related("reminders") if self.action in ("retrieve", "waive") else qs

    @extend_schema(request=WaiveSerializer, responses={200: DeadlineDetailSerializer, 400: OpenApiResponse()})
    @action(detail=True, methods=["post"])
    def waive(self, request: Request, pk: Any = None) -> Response:
        deadline = self.get_object()  # scoped: 404 out of scope
        policy.require(request.user, deadline, "waive")  # 403 before the payload is read
        data = WaiveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = services.deadline_waive(deadline, reason=data.validated_data["reason"], actor=request.user)
        return Response(DeadlineDetailSerializer(d, context={"request": request}).data)


class RuleOverrideSerializer(serializers.ModelSerializer):
    # null: a case override that applies in every region.
    region: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = RuleOverride
        fields = ["region", "length", "stages", "source_document", "source_article", "source_quote"]


class RuleSerializer(serializers.ModelSerializer):
    # null: no fixed responsible department (each clock names its own).
    department: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    overrides = RuleOverrideSerializer(many=True, read_only=True)

    class Meta:
        model = Rule
        fields = [
            "code", "name", "unit", "length", "start_event", "department", "level", "stages",
            "source_document", "source_article", "source_quote", "note", "effective_from", "effective_to",
            "active", "version", "overrides",
        ]  # fmt: skip


class RuleViewSet(viewsets.ReadOnlyModelViewSet):
    """The clocks of the documents (reference data, readable by every staff user)."""

    queryset = Rule.objects.select_related("department").prefetch_related("overrides__region")
    serializer_class = RuleSerializer
    filterset_class = RuleFilter
    lookup_field = "code"
    lookup_value_regex = r"[\w.\-]+"


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "deadline", "created_at", "read_at"]


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The user's own notifications; ``?unread=true`` for unread only."""

    serializer_class = NotificationSerializer
    filterset_fields = ["kind"]

    def get_queryset(self) -> Any:
        user: Any = self.request.user
        qs = Notification.objects.filter(user_id=user.pk).order_by("-created_at", "-id")
        if self.request.query_params.get("unread") in ("1", "true"):
            qs = qs.filter(read_at__isnull=True)
        return qs

    @extend_schema(request=None, responses={200: NotificationSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: Any = None) -> Response:
        note = self.get_object()
        services.notification_mark_read(request.user, pk=note.pk)
        note.refresh_from_db()
        return Response(NotificationSerializer(note).data)

    @extend_schema(
        request=None, responses={200: inline_serializer("ReadAll", {"marked": serializers.IntegerField()})}
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        return Response({"marked": services.notification_mark_read(request.user)}, status=status.HTTP_200_OK)


def register(router: BaseRouter) -> None:
    router.register("deadlines", DeadlineViewSet, basename="deadline")
    router.register("deadline-rules", RuleViewSet, basename="deadline-rule")
    router.register("notifications", NotificationViewSet, basename="notification")
