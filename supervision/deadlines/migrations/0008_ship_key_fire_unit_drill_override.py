"""Ship the key-fire-unit case of the fire-drill rule (000 (五): half-yearly for 消防安全重点单位,
yearly otherwise) as a case override of ``drill.fire``, instead of a length in code. Runs the
same idempotent loader as 0002 and 0004, which creates only what is missing."""

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
    dependencies = [("deadlines", "0007_rule_case_override")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
