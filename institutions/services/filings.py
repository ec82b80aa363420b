"""Filing (备案, 《养老机构管理办法》 art. 11) and its on-site verification, change filings, and
the discovery of an unfiled institution taking in residents.

Clocks: ``filing.onsite_check`` (20 working days after filing) and ``unfiled.onsite_check``
(20 working days after an unfiled institution is found taking in residents)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from supervision.core import policy
from supervision.core.audit import plain
from supervision.files import store as files

from ..models import Filing, FilingKind, Institution, InstitutionStatus, OnsiteCheck, OnsiteResult
from . import common
from .common import RULE_FILING_CHECK, RULE_UNFILED_CHECK, _create, _save, _transition

# Registry fields a change filing (变更备案) may change.
CHANGE_FILING_FIELDS = (
    "name",
    "address",
    "beds",
    "floor_area",
    "premises_ownership",
    "contact_phone",
    "complaint_phone",
    "service_items",
    "fee_standards",
)


def filing_submit(
    inst: Institution,
    *,
    actor: Any,
    submitted_on: dt.date,
    commitment_text: str,
    certificate_number: str,
    applicant: str = "",
    certificate_file: Any = None,
    note: str = "",
    policy_action: str = "keep",
) -> Filing:
    """Record a filing (application, registration certificate, written credit commitment),
    move the institution to 已备案 and open the 20-working-day on-site verification clock.
    ``certificate_file`` (the scan: an upload, a file or bytes) is kept in the private file store.
    ``policy_action="file"``: the institution's own account files online (institutions/portal)."""
    from .reports import drill_clocks_open

    with transaction.atomic():
        current = Institution.objects.select_for_update().get(pk=inst.pk)
        policy.require(actor, current, policy_action)
        missing = {}
        if not (commitment_text or "").strip():
            missing["commitment_text"] = "备案材料不齐：缺少书面信用承诺书。"
        if not (certificate_number or "").strip():
            missing["certificate_number"] = "备案材料不齐：缺少登记证书编号。"
        if missing:
            raise ValidationError(missing)
        if current.status == InstitutionStatus.FILED:
            raise ValidationError("该机构已备案；备案事项变化请办理变更备案。")
        if current.status == InstitutionStatus.UNREGISTERED:
            raise ValidationError("未登记机构不能备案：请先督促其依法办理登记。")
        locked, _changed = _transition(current, InstitutionStatus.FILED, "file", actor, action=policy_action)
        # The scan (an image or a PDF by its content) goes to the private file store.
        with files.receive(
            certificate_file, accept=files.EVIDENCE, area="filings", actor=actor, field="certificate_file"
        ) as stored:
            filing = Filing(
                institution=locked,
                kind=FilingKind.INITIAL,
                submitted_on=submitted_on,
                applicant=applicant,
                certificate_number=certificate_number.strip(),
                certificate_file=stored.name if stored else "",
                commitment_text=commitment_text.strip(),
                note=note,
                created_by=policy.as_user(actor),
            )
            _create(filing, actor, "filing_submit")
            common._open_clock(locked, RULE_FILING_CHECK, submitted_on, note=f"备案 {submitted_on}")
            drill_clocks_open(locked, submitted_on)
    inst.status = locked.status
    return filing


def filing_change(
    inst: Institution, *, actor: Any, submitted_on: dt.date, changes: dict[str, Any], note: str = ""
) -> Filing | None:
    """变更备案: apply the changed filing facts and keep the diff in the filing history.
    Returns None when nothing actually changes."""
    with transaction.atomic():
        locked = Institution.objects.select_for_update().get(pk=inst.pk)
        policy.require(actor, locked, "keep")
        unknown = set(changes) - set(CHANGE_FILING_FIELDS)
        if unknown:
            raise ValidationError(f"以下事项不能通过变更备案修改：{', '.join(sorted(unknown))}")
        if locked.status != InstitutionStatus.FILED:
            raise ValidationError(
                f"机构当前状态为“{locked.get_status_display()}”，只有已备案机构可以办理变更备案。"
            )
        diff = {f: [getattr(locked, f), v] for f, v in changes.items() if getattr(locked, f) != v}
        if not diff:
            return None
        before = {f: old for f, (old, _new) in diff.items()}
        for f, (_old, new) in diff.items():
            setattr(locked, f, new)
        locked.full_clean()
        if "name" in diff:
            before["name_nonstandard"] = locked.name_nonstandard
        _save(locked, actor, "filing_change", before)
        filing = Filing(
            institution=locked,
            kind=FilingKind.CHANGE,
            submitted_on=submitted_on,
            changes={f: [plain(a), plain(b)] for f, (a, b) in diff.items()},
            note=note,
            created_by=policy.as_user(actor),
        )
        _create(filing, actor, "filing_change")
    return filing


def institution_discover_unfiled(
    inst: Institution, *, actor: Any, discovered_on: dt.date, residents: int | None = None, note: str = ""
) -> Institution:
    """An unregistered or unfiled institution is found taking in residents: record it and open
    the 20-working-day on-site check clock (003 1., 004 2.6: check and urge filing). Any
    department's acting post over the region may report it."""
    allowed = (
        InstitutionStatus.UNREGISTERED,
        InstitutionStatus.REGISTERED_NOT_FILED,
        InstitutionStatus.REGISTERED_NOT_OPERATING,
    )
    with transaction.atomic():
        locked = Institution.objects.select_for_update().get(pk=inst.pk)
        policy.require(actor, locked, "report")
        if locked.status not in allowed:
            raise ValidationError(f"机构当前状态为“{locked.get_status_display()}”，不属于未备案机构。")
        if locked.status == InstitutionStatus.REGISTERED_NOT_OPERATING:
            # The report is the authority for this step: it is operating after all.
            locked, _ = _transition(
                locked, InstitutionStatus.REGISTERED_NOT_FILED, "mark_operating", actor, action=None
            )
        if locked.unfiled_discovered_on == discovered_on and (
            residents is None or residents == locked.residents
        ):
            return locked
        before: dict[str, Any] = {"unfiled_discovered_on": locked.unfiled_discovered_on}
        locked.unfiled_discovered_on = discovered_on
        if residents is not None:
            before["residents"] = locked.residents
            locked.residents = residents
        _save(locked, actor, "discover_unfiled", before)
        common._open_clock(
            locked, RULE_UNFILED_CHECK, discovered_on, note=note or f"发现未备案开展服务 {discovered_on}"
        )
    return locked


def onsite_check_record(
    inst: Institution,
    *,
    actor: Any,
    checked_on: dt.date,
    inspectors: str,
    result: str,
    notes: str = "",
) -> OnsiteCheck:
    """Record an on-site verification; it meets the open filing/unfiled check clocks."""
    with transaction.atomic():
        locked = Institution.objects.select_for_update().get(pk=inst.pk)
        policy.require(actor, locked, "keep")
        check = OnsiteCheck(
            institution=locked,
            checked_on=checked_on,
            inspectors=inspectors,
            result=result,
            notes=notes,
            created_by=policy.as_user(actor),
        )
        _create(check, actor, "onsite_check")
        common._meet_clock(locked, RULE_FILING_CHECK, check, checked_on)
        common._meet_clock(locked, RULE_UNFILED_CHECK, check, checked_on)
        if result == OnsiteResult.NOT_OPERATING and locked.status == InstitutionStatus.REGISTERED_NOT_FILED:
            _transition(locked, InstitutionStatus.REGISTERED_NOT_OPERATING, "mark_not_operating", actor)
    return check
