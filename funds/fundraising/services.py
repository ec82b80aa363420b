"""Every write of fund-raising risks: record, evidence, refer to 地方金融监管 and 公安 (through
``supervision.referrals``, which opens the 7-working-day ``referral.send`` clock and, once sent,
the receiver's ``referral.response`` clock), close, and the yearly screening of institutions.
Each service asks the write policy first inside its transaction and is audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from institutions.models import Institution, InstitutionStatus
from supervision.core import policy
from supervision.core.audit import create_audited
from supervision.core.models import LEVEL_PREFIX, Department, Domain, Region
from supervision.core.transitions import transition
from supervision.files import store
from supervision.referrals.models import OPEN_STATES, Referral
from supervision.referrals.services import referral_create, referrals_for

from .models import (
    FUNDRAISING_DOMAIN,
    RISK_TRANSITIONS,
    RiskEvidence,
    RiskItem,
    RiskKind,
    RiskLevel,
    RiskSource,
    RiskState,
    Screening,
    ScreeningResult,
)

# 000 (三): 地方金融监管、民政、公安部门要加强对以养老服务为名实施非法集资的风险排查; 002 附件
# 第3项: 公安 investigates fund-raising crimes. A risk goes to both, never to its own sender.
REFER_TO = ("local_financial_regulation", "public_security")


def fundraising_domain() -> Domain:
    domain, _created = Domain.objects.get_or_create(code=FUNDRAISING_DOMAIN, defaults={"name": "非法集资"})
    return domain


def _post_for(actor: Any, item: RiskItem | None, action: str, *, region: Region) -> tuple[Department, Region]:
    """The department and region the actor acts for: the first active post the policy allows
    (the recording body for a new item). The system acts for the item's own department."""
    if actor is policy.SYSTEM or getattr(actor, "is_superuser", False):
        if item is None:
            raise ValidationError("系统登记风险须指明登记部门。")
        return item.department, item.department_region
    for post in actor.active_assignments():
        if not region.code.startswith(post.region.prefix) or post.role not in policy.ACTING:
            continue
        if item is None or post.department.is_lead or post.department_id == item.department_id:
            return post.department, post.region
    raise policy.Denied("您的岗位无权办理此非法集资风险。")


def risk_record(
    *,
    actor: Any,
    region: Region,
    kind: str,
    source: str,
    level: str,
    description: str,
    found_on: dt.date,
    institution: Institution | None = None,
    institution_name: str = "",
    complaint_code: str = "",
    amount_involved: Decimal | None = None,
    people_involved: int | None = None,
    department: Department | None = None,
    department_region: Region | None = None,
) -> RiskItem:
    """登记非法集资风险 by any acting post over the place (inspectors, police, financial
    regulators); ``department``/``department_region`` only for the system (demo, imports)."""
    errors: dict[str, str] = {}
    if kind not in RiskKind.values:
        errors["kind"] = "请选择风险类型。"
    if source not in RiskSource.values:
        errors["source"] = "请选择线索来源。"
    if level not in RiskLevel.values:
        errors["level"] = "请选择风险等级。"
    if not (description or "").strip():
        errors["description"] = "请填写风险情况。"
    if found_on is None or found_on > timezone.localdate():
        errors["found_on"] = "发现日期不能为空，也不能晚于今天。"
    if source == RiskSource.COMPLAINT and not (complaint_code or "").strip():
        errors["complaint_code"] = "来源为投诉举报时请填写投诉查询码。"
    if institution is not None:
        region = institution.region
        institution_name = institution.name
    if not (institution_name or "").strip():
        errors["institution_name"] = "请选择机构或填写经营者名称。"
    with transaction.atomic():
        policy.require(actor, RiskItem, "record", region=region)
        if errors:
            raise ValidationError(errors)
        if department is None or department_region is None or actor is not policy.SYSTEM:
            department, department_region = _post_for(actor, None, "record", region=region)
        item = RiskItem(
            institution=institution,
            institution_name=institution_name.strip()[:200],
            region=region,
            domain=fundraising_domain(),
            kind=kind,
            source=source,
            complaint_code=(complaint_code or "").strip().upper()[:20],
            level=level,
            description=description.strip(),
            amount_involved=amount_involved,
            people_involved=people_involved,
            found_on=found_on,
            department=department,
            department_region=department_region,
            recorded_by=policy.as_user(actor),
        )
        return create_audited(item, policy.as_user(actor), "record_risk")


def risk_add_evidence(item: RiskItem, *, actor: Any, upload: Any, description: str = "") -> RiskEvidence:
    """补充证据: an image or PDF kept in the private file store."""
    if not upload:
        raise ValidationError({"file": "请选择证据文件。"})
    with transaction.atomic():
        locked = RiskItem.objects.select_for_update().get(pk=item.pk)
        policy.require(actor, locked, "evidence")
        with store.receive(
            upload, accept=store.EVIDENCE, area="fundraising", actor=policy.as_user(actor), field="file"
        ) as stored:
            assert stored is not None
            evidence = RiskEvidence(
                item=locked,
                path=stored.name,
                sha256=stored.sha256,
                original_name=stored.original_name,
                description=(description or "")[:200],
                uploaded_by=policy.as_user(actor),
            )
            return create_audited(evidence, policy.as_user(actor), "add_evidence")


def _evidence_summary(item: RiskItem) -> str:
    parts = [f"{e.original_name}（SHA-256 {e.sha256[:12]}…）" for e in item.evidence.all()]
    return "；".join(parts)


def risk_refer(item: RiskItem, *, actor: Any, note: str = "") -> list[Referral]:
    """移送: a referral (抄告) to 地方金融监管 and one to 公安 at the county, each with its clocks;
    idempotent per receiving department (an open referral of the item to it is kept)."""
    with transaction.atomic():
        locked = RiskItem.objects.select_for_update().get(pk=item.pk)
        policy.require(actor, locked, "refer")
        if locked.state == RiskState.CLOSED:
            raise ValidationError("已办结的风险不能再移送。")
        from_department, from_region = _post_for(actor, locked, "refer", region=locked.region)
        domain = locked.domain
        existing = referrals_for(locked).filter(state__in=OPEN_STATES)
        out: list[Referral] = []
        money = f"，涉及金额约 {locked.amount_involved:,.2f} 元" if locked.amount_involved else ""
        people = f"，涉及 {locked.people_involved} 人" if locked.people_involved else ""
        description = (
            f"{locked.get_kind_display()}（风险等级：{locked.get_level_display()}；线索来源："
            f"{locked.get_source_display()}{money}{people}）。{locked.description}"
            + (f"\n移送说明：{note.strip()}" if (note or "").strip() else "")
        )
        for code in REFER_TO:
            department = Department.objects.filter(code=code).first()
            if department is None or department.pk == from_department.pk:
                continue
            found = existing.filter(to_department=department).first()
            if found is not None:
                out.append(found)
                continue
            out.append(
                referral_create(
                    locked,
                    actor=actor,
                    domain=domain,
                    from_department=from_department,
                    from_region=from_region,
                    to_department=department,
                    title=f"涉嫌以养老服务为名非法集资：{locked.institution_name}",
                    description=description,
                    institution_name=locked.institution_name,
                    credit_code=(locked.institution.credit_code or "") if locked.institution else "",
                    evidence_summary=_evidence_summary(locked),
                    found_on=locked.found_on,
                )
            )
        if not out:
            raise ValidationError("参考数据中没有地方金融监管或公安部门，无法移送。")
        if locked.state == RiskState.OPEN:
            transition(
                locked,
                RiskState.REFERRED,
                step="refer_risk",
                actor=policy.as_user(actor),
                table=RISK_TRANSITIONS,
            )
        return out


def risk_close(item: RiskItem, *, actor: Any, outcome: str, on: dt.date | None = None) -> RiskItem:
    """办结: the handling result (e.g. the receivers' answers, 结果互认) and the day."""
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": "请填写处置结果。"})
    on = on or timezone.localdate()
    with transaction.atomic():
        locked, _changed = transition(
            item,
            RiskState.CLOSED,
            step="close_risk",
            actor=actor,
            action="close",
            table=RISK_TRANSITIONS,
            updates={"outcome": outcome, "closed_on": on},
        )
        return locked


def screening_record(
    *,
    institution: Institution,
    actor: Any,
    screened_on: dt.date,
    result: str,
    note: str = "",
    department: Department | None = None,
) -> Screening:
    """登记风险排查: the institution screened this year by the actor's department (once per
    department and year; a second entry corrects nothing and is refused)."""
    if result not in ScreeningResult.values:
        raise ValidationError({"result": "请选择排查结果。"})
    if screened_on > timezone.localdate():
        raise ValidationError({"screened_on": "排查日期不能晚于今天。"})
    with transaction.atomic():
        policy.require(actor, Screening, "record", region=institution.region)
        if actor is not policy.SYSTEM or department is None:
            department, _region = _post_for(actor, None, "record", region=institution.region)
        screening = Screening(
            institution=institution,
            domain=fundraising_domain(),
            year=screened_on.year,
            screened_on=screened_on,
            result=result,
            note=(note or "")[:300],
            department=department,
            recorded_by=policy.as_user(actor),
        )
        try:
            with transaction.atomic():
                return create_audited(screening, policy.as_user(actor), "record_screening")
        except IntegrityError as exc:
            raise ValidationError(
                {"screened_on": f"本部门已登记该机构 {screened_on.year} 年的排查。"}
            ) from exc


# --- coverage (004 (十): the screening campaign) ------------------------------------------------

OPERATING = (InstitutionStatus.FILED, InstitutionStatus.REGISTERED_NOT_FILED, InstitutionStatus.SUSPENDED)


@dataclass
class CoverageRow:
    region: Region
    institutions: int
    screened: int
    risks: int

    @property
    def rate(self) -> float:
        return round(100 * self.screened / self.institutions, 1) if self.institutions else 0.0


def coverage(parent: Region, year: int, *, risks_visible: Any) -> list[CoverageRow]:
    """Institutions in operation and those screened in ``year``, per child region of ``parent``
    (two grouped queries, whatever the number of regions)."""
    children = list(Region.objects.filter(parent=parent).order_by("code"))
    if not children:
        children = [parent]
    level = children[0].level
    width = LEVEL_PREFIX[level]
    from django.db.models.functions import Substr

    insts = (
        Institution.objects.filter(region__code__startswith=parent.prefix, status__in=OPERATING)
        .annotate(prefix=Substr("region__code", 1, width))
        .values("prefix")
        .annotate(
            n=Count("pk", distinct=True),
            screened=Count("pk", filter=Q(fundraising_screenings__year=year), distinct=True),
        )
    )
    risk_counts = (
        risks_visible.filter(region__code__startswith=parent.prefix, found_on__year=year)
        .annotate(prefix=Substr("region__code", 1, width))
        .values("prefix")
        .annotate(n=Count("pk"))
    )
    by_prefix = {row["prefix"]: row for row in insts}
    risks = {row["prefix"]: row["n"] for row in risk_counts}
    out = []
    for child in children:
        key = child.code[:width]
        row = by_prefix.get(key, {})
        out.append(CoverageRow(child, row.get("n", 0), row.get("screened", 0), risks.get(key, 0)))
    return out
