"""One way to change state, and one abstract event model for the steps of a procedure.

Every state change of every procedure goes through ``transition``::

    with transaction.atomic():
        notice, changed = transition(
            notice, "accepted", step="accept", actor=actor, action="handle",
            table=NOTICE_TRANSITIONS, updates={"accepted_at": now},
            event=lambda n, frm, to: NoticeEvent(notice=n, ...),   # optional
            on_commit=[lambda: send_mail.delay(...)],
        )

It locks the row (``SELECT … FOR UPDATE OF self``), returns at once if the row is already in the
target state (a repeated click, a retried task), asks the write policy (``policy.require``) when
an ``action`` is named, refuses a step the table does not allow (in Chinese), saves only the
changed fields with ``update_fields``, writes one audit entry (actor, verb, before → after) and,
when given, one event row, and queues follow-up work for after the commit.

The transition table is ``{(from, to): step}`` or ``{(from, to): (step, …)}`` declared beside the
model; step labels for messages and the audit page come from ``register_verbs``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from . import policy
from .audit import save_audited

M = TypeVar("M", bound=models.Model)

# Chinese labels of every audited verb, registered by each app (``register_verbs``).
VERB_LABELS: dict[str, str] = {}
# Labels of one model's steps, where a verb means something else there ("respond": 反馈办理结果
# on a referral, 报告整改情况 on a notice item): ``register_verbs(labels, model=Referral)``.
MODEL_VERB_LABELS: dict[str, dict[str, str]] = {}


def _model_key(model: Any) -> str:
    return model if isinstance(model, str) else model._meta.label_lower


def register_verbs(labels: Mapping[str, Any], *, model: Any = None) -> None:
    """An app names its verbs in Chinese once; audit pages and refusals read them here. With
    ``model``, the labels apply to that model's transitions only (and win there)."""
    if model is None:
        VERB_LABELS.update(labels)
    else:
        MODEL_VERB_LABELS.setdefault(_model_key(model), {}).update(labels)


def verb_label(verb: str, model: Any = None) -> str:
    if model is not None:
        own = MODEL_VERB_LABELS.get(_model_key(model), {})
        if verb in own:
            return str(own[verb])
    if verb in VERB_LABELS:
        return str(VERB_LABELS[verb])
    from .present import DEFAULT_VERB_LABELS  # the shared verbs: never the code shown as text

    return DEFAULT_VERB_LABELS.get(verb, verb)


def _allowed(table: Mapping[tuple[str, str], Any], frm: str, to: str, step: str) -> bool:
    value = table.get((frm, to))
    if value is None:
        return False
    if isinstance(value, str):
        return value == step or step == ""
    return step in value or step == ""


def transition(
    obj: M,
    target: str,
    *,
    step: str,
    actor: Any,
    table: Mapping[tuple[str, str], Any],
    field: str = "state",
    action: str | None = None,
    updates: Mapping[str, Any] | None = None,
    event: Callable[[M, str, str], models.Model | None] | None = None,
    on_commit: Iterable[Callable[[], Any]] = (),
    state_label: Callable[[M], str] | None = None,
    repeat: bool = False,
) -> tuple[M, bool]:
    """Move ``obj`` to ``target``; returns (the locked row, whether anything changed).

    Must run inside ``transaction.atomic``. ``action`` (e.g. "handle") is checked against the
    model's ``write_rules`` on the locked row before anything else; ``None`` means the caller
    already asked the policy (a service that checks once for several rows). ``repeat`` lets a
    step the table allows from a state to itself run again with its ``updates`` (a referral
    re-routed once more stays 已转办) instead of being taken for a repeated click; the caller
    then keeps its own no-op guard."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("transition() must run inside transaction.atomic")
    model = type(obj)
    locked = model._default_manager.select_for_update(of=("self",)).get(pk=obj.pk)
    if action is not None:
        policy.require(actor, locked, action)
    current = getattr(locked, field)
    if current == target and not (repeat and _allowed(table, current, target, step)):
        return locked, False
    if not _allowed(table, current, target, step):
        shown = state_label(locked) if state_label else _display(locked, field)
        raise ValidationError(
            _("当前状态为“%(state)s”，不能执行“%(step)s”。")
            % {"state": shown, "step": verb_label(step, model)},
            code="transition_not_allowed",
        )
    before: dict[str, Any] = {field: current}
    for name, value in (updates or {}).items():
        before[name] = getattr(locked, name)
        setattr(locked, name, value)
    setattr(locked, field, target)
    save_audited(locked, policy.as_user(actor), step, before)
    if event is not None:
        row = event(locked, current, target)
        if row is not None:
            row.save()
    for fn in on_commit:
        transaction.on_commit(fn)
    # Keep the caller's instance in step with the row it passed in.
    for name in before:
        setattr(obj, name, getattr(locked, name))
    return locked, True


def _display(obj: models.Model, field: str) -> str:
    getter = getattr(obj, f"get_{field}_display", None)
    return str(getter()) if callable(getter) else str(getattr(obj, field))


class StepEvent(models.Model):
    """One step of a procedure: who did what, when, from which state to which, with a note.

    The timeline shown on an object's page; the field-level diff is in the audit log. Concrete
    event models add the foreign key to their subject (and any extra columns they need)."""

    step = models.CharField(_("步骤"), max_length=20)
    from_state = models.CharField(_("原状态"), max_length=20, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.step} → {self.to_state}"

    @property
    def step_label(self) -> str:
        return verb_label(self.step)

    @property
    def actor_label(self) -> str:
        return str(self.actor) if self.actor_id else "系统"
