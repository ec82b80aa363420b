from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Assignment, Department, Domain, Region, Remit, SecurityEvent, User


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


class RemitInline(admin.TabularInline):
    model = Remit
    extra = 0


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "is_lead"]
    inlines = [RemitInline]


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    raw_id_fields = ["region"]


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    inlines = [AssignmentInline]
    list_display = ["username", "display_name", "is_active", "is_superuser"]
    fieldsets = (*UserAdmin.fieldsets, ("门户", {"fields": ("display_name", "phone")}))  # type: ignore[misc]


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ["at", "kind", "username", "ip_address", "detail"]
    list_filter = ["kind"]
    search_fields = ["username", "detail"]

    def has_add_permission(self, request):  # the log is append-only
        return False

    def has_change_permission(self, request, obj=None):
        return False
