"""三员分立 (separation of duties, GB/T 22239-2019 level 3): three administrator roles that no
one may hold together.

* 系统管理员 (``sysadmin``): accounts and configuration;
* 安全管理员 (``secadmin``): posts, permissions and lockouts;
* 审计管理员 (``auditadmin``): reads the audit trail, and nothing else.

They are roles of ``Assignment`` (a post at a department and region) so that granting one is
the same audited act as granting any post. None of them is a business post:
``User.active_assignments()`` leaves them out, so they see and do nothing in the procedures
(scoping and the write policy read only business posts). Exclusivity is enforced three times:
``Assignment.clean()`` (forms, the admin), ``grant_post`` (the one service that grants posts) and
a partial unique index (at most one active administrator post per user)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from supervision.core.models import SEPARATED_ROLES, Assignment, Role

SEPARATION_MESSAGE = "系统管理员、安全管理员、审计管理员三个岗位不得由一人兼任（三员分立）。"


def check_separation(post: Assignment) -> None:
    """Refuse an active administrator post for a user who holds another one."""
    if not post.active or post.role not in SEPARATED_ROLES or not post.user_id:
        return
    others = Assignment.objects.filter(user_id=post.user_id, active=True, role__in=SEPARATED_ROLES)
    if post.pk:
        others = others.exclude(pk=post.pk)
    held = [Role(r).label for r in others.values_list("role", flat=True).distinct()]
    if held:
        raise ValidationError(
            f"{SEPARATION_MESSAGE}该用户已担任{'、'.join(str(h) for h in held)}。",
            code="separation_of_duties",
        )


def may_manage_posts(actor: Any) -> bool:
    """Posts and permissions are the security administrator's (and the superuser's, /admin/)."""
    return bool(getattr(actor, "is_superuser", False) or getattr(actor, "is_security_admin", False))


def may_manage_accounts(actor: Any) -> bool:
    """Accounts (create, deactivate, initial passwords) are the system administrator's."""
    return bool(getattr(actor, "is_superuser", False) or getattr(actor, "is_system_admin", False))
