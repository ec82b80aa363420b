from typing import Any

from django.conf import settings


def portal(request: Any) -> dict[str, Any]:
    """Values every page needs: the portal name and the user's assignments."""
    user = getattr(request, "user", None)
    assignments = user.active_assignments() if user is not None and user.is_authenticated else []
    return {"PORTAL_NAME": "养老服务综合监管平台", "assignments": assignments, "DEBUG": settings.DEBUG}
