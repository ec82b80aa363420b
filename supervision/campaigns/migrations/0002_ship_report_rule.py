"""Ship the report-by clock of campaign tasks (报送时限) to the deadline engine. The due date is the
one the campaign notice states (each clock pins it), so the rule's length is 0 calendar days; the
stages warn five and one working days ahead, on the day, and escalate to the leaders the working
day after. Idempotent: created only when missing, never overwriting an administrator's edits."""

from django.db import migrations

RULE = {
    "code": "campaign.report_by",
    "name": "专项行动任务报送",
    "unit": "calendar_days",
    "length": 0,
    "start_event": "专项行动开始（任务分派）之日，到期日以通知载明的报送时限为准",
    "stages": [
        {"stage": "before_5", "offset": -5},
        {"stage": "before_1", "offset": -1},
        {"stage": "due", "offset": 0},
        {"stage": "escalate", "offset": 1, "escalate": True},
    ],
    "source_document": "酉阳县“养老服务监管效能提升年”活动通知（004）；楚雄州养老服务综合监管实施方案（楚政办函〔2021〕48号，003）",
    "source_article": "004 四、（四）加强信息报送；003 二、各项任务（牵头部门、责任部门）",
    "source_quote": (
        "各乡镇（街道）于2023年4月21日（星期五）前报送“养老服务监管效能提升年”联络员信息表（见附件2）。"
        "2023年4月24日（星期一）前报送养老服务监管效能评估表（见附件1）。"
        "2023年7月24日（星期一）前报送养老服务监管问题整治提升情况"
    ),
    "note": "每个承办单位（牵头部门、责任部门、各乡镇（街道））各有一个时限；报送即完成。",
}


def forwards(apps, schema_editor):
    Rule = apps.get_model("deadlines", "Rule")
    Rule.objects.get_or_create(code=RULE["code"], defaults=dict(RULE))


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0001_initial"),
        ("deadlines", "0009_rename_onsite_check_rules"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
