"""What every staff page of funds shares: the list base (heading, section, the "new" button
for posts that could create), the object fetched in scope and judged by the write policy, and
one shape for a POSTed action (form, one service call, a message, back to the page)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest

from supervision.core import policy
from supervision.core.models import Region
from supervision.core.scoping import ScopedQuerySet, get_visible_or_404
from supervision.core.web import ScopedListView

M = TypeVar("M", bound=Model)


def error_text(exc: ValidationError) -> str:
    return "；".join(str(m) for m in exc.messages)


def form_errors(form: Any, exc: ValidationError) -> None:
    """A service's ValidationError on the form: per field where the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error_text(exc))


class FundsList(ScopedListView):
    """A funds list page: its heading and menu section, and its "new" button."""

    heading = ""
    section = ""
    # (model, action) of the list's "new" button, shown only to posts that could create one.
    create: tuple[type, str] | None = None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = self.heading
        ctx["section"] = self.section
        if self.create is not None:
            ctx["may_create"] = policy.can_ever(self.request.user, *self.create)
        return ctx


def acted_on(request: HttpRequest, qs: ScopedQuerySet[M], pk: int, action: str) -> M:
    """The object in the user's scope (else 404) that the write policy lets them ``action``
    (else 403 with the reason), asked before the form is read."""
    obj = get_visible_or_404(qs, request.user, pk=pk)
    policy.require(request.user, obj, action)
    return obj


def run(request: HttpRequest, fn: Callable[[], Any], success: str) -> bool:
    """Call the service; its ValidationError becomes the page's error message."""
    try:
        fn()
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return False
    messages.success(request, success)
    return True


def post_form(
    request: HttpRequest, form: Any, invalid: str, call: Callable[[dict[str, Any]], Any], success: str
) -> bool:
    """A POSTed action's form: ``invalid`` if it does not validate, else the service with the
    cleaned data (``run``)."""
    if not form.is_valid():
        messages.error(request, invalid)
        return False
    return run(request, lambda: call(form.cleaned_data), success)


def user_county(user: Any) -> Region | None:
    """The county (level 3) of the user's post, for the pages that act on a county's quarter or
    list; a superuser takes the first county."""
    for a in user.active_assignments():
        region = a.region
        if region.level == 3:
            return region
        for node in region.ancestors():
            if node.level == 3:
                return node
    return Region.objects.filter(level=3).first() if user.is_superuser else None
