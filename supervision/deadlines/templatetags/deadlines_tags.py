from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: Any) -> int:
    """Unread notifications of the current user (one indexed COUNT, cached per request)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    cached = getattr(request, "_unread_notifications", None)
    if cached is None:
        from supervision.deadlines.services import unread_count

        cached = unread_count(user)
        request._unread_notifications = cached
    return cached
