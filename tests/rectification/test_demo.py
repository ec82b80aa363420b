"""The demo seed runs and is idempotent."""

from __future__ import annotations

import io

import pytest

from inspections.rectification import demo
from inspections.rectification.models import Penalty, RectificationNotice

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent(world, site):
    out = io.StringIO()
    demo.seed(out)
    demo.seed(out)
    assert RectificationNotice.objects.count() == 1 and Penalty.objects.count() == 1
    notice = RectificationNotice.objects.get()
    assert notice.number and notice.document.verify()
    assert "already present" in out.getvalue()
