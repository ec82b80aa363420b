from typing import Any

from django.conf import settings


def portal(request: Any) -> dict[str, Any]:
    """Values every page needs: the portal name and the user's assignments."""
    user = getattr(request, "user", None)
    assignments = user.active_assignments() if user is not None and user.is_authenticated else []
    # Policy pages (政策指南) are managed by lead-department administrators: same rule as
    # supervision.publicity.services.can_manage_policies, from the assignments already loaded.
    manages_policies = bool(user is not None and user.is_authenticated and user.is_superuser) or any(
        a.department.is_lead and a.role == "admin" for a in assignments
    )
    return {
        "PORTAL_NAME": "养老服务综合监管平台",
        "assignments": assignments,
        "DEBUG": settings.DEBUG,
        "CAN_MANAGE_POLICIES": manages_policies,
    }
