"""Ship the recovery clock (``subsidy.recovery``): opened when a 追缴通知书 is issued, met when
the full amount is returned. 002 (五) requires the full amount to be recovered but gives no
period, so 30 calendar days is a house default, said so in the rule's note; a region may
override it. Idempotent (get_or_create, never overwriting an administrator's edits), because
the test suite re-runs data migrations after a flush."""

from django.db import migrations

RECOVERY_RULE = {
    "code": "subsidy.recovery",
    "name": "追缴骗取的补贴资金",
    "unit": "calendar_days",
    "length": 30,
    "start_event": "追缴补贴资金通知书下达之日",
    "level": 3,
    "source_document": "内政办发〔2021〕26号（002）；阳谷县养老服务综合监管实施意见（000）",
    "source_article": "002（五）；000（三）",
    "source_quote": "对存在骗取政府补贴资金情形的养老服务机构，要全额追回骗取的补贴资金，同时依法依规严厉处罚",
    "note": "文件未规定退回期限：30 日为本平台默认值，待对照当地补贴资金管理办法确认。",
    "stages": [
        {"stage": "before_5", "offset": -5},
        {"stage": "due", "offset": 0},
        {"stage": "escalate", "offset": 1, "escalate": True},
    ],
}


def forwards(apps, schema_editor):
    Rule = apps.get_model("deadlines", "Rule")
    Department = apps.get_model("core", "Department")
    data = dict(RECOVERY_RULE)
    code = data.pop("code")
    data["department"] = Department.objects.filter(code="civil_affairs").first()
    Rule.objects.get_or_create(code=code, defaults=data)


class Migration(migrations.Migration):
    dependencies = [
        ("funds", "0002_spot_checks_recovery"),
        ("deadlines", "0006_pinned_due"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
