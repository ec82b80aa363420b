"""Demo-data plugin registry: ``seed_demo`` calls every installed app's ``demo.seed``.

Apps are visited in INSTALLED_APPS order (ground floor first), so an app's demo data may use
what the floors below created. Each ``seed(stdout)`` must be idempotent.

This module is also the ground floor's own seeder: ``seed(stdout)`` creates the demo accounts
(every role of civil affairs in two sibling counties, partner departments in 阳谷县, a street
user and the superuser ``admin``), all with the one demo password."""

from __future__ import annotations

import importlib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import transaction

DEMO_PASSWORD = "Demo-Pass-2026!"  # nosec B105 # the published demo password; seed_demo only

YANGGU = "371521000000"  # 山东省聊城市阳谷县
DONGCHANGFU = "371502000000"  # 山东省聊城市东昌府区, the sibling county
BOJIQIAO = "371521001000"  # 阳谷县博济桥街道
LIAOCHENG = "371500000000"  # 山东省聊城市


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    department: str  # Department.code
    region: str  # Region.code
    role: str  # Role value


def _civil_affairs(prefix: str, county: str, region: str) -> list[DemoAccount]:
    return [
        DemoAccount(f"{prefix}_admin", f"{county}民政局管理员", "civil_affairs", region, "admin"),
        DemoAccount(f"{prefix}_mz", f"{county}民政局监管人员", "civil_affairs", region, "inspector"),
        DemoAccount(f"{prefix}_leader", f"{county}民政局领导", "civil_affairs", region, "leader"),
        DemoAccount(f"{prefix}_auditor", f"{county}民政局审计员", "civil_affairs", region, "auditor"),
        DemoAccount(f"{prefix}_liaison", f"{county}民政局联络员", "civil_affairs", region, "liaison"),
    ]


DEMO_ACCOUNTS: list[DemoAccount] = [
    *_civil_affairs("yanggu", "阳谷县", YANGGU),
    *_civil_affairs("dongchangfu", "东昌府区", DONGCHANGFU),
    DemoAccount("yanggu_xf", "阳谷县消防救援大队监督员", "fire_rescue", YANGGU, "inspector"),
    DemoAccount("yanggu_xf_liaison", "阳谷县消防救援大队联络员", "fire_rescue", YANGGU, "liaison"),
    DemoAccount("yanggu_sj", "阳谷县市场监督管理局执法人员", "market_regulation", YANGGU, "inspector"),
    DemoAccount("yanggu_wj", "阳谷县卫生健康局监督员", "health", YANGGU, "inspector"),
    # 财政 approves and pays subsidies, 审计 watches their use (funds; 002 附件 第5、13项).
    DemoAccount("yanggu_cz", "阳谷县财政局工作人员", "finance", YANGGU, "inspector"),
    DemoAccount("yanggu_audit", "阳谷县审计局审计人员", "audit", YANGGU, "inspector"),
    DemoAccount("bojiqiao_mz", "博济桥街道民政工作人员", "civil_affairs", BOJIQIAO, "inspector"),
    # 三员分立 (supervision/accounts/roles.py): the platform's three administrators, at the
    # city's civil-affairs bureau; none of them sees or acts on business data.
    *(
        DemoAccount(username, name, "civil_affairs", LIAOCHENG, username)
        for username, name in (
            ("sysadmin", "聊城市民政局系统管理员"),
            ("secadmin", "聊城市民政局安全管理员"),
            ("auditadmin", "聊城市民政局审计管理员"),
        )
    ),
]
SUPERUSER = "admin"
# Contact person and phone printed on the demo counties' documents (联系人、联系电话).
DEMO_CONTACTS: dict[str, dict[str, tuple[str, str]]] = {
    YANGGU: {
        "civil_affairs": ("王敏", "0635-6212345"),
        "fire_rescue": ("李强", "0635-6219119"),
        "market_regulation": ("张华", "0635-6213315"),
        "health": ("刘洋", "0635-6215120"),
    },
    DONGCHANGFU: {"civil_affairs": ("赵静", "0635-8412345")},
}


def demo_modules() -> Iterator[ModuleType]:
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
            continue
        if hasattr(module, "seed"):
            yield module


def _ensure_reference_data() -> None:
    from .management.reference import load_reference_data
    from .models import Department, Region

    if not (
        Region.objects.filter(code=YANGGU).exists() and Department.objects.filter(code="health").exists()
    ):
        load_reference_data()


@transaction.atomic
def seed(stdout: Any = None) -> None:
    """Create the demo accounts and their posts; running it again changes nothing
    (an existing account keeps its password)."""
    from .models import Assignment, Department, Region, User

    _ensure_reference_data()
    # One hash for every new account: they share the password anyway, and hashing it once
    # instead of sixteen times keeps seed_demo (and its tests) fast.
    password_hash = make_password(DEMO_PASSWORD)
    departments = {d.code: d for d in Department.objects.all()}
    regions = {r.code: r for r in Region.objects.filter(code__in={a.region for a in DEMO_ACCOUNTS})}
    created = 0
    for account in DEMO_ACCOUNTS:
        user, was_created = User.objects.get_or_create(
            username=account.username,
            defaults={"display_name": account.display_name, "password": password_hash},
        )
        created += was_created
        Assignment.objects.get_or_create(
            user=user,
            department=departments[account.department],
            region=regions[account.region],
            role=account.role,
        )
    from .department_titles import seed_titles

    for code, contacts in DEMO_CONTACTS.items():
        seed_titles(Region.objects.get(code=code), contacts)
    _, was_created = User.objects.get_or_create(
        username=SUPERUSER,
        defaults={
            "display_name": "超级管理员",
            "is_staff": True,
            "is_superuser": True,
            "password": password_hash,
        },
    )
    created += was_created
    if stdout is not None:
        stdout.write(f"演示账号：新建 {created} 个，共 {len(DEMO_ACCOUNTS) + 1} 个。")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def accounts_table() -> str:
    """The demo accounts as a fixed-width table (CJK characters count double)."""
    from .models import User

    users = {
        u.username: u
        for u in User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS] + [SUPERUSER])
    }
    rows = [("用户名", "角色", "部门", "辖区")]
    for account in DEMO_ACCOUNTS:
        user = users.get(account.username)
        if user is None:
            continue
        for post in user.assignments.filter(active=True).select_related("department", "region"):
            rows.append(
                (user.username, post.get_role_display(), post.department.name, post.region.full_name())
            )
    if SUPERUSER in users:
        rows.append((SUPERUSER, "超级管理员（仅限后台与应急）", "—", "全部"))
    widths = [max(_width(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(_cell(value, widths[i]) for i, value in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
