"""Name the post-filing visit 现场核查 (README "Presentation", glossary): 现场检查 is an inspection."""

from django.db import migrations

NAMES = {
    "filing.onsite_check": ("备案后现场检查", "备案后现场核查"),
    "unfiled.onsite_check": ("未备案机构现场检查", "未备案机构现场核查"),
}


def forwards(apps, schema_editor):
    Rule = apps.get_model("deadlines", "Rule")
    for code, (old, new) in NAMES.items():
        Rule.objects.filter(code=code, name=old).update(name=new)


def backwards(apps, schema_editor):
    Rule = apps.get_model("deadlines", "Rule")
    for code, (old, new) in NAMES.items():
        Rule.objects.filter(code=code, name=new).update(name=old)


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0008_ship_key_fire_unit_drill_override")]

    operations = [migrations.RunPython(forwards, backwards)]
