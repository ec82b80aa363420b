"""Drafting a referral (抄告) and its letter."""

from __future__ import annotations

import datetime as dt
from typing import Any

from auditlog.context import disable_auditlog
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction

from supervision.core import policy
from supervision.core.audit import audit
from supervision.core.models import Department, Domain, Region

from ..models import (
    Referral,
    ReferralEvent,
)
from ..querysets import RESPONSE_RULE, SEND_RULE
from .common import LETTER_TEMPLATE, _actor, county_of, responsible_department_for, today

# --- the steps -----------------------------------------------------------------------------


def referral_create(
    subject: models.Model,
    *,
    actor: Any,
    domain: Domain,
    from_department: Department,
    from_region: Region,
    title: str,
    description: str,
    institution_name: str = "",
    credit_code: str = "",
    evidence_summary: str = "",
    to_department: Department | None = None,
    to_region: Region | None = None,
    found_on: dt.date | None = None,
) -> Referral:
    """登记抄告 (draft) and open the sender's 7-working-day ``referral.send`` clock."""
    from supervision.deadlines.services import deadline_open

    with transaction.atomic():
        # The sending body drafts (its acting posts and its liaisons), judged before anything else.
        policy.require(actor, Referral(from_department=from_department, from_region=from_region), "create")
        title, description = (title or "").strip(), (description or "").strip()
        errors: dict[str, str] = {}
        if not title:
            errors["title"] = "请填写抄告事由。"
        if not description:
            errors["description"] = "请填写问题描述。"
        if errors:
            raise ValidationError(errors)
        found_on = found_on or today()
        if found_on > today():
            raise ValidationError({"found_on": "发现日期不能晚于今天。"})
        if to_department is None:
            to_department = responsible_department_for(domain, exclude=from_department)
            if to_department is None:
                raise ValidationError(
                    {"to_department": f"职责清单中没有负责“{domain.name}”的其他部门，请指定接收部门。"}
                )
        if to_department.pk == from_department.pk:
            raise ValidationError({"to_department": "问题属于本部门职责范围，无需抄告，请自行处理。"})
        to_region = to_region or county_of(from_region)
        r = Referral(
            content_type=ContentType.objects.get_for_model(subject, for_concrete_model=False),
            object_id=subject.pk,
            subject_repr=str(subject)[:200],
            title=title[:200],
            institution_name=institution_name[:200],
            credit_code=(credit_code or "").strip().upper()[:18],
            description=description,
            evidence_summary=(evidence_summary or "").strip(),
            domain=domain,
            found_on=found_on,
            from_department=from_department,
            from_region=from_region,
            created_by=_actor(actor),
            to_department=to_department,
            to_region=to_region,
        )
        with disable_auditlog():
            r.save()
        audit(
            r,
            _actor(actor),
            "create",
            {"state": (None, r.state), "to_department": (None, to_department.name)},
            created=True,
        )
        ReferralEvent.objects.create(
            referral=r, step="create", from_state="", to_state=r.state, actor=_actor(actor), note=title
        )
        deadline_open(
            r,
            SEND_RULE,
            found_on,
            department=from_department,
            region=from_region,
            note=f"抄告{r.receiver_name}：{title}",
        )
        return r


def letter_context(
    r: Referral, *, number: str = "", on: dt.date | None = None, contact: Any = None
) -> dict[str, Any]:
    """What the 抄告函 shows; the HTML preview and the PDF use the same template and context."""
    from supervision.deadlines.services import compute_due, rule_for

    on = on or r.sent_on or today()
    eff = rule_for(RESPONSE_RULE, region=r.to_region)
    try:
        due = compute_due(eff.unit, on, eff.amount).due
    except Exception:  # a calendar year not yet known: the letter states the period only
        due = None
    from supervision.core.department_titles import official_name
    from supervision.documents.services import issuer_context

    return {
        "r": r,
        "title": letter_title(r),
        "number": number or r.number,
        **issuer_context(r.from_department, r.from_region, user=contact or r.sent_by or r.created_by),
        "addressee": official_name(r.to_department, r.to_region),
        "on": on,
        "response_days": eff.amount,
        "response_unit": eff.rule.get_unit_display(),
        "response_due": due,
    }


def letter_title(r: Referral) -> str:
    """关于阳谷县中心敬老院消防安全问题的抄告函: the subject's name once, the matter without a
    trailing 抄告/抄告函 (the title already says what the letter is)."""
    import re

    subject = (r.institution_name or r.subject_repr or "").strip()
    matter = (r.title or "").strip()
    if subject:
        matter = matter.replace(subject, "")
    matter = re.sub(r"^(关于|对)", "", matter)
    matter = re.sub(r"(的)?(抄告函|抄告|函)$", "", matter).strip("，,、 ")
    if matter.endswith("的"):
        matter = matter[:-1]
    return f"关于{subject}{matter}的抄告函"


def referral_preview_html(r: Referral) -> str:
    from supervision.documents.services import render_html

    return render_html(LETTER_TEMPLATE, {**letter_context(r, number="（发出时编号）"), "preview": True})
