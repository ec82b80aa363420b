"""``{% institution_nav as pages %}``: the institution menu for an institution account, else None."""

from __future__ import annotations

from typing import Any

from django import template

from supervision.core.institution_menu import institution_pages
from supervision.core.scoping import institution_pk_of

register = template.Library()


@register.simple_tag(takes_context=True)
def institution_nav(context: Any) -> list[dict[str, Any]] | None:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or institution_pk_of(user) is None:
        return None
    return institution_pages()
