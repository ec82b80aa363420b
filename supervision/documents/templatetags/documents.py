"""``{% word_draft_button obj %}``: the Word-draft download for staff who may issue ``obj``."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def word_draft_button(context: dict[str, Any], obj: Any, label: str = "下载 Word 草稿") -> str:
    from supervision.documents.drafts import may_download, source_for

    request = context.get("request")
    user = getattr(request, "user", None)
    if obj is None or user is None or not may_download(user, obj):
        return ""
    item = source_for(obj)
    url = reverse("documents:word_draft", args=[item.key, obj.pk])  # type: ignore[union-attr]
    return format_html(
        '<a class="btn btn-outline-secondary" href="{}" data-testid="word-draft">{}</a>'
        '<span class="form-text ms-2">草稿可修改措辞；正式文书以下达时生成的 PDF 为准。</span>',
        url,
        label,
    )


@register.simple_tag
def official_documents(obj: Any) -> Any:
    """The documents issued about ``obj`` (``{% official_documents p as docs %}``), newest first."""
    from supervision.documents.services import documents_for

    return documents_for(obj) if obj is not None and getattr(obj, "pk", None) else []
