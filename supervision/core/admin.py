from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm

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


class InitialPasswordForm(AdminPasswordChangeForm):
    """A password an administrator sets is an initial one: its user changes it at next sign-in
    (supervision/accounts)."""

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)

    def save(self, commit: bool = True) -> Any:
        self.user.must_change_password = True
        return super().save(commit=commit)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    inlines = [AssignmentInline]
    list_display = ["username", "display_name", "is_active", "is_superuser", "must_change_password"]
    change_password_form = InitialPasswordForm
    readonly_fields = ["password_changed_at"]
    fieldsets = (  # type: ignore[assignment]
        *UserAdmin.fieldsets,  # type: ignore[misc]
        ("门户", {"fields": ("display_name", "phone")}),
        ("密码", {"fields": ("must_change_password", "password_changed_at")}),
    )

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        if not change:  # a new account's password is an initial one
            obj.must_change_password = True
        super().save_model(request, obj, form, change)


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ["at", "kind", "username", "ip_address", "detail"]
    list_filter = ["kind"]
    search_fields = ["username", "detail"]

    def has_add_permission(self, request):  # the log is append-only
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):  # and the database refuses it too
        return False

    def get_actions(self, request):  # no "delete selected" bulk action
        return {}
