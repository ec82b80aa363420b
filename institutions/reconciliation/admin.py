from django.contrib import admin

from .models import ReconciliationRow, ReconciliationRun, RegistrationSource, WorkItem


@admin.register(RegistrationSource)
class RegistrationSourceAdmin(admin.ModelAdmin):
    list_display = ("name", "authority", "region", "department")
    list_filter = ("authority",)
    search_fields = ("name",)
    raw_id_fields = ("region",)


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(admin.ModelAdmin):
    list_display = ("pk", "source", "region", "coverage", "status", "total_rows", "error_rows", "created_at")
    list_filter = ("status", "coverage")
    readonly_fields = ("file_path", "headers", "counts", "failure", "processed_rows", "total_rows")
    raw_id_fields = ("region", "uploaded_by", "confirmed_by")


@admin.register(ReconciliationRow)
class ReconciliationRowAdmin(admin.ModelAdmin):
    list_display = ("run", "row_number", "name", "credit_code", "classification", "confidence", "review")
    list_filter = ("classification", "review")
    search_fields = ("name", "credit_code")
    raw_id_fields = ("run", "institution", "candidate", "region", "reviewed_by")


@admin.register(WorkItem)
class WorkItemAdmin(admin.ModelAdmin):
    list_display = ("name", "action", "region", "result", "verified_at")
    list_filter = ("action", "result")
    search_fields = ("name", "credit_code")
    raw_id_fields = ("run", "row", "institution", "region", "verified_by")
