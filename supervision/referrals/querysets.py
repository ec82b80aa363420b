"""Reads of referrals: the inbox and outbox of a user's departments, the clocks as columns, and
the scope extension that opens a referred subject to the receiving body."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import OuterRef, Q, Subquery

from supervision.core.scoping import ScopedQuerySet

if TYPE_CHECKING:
    from .models import Referral  # noqa: F401

RESPONSE_RULE = "referral.response"
SEND_RULE = "referral.send"


def body_q(user: Any, side: str) -> Q | None:
    """Q selecting referrals whose ``side`` body ("from" or "to") is a department at a region
    covered by one of the user's assignments, whatever the role (this is reading: who may act
    is ``Referral.write_rules``); None when the user has no assignment."""
    q: Q | None = None
    for a in user.active_assignments():
        part = Q(
            **{
                f"{side}_department_id": a.department_id,
                f"{side}_region__code__startswith": a.region.prefix,
            }
        )
        q = part if q is None else q | part
    return q


class ReferralQuerySet(ScopedQuerySet):
    """``visible_to`` (sender side by Scope, receiver side by the scope extension), plus the
    inbox/outbox and the clock columns."""

    def received_by(self, user: Any) -> ReferralQuerySet:
        """Referrals whose current receiving body is one of the user's posts (the inbox)."""
        from .models import RECEIVED_STATES

        if user.is_superuser:
            return self.filter(state__in=RECEIVED_STATES)
        q = body_q(user, "to")
        return self.filter(q, state__in=RECEIVED_STATES) if q is not None else self.none()

    def sent_by(self, user: Any) -> ReferralQuerySet:
        """Referrals sent (or drafted) by one of the user's posts (the outbox)."""
        if user.is_superuser:
            return self.all()
        q = body_q(user, "from")
        return self.filter(q) if q is not None else self.none()

    def with_clocks(self) -> ReferralQuerySet:
        """Annotate ``response_due`` / ``send_due``: the live clocks' due dates (None when met),
        one correlated subquery each, so lists sort by them without N+1."""
        from supervision.deadlines.models import LIVE_STATES, Deadline

        # By app label and model name, not by ContentType id: this queryset is built when the API
        # module is imported, and a fresh database has no content types yet.
        opts = self.model._meta
        live = Deadline.objects.filter(
            content_type__app_label=opts.app_label,
            content_type__model=opts.model_name,
            object_id=OuterRef("pk"),
            state__in=LIVE_STATES,
        )
        return self.annotate(
            response_due=Subquery(live.filter(rule__code=RESPONSE_RULE).order_by("due").values("due")[:1]),
            send_due=Subquery(live.filter(rule__code=SEND_RULE).order_by("due").values("due")[:1]),
        )


def referred_scope_extension(model: type[models.Model], user: Any) -> Q | None:
    """Scope extension (registered in apps.py): the receiving body sees the referral and its
    subject, whatever the subject's own scope says — one subquery, no per-row Python."""
    from .models import RECEIVED_STATES, Referral

    if user.is_superuser:
        return None
    rq = body_q(user, "to")
    if rq is None:
        return None
    if model is Referral:
        return rq & Q(state__in=RECEIVED_STATES)
    meta = getattr(model, "_meta", None)
    # Only integer keys can match ``object_id`` (and only real models have a content type).
    if meta is None or not isinstance(meta.pk, models.IntegerField):
        return None
    ct = ContentType.objects.get_for_model(model, for_concrete_model=False)
    ids = Referral.objects.filter(rq, content_type=ct, state__in=RECEIVED_STATES).values("object_id")
    return Q(pk__in=ids)
