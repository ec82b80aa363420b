"""Fixtures for the dashboard: the hand-built county (dataset.py) and a township leader."""

from __future__ import annotations

import pytest

from supervision.core.models import Role
from tests.factories import AssignmentFactory, UserFactory

from .dataset import build


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT


@pytest.fixture
def county(world, monkeypatch):
    # The notice's PDF is not what these tests look at; WeasyPrint would cost seconds a test.
    monkeypatch.setattr(
        "supervision.documents.services.html_to_pdf", lambda html, base_url=None: b"%PDF-1.4\n%%EOF\n"
    )
    return build(world)


@pytest.fixture
def town_leader(world):
    user = UserFactory(username="town_leader", display_name="镇领导")
    AssignmentFactory(user=user, department=world.mz, region=world.yanggu_town, role=Role.LEADER)
    return user
