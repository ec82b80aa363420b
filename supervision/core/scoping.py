"""The one row-level scoping mechanism.

A model declares ``scope = Scope(region=..., domain=..., department=...)`` and uses
``ScopedQuerySet`` as its manager; ``Model.objects.visible_to(user)`` then returns the rows
inside any of the user's assignments:

* the assignment's region subtree (division-code prefix), and
* the department's remit: the lead department (民政) sees every domain; a partner department
  sees rows whose domain is in its remit or that are assigned to it; rows with no domain
  (the registry itself) are visible to every department in the region;
* plus whatever a scope extension adds (e.g. objects referred to the user's department).

Superusers (系统管理员) see everything; a user without an active assignment sees nothing.
Out-of-scope objects answer 404 (``get_visible_or_404``), never 403.

An institution account (机构端, ``institutions/accounts``) holds no post: it sees exactly the rows
whose ``Scope.institution`` path leads to its own institution, and nothing of a model that names
no such path (complainants, working notes, draws, internal referrals …). The institutions app
registers the resolver that says which institution an account belongs to
(``register_institution_resolver``); the ground floor does not import it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.db.models import Q
from django.http import Http404

if TYPE_CHECKING:
    from .models import User

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Scope:
    """How a model maps onto jurisdiction and remit. Values are ORM lookup paths."""

    region: str
    domain: str | None = None
    department: str | None = None
    # Models whose visibility needs no remit check at all (e.g. registry rows)
    any_department: bool = False
    # ORM path from the model to its Institution ("institution", "notice__institution"; "self"
    # for the Institution itself). None: never visible to an institution account.
    institution: str | None = None


InstitutionResolver = Callable[[Any], "int | None"]
_institution_resolvers: list[InstitutionResolver] = []


def register_institution_resolver(fn: InstitutionResolver) -> InstitutionResolver:
    """The institutions app says which institution a user's account belongs to (or None)."""
    if fn not in _institution_resolvers:
        _institution_resolvers.append(fn)
    return fn


def institution_pk_of(user: Any) -> int | None:
    """The pk of the institution whose account ``user`` is; None for staff and the anonymous.

    Cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
        return None
    cached = getattr(user, "_institution_pk_cache", False)
    if cached is not False:
        return cached  # type: ignore[no-any-return]
    pk: int | None = None
    for fn in _institution_resolvers:
        pk = fn(user)
        if pk is not None:
            break
    with contextlib.suppress(AttributeError):  # a user object that takes no attributes
        user._institution_pk_cache = pk
    return pk


def institution_q(model: type[models.Model], institution_pk: int) -> Q:
    """What an institution account sees of ``model``: its own institution's rows, or nothing."""
    path = getattr(getattr(model, "scope", None), "institution", None)
    if path is None:
        return Q(pk__in=[])
    if path == "self":
        return Q(pk=institution_pk)
    return Q(**{f"{path}_id": institution_pk})


ScopeExtension = Callable[[type[models.Model], "User"], Q | None]
_extensions: list[ScopeExtension] = []


def register_scope_extension(fn: ScopeExtension) -> ScopeExtension:
    """Add a source of visibility beyond region+remit (used by referrals)."""
    _extensions.append(fn)
    return fn


def scope_q(model: type[models.Model], user: User) -> Q | None:
    """The Q object selecting what ``user`` may see of ``model``; None means everything."""
    if user.is_superuser:
        return None
    inst_pk = institution_pk_of(user)
    if inst_pk is not None:
        return institution_q(model, inst_pk)
    scope: Scope = model.scope  # type: ignore[attr-defined]
    q = Q(pk__in=[])
    for a in user.active_assignments():
        region_q = Q(**{f"{scope.region}__code__startswith": a.region.prefix})
        if (
            scope.any_department
            or a.department.is_lead
            or (scope.domain is None and scope.department is None)
        ):
            q |= region_q
            continue
        remit_q = Q(pk__in=[])
        if scope.domain is not None:
            remit_q |= Q(**{f"{scope.domain}__remits__department_id": a.department_id})
        if scope.department is not None:
            remit_q |= Q(**{f"{scope.department}_id": a.department_id})
        q |= region_q & remit_q
    for ext in _extensions:
        extra = ext(model, user)
        if extra is not None:
            q |= extra
    return q


class ScopedQuerySet(models.QuerySet[M]):
    """QuerySet with ``visible_to(user)``; every staff list, detail, export and API uses it."""

    def visible_to(self, user: Any) -> ScopedQuerySet[M]:
        if user is None or not user.is_authenticated:
            return self.none()
        q = scope_q(self.model, user)
        if q is None:
            return self
        # A remit join can repeat rows; filter by pk subquery to keep the outer query clean.
        if self.model.scope.domain is not None:  # type: ignore[attr-defined]
            return self.filter(pk__in=self.model._default_manager.filter(q).values("pk"))
        return self.filter(q)


def get_visible_or_404(queryset: ScopedQuerySet[M], user: Any, **lookup: Any) -> M:
    """Fetch one object the user may see; missing and forbidden look the same (404)."""
    try:
        return queryset.visible_to(user).get(**lookup)
    except queryset.model.DoesNotExist as exc:  # type: ignore[attr-defined]
        raise Http404("未找到或无权查看") from exc


def ensure_visible(user: Any, obj: models.Model) -> None:
    """Re-check scope inside a write transaction."""
    model = type(obj)
    if not model._default_manager.visible_to(user).filter(pk=obj.pk).exists():  # type: ignore[attr-defined]
        raise Http404("未找到或无权查看")
