"""Ship the deposit checks' default configuration and the response clock of their flags.

Idempotent (get_or_create): an administrator's edits are never overwritten, and the test
suite's reload of data migrations after a flush creates only what is missing."""

from django.db import migrations

S004 = "酉阳县“养老服务监管效能提升年”活动通知（004）"

RULE = {
    "code": "deposits.flag_response",
    "name": "押金与预收费疑点机构说明",
    "unit": "working_days",
    "length": 10,
    "start_event": "资金核查发现疑点之日",
    "level": 3,
    "source_document": S004,
    "source_article": "（六）；附件1 4.18",
    "source_quote": "继续实施养老机构违规收取押金、保证金专项整治行动……全面落实养老机构收取的保证金、押金专户存储规定",
    "note": "文件未规定机构说明、整改的期限；10 个工作日为本平台默认值，可由管理员调整。逾期未说明的升级提醒部门领导。",
    "stages": [
        {"stage": "before_3", "offset": -3},
        {"stage": "due", "offset": 0},
        {"stage": "escalate", "offset": 1, "escalate": True},
    ],
}

POLICY = {
    "deposit_cap_months": 12,
    "prepay_max_months": 1,
    "refund_days": 30,
    "source_document": "内蒙古自治区养老服务综合监管办法（002）（六）；" + S004 + "（六）",
    "source_article": "002（六）原则上床位、护理、伙食等费用按月收取",
    "note": (
        "预收月数 1 个月出自 002（六）“原则上按月收取”。押金上限（月费用的 12 倍）与退费期限（合同终止后 30 日）"
        "为本平台默认值：五份文件未规定具体数额，须对照本省（区、市）的押金、预收费管理规定确认后按地区设置。"
    ),
}


def forwards(apps, schema_editor):
    Rule = apps.get_model("deadlines", "Rule")
    Department = apps.get_model("core", "Department")
    DepositPolicy = apps.get_model("deposits", "DepositPolicy")
    data = dict(RULE)
    rule, _created = Rule.objects.get_or_create(code=data.pop("code"), defaults=data)
    if rule.department_id is None:
        dept = Department.objects.filter(code="civil_affairs").first()
        if dept is not None:
            rule.department = dept
            rule.save(update_fields=["department"])
    if not DepositPolicy.objects.filter(region__isnull=True).exists():
        DepositPolicy.objects.create(region=None, **POLICY)


class Migration(migrations.Migration):
    dependencies = [
        ("deposits", "0001_initial"),
        ("deadlines", "0008_ship_key_fire_unit_drill_override"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
