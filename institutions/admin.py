"""Admin: reference and configuration (grade thresholds), and a read-mostly view of the
registry. Status is read-only here: only the transition services write it."""

from __future__ import annotations

from django.contrib import admin

from . import models


class FilingInline(admin.TabularInline):
    model = models.Filing
    extra = 0
    fields = ("kind", "submitted_on", "certificate_number", "applicant")
    readonly_fields = ("kind", "submitted_on", "certificate_number", "applicant")
    can_delete = False


@admin.register(models.Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "kind", "nature", "status", "region", "beds", "name_nonstandard"]
    list_filter = ["status", "kind", "nature", "name_nonstandard", "fire_acceptance"]
    search_fields = ["name", "credit_code"]
    raw_id_fields = ["region"]
    readonly_fields = [
        "status",
        "name_nonstandard",
        "legal_representative",
        "principal",
        "unfiled_discovered_on",
    ]
    inlines = [FilingInline]


@admin.register(models.GradeThreshold)
class GradeThresholdAdmin(admin.ModelAdmin):
    list_display = ["level", "min_total", "validity_years"]
    list_editable = ["min_total", "validity_years"]


@admin.register(models.GradeRating)
class GradeRatingAdmin(admin.ModelAdmin):
    list_display = ["institution", "level", "total", "rated_on", "valid_until"]
    list_filter = ["level"]
    raw_id_fields = ["institution"]


@admin.register(models.Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "id_masked", "created_at"]
    search_fields = ["name"]
    readonly_fields = ["id_masked"]
    exclude = ["id_hash"]

    def has_add_permission(self, request):  # persons come from services (ID number hashed there)
        return False


@admin.register(models.PersonRestriction)
class PersonRestrictionAdmin(admin.ModelAdmin):
    list_display = ["person", "kind", "starts_on", "ends_on", "permanent", "lifted_on", "source"]
    list_filter = ["kind", "permanent"]
    raw_id_fields = ["person"]
    search_fields = ["person__name", "source"]


@admin.register(models.InstitutionRestriction)
class InstitutionRestrictionAdmin(admin.ModelAdmin):
    list_display = ["institution", "kind", "starts_on", "ends_on", "permanent", "lifted_on", "source"]
    list_filter = ["kind"]
    raw_id_fields = ["institution"]


class CertificateInline(admin.TabularInline):
    model = models.Certificate
    extra = 0


class TrainingInline(admin.TabularInline):
    model = models.TrainingRecord
    extra = 0


@admin.register(models.Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ["person", "institution", "role", "skill_level", "hired_on", "left_on"]
    list_filter = ["role", "skill_level"]
    raw_id_fields = ["institution", "person"]
    inlines = [CertificateInline, TrainingInline]


@admin.register(models.Filing)
class FilingAdmin(admin.ModelAdmin):
    list_display = ["institution", "kind", "submitted_on", "certificate_number"]
    list_filter = ["kind"]
    raw_id_fields = ["institution", "created_by"]


@admin.register(models.OnsiteCheck)
class OnsiteCheckAdmin(admin.ModelAdmin):
    list_display = ["institution", "checked_on", "inspectors", "result"]
    raw_id_fields = ["institution", "created_by"]


for model in (models.EmergencyPlan, models.Drill, models.IncidentReport, models.ExitPlan, models.Appointment):
    admin.site.register(model, raw_id_fields=["institution"])
