"""The one write policy: who may do what to which object.

Reads are scoped by ``visible_to`` (``scoping.py``); seeing is not acting. Every write that
matters asks this module first, inside its transaction::

    require(actor, notice, "handle")          # raises Denied (403) with a Chinese reason
    if can(request.user, notice, "accept"):   # views and templates: which buttons to show
        ...

A model declares its rules beside its ``Scope``::

    write_rules = WriteRules(
        region="institution__region",         # where the object lies (default: Scope.region)
        department="issuing_department",      # the owning department (one path or several)
        domain="domain",                      # for the REMIT relation
        actions={
            "handle": (Allow(ACTING, OWNER),),
            "approve": (Allow(LEADERS, OWNER),),
            "coordinate": (Allow(ACTING, OWNER), Allow(ACTING, LEAD)),
        },
    )

An action is allowed when one of the actor's active posts (assignment: department, region,
role) satisfies one ``Allow`` of it: the post's role is among ``roles``, the object's region
lies in the post's jurisdiction, and the post's department stands in ``relation`` to the object:

* ``OWNER``: it is the object's owning department;
* ``LEAD``: it is the lead department (民政), which coordinates;
* ``REMIT``: the object's domain is in the department's remit (lead or responsible);
* ``ANY``: any department over the region (what every department may report);
* a callable ``(assignment, obj) -> bool`` for relations of one procedure (a referral's receiver);
  its ``label`` (a text, or a callable ``(obj) -> text``) names the body in refusals.

An institution account (机构端) holds no post, so every staff ``Allow`` refuses it. Only an
``Allow(INSTITUTION, OWN_INSTITUTION)`` admits it: when the object's institution (the path
``WriteRules.institution``, or ``institution=`` given for a create) is the account's own.

Tasks, sweeps and commands pass the explicit ``SYSTEM`` actor. A missing or anonymous actor is
refused, never taken for the system. Superusers (系统管理员) are allowed everything.
Objects the actor cannot see are not this module's business: they answer 404 before it is asked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied

# Posts (Assignment.role) that act; auditors (审计员) and liaisons (联络员) read.
ACTING: tuple[str, ...] = ("admin", "inspector", "leader")
LEADERS: tuple[str, ...] = ("leader",)
ADMINS: tuple[str, ...] = ("admin",)
# Liaisons (联络员, 004 附件2) carry messages between departments: they may send and receive
# referrals where a procedure's rules say so, never decide.
LIAISON: tuple[str, ...] = ("liaison",)

OWNER = "owner"
LEAD = "lead"
REMIT = "remit"
ANY = "any"
# The institution's own account acts on its own institution's objects (issue 17).
OWN_INSTITUTION = "own_institution"
# The "role" of an institution account in an Allow: it holds no post, only its institution.
INSTITUTION: tuple[str, ...] = ("institution",)

ROLE_LABELS = {
    "admin": "管理员",
    "inspector": "监管执法人员",
    "leader": "领导",
    "auditor": "审计员",
    "liaison": "联络员",
    "institution": "机构账户",
}

Relation = str | Callable[[Any, Any], bool]


class Denied(PermissionDenied):
    """A refused write: 403 with a Chinese reason (the API's ``detail``, the page's message)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


class SystemActor:
    """The explicit actor of tasks, sweeps and management commands (``SYSTEM``).

    It is not a user: audit rows record it as "系统" with no user id. Services that act for the
    system must be given it by name; ``None`` or an anonymous user is refused."""

    is_system = True
    is_authenticated = True
    is_anonymous = False
    is_superuser = False
    is_active = True
    pk = None
    id = None
    username = "system"
    display_name = "系统"

    def active_assignments(self) -> list[Any]:
        return []

    def __str__(self) -> str:
        return "系统"

    def __repr__(self) -> str:
        return "SYSTEM"

    def __reduce__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()


def is_system(actor: Any) -> bool:
    return actor is SYSTEM


def as_user(actor: Any) -> Any:
    """The user to store in ``created_by``-style foreign keys: None for the system."""
    return None if actor is SYSTEM else actor


@dataclass(frozen=True)
class Allow:
    """One way to be allowed an action: a post with one of ``roles`` in ``relation``."""

    roles: tuple[str, ...] = ACTING
    relation: Relation = OWNER
    # Whether the object's region must lie in the post's jurisdiction. Off only for rules whose
    # relation carries its own place (a referral's receiving region).
    in_region: bool = True


@dataclass(frozen=True)
class WriteRules:
    """A model's write rules. Paths are ``a__b`` attribute paths on the object."""

    actions: dict[str, tuple[Allow, ...]]
    region: str | None = None
    department: str | tuple[str, ...] | None = None
    domain: str | None = None
    # Path from the object to its Institution, for the OWN_INSTITUTION relation ("self" for the
    # Institution itself); default: the model's Scope.institution.
    institution: str | None = None
    # Chinese name of the object in refusals ("整改通知", "检查"…); default: verbose_name.
    label: str = ""
    # Extra text per action for the refusal ("已办结的检查不能修改" is a state rule, not this).
    reasons: dict[str, str] = field(default_factory=dict)


def follow(obj: Any, path: str | None) -> Any:
    """Follow ``a__b__c`` from ``obj``; None when any link is missing."""
    if obj is None or not path:
        return None
    value = obj
    for part in path.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def rules_of(target: Any) -> WriteRules:
    model = target if isinstance(target, type) else type(target)
    rules = getattr(model, "write_rules", None)
    if rules is None:
        raise LookupError(f"{model.__name__} declares no write_rules")
    return rules


def _region_path(target: Any, rules: WriteRules) -> str | None:
    if rules.region is not None:
        return rules.region
    scope = getattr(target, "scope", None)
    return getattr(scope, "region", None)


@dataclass
class Context:
    """What the rules are judged against: the object, or explicit values for a create."""

    obj: Any
    region: Any
    departments: list[Any]
    domain: Any

    def department_ids(self) -> set[int]:
        return {getattr(d, "pk", d) for d in self.departments if d is not None}


def context_for(target: Any, rules: WriteRules, **given: Any) -> Context:
    obj = None if isinstance(target, type) else target
    if "region" in given:
        region = given["region"]
    else:
        path = _region_path(target, rules)
        region = target if path == "self" else follow(obj, path)
    if "department" in given:
        departments = [given["department"]]
    else:
        paths = rules.department if isinstance(rules.department, tuple) else (rules.department,)
        departments = []
        for p in paths:
            value = follow(obj, p)
            if value is None:
                continue
            if hasattr(value, "all"):  # a many-to-many (an inspection's partner departments)
                departments.extend(value.all())
            else:
                departments.append(value)
    domain = given["domain"] if "domain" in given else follow(obj, rules.domain)
    return Context(obj=obj, region=region, departments=departments, domain=domain)


def _remit_covers(department: Any, domain: Any) -> bool:
    from .models import Remit, RemitRole

    if domain is None:
        return False
    return Remit.objects.filter(
        department=department, domain=domain, role__in=[RemitRole.LEAD, RemitRole.RESPONSIBLE]
    ).exists()


def _relation_holds(relation: Relation, assignment: Any, ctx: Context) -> bool:
    if relation == OWN_INSTITUTION:
        return False  # staff posts never stand in it
    if callable(relation):
        return bool(relation(assignment, ctx.obj))
    if relation == ANY:
        return True
    if relation == LEAD:
        return bool(assignment.department.is_lead)
    if relation == OWNER:
        return assignment.department_id in ctx.department_ids()
    if relation == REMIT:
        return bool(assignment.department.is_lead) or _remit_covers(assignment.department, ctx.domain)
    raise ValueError(f"unknown relation {relation!r}")


def _post_allows(allow: Allow, assignment: Any, ctx: Context) -> bool:
    if assignment.role not in allow.roles:
        return False
    if allow.in_region:
        region = ctx.region
        if region is None or not region.code.startswith(assignment.region.prefix):
            return False
    return _relation_holds(allow.relation, assignment, ctx)


def _who(allows: Iterable[Allow], ctx: Context) -> str:
    """Chinese description of who may act, for the refusal."""
    parts: list[str] = []
    for allow in allows:
        roles = "、".join(ROLE_LABELS.get(r, r) for r in allow.roles)
        if callable(allow.relation):
            body = getattr(allow.relation, "label", "承办部门")
            if callable(body):  # a label that names the body of this object ("接收部门（…）")
                body = body(ctx.obj)
        elif allow.relation == OWN_INSTITUTION:
            body = "本机构"
        elif allow.relation == OWNER:
            names = "、".join(str(d.name) for d in ctx.departments if hasattr(d, "name"))
            body = names or "主办部门"
        elif allow.relation == LEAD:
            body = "民政部门（牵头部门）"
        elif allow.relation == REMIT:
            body = "职责范围涵盖该领域的部门"
        else:
            body = "辖区内各部门"
        text = f"{body}的{roles}"
        if text not in parts:
            parts.append(text)
    return "或".join(parts)


def _institution_path(target: Any, rules: WriteRules) -> str | None:
    if rules.institution is not None:
        return rules.institution
    return getattr(getattr(target, "scope", None), "institution", None)


def _target_institution_pk(target: Any, rules: WriteRules, given: dict[str, Any]) -> Any:
    if "institution" in given:
        value = given["institution"]
        return getattr(value, "pk", value)
    if isinstance(target, type):
        return None
    path = _institution_path(target, rules)
    if path is None:
        return None
    if path == "self":
        return target.pk
    *links, last = path.split("__")
    holder = follow(target, "__".join(links)) if links else target
    return getattr(holder, f"{last}_id", None) if holder is not None else None


def _institution_decide(
    actor: Any,
    inst_pk: int,
    target: Any,
    action: str,
    allows: tuple[Allow, ...],
    rules: WriteRules,
    given: dict,
) -> tuple[bool, str]:
    """An institution account: only OWN_INSTITUTION allows, on its own institution's objects."""
    own = [a for a in allows if a.relation == OWN_INSTITUTION]
    model = target if isinstance(target, type) else type(target)
    label = rules.label or str(model._meta.verbose_name)  # type: ignore[attr-defined]
    if not own:
        return False, rules.reasons.get(action) or f"此{label}由主管部门办理，机构账户无权办理。"
    if _target_institution_pk(target, rules, given) == inst_pk:
        return True, ""
    return False, f"机构账户只能办理本机构的{label}。"


def decide(actor: Any, target: Any, action: str, **given: Any) -> tuple[bool, str]:
    """Whether ``actor`` may ``action`` on ``target`` and, if not, why (in Chinese)."""
    if actor is SYSTEM:
        return True, ""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False, "请先登录：未登录的请求不能办理任何事项。"
    if getattr(actor, "is_superuser", False):
        return True, ""
    rules = rules_of(target)
    allows = rules.actions.get(action)
    if allows is None:
        raise LookupError(f"{rules_of(target)} has no action {action!r}")
    from .scoping import institution_pk_of

    inst_pk = institution_pk_of(actor)
    if inst_pk is not None:
        return _institution_decide(actor, inst_pk, target, action, allows, rules, given)
    given.pop("institution", None)
    ctx = context_for(target, rules, **given)
    for assignment in actor.active_assignments():
        for allow in allows:
            if _post_allows(allow, assignment, ctx):
                return True, ""
    model = target if isinstance(target, type) else type(target)
    label = rules.label or str(model._meta.verbose_name)  # type: ignore[attr-defined]
    place = f"（{ctx.region.name}）" if getattr(ctx.region, "name", None) else ""
    reason = rules.reasons.get(action) or f"此{label}{place}须由{_who(allows, ctx)}办理，您的岗位无权办理。"
    return False, reason


def can(actor: Any, target: Any, action: str, **given: Any) -> bool:
    """For views and templates: whether to offer the action."""
    return decide(actor, target, action, **given)[0]


def require(actor: Any, target: Any, action: str, **given: Any) -> None:
    """Refuse with ``Denied`` (403, Chinese reason) unless ``actor`` may ``action`` on ``target``.

    Services call it first inside their transaction, on the row they locked; ``given`` supplies
    ``region``/``department``/``domain`` for a create whose object does not exist yet."""
    allowed, reason = decide(actor, target, action, **given)
    if not allowed:
        raise Denied(reason)


def can_ever(actor: Any, model: type, action: str) -> bool:
    """Whether any of the actor's posts could ``action`` some ``model`` row: the gate a create
    form or endpoint applies before reading its input (the service then decides on the row).
    Role and the lead relation are judged; region and ownership need the object."""
    if actor is SYSTEM or getattr(actor, "is_superuser", False):
        return True
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    allows = rules_of(model).actions.get(action)
    if allows is None:
        raise LookupError(f"{model.__name__} has no action {action!r}")
    from .scoping import institution_pk_of

    if institution_pk_of(actor) is not None:
        return any(a.relation == OWN_INSTITUTION for a in allows)
    for assignment in actor.active_assignments():
        for allow in allows:
            if allow.relation == OWN_INSTITUTION:
                continue
            if assignment.role not in allow.roles:
                continue
            if allow.relation == LEAD and not assignment.department.is_lead:
                continue
            return True
    return False


def require_ever(actor: Any, model: type, action: str) -> None:
    """``can_ever`` or ``Denied`` with the roles that may act."""
    if can_ever(actor, model, action):
        return
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise Denied("请先登录：未登录的请求不能办理任何事项。")
    rules = rules_of(model)
    label = rules.label or str(model._meta.verbose_name)  # type: ignore[attr-defined]
    from .scoping import institution_pk_of

    if institution_pk_of(actor) is not None:
        raise Denied(rules.reasons.get(action) or f"此{label}由主管部门办理，机构账户无权办理。")
    roles = sorted({r for allow in rules.actions[action] for r in allow.roles})
    who = "、".join(ROLE_LABELS.get(r, r) for r in roles)
    raise Denied(rules.reasons.get(action) or f"此{label}须由{who}办理，您的岗位无权办理。")
