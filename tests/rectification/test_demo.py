"""The demo seed runs, shows every stage (an accepted problem, an open 重大 one under 挂牌督办,
a penalty) in the demo county, and is idempotent."""

from __future__ import annotations

import io

import pytest

from inspections.rectification import demo
from inspections.rectification.models import ListedSupervision, Penalty, RectificationNotice

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent(world, site):
    out = io.StringIO()
    demo.seed(out)
    demo.seed(out)
    assert RectificationNotice.objects.count() == 1 and Penalty.objects.count() == 1
    notice = RectificationNotice.objects.get()
    assert notice.number and notice.document.verify()
    assert notice.institution == site.home  # in 阳谷县, where the main demo accounts work
    assert notice.status == "issued"
    assert sorted(notice.items.values_list("state", flat=True)) == ["accepted", "pending"]
    assert ListedSupervision.objects.get().finding == site.fire
    assert "already present" in out.getvalue()
