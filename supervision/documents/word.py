"""The editable Word draft (.docx) of a document, built from the same text as its PDF.

The document templates (``templates/documents/``) write a small, known HTML vocabulary; this
module reads that HTML and lays it out in Word the way the PDF lays it out (GB/T 9704-2012:
A4, 版心 156 × 225 mm, 3号仿宋 body with 2 characters of first-line indent, 2号小标宋 title, 署名
and 成文日期 right, 送达回证 on its own page). Staff adjust wording in the draft; what is issued is
always the PDF rendered from the stored text, never the Word file::

    data = html_to_docx(html)          # bytes of a .docx
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEI_FONT = "黑体"
RED = RGBColor(0xDD, 0x00, 0x00)
VOID = {"br", "img", "hr", "meta", "link", "input", "col"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        parts: list[str] = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(re.sub(r"[ \t\r\n\f\v]+", " ", child))
            elif child.tag == "br":
                parts.append("\n")
            else:
                parts.append(child.text())
        return "".join(parts)

    def find_all(self, tag: str) -> list[Node]:
        found: list[Node] = []
        for child in self.children:
            if isinstance(child, Node):
                if child.tag == tag:
                    found.append(child)
                found.extend(child.find_all(tag))
        return found


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script", "title", "head"):
            self.skip += 1
            return
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "title", "head"):
            self.skip = max(0, self.skip - 1)
            return
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def _clean(text: str) -> str:
    """Collapse ASCII white space (not the 全角空格 a form leaves for handwriting); keep <br>s."""
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    return re.sub(r" *\n *", "\n", text).strip()


def _font(run, name: str, size: float, *, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


class _Writer:
    def __init__(self) -> None:
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        normal = self.doc.styles["Normal"]
        normal.font.name = BODY_FONT
        normal.font.size = Pt(16)
        normal.element.get_or_add_rPr()
        _font_el = normal.element.rPr.find(qn("w:rFonts"))
        if _font_el is None:
            _font_el = normal.element.rPr.makeelement(qn("w:rFonts"), {})
            normal.element.rPr.append(_font_el)
        _font_el.set(qn("w:eastAsia"), BODY_FONT)
        fmt = normal.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(28.9)
        fmt.space_before = fmt.space_after = Pt(0)
        self._page_break_next = False

    def paragraph(
        self,
        text: str,
        *,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        indent: bool = True,
        font: str = BODY_FONT,
        size: float = 16,
        bold: bool = False,
        color: RGBColor | None = None,
        right_chars: int = 0,
        keep_next: bool = False,
    ):
        p = self.doc.add_paragraph()
        if self._page_break_next:
            p.paragraph_format.page_break_before = True
            self._page_break_next = False
        p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Pt(size * 2)
        if right_chars:
            p.paragraph_format.right_indent = Pt(16 * right_chars)
        if size > 16:
            p.paragraph_format.line_spacing = Pt(size * 1.5)
        p.paragraph_format.keep_with_next = keep_next
        lines = text.split("\n")
        for i, line in enumerate(lines):
            run = p.add_run(line)
            _font(run, font, size, bold=bold, color=color)
            if i < len(lines) - 1:
                run.add_break(WD_BREAK.LINE)
        return p

    def block(self, node: Node, *, closing: bool = False) -> None:
        classes = node.classes
        tag = node.tag
        if "preview-mark" in classes:
            self.paragraph(
                _clean(node.text()),
                align=WD_ALIGN_PARAGRAPH.CENTER,
                indent=False,
                size=11,
                color=RGBColor(0x88, 0x88, 0x88),
            )
            return
        if "seal-area" in classes:
            return
        if "receipt-page" in classes:
            self._page_break_next = True
            for child in node.children:
                if isinstance(child, Node):
                    self.block(child)
            return
        if "enforcement-head" in classes or "letter-head" in classes:
            red = "letter-head" in classes
            for child in node.children:
                if not isinstance(child, Node):
                    continue
                text = _clean(child.text())
                if "authority" in child.classes:
                    self.paragraph(
                        text,
                        align=WD_ALIGN_PARAGRAPH.CENTER,
                        indent=False,
                        font=TITLE_FONT,
                        size=30 if red else 22,
                        color=RED if red else None,
                    )
                elif "red-rule" in child.classes:
                    self._red_rule()
                elif "doc-number" in child.classes:
                    self.paragraph(text, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
                elif child.tag == "h1":
                    self.paragraph(
                        text,
                        align=WD_ALIGN_PARAGRAPH.CENTER,
                        indent=False,
                        font=TITLE_FONT,
                        size=22,
                        bold=True,
                    )
            return
        if tag == "h1":
            self.paragraph(
                _clean(node.text()),
                align=WD_ALIGN_PARAGRAPH.CENTER,
                indent=False,
                font=TITLE_FONT,
                size=22,
                bold=True,
            )
            return
        if "signature" in classes:
            lines = [
                _clean(c.text())
                for c in node.children
                if isinstance(c, Node) and c.classes & {"sign-name", "sign-date"}
            ]
            self.doc.add_paragraph()  # the seal's room above the 署名
            for i, line in enumerate(lines):
                self.paragraph(
                    line,
                    align=WD_ALIGN_PARAGRAPH.RIGHT,
                    indent=False,
                    right_chars=4,
                    keep_next=i < len(lines) - 1,
                )
            return
        if tag == "table":
            self.table(node)
            return
        if tag == "p":
            text = _clean(node.text())
            if not text:
                return
            heading = any(isinstance(c, Node) and "ht" in c.classes for c in node.children)
            self.paragraph(
                text,
                indent="addressee" not in classes
                and "noindent" not in classes
                and "platform-note" not in classes,
                font=HEI_FONT if heading else BODY_FONT,
                size=12 if "platform-note" in classes else 16,
                keep_next=closing or heading,
            )
            return
        if "closing" in classes:
            children = [c for c in node.children if isinstance(c, Node)]
            for child in children:
                self.block(child, closing=True)
            return
        # Any other container: its blocks in order; loose text as a paragraph.
        for child in node.children:
            if isinstance(child, Node):
                self.block(child, closing=closing)
            elif child.strip():
                self.paragraph(_clean(child))

    def _red_rule(self) -> None:
        p = self.doc.add_paragraph()
        ppr = p._p.get_or_add_pPr()
        borders = ppr.makeelement(qn("w:pBdr"), {})
        bottom = borders.makeelement(
            qn("w:bottom"),
            {qn("w:val"): "thickThinSmallGap", qn("w:sz"): "24", qn("w:space"): "1", qn("w:color"): "DD0000"},
        )
        borders.append(bottom)
        ppr.append(borders)
        p.paragraph_format.line_spacing = Pt(8)

    def table(self, node: Node) -> None:
        rows = node.find_all("tr")
        if not rows:
            return
        width = max(sum(int(c.attrs.get("colspan") or 1) for c in self._cells(r)) for r in rows)
        table = self.doc.add_table(rows=0, cols=width)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for row in rows:
            cells = table.add_row().cells
            col = 0
            for cell_node in self._cells(row):
                span = int(cell_node.attrs.get("colspan") or 1)
                cell = cells[col]
                if span > 1:
                    cell = cell.merge(cells[col + span - 1])
                cell.text = ""
                para = cell.paragraphs[0]
                para.paragraph_format.line_spacing = Pt(18)
                if cell_node.tag == "th":
                    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
                lines = _clean(cell_node.text()).split("\n")
                for i, line in enumerate(lines):
                    run = para.add_run(line)
                    _font(run, BODY_FONT, 12, bold=cell_node.tag == "th")
                    if i < len(lines) - 1:
                        run.add_break(WD_BREAK.LINE)
                col += span

    @staticmethod
    def _cells(row: Node) -> list[Node]:
        return [c for c in row.children if isinstance(c, Node) and c.tag in ("td", "th")]

    def save(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def html_to_docx(html: str) -> bytes:
    """The Word draft of a document template's HTML."""
    tree = parse(html)
    bodies = tree.find_all("body")
    body = bodies[0] if bodies else tree
    writer = _Writer()
    for child in body.children:
        if isinstance(child, Node):
            writer.block(child)
        elif child.strip():
            writer.paragraph(_clean(child))
    return writer.save()
