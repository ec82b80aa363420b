"""Django's ``flush``, which on a test database also empties the append-only audit tables.

The test suite flushes every table after each transactional test; the audit tables refuse
DELETE/TRUNCATE (migration 0002), so on a test database (Django's test environment is set up)
or with ``AUDIT_FLUSH_ALLOWED`` the flush runs with the maintenance switch on. Anywhere else the
database refuses it and the audit trail stays: archive old entries with ``archive_audit``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.commands.flush import Command as FlushCommand

from supervision.audit.maintenance import audit_maintenance


def test_environment_active() -> bool:
    from django.test import utils

    return hasattr(utils._TestState, "saved_data")


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        if test_environment_active() or getattr(settings, "AUDIT_FLUSH_ALLOWED", False):
            with audit_maintenance(options.get("database") or "default"):
                return super().handle(**options)
        return super().handle(**options)
