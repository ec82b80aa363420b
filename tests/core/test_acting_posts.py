"""One check for writes that need a post (``User.acts_over``): seeing is not acting."""

from __future__ import annotations

import pytest

from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_acting_posts_by_role_region_and_department(world):
    auditor = UserFactory(username="mz_auditor")
    AssignmentFactory(user=auditor, department=world.mz, region=world.yanggu, role="auditor")
    mz, xf = world.yanggu_mz, world.yanggu_xf
    assert mz.acts_over(world.yanggu_town) and mz.acts_over(world.yanggu_town, lead=True)
    assert not mz.acts_over(world.dongchangfu_town)  # sibling county
    assert xf.acts_over(world.yanggu_town) and not xf.acts_over(world.yanggu_town, lead=True)
    assert xf.acts_over(world.yanggu_town, department=world.xf)
    assert not mz.acts_over(world.yanggu_town, department=world.xf)
    assert xf.acts_over(world.yanggu_town, department=world.mz, lead=False) is False
    assert not auditor.acts_over(world.yanggu_town)  # auditors read
    assert mz.acts_over(None, lead=True) and not xf.acts_over(None, lead=True)
    assert world.sysadmin.acts_over(world.dongchangfu_town, department=world.xf)
