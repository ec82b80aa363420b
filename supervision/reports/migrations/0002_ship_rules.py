"""Ship the report-by clocks of the statistical reports (house defaults, see rules_data)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from supervision.reports.rules_data import REPORT_RULES, load

    load(apps.get_model("deadlines", "Rule"), apps.get_model("core", "Department"), REPORT_RULES)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial"), ("deadlines", "0009_rename_onsite_check_rules")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
