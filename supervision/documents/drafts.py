"""Word drafts of documents not yet issued: one registry, one download route, one button.

A procedure registers how to build the text of its document before it is issued (the same
HTML its preview and its PDF use) and which policy action issues it::

    register_draft("rectification_notice", RectificationNotice,
                   build=notice_preview_html, action="issue",
                   is_draft=lambda n: n.status == "draft",
                   filename=lambda n: f"责令限期整改通知书（{n.institution.name}）")

The page of the object shows ``{% word_draft_button notice %}`` (``documents`` template tags);
the button appears for staff the policy lets issue the document, while it is a draft. The
ground floor never imports a procedure: procedures register themselves when their services
module is imported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models


@dataclass(frozen=True)
class DraftSource:
    key: str
    model: type[models.Model]
    build: Callable[[Any], str]
    action: str
    is_draft: Callable[[Any], bool]
    filename: Callable[[Any], str]


_registry: dict[str, DraftSource] = {}


def register_draft(
    key: str,
    model: type[models.Model],
    *,
    build: Callable[[Any], str],
    action: str,
    is_draft: Callable[[Any], bool],
    filename: Callable[[Any], str],
) -> None:
    _registry[key] = DraftSource(key, model, build, action, is_draft, filename)


def source(key: str) -> DraftSource | None:
    return _registry.get(key)


def source_for(obj: Any) -> DraftSource | None:
    """The draft ``obj`` is at now (a listing proposal drafts its 告知书, then its 决定书): the
    registered source whose ``is_draft`` holds, else the first for its model."""
    matching = [item for item in _registry.values() if isinstance(obj, item.model)]
    for item in matching:
        if item.is_draft(obj):
            return item
    return matching[0] if matching else None


def may_download(user: Any, obj: Any) -> bool:
    """Whether ``user`` gets the Word draft of ``obj``: it is still a draft and the policy lets
    the user issue it."""
    from supervision.core import policy

    item = source_for(obj)
    return bool(item and item.is_draft(obj) and policy.can(user, obj, item.action))


def draft_docx(obj: Any) -> tuple[bytes, str]:
    """The Word draft of ``obj`` and its file name."""
    from .word import html_to_docx

    item = source_for(obj)
    if item is None:
        raise LookupError(f"no Word draft registered for {type(obj).__name__}")
    return html_to_docx(item.build(obj)), f"{item.filename(obj)}（草稿）.docx"
