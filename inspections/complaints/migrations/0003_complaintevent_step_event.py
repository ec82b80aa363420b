"""ComplaintEvent becomes a StepEvent (the one abstract event model): verb → step, reason → note."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("complaints", "0002_outcome")]

    operations = [
        migrations.RenameField(model_name="complaintevent", old_name="verb", new_name="step"),
        migrations.RenameField(model_name="complaintevent", old_name="reason", new_name="note"),
    ]
