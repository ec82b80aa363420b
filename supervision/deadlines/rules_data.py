"""The clocks of the source documents, shipped by the data migration and by
``manage.py load_rules`` (which also links departments and regional overrides once the
reference data are loaded). Quotes are verbatim from /work/shared/seeds."""

from __future__ import annotations

from typing import Any

WD, CD = "working_days", "calendar_days"
S000 = "阳谷县养老服务综合监管实施意见（000）"
S001 = "南开区养老服务综合监管实施方案（001）"
S003 = "楚雄州养老服务综合监管实施方案（楚政办函〔2021〕48号，003）"
S004 = "酉阳县“养老服务监管效能提升年”活动通知（004）"

# Calendar-day rules are remindable on the same working-day stages; a yearly clock also warns
# 20 working days ahead so that the inspection can still be planned.
LONG_STAGES = [
    {"stage": "before_20", "offset": -20},
    {"stage": "before_5", "offset": -5},
    {"stage": "due", "offset": 0},
    {"stage": "escalate", "offset": 1, "escalate": True},
]

RULES: list[dict[str, Any]] = [
    {
        "code": "filing.onsite_check",
        "name": "备案后现场核查",
        "unit": WD,
        "length": 20,
        "start_event": "养老机构备案之日",
        "department": "civil_affairs",
        "level": 3,
        "source_document": f"{S000}；{S003}；{S004} 附件1",
        "source_article": "000（十一）；003 1.；004 2.5",
        "source_quote": "县级民政部门应当自备案之日起 20 个工作日内现场核实养老机构备案信息",
    },
    {
        "code": "unfiled.onsite_check",
        "name": "未备案机构现场核查",
        "unit": WD,
        "length": 20,
        "start_event": "发现未备案机构收住老年人（开展服务）之日",
        "department": "civil_affairs",
        "level": 3,
        "source_document": f"{S003}；{S004} 附件1",
        "source_article": "003 1.；004 2.6",
        "source_quote": (
            "对未备案的，自发现其开展服务之日起20个工作日内，州、县市民政局会同有关部门进行现场检查，"
            "并督促及时备案"
        ),
    },
    {
        "code": "referral.send",
        "name": "书面抄告有关部门",
        "unit": WD,
        "length": 7,
        "start_event": "监督检查中发现不属于本部门职责范围的问题之日",
        "department": None,
        "level": 3,
        "source_document": S000,
        "source_article": "（十）",
        "source_quote": "在监督检查中发现不属于本部门查处职责范围的问题，应当在7个工作日内书面抄告有关部门",
    },
    {
        "code": "referral.response",
        "name": "抄告办理反馈",
        "unit": WD,
        "length": 10,
        "start_event": "收到抄告之日",
        "department": None,
        "level": 3,
        "source_document": S000,
        "source_article": "（十）",
        "source_quote": "实现违法线索互联、监管标准互通、处理结果互认",
        "note": "文件未规定办理期限；10 个工作日为本平台默认值，可由管理员调整。",
    },
    {
        "code": "complaint.feedback",
        "name": "投诉举报反馈",
        "unit": WD,
        "length": 5,
        "start_event": "受理投诉举报之日",
        "department": "civil_affairs",
        "level": 3,
        "source_document": S003,
        "source_article": "10.",
        "source_quote": "建立5个工作日反馈处理制度",
    },
    {
        "code": "inspection.yearly_coverage",
        "name": "年度现场检查全覆盖",
        "unit": CD,
        "length": 365,
        "start_event": "上一次现场检查之日（或备案之日）",
        "department": "civil_affairs",
        "level": 3,
        "stages": LONG_STAGES,
        "source_document": f"{S000}；{S004} 附件1",
        "source_article": "000（十）；004 3.5",
        "source_quote": "县级民政部门要加强对养老服务机构服务和运营的监督检查，每年开展不少于1次现场检查",
    },
    {
        "code": "drill.half_yearly",
        "name": "应急演练（每半年）",
        "unit": CD,
        "length": 182,
        "start_event": "上一次综合或专项应急预案演练之日",
        "department": "civil_affairs",
        "level": 3,
        "stages": LONG_STAGES,
        "source_document": S000,
        "source_article": "（五）",
        "source_quote": "建立常态化应急演练机制，每半年至少组织1次综合或者专项应急预案演练",
    },
    {
        "code": "drill.fire",
        "name": "消防演练",
        "unit": CD,
        # Yearly for ordinary units; key fire units drill half-yearly through the rule's
        # ``key_fire_unit`` case override (OVERRIDES below), so one rule carries both
        # frequencies of 000 (五) and neither length lives in code.
        "length": 365,
        "start_event": "上一次消防演练之日",
        "department": "civil_affairs",
        "level": 3,
        "stages": LONG_STAGES,
        "source_document": S000,
        "source_article": "（五）",
        "source_quote": (
            "属于消防安全重点单位的养老机构应当按照灭火和应急疏散预案，至少每半年进行1次消防演练，"
            "其他单位应当结合本单位实际，参照制定相应的应急方案，至少每年组织1次消防演练"
        ),
    },
    {
        "code": "subsidy.quarterly_spot_check",
        "name": "补贴资金季度抽查",
        "unit": CD,
        "length": 91,
        "start_event": "上一次抽查、核查之日（或季度开始）",
        "department": "civil_affairs",
        "level": 3,
        "source_document": S003,
        "source_article": "4.",
        "source_quote": (
            "州、县市民政局要加强对养老服务机构建设补贴、运营补贴等资金的监督管理，每季度进行1次抽查、核查"
        ),
    },
    {
        "code": "rectification.item",
        "name": "隐患整改",
        "unit": WD,
        "length": 10,
        "start_event": "整改通知送达之日",
        "department": None,
        "level": 3,
        "source_document": S003,
        "source_article": "11.",
        "source_quote": "应及时下发整改通知，明确整改期限，书面告知有关部门，督促养老服务机构立即整改",
        "note": "期限以整改通知书载明为准（开立时传入）；10 个工作日为默认值。",
    },
    {
        "code": "inspection.publish_result",
        "name": "检查结果公开",
        "unit": WD,
        "length": 7,
        "start_event": "检查结果录入之日",
        "department": "civil_affairs",
        "level": 3,
        "source_document": S003,
        "source_article": "11.",
        "source_quote": "整改结果及时向社会公布",
        "note": "文件仅要求“依法公开”“及时向社会公布”，未规定期限；7 个工作日为本平台可配置的默认值。",
    },
]

NANKAI = "120104000000"  # 天津市南开区
# ``region`` None: everywhere (a case override); ``case``: the case the override is for.
OVERRIDES: list[dict[str, Any]] = [
    {
        "rule": "drill.fire",
        "region": None,
        "case": "key_fire_unit",
        "length": 182,
        "source_document": S000,
        "source_article": "（五）",
        "source_quote": "属于消防安全重点单位的养老机构应当按照灭火和应急疏散预案，至少每半年进行1次消防演练",
    },
    {
        "rule": "inspection.yearly_coverage",
        "region": NANKAI,
        "length": 182,
        "source_document": S001,
        "source_article": "（十）",
        "source_quote": "民政部门应当联合相关部门每半年对养老机构服务安全和服务质量进行不少于一次的现场检查",
    },
]


def load(rule_model: Any, override_model: Any, department_model: Any, region_model: Any) -> tuple[int, int]:
    """Create missing rules (never overwrite an administrator's edits), link departments that
    exist, and create overrides whose region exists. Returns (rules created, overrides created)."""
    from supervision.deadlines.models import default_stages

    made = 0
    for data in RULES:
        data = dict(data)
        dept_code = data.pop("department")
        stages = data.pop("stages", None) or default_stages()
        rule, created = rule_model.objects.get_or_create(
            code=data["code"], defaults={**data, "stages": stages}
        )
        made += created
        if dept_code and rule.department_id is None:
            dept = department_model.objects.filter(code=dept_code).first()
            if dept is not None:
                rule.department = dept
                rule.save(update_fields=["department"])
    over = 0
    # Before the migration that added case overrides, the historical model has no ``case``
    # (and a region is required): those overrides wait for that migration's own load.
    has_case = any(f.name == "case" for f in override_model._meta.get_fields())
    for data in OVERRIDES:
        data = dict(data)
        region_code, case = data.pop("region"), data.pop("case", "")
        if (case or region_code is None) and not has_case:
            continue
        region = None if region_code is None else region_model.objects.filter(code=region_code).first()
        rule = rule_model.objects.filter(code=data.pop("rule")).first()
        if (region_code is not None and region is None) or rule is None:
            continue
        lookup = {"rule": rule, "region": region, **({"case": case} if has_case else {})}
        _o, created = override_model.objects.get_or_create(**lookup, defaults=data)
        over += created
    return made, over
