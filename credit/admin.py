"""Admin: the configuration (scoring rules, grade thresholds, listing periods per region) is
edited here; ledger and procedures are read-only (they change only through the services)."""

from __future__ import annotations

from django.contrib import admin

from .models import CreditGrade, CreditRecord, GradeThreshold, GradingRule, ListingPolicy, ListingProposal


@admin.register(GradingRule)
class GradingRuleAdmin(admin.ModelAdmin):
    list_display = ("kind", "points", "validity_months", "decays", "serious", "source")
    list_editable = ("points", "validity_months", "decays", "serious")


@admin.register(GradeThreshold)
class GradeThresholdAdmin(admin.ModelAdmin):
    list_display = ("grade", "min_score", "risk_class")
    list_editable = ("min_score", "risk_class")


@admin.register(ListingPolicy)
class ListingPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "region",
        "objection_workdays",
        "listing_years",
        "watch_years",
        "ban_years",
        "early_removal_min_years",
        "source",
    )
    autocomplete_fields = ()
    raw_id_fields = ("region",)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CreditRecord)
class CreditRecordAdmin(ReadOnlyAdmin):
    list_display = ("credit_code", "kind", "title", "points", "effective_on", "expires_on", "department")
    list_filter = ("kind",)
    search_fields = ("credit_code", "title")


@admin.register(CreditGrade)
class CreditGradeAdmin(ReadOnlyAdmin):
    list_display = ("credit_code", "score", "grade", "risk_class", "computed_for")
    list_filter = ("grade", "risk_class")
    search_fields = ("credit_code",)


@admin.register(ListingProposal)
class ListingProposalAdmin(ReadOnlyAdmin):
    list_display = ("number", "list_type", "credit_code", "ground", "state", "decision_number", "term_ends")
    list_filter = ("list_type", "state", "ground")
    search_fields = ("number", "credit_code", "decision_number")
    exclude = ("decision_pdf",)
