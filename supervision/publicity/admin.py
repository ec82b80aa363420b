from django.contrib import admin

from .models import PolicyPage, PublicChange


@admin.register(PolicyPage)
class PolicyPageAdmin(admin.ModelAdmin):
    list_display = ("title", "category", "region", "publish_from", "publish_until")
    list_filter = ("category",)
    search_fields = ("title", "slug")
    raw_id_fields = ("region",)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        """Admin edits reach mirrors too: the change goes into the public change log."""
        from .services import policy_row, record_public_change

        super().save_model(request, obj, form, change)
        record_public_change("policies", obj.slug, "upsert", policy_row(obj))

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        from .services import record_public_change

        slug = obj.slug
        super().delete_model(request, obj)
        record_public_change("policies", slug, "delete")


@admin.register(PublicChange)
class PublicChangeAdmin(admin.ModelAdmin):
    """Read-only: the change log is written by services only."""

    list_display = ("seq", "dataset", "key", "action", "at")
    list_filter = ("dataset", "action")
    search_fields = ("key",)

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
