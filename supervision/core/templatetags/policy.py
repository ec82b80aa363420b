"""``{% can obj "action" as allowed %}``: templates ask the write policy which actions to offer."""

from __future__ import annotations

from typing import Any

from django import template

from supervision.core import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context: Any, obj: Any, action: str) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    return obj is not None and policy.can(user, obj, action)
