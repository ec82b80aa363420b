"""The personas of the write-policy tests (issue 13), built on the shared ``world``.

``world`` has the lead inspector (yanggu_mz), the leader, the sibling county (dongchangfu_mz),
fire rescue (yanggu_xf) and the superuser; this adds the admin, auditor and liaison of
阳谷县民政, a market-regulation inspector, and a township post at another 阳谷县 township than
``world.yanggu_town`` (where the tests put their objects), so it acts on none of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser

from supervision.core import policy
from supervision.core.models import Role, User
from tests.factories import AssignmentFactory, RegionFactory, UserFactory


@dataclass
class Personas:
    lead: User  # 阳谷县民政 监管人员
    leader: User
    admin: User
    auditor: User
    liaison: User
    xf: User  # 阳谷县消防救援 (remit: fire)
    sj: User  # 阳谷县市场监管 (remit: food)
    township: User  # 阳谷县 another township's 民政 post
    sibling: User  # 东昌府区民政
    sysadmin: User

    def get(self, name: str) -> Any:
        """A persona by name, plus "system", "none" and "anonymous"."""
        special = {"system": policy.SYSTEM, "none": None, "anonymous": AnonymousUser()}
        return special[name] if name in special else getattr(self, name)


def person(username: str, department: Any, region: Any, role: str) -> User:
    user = UserFactory(username=username, display_name=username)
    AssignmentFactory(user=user, department=department, region=region, role=role)
    return user


def personas(world: Any) -> Personas:
    other_town = RegionFactory(code="371521002000", name="侨润街道", level=4, parent=world.yanggu)
    return Personas(
        lead=world.yanggu_mz,
        leader=world.yanggu_leader,
        admin=person("wp_yanggu_admin", world.mz, world.yanggu, Role.ADMIN),
        auditor=person("wp_yanggu_auditor", world.mz, world.yanggu, Role.AUDITOR),
        liaison=person("wp_yanggu_liaison", world.mz, world.yanggu, Role.LIAISON),
        xf=world.yanggu_xf,
        sj=person("wp_yanggu_sj", world.sj, world.yanggu, Role.INSPECTOR),
        township=person("wp_qiaorun_mz", world.mz, other_town, Role.INSPECTOR),
        sibling=world.dongchangfu_mz,
        sysadmin=world.sysadmin,
    )
