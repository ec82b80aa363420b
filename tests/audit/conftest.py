from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import AssignmentFactory, UserFactory


class _CommittedAtOnce:
    """``django.db.transaction`` as the chain module sees it, with every on-commit hook run at
    once: each write is treated as committed when it is made, as under autocommit."""

    def __getattr__(self, name):
        from django.db import transaction

        return getattr(transaction, name)

    @staticmethod
    def on_commit(func, using=None, robust=False):
        func()


@pytest.fixture(autouse=True)
def _chain_sealed_as_written(request, monkeypatch):
    """A test's transaction never commits, so the links of what it writes would wait for ever
    (``supervision.audit.chain`` seals after commit). The tests here read the chain after each
    write, so in them each write counts as committed at once. Transactional tests keep the real
    commit (test_chain_sealing.py tests sealing after commit itself)."""
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,))
    if not transactional and "live_server" not in request.fixturenames:
        from supervision.audit import chain

        monkeypatch.setattr(chain, "transaction", _CommittedAtOnce())


@pytest.fixture
def auditadmin(world):
    """The audit administrator (审计管理员, one of the three separated administrator roles)."""
    user = UserFactory(username="auditadmin", display_name="审计管理员")
    AssignmentFactory(user=user, department=world.mz, region=world.shandong, role="auditadmin")
    return user


@pytest.fixture
def home(world):
    from tests.institutions.factories import InstitutionFactory

    return InstitutionFactory(name="阳谷县博济桥街道福寿养老院", status="filed", region=world.yanggu_town)


@pytest.fixture
def fire_complaint(world, home):
    from inspections.complaints import services

    return services.complaint_submit_public(
        content="三楼安全出口被杂物堵死。",
        institution=home,
        category="fire",
        name="张三丰",
        phone="13812345678",
        received_at=timezone.make_aware(dt.datetime(2026, 11, 30, 10, 0)),
    )
