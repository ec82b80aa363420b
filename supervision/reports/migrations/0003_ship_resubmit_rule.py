"""Ship the clock a return for correction opens (house default, see rules_data)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from supervision.reports.rules_data import RESUBMIT_RULES, load

    load(apps.get_model("deadlines", "Rule"), apps.get_model("core", "Department"), RESUBMIT_RULES)


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_ship_rules")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
