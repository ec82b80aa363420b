"""Ship the clocks of the institution's side to the deadline engine (created only when missing,
never overwriting an administrator's edits)."""

from django.db import migrations

MEASURES = "《养老机构管理办法》（民政部令第66号）"
RULES = [
    {
        "code": "filing.first_resident",
        "name": "收住老年人后备案",
        "unit": "working_days",
        "length": 10,
        "start_event": "养老机构收住第一位老年人之日",
        "level": 3,
        "source_document": MEASURES,
        "source_article": "第十条",
        "source_quote": "养老机构应当在收住老年人后10个工作日以内向服务场所所在地的县级人民政府民政部门备案",
    },
    {
        "code": "disclosure.yearly",
        "name": "机构公开信息年度更新",
        "unit": "calendar_days",
        "length": 365,
        "start_event": "机构上一次更新公开信息之日",
        "level": 3,
        "stages": [
            {"stage": "before_20", "offset": -20},
            {"stage": "before_5", "offset": -5},
            {"stage": "due", "offset": 0},
        ],
        "source_document": "阳谷县养老服务综合监管实施意见（000）；酉阳县“养老服务监管效能提升年”活动通知（004）",
        "source_article": "000（九）；004（五）",
        "source_quote": "以群众易获取、易看懂、易参与的方式及时公开信息",
        "note": "文件要求“及时公开”，未规定更新周期；一年为本平台默认值，可由管理员调整。",
    },
]


def forwards(apps, schema_editor):
    Rule = apps.get_model("deadlines", "Rule")
    Department = apps.get_model("core", "Department")
    lead = Department.objects.filter(code="civil_affairs").first()
    for data in RULES:
        rule, _created = Rule.objects.get_or_create(code=data["code"], defaults=dict(data))
        if rule.department_id is None and lead is not None:
            rule.department = lead
            rule.save(update_fields=["department"])


class Migration(migrations.Migration):
    dependencies = [
        ("institution_portal", "0001_initial"),
        ("deadlines", "0009_rename_onsite_check_rules"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
