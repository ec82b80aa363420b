"""Fund flags (资金疑点): the one way any funds check raises and closes a suspicion.

API (for ``funds.deposits`` and ``funds.fundraising`` too)::

    from funds.services.flags import register_flag_rule, flag_raise, flag_review

    # once, at import time of your rules module (AppConfig.ready imports it):
    register_flag_rule("deposit.over_cap", "押金超过地区上限", "000 （三）…", domain="fees")

    # raise (idempotent: the same rule on the same subject while unresolved returns the
    # existing flag, created=False; nothing is written twice):
    flag, created = flag_raise(
        institution=inst, rule="deposit.over_cap", reason="押金 5 万元，超过上限 3 万元",
        subject=escrow_account,            # any model row, or None for the institution itself
        claim=None,                        # a SubsidyClaim, for subsidy rules
        actor=SYSTEM,                      # default; a user when staff raise it by hand
    )

    # close with an outcome (FlagOutcome: confirmed / dismissed / corrected); asks the policy
    # (FundFlag.write_rules "review": 民政 or 财政 acting posts over the flag's region):
    flag_review(flag, actor, outcome="confirmed", note="经核实属实")
    flag_review(flag, actor, outcome="", note="…")   # outcome "" = start review (复核中)

``FundFlag.rule_label`` / ``rule_source`` read the registry; an unregistered code shows as
"未登记的规则（code）" rather than failing. ``domain`` of a rule decides who sees its flags
(``Scope(domain=...)``): ``fiscal_funds`` (default: 民政, 财政, 审计), ``fees`` (prepaid fees and
deposits), ``illegal_fundraising`` …; a domain code missing from the reference data leaves the
flag to the lead department (民政) only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from supervision.core import policy
from supervision.core.audit import create_audited
from supervision.core.models import Domain
from supervision.core.policy import SYSTEM
from supervision.core.transitions import transition

from ..models import FLAG_TRANSITIONS, FUNDS_DOMAIN, FlagOutcome, FlagStatus, FundFlag


@dataclass(frozen=True)
class FlagRule:
    code: str
    label: str
    source: str
    domain: str = FUNDS_DOMAIN


_RULES: dict[str, FlagRule] = {}


def register_flag_rule(code: str, label: str, source: str, *, domain: str = FUNDS_DOMAIN) -> FlagRule:
    """Name a flag rule in Chinese with the document it comes from (idempotent)."""
    rule = FlagRule(code=code, label=label, source=source, domain=domain)
    _RULES[code] = rule
    return rule


def flag_rules() -> dict[str, FlagRule]:
    return dict(_RULES)


def flag_rule_label(code: str) -> str:
    rule = _RULES.get(code)
    return rule.label if rule else f"未登记的规则（{code}）"


def flag_rule_source(code: str) -> str:
    rule = _RULES.get(code)
    return rule.source if rule else ""


def flag_rule_choices() -> list[tuple[str, str]]:
    return sorted(((r.code, r.label) for r in _RULES.values()), key=lambda c: c[0])


def subject_key(subject: models.Model | None, claim: Any = None) -> str:
    if subject is not None:
        return f"{subject._meta.label_lower}:{subject.pk}"
    if claim is not None:
        return f"claim:{claim.pk}"
    return ""


def _domain(code: str) -> Domain | None:
    return Domain.objects.filter(code=code).first()


def flag_raise(
    *,
    institution: Any,
    rule: str,
    reason: str,
    subject: models.Model | None = None,
    claim: Any = None,
    actor: Any = SYSTEM,
) -> tuple[FundFlag, bool]:
    """Raise a flag unless the same rule already flags the same subject unresolved."""
    if rule not in _RULES:
        raise LookupError(f"flag rule {rule!r} is not registered")
    key = subject_key(subject, claim)
    existing = (
        FundFlag.objects.unresolved().filter(rule=rule, institution=institution, subject_key=key).first()
    )
    if existing is not None:
        return existing, False
    if actor is not SYSTEM:
        policy.require(actor, FundFlag, "review", region=institution.region)
    flag = FundFlag(
        institution=institution,
        region=institution.region,
        domain=_domain(_RULES[rule].domain),
        rule=rule,
        reason=reason,
        claim=claim,
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=subject.pk if subject is not None else None,
        subject_key=key,
    )
    try:
        with transaction.atomic():
            create_audited(flag, policy.as_user(actor), "flag")
    except IntegrityError:
        # Raised concurrently by another run: the partial unique constraint kept one.
        return FundFlag.objects.unresolved().get(rule=rule, institution=institution, subject_key=key), False
    return flag, True


def flag_review(flag: FundFlag, actor: Any, *, outcome: str, note: str) -> FundFlag:
    """Start the review (``outcome=""``: 复核中) or close the flag with an outcome and a note."""
    if outcome and outcome not in FlagOutcome.values:
        raise ValidationError({"outcome": "请选择复核结论。"})
    if outcome and not (note or "").strip():
        raise ValidationError({"outcome_note": "请填写复核说明。"})
    target = FlagStatus.CLOSED if outcome else FlagStatus.UNDER_REVIEW
    with transaction.atomic():
        locked, _changed = transition(
            flag,
            target,
            step="review_flag",
            actor=actor,
            action="review",
            table=FLAG_TRANSITIONS,
            field="status",
            updates={
                "outcome": outcome,
                "outcome_note": (note or "").strip(),
                "reviewed_by": policy.as_user(actor),
                "reviewed_at": timezone.now(),
            },
        )
    return locked
