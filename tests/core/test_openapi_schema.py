"""The OpenAPI 3 schema documents every endpoint, validates, and generates without warnings
(a warning means a component or enum name collided and the schema is ambiguous)."""

from __future__ import annotations

from io import StringIO

import pytest
import yaml
from django.core.management import call_command

from supervision.urls import router


@pytest.mark.django_db
def test_schema_validates_without_warnings_and_lists_every_endpoint(tmp_path, capsys):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--file", str(target), "--validate", "--fail-on-warn", stdout=StringIO())
    schema = yaml.safe_load(target.read_text())
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for prefix, _viewset, _basename in router.registry:
        assert f"/api/v1/{prefix}/" in paths, prefix
    assert "/api/v1/calendar/add-workdays/" in paths
    assert "/api/v1/auth/token/" in paths
