"""Default grade thresholds (configuration, editable in admin; confirm against the local
评定细则 under GB/T 37276 before relying on them)."""

from django.db import migrations

DEFAULTS = {1: 600, 2: 700, 3: 800, 4: 850, 5: 900}


def forwards(apps, schema_editor):
    GradeThreshold = apps.get_model("institutions", "GradeThreshold")
    for level, total in DEFAULTS.items():
        GradeThreshold.objects.get_or_create(level=level, defaults={"min_total": total, "validity_years": 3})


class Migration(migrations.Migration):
    dependencies = [("institutions", "0002_gradethreshold_person_and_more")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
