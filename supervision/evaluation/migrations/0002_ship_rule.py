"""Ship the report-by clock of the evaluation (004 四(四))."""

from django.db import migrations


def forwards(apps, schema_editor):
    from supervision.reports.rules_data import EVALUATION_RULES, load

    load(apps.get_model("deadlines", "Rule"), apps.get_model("core", "Department"), EVALUATION_RULES)


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial"), ("deadlines", "0009_rename_onsite_check_rules")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
