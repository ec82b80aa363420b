"""The report-by clocks of the statistical reports and of the 004 evaluation, shipped by the
data migrations of ``reports`` and ``evaluation`` (created when missing, never overwriting an
administrator's edit). The source documents set no deadline for periodic reports: those are
house defaults, named so in the rule itself, to be set to what the level above requires."""

from __future__ import annotations

from typing import Any

WD = "working_days"
HOUSE = "平台默认时限（源文件未规定统计报表的报送时限，请按上级要求在时限规则中调整）"
S004 = "酉阳县“养老服务监管效能提升年”活动通知（004）"

REPORT_RULES: list[dict[str, Any]] = [
    {
        "code": code,
        "name": f"报送{title}",
        "unit": WD,
        "length": length,
        "start_event": "统计期结束之日",
        "level": 4,
        "source_document": HOUSE,
        "source_article": "",
        "source_quote": "",
        "note": "平台默认时限：乡镇（街道）民政向县级民政报送；县级向市级报送同此。",
    }
    for code, title, length in (
        ("report.monthly", "养老服务监管工作月报", 5),
        ("report.quarterly", "养老服务监管工作季报", 10),
        ("report.annual", "养老服务监管工作年报", 20),
        ("report.basic", "养老机构基本情况表", 10),
    )
]

# A submission returned for correction is owed again: the clock the return opens (reports and
# the evaluation alike), met when the unit submits the corrected one.
RESUBMIT_RULES: list[dict[str, Any]] = [
    {
        "code": "submission.resubmit",
        "name": "退回修改后重新报送",
        "unit": WD,
        "length": 3,
        "start_event": "上级退回修改之日",
        "level": 4,
        "source_document": HOUSE,
        "source_article": "",
        "source_quote": "",
        "note": "平台默认时限：统计报表和效能评估表被上级退回后，填报单位修改并重新报送。",
    }
]

EVALUATION_RULES: list[dict[str, Any]] = [
    {
        "code": "evaluation.submit",
        "name": "报送养老服务监管效能评估表",
        "unit": WD,
        "length": 2,
        "start_event": "上级印发评估通知之日",
        "level": 4,
        "source_document": S004,
        "source_article": "004 四(四)",
        "source_quote": "2023年4月24日（星期一）前报送养老服务监管效能评估表（见附件1）",
        "note": (
            "004 于 2023年4月20日印发，要求 4月24日前报送，即 2 个工作日；"
            "通知另有日期的，开启时按通知载明日期。"
        ),
    }
]


def load(rule_model: Any, department_model: Any, rules: list[dict[str, Any]]) -> int:
    """Create the missing rules; the responsible department is civil affairs where it exists."""
    made = 0
    dept = department_model.objects.filter(code="civil_affairs").first()
    for data in rules:
        rule, created = rule_model.objects.get_or_create(code=data["code"], defaults=dict(data))
        made += created
        if dept is not None and rule.department_id is None:
            rule.department = dept
            rule.save(update_fields=["department"])
    return made
