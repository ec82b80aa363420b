"""Ship the fire-drill clock (000 (五)): yearly, half-yearly for key fire units. Runs the same
idempotent loader as 0002, which creates only the rules that are missing."""

from django.db import migrations


def forwards(apps, schema_editor):
    from supervision.deadlines.rules_data import load

    load(
        apps.get_model("deadlines", "Rule"),
        apps.get_model("deadlines", "RuleOverride"),
        apps.get_model("core", "Department"),
        apps.get_model("core", "Region"),
    )


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0003_reminder_delivery")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
