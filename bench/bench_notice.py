"""Rendering the rectification notice (责令限期整改通知书) to PDF: our path (Django template
→ HTML → WeasyPrint with the missing-glyph guard, ``documents.render_pdf``) against WeasyPrint
alone rendering the same final HTML string, in the same run. Reported: the median time of one
notice and of a batch of 200 different notices, and the ratio (goal ≤ 1.3×).

No database: the notices are unsaved model instances with their due dates already computed,
so the numbers measure rendering only (number allocation, due dates and storage are a few
indexed queries per notice on top)."""

from __future__ import annotations

import datetime as dt
import statistics
import time
from typing import Any

BATCH = 200
REPEATS = 5


def _notice(n: int) -> dict[str, Any]:
    from inspections.rectification.models import NoticeItem, RectificationNotice
    from inspections.rectification.services import NOTICE_TEMPLATE  # noqa: F401 - same template
    from institutions.models import Institution
    from supervision.core.models import Department, Region

    county = Region(code="371521000000", name="阳谷县", level=3)
    dept = Department(code="civil_affairs", name="民政", short_name="民", is_lead=True)
    inst = Institution(name=f"阳谷县福寿{n}号养老院", credit_code="52371521000000001X", region=county)
    notice = RectificationNotice(
        institution=inst,
        issuing_department=dept,
        issuing_region=county,
        number=f"阳民整改〔2026〕{n + 1}号",
        reconsideration_body="阳谷县人民政府",
        court="阳谷县人民法院",
        issued_on=dt.date(2026, 9, 28),
    )
    problems = [
        "二楼东侧安全出口被杂物堵塞",
        "夜间值班记录缺失",
        "厨房燃气报警装置失效",
        "消防控制室无人值守",
    ]
    items = [
        NoticeItem(
            notice=notice,
            seq=i + 1,
            problem=f"{p}（第{n}号检查）",
            legal_basis="《养老机构管理办法》第二十八条",
            requirement=f"立即整改：{p}",
            period_workdays=10,
            due=dt.date(2026, 10, 16),
        )
        for i, p in enumerate(problems[: 1 + n % len(problems)])
    ]
    return {
        "title": "责令限期整改通知书",
        "notice": notice,
        "institution": inst,
        "items": items,
        "issuer": "阳谷县民政",
        "number": notice.number,
        "on": notice.issued_on,
        "preview": False,
    }


def run() -> dict[str, Any]:
    from django.conf import settings
    from weasyprint import HTML

    from supervision.documents.services import html_to_pdf, render_html

    template = "documents/rectification_notice.html"
    contexts = [_notice(n) for n in range(BATCH)]
    htmls = [render_html(template, ctx) for ctx in contexts]
    base_url = str(settings.BASE_DIR)

    def ours(ctx: dict[str, Any]) -> bytes:
        return html_to_pdf(render_html(template, ctx))

    def plain(html: str) -> bytes:
        return HTML(string=html, base_url=base_url).write_pdf()

    ours(contexts[0])  # warm fonts and caches for both
    plain(htmls[0])
    one_ours, one_plain = [], []
    for _ in range(REPEATS * 3):
        t0 = time.perf_counter()
        ours(contexts[0])
        one_ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        plain(htmls[0])
        one_plain.append(time.perf_counter() - t0)
    # The batch interleaves the two paths notice by notice (alternating which goes first) so
    # that drift on a shared machine (other jobs, CPU frequency) hits both equally.
    batch_ours, batch_plain = [], []
    sizes: list[int] = []
    for _ in range(2):
        t_o = t_p = 0.0
        sizes = []
        for n, (ctx, html) in enumerate(zip(contexts, htmls, strict=True)):
            steps = [("o", ctx), ("p", html)] if n % 2 == 0 else [("p", html), ("o", ctx)]
            for which, arg in steps:
                t0 = time.perf_counter()
                out = ours(arg) if which == "o" else plain(arg)
                elapsed = time.perf_counter() - t0
                if which == "o":
                    t_o += elapsed
                    sizes.append(len(out))
                else:
                    t_p += elapsed
        batch_ours.append(t_o)
        batch_plain.append(t_p)
    one_o, one_p = statistics.median(one_ours), statistics.median(one_plain)
    b_o, b_p = statistics.median(batch_ours), statistics.median(batch_plain)
    result = {
        "one_notice_ms": round(one_o * 1000, 1),
        "one_weasyprint_ms": round(one_p * 1000, 1),
        "ratio_one": round(one_o / one_p, 3),
        "batch": BATCH,
        "batch_s": round(b_o, 2),
        "batch_weasyprint_s": round(b_p, 2),
        "ratio_batch": round(b_o / b_p, 3),
        "median_pdf_bytes": int(statistics.median(sizes)),
        "goal": "ratio <= 1.3",
    }
    print(
        f"one notice {result['one_notice_ms']} ms vs WeasyPrint {result['one_weasyprint_ms']} ms "
        f"(ratio {result['ratio_one']}); batch of {BATCH}: {result['batch_s']} s "
        f"vs {result['batch_weasyprint_s']} s "
        f"(ratio {result['ratio_batch']})"
    )
    return result
