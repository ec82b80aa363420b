"""What a person reads on a staff page, and what must not be there.

``read(html)`` extracts the visible text (text nodes outside script/style, option texts,
placeholders, titles, aria-labels and button values), the form controls with their labels, and
the size of every ``<select>``. ``problems(page)`` judges it:

- English words or code values shown as text (an allow-list keeps proper nouns and units);
- a form control (a filter) without a label;
- a ``<select>`` with more than ``MAX_OPTIONS`` options.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

MAX_OPTIONS = 500

# Proper nouns, units and names of formats that Chinese government pages write in Latin letters.
ALLOWED_WORDS = {
    "API",
    "PDF",
    "Excel",
    "ID",
    "JSON",
    "CSV",
    "XLSX",
    "xlsx",
    "Word",
    "SHA",
    "GB",
    "EXIF",
    "PNG",
    "JPEG",
    "JPG",
    "URL",
    "HTTP",
    "HTTPS",
    "OpenAPI",
    "Swagger",
    "WCAG",
    "CA",
    "GPS",
    "App",
    "APP",
    "ZIP",
    "UTF",
    "GBK",
    "TXT",
    "QR",
    "docx",
    "pdf",
    "png",
    "jpg",
    "jpeg",
    "csv",
    "json",
    "Android",
    "iOS",
}

_ENGLISH = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z][A-Za-z_]{2,}(?![A-Za-z0-9_])")
_CODE_VALUES = [
    (re.compile(r"\{'[a-z_]+'\s*:"), "字典原样"),
    (re.compile(r"(?<![\d.])0\.\d{3}(?!\d)"), "比例未写成百分数"),
    (re.compile(r"\([a-z]+\.[a-z_]+\)|（[a-z]+\.[a-z_]+）"), "内部规则代码"),
    (re.compile(r"\d{3}（[一二三四五六七八九十]+）"), "文件代码代替文件名"),
    (re.compile(r"\+00:00"), "UTC 时间"),
    (re.compile(r"\b\d{4}/\d{2}/\d{2}\b"), "日期格式不是 2026-12-02"),
    (re.compile(r"(?<![A-Za-z])(None|True|False)(?![A-Za-z])"), "Python 值原样"),
]


@dataclass
class Control:
    tag: str
    name: str
    id: str
    labelled: bool
    options: int = 0


@dataclass
class Page:
    url: str
    text: list[str] = field(default_factory=list)
    controls: list[Control] = field(default_factory=list)
    label_for: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)


class _Reader(HTMLParser):
    SKIP = {"script", "style", "code", "template", "noscript"}

    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.skip = 0
        self.hidden = 0  # inside an element hidden from people (aria-hidden, d-none, hidden)
        self.stack: list[tuple[str, bool]] = []
        self.in_label = 0
        self.select: Control | None = None

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        hides = "hidden" in attrs or attrs.get("aria-hidden") == "true" or "d-none" in attrs.get("class", "")
        if tag not in ("input", "br", "img", "meta", "link", "hr", "source", "col", "wbr"):
            self.stack.append((tag, hides))
            if hides:
                self.hidden += 1
            if tag in self.SKIP:
                self.skip += 1
        if tag == "a" and attrs.get("href"):
            self.page.links.append(attrs["href"])
        if tag == "label":
            self.in_label += 1
            if attrs.get("for"):
                self.page.label_for.add(attrs["for"])
        shown = not self.hidden and not hides
        for attr in ("placeholder", "title", "aria-label", "alt"):
            if attrs.get(attr) and shown:
                self.page.text.append(attrs[attr])
        labelled = bool(
            attrs.get("aria-label") or attrs.get("aria-labelledby") or attrs.get("title")
        ) or bool(self.in_label)
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "reset") and attrs.get("value") and shown:
                self.page.text.append(attrs["value"])
            if kind not in ("hidden", "submit", "button", "reset", "image") and shown:
                self.page.controls.append(
                    Control("input", attrs.get("name", ""), attrs.get("id", ""), labelled)
                )
        elif tag in ("select", "textarea"):
            control = Control(tag, attrs.get("name", ""), attrs.get("id", ""), labelled)
            if shown and attrs.get("tabindex") != "-1":
                self.page.controls.append(control)
            if tag == "select":
                self.select = control

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self.in_label:
            self.in_label -= 1
        if tag == "select":
            self.select = None
        while self.stack:
            open_tag, hides = self.stack.pop()
            if hides:
                self.hidden -= 1
            if open_tag in self.SKIP:
                self.skip -= 1
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1][0] == "option" and self.select is not None:
            self.select.options += 1
        if self.skip or self.hidden or not data.strip():
            return
        self.page.text.append(data.strip())


def read(url: str, html: str) -> Page:
    page = Page(url)
    reader = _Reader(page)
    reader.feed(html)
    reader.close()
    return page


def _is_reference_code(word: str) -> bool:
    """A complaint's query code (e.g. ``ELDPWPSENCZJ``) is drawn from capital letters and digits
    and is meant to be read and copied; by chance it may hold no digit. Words shown to people are
    never eight or more capitals."""
    return len(word) >= 8 and word.isupper()


def problems(page: Page, allowed: set[str] | frozenset[str] = frozenset()) -> list[str]:
    out: list[str] = []
    for text in page.text:
        words = [
            w
            for w in _ENGLISH.findall(text)
            if w not in ALLOWED_WORDS and w not in allowed and not _is_reference_code(w)
        ]
        if words:
            shown = " ".join(text.split())[:100]
            out.append(f"英文或代码值「{'、'.join(dict.fromkeys(words))}」：{shown}")
        for pattern, what in _CODE_VALUES:
            m = pattern.search(text)
            if m:
                out.append(f"{what}「{m.group(0)}」：{text[:80]}")
    for c in page.controls:
        if not (c.labelled or (c.id and c.id in page.label_for)):
            out.append(f"控件无标签：<{c.tag} name={c.name!r} id={c.id!r}>")
        if c.tag == "select" and c.options > MAX_OPTIONS:
            out.append(f"下拉框选项过多（{c.options} 项）：<select name={c.name!r}>")
    return out
