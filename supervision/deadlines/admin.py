"""Administrators edit rules here (audited by auditlog); a change applies to new clocks only."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Deadline, Notification, Reminder, Rule, RuleOverride


class RuleOverrideInline(admin.TabularInline):
    model = RuleOverride
    extra = 0
    autocomplete_fields = ["region"]
    fields = ["region", "length", "stages", "source_document", "source_article", "source_quote"]


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "unit",
        "length",
        "department",
        "version",
        "active",
        "effective_from",
        "effective_to",
    ]
    list_filter = ["unit", "active", "department"]
    search_fields = ["code", "name", "source_document", "source_quote"]
    readonly_fields = ["version", "updated_at"]
    inlines = [RuleOverrideInline]
    fieldsets = [
        (None, {"fields": ["code", "name", "active", "version", "updated_at"]}),
        (_("时限"), {"fields": ["unit", "length", "start_event", "department", "level", "stages"]}),
        (_("依据"), {"fields": ["source_document", "source_article", "source_quote", "note"]}),
        (_("生效期间"), {"fields": ["effective_from", "effective_to"]}),
    ]

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[override]
        # Deadlines protect their rule; retire a rule with "active" or "effective_to" instead.
        return False


@admin.register(RuleOverride)
class RuleOverrideAdmin(admin.ModelAdmin):
    list_display = ["rule", "region", "length", "source_document"]
    list_filter = ["rule"]
    autocomplete_fields = ["region"]
    search_fields = ["rule__code", "region__name", "region__code"]


class ReminderInline(admin.TabularInline):
    model = Reminder
    extra = 0
    can_delete = False
    readonly_fields = ["stage", "escalate", "delivered", "sent_at", "recipients", "sweep_id"]

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[override]
        return False


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = ["rule", "subject_repr", "region", "department", "start", "due", "provisional", "state"]
    list_filter = ["state", "rule", "provisional"]
    search_fields = ["subject_repr", "region__name"]
    date_hierarchy = "due"
    readonly_fields = [f.name for f in Deadline._meta.fields]
    inlines = [ReminderInline]

    def has_add_permission(self, request) -> bool:  # type: ignore[override]
        return False  # clocks are opened by domain services only


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "title", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
    search_fields = ["title", "user__username"]
    raw_id_fields = ["user", "deadline", "reminder"]
