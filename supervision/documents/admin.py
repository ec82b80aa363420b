from django.contrib import admin

from .models import DocumentCounter, OfficialDocument


@admin.register(DocumentCounter)
class DocumentCounterAdmin(admin.ModelAdmin):
    list_display = ["kind", "department", "region", "year", "last_number", "pattern"]
    list_filter = ["kind", "year"]
    readonly_fields = ["last_number"]


@admin.register(OfficialDocument)
class OfficialDocumentAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "kind", "department", "region", "created_at", "sha256"]
    list_filter = ["kind"]
    search_fields = ["number", "title"]
    exclude = ["pdf"]

    def has_change_permission(self, request, obj=None):  # immutable
        return False
