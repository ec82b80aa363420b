"""Ship the clocks of the source documents (supervision/deadlines/rules_data.py): creates the
rules missing, links departments present, and the Nankai half-yearly override when the region
row exists. ``manage.py load_rules`` runs the same loader after the reference data."""

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
    dependencies = [
        ("deadlines", "0001_initial"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
