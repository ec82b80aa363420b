"""How values are written where people read them: one place for the portal's presentation.

No code value is shown as text (``high``, ``receive``, ``{'high': '3'}``, ``0.300``,
``(complaint.feedback)``, "000（十一）；003 1."): pages and exports write them through these
functions (templates through ``{% load present %}``). See README "Presentation".

- ``risk_label``: risk classes 高风险 / 中风险 / 低风险;
- ``percent``: a ratio 0.300 → 30%;
- ``weights_text``: ``{'high': '3', 'medium': '2'}`` → 高风险 3、中风险 2;
- ``source_label``: a rule's source (document codes of /work/shared/seeds, article numbers) →
  《title》第（十一）项;
- ``workdays_text``: 剩余 3 个工作日 / 今日到期 / 已逾期 2 个工作日, the same on every page;
- ``DEFAULT_VERB_LABELS``: Chinese names of the event verbs every procedure shares, used by
  ``transitions.verb_label`` when an app registered none for a verb;
- ``GLOSSARY``: the one term for each thing that had several names.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

RISK_LABELS = {"high": "高风险", "medium": "中风险", "low": "低风险", "none": "无风险"}

# One term for each thing (README "Presentation", glossary).
GLOSSARY = {
    "现场核查": "民政部门自备案之日起 20 个工作日内（或自发现未备案机构开展服务之日起 20 个工作日内）"
    "到机构核实备案信息、开展服务情况的一次上门核查；不称“现场核实”或“现场检查”。",
    "现场检查": "执法检查人员对机构的一次监督检查（双随机抽查、专项检查、投诉核查等），"
    "形成检查记录和发现问题；备案后核实不称“现场检查”。",
    "剩余工作日": "到期日前还有几个工作日（不含今天），写作“剩余 N 个工作日”；到期当日写“今日到期”，"
    "过期写“已逾期 N 个工作日”。",
    "日期": "页面上一律写 2026-12-02；正式文书写 2026年12月2日。",
}

# Verbs of the event tables that every procedure shares; an app's own labels win
# (``transitions.register_verbs``).
DEFAULT_VERB_LABELS = {
    "create": "创建",
    "receive": "接收",
    "route": "分办",
    "reassign": "改派",
    "assign": "指派",
    "notify": "告知",
    "elapse": "期限届满",
    "review": "审核",
    "decide": "决定",
    "publish": "公示",
    "unpublish": "撤销公示",
    "submit": "提交",
    "send": "发出",
    "respond": "反馈",
    "reply": "答复",
    "accept": "验收通过",
    "reject": "退回",
    "approve": "批准",
    "close": "办结",
    "reopen": "重新办理",
    "withdraw": "撤回",
    "merge": "合并",
    "escalate": "升级督办",
    "remind": "提醒",
    "object": "陈述申辩",
    "start": "开始",
    "complete": "完成",
    "cancel": "撤销",
    "issue": "签发",
    "lift": "解除",
    "restrict": "采取限制措施",
    "record": "登记",
    "verify": "核实",
    "recognize": "互认",
    "confirm": "确认",
    "expire": "到期",
    "update": "修改",
    "delete": "删除",
    "import": "导入",
    "apply": "应用",
    "apply_removal": "申请移出",
    "decide_removal": "决定移出",
    "remove": "移出",
}

# The source documents of the rules (/work/shared/seeds), by the code the rules cite them with.
SOURCES = {
    "000": "《阳谷县关于建立健全养老服务综合监管制度促进养老服务高质量发展的实施意见》",
    "001": "《关于建立健全南开区养老服务综合监管制度促进养老服务高质量发展的实施方案》",
    "002": "《内蒙古自治区人民政府办公厅关于建立健全养老服务综合监管制度"
    "促进养老服务高质量发展若干措施的通知》（内政办发〔2021〕26号）",
    "003": "《楚雄州建立健全养老服务综合监管制度促进养老服务高质量发展实施方案》（楚政办函〔2021〕48号）",
    "004": "《酉阳土家族苗族自治县民政局关于开展“养老服务监管效能提升年”活动的通知》",
}

_DOC_CODE = re.compile(r"[（(，,]\s*(\d{3})\s*[）)]")
_ARTICLE_CODE = re.compile(r"^\s*(\d{3})\s*(.*)$")
_NUMBERED = re.compile(r"^\s*(（[一二三四五六七八九十百]+）|[一二三四五六七八九十]+、|\d+(?:\.\d+)*)\.?\s*$")


def risk_label(value: Any) -> str:
    if value in (None, ""):
        return "—"
    return RISK_LABELS.get(str(value), str(value))


def risk_list(values: Any) -> str:
    """A list of risk classes: 高风险、中风险."""
    if not values:
        return "—"
    if isinstance(values, str):
        values = [values]
    return "、".join(risk_label(v) for v in values)


def percent(value: Any, places: int = 0) -> str:
    """0.300 → 30%; 0.125 → 13% (or 12.5% with ``places=1``); None → —."""
    if value in (None, ""):
        return "—"
    try:
        number = Decimal(str(value)) * 100
    except (InvalidOperation, ValueError):
        return str(value)
    text = f"{number:.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def weights_text(value: Any, unit: str = "") -> str:
    """A risk-class mapping (weights, ratios) as Chinese text: 高风险 3、中风险 2、低风险 1.

    Ratios (any value below 1 with a decimal point) are written as percentages."""
    if not value:
        return "—"
    if not isinstance(value, dict):
        return str(value)
    order = list(RISK_LABELS)
    parts = []
    for key in sorted(value, key=lambda k: order.index(k) if k in order else len(order)):
        raw = value[key]
        shown = percent(raw, 1) if _is_ratio(raw) else str(raw)
        parts.append(f"{risk_label(key)} {shown}{unit}")
    return "、".join(parts)


def _is_ratio(raw: Any) -> bool:
    try:
        number = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        return False
    return "." in str(raw) and 0 <= number <= 1


def _article_text(article: str) -> str:
    article = article.strip()
    if not article:
        return ""
    m = _NUMBERED.match(article)
    if m:
        return f"第{m.group(1)}项"
    return article


def source_label(document: str, article: str = "") -> str:
    """A rule's source in words: each cited document by its title, with its article.

    ``document`` lists the documents ("阳谷县…实施意见（000）；楚雄州…（楚政办函〔2021〕48号，003）
    附件1"), ``article`` the articles, prefixed by the document code when there are several
    ("000（十一）；003 1.；004 2.5"). A document without a known code is kept as written."""
    document = (document or "").strip()
    article = (article or "").strip()
    if not document:
        return _article_text(article)
    docs: list[tuple[str | None, str, str]] = []  # (code, title, annex)
    for part in [p for p in re.split(r"[；;]", document) if p.strip()]:
        m = _DOC_CODE.search(part)
        code = m.group(1) if m else None
        annex = part[m.end() :].strip() if m else ""
        title = SOURCES.get(code or "", "") or part.strip()
        if code and code not in SOURCES:
            title = part.strip()
            annex = ""
        docs.append((code, title, annex))
    articles: dict[str | None, list[str]] = {}
    for part in [p for p in re.split(r"[；;]", article) if p.strip()]:
        m = _ARTICLE_CODE.match(part)
        if m and any(code == m.group(1) for code, _t, _a in docs):
            articles.setdefault(m.group(1), []).append(m.group(2))
        else:
            articles.setdefault(docs[0][0] if len(docs) == 1 else None, []).append(part)
    out = []
    for code, title, annex in docs:
        cited = "、".join(t for t in (_article_text(a) for a in articles.get(code, [])) if t)
        if cited and not cited.startswith("第"):
            cited = f"，{cited}"
        out.append("".join(p for p in (title, annex, cited) if p))
    loose = "、".join(_article_text(a) for a in articles.get(None, []) if len(docs) > 1)
    if loose:
        out.append(loose)
    return "；".join(out)


_CITATION = re.compile(
    r"(?<![\d〔])(?P<code>\d{3})(?P<annex>\s*附件\s*\d+)?(?P<article>（[一二三四五六七八九十百]+）|\s+\d+(?:\.\d+)*\.?)?"
    r"(?![\d〕号年])"
)


def cite(text: Any) -> str:
    """Document codes cited in a text ("《消防法》；000（一）", "004 附件1 4.18") written as the
    documents' titles with their articles; other text is kept as it is."""
    text = "" if text is None else str(text)

    def one(m: re.Match[str]) -> str:
        title = SOURCES.get(m.group("code"))
        if title is None:
            return m.group(0)
        annex = (m.group("annex") or "").replace(" ", "")
        article = _article_text(m.group("article") or "")
        return f"{title}{annex}{article}"

    return _CITATION.sub(one, text)


def workdays_text(days: Any) -> str:
    """Working days left before a due date, written the same way everywhere."""
    if days is None or days == "":
        return "—"
    try:
        n = int(days)
    except (TypeError, ValueError):
        return str(days)
    if n > 0:
        return f"剩余 {n} 个工作日"
    if n == 0:
        return "今日到期"
    return f"已逾期 {-n} 个工作日"
