"""Admin: the configuration of funds (rule switches and thresholds, programme budgets) is edited
here; claims, flags, checks and recovery change state only through the services (read-only)."""

from django.contrib import admin

from . import models
from .services.flags import flag_rule_choices


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[override]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[override]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[override]
        return False


@admin.register(models.AnomalyRuleConfig)
class AnomalyRuleConfigAdmin(admin.ModelAdmin):
    list_display = ["code", "__str__", "enabled", "threshold", "updated_at"]
    list_editable = ["enabled", "threshold"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "code":
            from django import forms

            return forms.ChoiceField(label="规则", choices=flag_rule_choices())
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class BudgetInline(admin.TabularInline):
    model = models.ProgrammeBudget
    extra = 1


@admin.register(models.SubsidyProgramme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "unit_amount", "active"]
    list_filter = ["kind", "active"]
    inlines = [BudgetInline]


@admin.register(models.SubsidyClaim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = ["number", "institution", "programme", "period_start", "status", "amount_claimed"]
    list_filter = ["status"]


@admin.register(models.FundFlag)
class FlagAdmin(ReadOnlyAdmin):
    list_display = ["rule", "institution", "status", "outcome", "created_at"]
    list_filter = ["status", "rule"]


@admin.register(models.RecoveryOrder)
class RecoveryAdmin(ReadOnlyAdmin):
    list_display = ["claim", "institution", "amount", "status", "issued_on", "due_on"]
