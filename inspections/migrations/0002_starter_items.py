"""Starter item list (随机抽查事项清单 / 重点检查事项清单); see inspections/starter.py."""

from django.db import migrations


def load(apps, schema_editor):
    from inspections.starter import load_starter_items

    load_starter_items(apps.get_model("core", "Domain"), apps.get_model("inspections", "InspectionItem"))


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
