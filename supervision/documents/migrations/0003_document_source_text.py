"""The text a document's PDF was rendered from (``source_html``), immutable like the PDF.

SQLite adds the column by rebuilding the table, which drops the immutability trigger of 0002:
the trigger is created again here, now also covering the stored text."""

from __future__ import annotations

import importlib

from django.db import migrations, models

_previous = importlib.import_module("supervision.documents.migrations.0002_immutable_documents_trigger")
TABLE = _previous.TABLE
COLUMNS = (*_previous.COLUMNS, "source_html")
MESSAGE = _previous.MESSAGE


def _postgres(columns: tuple[str, ...]) -> str:
    return f"""
DROP TRIGGER IF EXISTS documents_officialdocument_immutable ON {TABLE};
CREATE TRIGGER documents_officialdocument_immutable
    BEFORE UPDATE OF {", ".join(columns)} ON {TABLE}
    FOR EACH ROW
    WHEN ({" OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)})
    EXECUTE FUNCTION documents_refuse_update();
"""


def _sqlite(columns: tuple[str, ...]) -> list[str]:
    return [
        "DROP TRIGGER IF EXISTS documents_officialdocument_immutable;",
        f"""
CREATE TRIGGER documents_officialdocument_immutable
    BEFORE UPDATE OF {", ".join(columns)} ON {TABLE}
    FOR EACH ROW
    WHEN {" OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)}
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}');
END;
""",
    ]


def _apply(schema_editor, columns: tuple[str, ...]) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(_postgres(columns))
    elif vendor == "sqlite":
        for statement in _sqlite(columns):
            schema_editor.execute(statement)


def forward(apps, schema_editor):
    _apply(schema_editor, COLUMNS)


def backward(apps, schema_editor):
    _apply(schema_editor, _previous.COLUMNS)


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_immutable_documents_trigger")]

    operations = [
        migrations.AddField(
            model_name="officialdocument",
            name="source_html",
            field=models.TextField(blank=True, editable=False, verbose_name="文书正文"),
        ),
        migrations.RunPython(forward, backward, elidable=False),
    ]
