"""Ship the 挂牌督办 clock (``listing.supervision``): opened when a 重大 hazard is listed, met when
the listing is closed, reminded and escalated by the deadline engine like every other clock.

The documents (000 (十), 002 (二), 003 2.) require listing but give no period, so the length is a
house default (30 working days), said so in the rule's note; a listing document that states a
date pins the clock to it (``deadline_open(..., due=...)``) and a region may override the
length. Idempotent (get_or_create, never overwriting an administrator's edits), as the
deadlines app's own rule migrations, because the test suite re-runs data migrations after a
flush."""

from django.db import migrations

LISTING_RULE = {
    "code": "listing.supervision",
    "name": "重大隐患挂牌督办",
    "unit": "working_days",
    "length": 30,
    "start_event": "重大隐患挂牌督办之日",
    "level": 3,
    "source_document": (
        "阳谷县养老服务综合监管实施意见（000）；内政办发〔2021〕26号（002）；"
        "楚雄州养老服务综合监管实施方案（楚政办函〔2021〕48号，003）"
    ),
    "source_article": "000（十）；002（二）；003 2.",
    "source_quote": (
        "对存在重大隐患的，提请当地政府挂牌督办（000）；对发现的重大火灾隐患要提请当地人民政府挂牌督办，"
        "确保及时整改到位（002）"
    ),
    "note": (
        "文件未规定督办期限：30 个工作日为本平台默认值，待对照当地挂牌督办办法确认；"
        "挂牌督办文书载明督办期限的，以文书为准（开立时传入，不随放假安排重算）。"
    ),
    "stages": [
        {"stage": "before_5", "offset": -5},
        {"stage": "before_1", "offset": -1},
        {"stage": "due", "offset": 0},
        {"stage": "escalate", "offset": 1, "escalate": True},
    ],
}


def forwards(apps, schema_editor):
    Rule = apps.get_model("deadlines", "Rule")
    data = dict(LISTING_RULE)
    Rule.objects.get_or_create(code=data.pop("code"), defaults=data)


class Migration(migrations.Migration):
    dependencies = [
        ("rectification", "0003_penalty_early_end"),
        ("deadlines", "0006_pinned_due"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
