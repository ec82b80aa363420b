from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Draw, Finding, Inspection, InspectionItem, InspectionPlan, Inspector, InspectorConflict
from .querysets import ReferralProgress


@admin.register(InspectionItem)
class InspectionItemAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "domain", "is_key", "active", "sort")
    list_filter = ("domain", "is_key", "active")
    search_fields = ("code", "title")


@admin.register(Inspector)
class InspectorAdmin(admin.ModelAdmin):
    list_display = ("name", "department", "region", "certificate_number", "certificate_expires", "active")
    list_filter = ("department", "active")
    search_fields = ("name", "certificate_number")
    filter_horizontal = ("domains",)
    raw_id_fields = ("user", "region")


@admin.register(InspectorConflict)
class InspectorConflictAdmin(admin.ModelAdmin):
    list_display = ("inspector", "institution", "kind", "declared_on", "active")
    raw_id_fields = ("inspector", "institution")


@admin.register(InspectionPlan)
class InspectionPlanAdmin(admin.ModelAdmin):
    list_display = ("title", "year", "region", "department", "sampling_ratio")
    raw_id_fields = ("region",)


@admin.register(Draw)
class DrawAdmin(admin.ModelAdmin):
    """Read-only: draws change only through their services (commit, execute, reveal, redraw)."""

    list_display = ("pk", "plan", "status", "seed_hash", "created_at")
    exclude = ("seed",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ("institution", "kind", "status", "department", "inspected_on")
    list_filter = ("kind", "status")
    raw_id_fields = ("institution", "plan", "draw", "previous")
    readonly_fields = ("status", "closed_at", "published_at", "published_until")


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ("institution", "domain", "severity", "status", "supervising_department", "referral")
    list_filter = ("severity", "status", "listed_supervision")
    raw_id_fields = ("institution", "inspection", "item_result")
    readonly_fields = ("status", "listed_supervision")

    def get_queryset(self, request):
        return super().get_queryset(request).with_progress()

    @admin.display(description=_("抄告"))
    def referral(self, obj: Finding) -> str:
        return str(ReferralProgress(obj.referral_progress).label)  # type: ignore[attr-defined]
