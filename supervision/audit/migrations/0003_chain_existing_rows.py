"""Chain the audit rows written before the chain existed (in time order), so that an existing
trail verifies from its first entry. Idempotent: rows already on the chain are left alone."""

from __future__ import annotations

from django.db import migrations


def forward(apps, schema_editor):
    from supervision.audit.chain import adopt_unchained

    adopt_unchained(apps)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=False)]
