"""Infrastructure handlers: every new audit row is chained (sealed after its transaction
commits, ``chain.append``), and every change of a user's groups or permissions is itself an
audit event. The request context (user, department, jurisdiction, IP, request id) comes from
the request being served, taken when the row is written."""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver

from supervision.core.models import SecurityEvent, User

from . import chain
from .context import current_request, current_request_id
from .models import Action

LOG_ACTIONS = {
    LogEntry.Action.CREATE: Action.CREATE,
    LogEntry.Action.UPDATE: Action.UPDATE,
    LogEntry.Action.DELETE: Action.DELETE,
    LogEntry.Action.ACCESS: Action.ACCESS,
}


def posts_of(user: Any) -> tuple[str, str]:
    """The departments and jurisdictions of a user's active posts (``;``-separated)."""
    if user is None or not getattr(user, "pk", None) or not hasattr(user, "active_assignments"):
        return "", ""
    # every active post, the 三员 administrator posts included (they hold no business scope)
    all_posts = getattr(user, "_all_active_posts", None)
    posts = all_posts() if callable(all_posts) else user.active_assignments()
    departments = dict.fromkeys(a.department.name for a in posts)
    regions = dict.fromkeys(a.region.name for a in posts)
    return "；".join(departments), "；".join(regions)


def context_for(user: Any, username: str = "", ip: str | None = None, at: Any = None) -> dict[str, Any]:
    from supervision.core.signals import client_ip

    request = current_request()
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and getattr(candidate, "is_authenticated", False):
            user = candidate
    department, jurisdiction = posts_of(user)
    return {
        "at": at,
        "user_id": getattr(user, "pk", None),
        "username": username or getattr(user, "username", "") or "",
        "department": department,
        "jurisdiction": jurisdiction,
        # the request's address by the portal's trusted-proxy rule first (auditlog's own
        # remote_addr believes any X-Forwarded-For a client sends)
        "ip_address": client_ip(request) or ip,
        "request_id": current_request_id(),
    }


ENCRYPTED_IN_DIFF = "（加密字段，已隐去）"


@receiver(pre_save, sender=LogEntry, dispatch_uid="audit_scrub_encrypted")
def scrub_encrypted_fields(sender: Any, instance: LogEntry, **kwargs: Any) -> None:
    """A row-change entry never carries the clear value of an encrypted field (ID and mobile
    numbers): whichever path wrote the diff (auditlog's own, or supervision/core/audit.py)."""
    from .fields import is_encrypted

    if instance.pk or not isinstance(instance.changes, dict):
        return
    model = ContentType.objects.get_for_id(instance.content_type_id).model_class()
    if model is None:
        return
    secret = set()
    for field in model._meta.concrete_fields:
        if is_encrypted(field):
            secret |= {field.name, field.attname}
    for name in secret & set(instance.changes):
        pair = instance.changes[name]
        if isinstance(pair, (list, tuple)):
            instance.changes[name] = [v if v in ("", "None", None) else ENCRYPTED_IN_DIFF for v in pair]
        else:
            instance.changes[name] = ENCRYPTED_IN_DIFF


@receiver(post_save, sender=LogEntry, dispatch_uid="audit_chain_logentry")
def chain_log_entry(sender: Any, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    model = ContentType.objects.get_for_id(instance.content_type_id).model_class()
    label = str(model._meta.verbose_name) if model is not None else ""
    # (a service's verb stays in the entry's additional_data: a code, not text for the page)
    text = f"{label}：{instance.object_repr}"
    actor = instance.actor if instance.actor_id else None
    context = context_for(actor, ip=instance.remote_addr, at=instance.timestamp)
    if not context["request_id"] and instance.cid:
        context["request_id"] = instance.cid
    chain.append(
        instance, action=LOG_ACTIONS.get(instance.action, Action.OTHER), object_text=text, context=context
    )


@receiver(post_save, sender=SecurityEvent, dispatch_uid="audit_chain_securityevent")
def chain_security_event(sender: Any, instance: SecurityEvent, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    user = instance.user if instance.user_id else None
    context = context_for(user, username=instance.username, ip=instance.ip_address, at=instance.at)
    chain.append(instance, action=instance.kind, object_text=instance.detail, context=context)


def _permission_event(detail: str, user: Any = None) -> None:
    from supervision.core.signals import record

    request = current_request()
    actor = getattr(request, "user", None) if request is not None else None
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    record(SecurityEvent.Kind.PERMISSION, request, actor, detail=detail)


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="audit_user_groups")
@receiver(m2m_changed, sender=User.user_permissions.through, dispatch_uid="audit_user_permissions")
@receiver(m2m_changed, sender=Group.permissions.through, dispatch_uid="audit_group_permissions")
def on_permissions_changed(
    sender: Any, instance: Any, action: str, pk_set: Any, model: Any, **kwargs: Any
) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    verb = {"post_add": "授予", "post_remove": "撤销", "post_clear": "清空"}[action]
    what = str(model._meta.verbose_name)
    ids = ",".join(str(pk) for pk in sorted(pk_set or ()))
    _permission_event(f"{instance._meta.verbose_name} {instance}：{verb}{what} {ids}".strip())
