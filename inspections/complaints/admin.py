from django.contrib import admin

from .models import Complaint, ComplaintEvent


class EventInline(admin.TabularInline):
    model = ComplaintEvent
    extra = 0
    can_delete = False
    readonly_fields = (
        "step",
        "from_state",
        "to_state",
        "from_department",
        "to_department",
        "to_region",
        "note",
        "actor",
        "at",
    )


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    """Read-mostly: state changes go through the staff pages and their services."""

    list_display = (
        "tracking_code",
        "channel",
        "received_at",
        "handling_department",
        "handling_region",
        "state",
    )
    list_filter = ("state", "channel", "handling_department")
    search_fields = ("tracking_code", "hotline_number", "institution_name")
    raw_id_fields = (
        "institution",
        "region",
        "handling_region",
        "merged_into",
        "inspection",
        "referral",
        "domain",
    )
    readonly_fields = ("state", "tracking_code", "merged_into", "feedback_due", "replied_at")
    inlines = [EventInline]
