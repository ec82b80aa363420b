from django.contrib import admin

from .models import Campaign, CampaignPhase, CampaignTask
from .roster import TrainingQuota


class PhaseInline(admin.TabularInline):
    model = CampaignPhase
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "region", "department", "starts_on", "ends_on", "state")
    list_filter = ("kind", "state")
    search_fields = ("title", "document_number")
    inlines = [PhaseInline]
    readonly_fields = ("state",)


@admin.register(CampaignTask)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("title", "campaign", "lead_department", "report_by")
    search_fields = ("title",)


@admin.register(TrainingQuota)
class TrainingQuotaAdmin(admin.ModelAdmin):
    """Training targets (003 附件2) are configuration: edited here, counted from records."""

    list_display = ("programme", "region", "target", "period_start", "period_end")
    search_fields = ("programme", "region__name")
