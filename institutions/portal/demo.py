"""Demo of the institution's side: the account ``yanggu_fushou`` of 阳谷县福寿养老院 (issue 17).
It signs in with the published demo password and is not asked to change it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

DEMO_USERNAME = "yanggu_fushou"
DEMO_INSTITUTION = "阳谷县福寿养老院"


@transaction.atomic
def seed(stdout: Any = None) -> None:
    from institutions.models import Institution
    from supervision.core.demo import DEMO_PASSWORD
    from supervision.core.models import User

    from .models import Capacity, InstitutionAccount

    inst = Institution.objects.filter(name=DEMO_INSTITUTION).order_by("pk").first()
    if inst is None:
        if stdout is not None:
            stdout.write(f"机构端：未找到{DEMO_INSTITUTION}，未生成机构账户。")
        return
    person = inst.legal_representative or inst.principal or "福寿养老院负责人"
    user, _created = User.objects.get_or_create(
        username=DEMO_USERNAME,
        defaults={
            "display_name": person,
            "password": make_password(DEMO_PASSWORD),
            "must_change_password": False,  # nosec B105 (a flag named like a password, not a secret)
        },
    )
    InstitutionAccount.objects.get_or_create(
        user=user,
        defaults={"institution": inst, "person_name": person, "capacity": Capacity.LEGAL_REPRESENTATIVE},
    )
    _pending_disclosure(inst, user)
    if stdout is not None:
        stdout.write(f"机构端：演示机构账户 {DEMO_USERNAME}（{DEMO_INSTITUTION}），密码同其他演示账号。")


def _pending_disclosure(inst: Any, user: Any) -> None:
    """One change of the fee standards waiting for civil affairs (a pinned time: deterministic)."""
    import datetime as dt

    from django.utils import timezone

    from .disclosure_models import ChangeState, DisclosureChange

    if DisclosureChange.objects.filter(institution=inst).exists():
        return
    DisclosureChange.objects.create(
        institution=inst,
        changes={
            "fee_standards": [
                inst.fee_standards or "",
                "床位费 1200 元/月；护理费按照护等级 300–1500 元/月；伙食费 600 元/月。",
            ]
        },
        state=ChangeState.PENDING,
        submitted_by=user,
        submitted_at=timezone.make_aware(dt.datetime(2026, 11, 20, 9, 30)),
    )
