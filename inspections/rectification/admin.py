"""Read-mostly admin: state changes go through the services (staff pages and API)."""

from django.contrib import admin

from . import models


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[override]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[override]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[override]
        return False


class ItemInline(admin.TabularInline):
    model = models.NoticeItem
    extra = 0
    fields = ("seq", "problem", "legal_basis", "due", "state")
    readonly_fields = ("seq", "problem", "legal_basis", "due", "state")
    can_delete = False


@admin.register(models.RectificationNotice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["number", "institution", "issuing_department", "issued_on", "status", "published_until"]
    list_filter = ["status", "issuing_department"]
    search_fields = ["number", "institution__name"]
    inlines = [ItemInline]


@admin.register(models.SuspensionOrder)
class SuspensionAdmin(ReadOnlyAdmin):
    list_display = ["notice", "status", "number", "drafted_at", "approved_at"]


@admin.register(models.ListedSupervision)
class ListingAdmin(ReadOnlyAdmin):
    list_display = ["finding", "supervising_body", "deadline", "status"]


@admin.register(models.Penalty)
class PenaltyAdmin(ReadOnlyAdmin):
    list_display = [
        "decision_number",
        "institution",
        "kind",
        "fine_amount",
        "decided_on",
        "appeal_status",
        "published_until",
    ]
    search_fields = ["decision_number", "institution__name"]
