"""Make issued documents immutable in the database itself, not only in ``Model.save``: an
UPDATE that touches the bytes, the hash, the number or the subject of an
``OfficialDocument`` is refused by a trigger (a ``QuerySet.update`` or raw SQL cannot rewrite
an issued notice behind the hash). Deletion is left to the PROTECT foreign keys (the notice,
the order, the referral point at their document), so test flushes keep working."""

from __future__ import annotations

from django.db import migrations

TABLE = "documents_officialdocument"
COLUMNS = ("pdf", "sha256", "size", "number", "kind", "content_type_id", "object_id")
MESSAGE = "公文一经制发不可修改；如需更正，请制发新文书。"

POSTGRES_FORWARD = f"""
CREATE OR REPLACE FUNCTION documents_refuse_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS documents_officialdocument_immutable ON {TABLE};
CREATE TRIGGER documents_officialdocument_immutable
    BEFORE UPDATE OF {", ".join(COLUMNS)} ON {TABLE}
    FOR EACH ROW
    WHEN (
        {" OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in COLUMNS)}
    )
    EXECUTE FUNCTION documents_refuse_update();
"""
POSTGRES_BACKWARD = f"""
DROP TRIGGER IF EXISTS documents_officialdocument_immutable ON {TABLE};
DROP FUNCTION IF EXISTS documents_refuse_update();
"""
SQLITE_FORWARD = f"""
CREATE TRIGGER IF NOT EXISTS documents_officialdocument_immutable
    BEFORE UPDATE OF {", ".join(COLUMNS)} ON {TABLE}
    FOR EACH ROW
    WHEN {" OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in COLUMNS)}
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS documents_officialdocument_immutable;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
