"""The institution page's funds tab (资金监管, ``institutions.dossier``): the subsidy claims,
open fund flags and recovery orders of the institution as far as the user sees them, and the
recovery notices in the page's documents tab."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from institutions.dossier import register_document_source, register_tab


def _claims(user: Any, inst: Any) -> Any:
    from .models import SubsidyClaim

    return SubsidyClaim.objects.visible_to(user).filter(institution=inst)


def funds_count(user: Any, inst: Any) -> int:
    return _claims(user, inst).count()


def funds_render(request: Any, inst: Any) -> tuple[str, dict[str, Any]]:
    from .models import FlagStatus, FundFlag, RecoveryOrder

    user = request.user
    claims = _claims(user, inst).select_related("programme").order_by("-period_start", "-pk")[:50]
    flags = (
        FundFlag.objects.visible_to(user)
        .filter(institution=inst)
        .exclude(status=FlagStatus.CLOSED)
        .order_by("-created_at")[:20]
    )
    orders = RecoveryOrder.objects.visible_to(user).filter(institution=inst).select_related("claim")
    return "funds/file_tab.html", {"claims": list(claims), "flags": list(flags), "orders": list(orders)}


def recovery_documents(user: Any, inst: Any) -> Q | None:
    from .models import RecoveryOrder

    orders = RecoveryOrder.objects.visible_to(user).filter(institution=inst)
    ct = ContentType.objects.get_for_model(RecoveryOrder)
    return Q(pk__in=orders.exclude(document__isnull=True).values("document_id")) | Q(
        content_type=ct, object_id__in=orders.values("pk")
    )


def register() -> None:
    register_tab("funds", "资金监管", 110, funds_count, funds_render)
    register_document_source(recovery_documents)
