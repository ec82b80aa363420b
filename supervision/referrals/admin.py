"""Read-only admin: referral state changes only through the services."""

from __future__ import annotations

from django.contrib import admin

from .models import Referral, ReferralEvent, ReferralHop


class HopInline(admin.TabularInline):
    model = ReferralHop
    extra = 0
    can_delete = False
    readonly_fields = (
        "kind",
        "from_department",
        "from_region",
        "to_department",
        "to_region",
        "by",
        "on",
        "reason",
    )

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class EventInline(admin.TabularInline):
    model = ReferralEvent
    extra = 0
    can_delete = False
    readonly_fields = ("step", "from_state", "to_state", "actor", "at", "note")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "title",
        "institution_name",
        "domain",
        "from_department",
        "to_department",
        "state",
        "sent_on",
    )
    list_filter = ("state", "domain", "from_department", "to_department")
    search_fields = ("number", "title", "institution_name", "credit_code")
    inlines = [HopInline, EventInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Referral._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
