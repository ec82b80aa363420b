"""The generated write matrix: every write route, tried by every persona.

Every URL pattern of the portal (staff pages, function views, every API method and action) is
enumerated from the resolver and must appear in the hand-written table below, either as a write
route with the personas that may act, or among the routes that never write. A new route that is
in neither fails ``test_every_route_is_in_the_table``.

Each write is tried by each persona on the demo data, inside a savepoint that is rolled back, with
an empty payload: the write policy must answer *before* the input is read, so a persona that may
not act gets 403 (or 404 when the object is outside its scope, or the login page / 401 when it is
not signed in) whatever it sends, and a persona that may act gets past the policy (a form error,
a 400 naming a missing field, a refused state step, or the write itself). The expected personas
are written here by hand from the rules the documents and the README state, never read from the
policy itself.

Personas (demo accounts): lead inspector (阳谷县民政 监管人员), leader, admin, auditor, liaison of
阳谷县民政; partner departments fire rescue (xf, whose remit is fire safety) and market regulation
(sj, outside the fire remit); a township post (博济桥街道民政); the sibling county (东昌府区民政);
anonymous. The objects lie in a 阳谷县 township other than 博济桥, so the township post acts on
none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from supervision.core.models import User

pytestmark = pytest.mark.django_db

PERSONAS = {
    "lead": "yanggu_mz",
    "leader": "yanggu_leader",
    "admin": "yanggu_admin",
    "auditor": "yanggu_auditor",
    "liaison": "yanggu_liaison",
    "xf": "yanggu_xf",
    "sj": "yanggu_sj",
    "township": "bojiqiao_mz",
    "sibling": "dongchangfu_mz",
    # funds: 阳谷县财政 approves and pays subsidies; 阳谷县审计 reads the funds of its county only
    "cz": "yanggu_cz",
    "audit": "yanggu_audit",
    # 机构端 (issue 17): the account of 阳谷县福寿养老院; it holds no post.
    "institution": "yanggu_fushou",
    "anonymous": None,
}

# --- who may act: the hand-written expectations ---------------------------------------------------
CIVIL = frozenset({"lead", "leader", "admin"})  # 阳谷县民政's acting posts
LEADER = frozenset({"leader"})
FIRE = frozenset({"xf"})  # the fire-rescue inspector: owner of the demo's fire notice
# Other departments' acting posts. 财政 and 审计 (funds) pass the same post gates as 消防 and
# 市场监管 (a create or a report is judged on its ground by the service): the demo's 审计 post
# holds the 监管人员 role, so it is refused every object write but not these gates.
PARTNERS = frozenset({"xf", "sj", "cz", "audit"})
REPORTERS = CIVIL | PARTNERS  # what any department's acting post may report
SIGNED_IN = frozenset(PERSONAS) - {"anonymous"}
EVERYONE = frozenset(PERSONAS)
NOBODY: frozenset[str] = frozenset()
# A create is judged before its input names a place: the gate is the post (role, lead
# department); the region of the new row is then judged by the service (tests per app).
CIVIL_POSTS = CIVIL | {"township", "sibling"}
ACTING_POSTS = CIVIL_POSTS | PARTNERS
CIVIL_LIAISONS = frozenset({"liaison"})
FINANCE = frozenset({"cz"})  # 阳谷县财政's acting post (funds)


@dataclass(frozen=True)
class Write:
    """One write route: how to reach it and who may act."""

    method: str
    url: Callable[[Targets], str]
    allowed: frozenset[str]
    why: str = ""


class Targets:
    """Demo objects in 阳谷县 (outside 博济桥街道) that the routes act on."""

    OUTSIDE_TOWNSHIP = "371521001"  # 博济桥街道's code prefix

    def _in_yanggu(self, qs: Any, path: str) -> Any:
        yanggu = qs.filter(**{f"{path}__code__startswith": "371521"}).order_by("pk")
        obj = yanggu.exclude(**{f"{path}__code__startswith": self.OUTSIDE_TOWNSHIP}).first()
        if obj is None:
            # Only in 博济桥 in the demo (random draws decide some): move the row that holds the
            # region to another 阳谷 township (set-up, not a user write).
            from supervision.core.models import Region

            obj = yanggu.first()
            assert obj is not None, f"the demo has no {qs.model.__name__} in 阳谷县"
            other = (
                Region.objects.filter(code__startswith="371521", level=4)
                .exclude(code__startswith=self.OUTSIDE_TOWNSHIP)
                .order_by("code")
                .first()
            )
            *links, field = path.split("__")
            holder = obj
            for link in links:
                holder = getattr(holder, link)
            type(holder).objects.filter(pk=holder.pk).update(**{field: other})
            obj = type(obj).objects.get(pk=obj.pk)
        assert obj is not None, f"the demo has no {qs.model.__name__} in 阳谷县 outside 博济桥街道"
        return obj

    @cached_property
    def institution(self) -> Any:
        from institutions.models import Institution

        return self._in_yanggu(Institution.objects.filter(status="filed"), "region")

    @cached_property
    def inspection(self) -> Any:
        from inspections.models import Inspection

        return self._in_yanggu(
            Inspection.objects.filter(department__code="civil_affairs"), "institution__region"
        )

    @cached_property
    def plan(self) -> Any:
        from inspections.models import InspectionPlan

        return InspectionPlan.objects.filter(region__code="371521000000").order_by("pk").first()

    @cached_property
    def draw(self) -> Any:
        from inspections.models import Draw

        return Draw.objects.filter(plan=self.plan).order_by("pk").first()

    @cached_property
    def finding(self) -> Any:
        from inspections.models import Finding

        return self._in_yanggu(Finding.objects.all(), "inspection__institution__region")

    @cached_property
    def notice(self) -> Any:
        from inspections.rectification.models import RectificationNotice

        return RectificationNotice.objects.filter(issuing_department__code="fire_rescue").first()

    @cached_property
    def item(self) -> Any:
        return self.notice.items.order_by("pk").last()

    @cached_property
    def response(self) -> Any:
        from inspections.rectification.models import ItemResponse

        return ItemResponse.objects.filter(item__notice=self.notice).first()

    @cached_property
    def listing(self) -> Any:
        from inspections.rectification.models import ListedSupervision

        return ListedSupervision.objects.first()

    @cached_property
    def penalty(self) -> Any:
        from inspections.rectification.models import Penalty

        return Penalty.objects.first()

    @cached_property
    def suspension(self) -> Any:
        from inspections.rectification.models import SuspensionOrder

        order = SuspensionOrder.objects.filter(notice=self.notice).first()
        if order is None:
            order = SuspensionOrder.objects.create(notice=self.notice)
        return order

    @cached_property
    def staff(self) -> Any:
        from institutions.models import Staff

        return self._in_yanggu(Staff.objects.all(), "institution__region")

    @cached_property
    def complaint(self) -> Any:
        from inspections.complaints.models import Complaint

        return self._in_yanggu(Complaint.objects.filter(handling_department__code="civil_affairs"), "region")

    @cached_property
    def referral(self) -> Any:
        from supervision.referrals.models import Referral

        return self._in_yanggu(Referral.objects.filter(from_department__code="civil_affairs"), "from_region")

    @cached_property
    def proposal(self) -> Any:
        from credit.models import ListingProposal

        # the demo's published listing (the oldest); the institution side adds a newer one (issue 17)
        return ListingProposal.objects.order_by("pk").first()

    @cached_property
    def deadline(self) -> Any:
        from supervision.deadlines.models import Deadline

        return self._in_yanggu(
            Deadline.objects.filter(state="open", department__code="civil_affairs"), "region"
        )

    @cached_property
    def notification(self) -> Any:
        from supervision.deadlines.models import Notification

        note = Notification.objects.filter(user__username="yanggu_mz").first()
        if note is None:
            note = Notification.objects.create(
                user=User.objects.get(username="yanggu_mz"), title="测试通知", body="写入矩阵"
            )
        return note

    @cached_property
    def run(self) -> Any:
        from institutions.reconciliation.models import ReconciliationRun

        return ReconciliationRun.objects.first()

    @cached_property
    def row(self) -> Any:
        return self.run.rows.order_by("pk").first()

    @cached_property
    def work_item(self) -> Any:
        from institutions.reconciliation.models import WorkItem

        return self._in_yanggu(WorkItem.objects.all(), "region")

    # --- the institution's side (issue 17): the demo account of 阳谷县福寿养老院 --------------------
    @cached_property
    def institution_account(self) -> Any:
        from institutions.portal.models import InstitutionAccount

        accounts = InstitutionAccount.objects.filter(user__username="yanggu_fushou")
        return self._in_yanggu(accounts, "institution__region")

    @cached_property
    def disclosure_change(self) -> Any:
        from institutions.portal.models import DisclosureChange

        return self._in_yanggu(DisclosureChange.objects.filter(state="pending"), "institution__region")

    # --- the institution's side, part B (issue 17): what 阳谷县福寿养老院 answers ---------------
    @cached_property
    def fushou_notice(self) -> Any:
        from inspections.rectification.models import RectificationNotice

        notices = RectificationNotice.objects.filter(institution=self.institution_account.institution)
        return notices.filter(status="issued").order_by("pk").first()

    @cached_property
    def fushou_item(self) -> Any:
        return self.fushou_notice.items.filter(state__in=("pending", "rejected")).order_by("seq").first()

    @cached_property
    def fushou_proposal(self) -> Any:
        from credit.models import ListingProposal

        proposals = ListingProposal.objects.filter(institution=self.institution_account.institution)
        return proposals.filter(state="notified").order_by("pk").first()

    # --- 信用修复 of a penalty's publication (issue 17): a fine of 阳谷县福寿养老院 decided by
    # 阳谷县民政 seven months ago, and a pending application for it (set-up, not a user write) ---
    @cached_property
    def fushou_penalty(self) -> Any:
        import datetime as dt
        from decimal import Decimal

        from django.utils import timezone

        from inspections.rectification.models import Penalty
        from supervision.core.models import Department, Region

        today = timezone.localdate()
        return Penalty.objects.create(
            institution=self.institution_account.institution,
            department=Department.objects.get(code="civil_affairs"),
            region=Region.objects.get(code="371521000000"),
            decision_number="阳民罚决字〔矩阵〕1号",
            kind="fine",
            fine_amount=Decimal("5000"),
            facts="未按规定建立入住评估制度",
            legal_basis="《养老机构管理办法》第四十六条",
            decided_on=today - dt.timedelta(days=210),
            published_on=today - dt.timedelta(days=205),
            published_until=today + dt.timedelta(days=700),
        )

    @cached_property
    def fushou_repair(self) -> Any:
        from django.utils import timezone

        from inspections.rectification.models import PenaltyRepairApplication

        return PenaltyRepairApplication.objects.create(
            penalty=self.fushou_penalty,
            filed_at=timezone.now(),
            filed_by=self.institution_account.user,
            statement="已缴纳罚款并完成整改",
        )

    # --- county administration (县级管理员): an account and an inspector of 阳谷县民政 -------------
    @cached_property
    def county_user(self) -> Any:
        return User.objects.get(username="yanggu_liaison")

    @cached_property
    def county_inspector(self) -> Any:
        from inspections.models import Inspector

        return Inspector.objects.filter(department__code="civil_affairs", region__code="371521000000").first()

    @cached_property
    def policy_page(self) -> Any:
        from supervision.publicity.models import PolicyPage

        return PolicyPage.objects.first()

    # --- funds (subsidies): the demo's claims, flags, spot check and recovery in 阳谷县 --------------
    @cached_property
    def subsidy_claim(self) -> Any:
        from funds.models import SubsidyClaim

        return self._in_yanggu(SubsidyClaim.objects.filter(status="draft"), "region")

    @cached_property
    def subsidy_programme(self) -> Any:
        from funds.models import SubsidyProgramme

        return self._in_yanggu(SubsidyProgramme.objects.all(), "region")

    @cached_property
    def fund_flag(self) -> Any:
        from funds.models import FundFlag

        return self._in_yanggu(FundFlag.objects.filter(rule__startswith="subsidy."), "region")

    @cached_property
    def spot_round(self) -> Any:
        from funds.models import SpotCheckRound

        return self._in_yanggu(SpotCheckRound.objects.all(), "region")

    @cached_property
    def spot_item(self) -> Any:
        return self.spot_round.items.order_by("pk").first()

    @cached_property
    def recovery_order(self) -> Any:
        from funds.models import RecoveryOrder

        return self._in_yanggu(RecoveryOrder.objects.all(), "region")

    @cached_property
    def import_batch(self) -> Any:
        from funds.models import ImportBatch

        return self._in_yanggu(ImportBatch.objects.filter(kind="claim_lines"), "region")

    # --- funds (deposits, fund-raising risk): the demo's escrow accounts, flags and risk ---------
    @cached_property
    def escrow_account(self) -> Any:
        from funds.deposits.models import EscrowAccount

        return self._in_yanggu(EscrowAccount.objects.all(), "institution__region")

    @cached_property
    def fee_entry(self) -> Any:
        from funds.deposits.models import FeeEntry

        return self._in_yanggu(FeeEntry.objects.all(), "institution__region")

    @cached_property
    def deposit_flag(self) -> Any:
        from funds.deposits.views import DEPOSIT_RULES
        from funds.models import FundFlag

        return self._in_yanggu(FundFlag.objects.filter(rule__in=DEPOSIT_RULES), "region")

    @cached_property
    def risk(self) -> Any:
        from funds.fundraising.models import RiskItem

        return self._in_yanggu(RiskItem.objects.all(), "region")

    # --- campaigns (supervision/campaigns): the demo's 阳谷县 campaign and a township's part -------
    @cached_property
    def campaign(self) -> Any:
        from supervision.campaigns.models import Campaign

        return Campaign.objects.filter(region__code="371521000000").order_by("pk").first()

    @cached_property
    def campaign_assignment(self) -> Any:
        from supervision.campaigns.models import TaskAssignment

        pending = TaskAssignment.objects.filter(
            task__campaign=self.campaign, role="township", state="pending", department__code="civil_affairs"
        )
        return self._in_yanggu(pending, "region")

    # --- statistical reports and the 004 evaluation (issue 16, O2): 阳谷县's own monthly report and
    # 2026 evaluation (its civil affairs fills them), a township's monthly report outside 博济桥
    # (阳谷县 reviews it) ---------------------------------------------------------------------------
    @cached_property
    def county_report(self) -> Any:
        from supervision.reports.models import Report

        return Report.objects.get(format="monthly", region__code="371521000000", period_key="2026-11")

    @cached_property
    def township_report(self) -> Any:
        from supervision.reports.models import Report

        reports = Report.objects.filter(format="monthly", region__level=4, period_key="2026-11")
        return self._in_yanggu(reports, "region")

    @cached_property
    def evaluation(self) -> Any:
        from supervision.evaluation.models import Evaluation

        return Evaluation.objects.get(region__code="371521000000", year=2026)


def _web(method: str, path: str, allowed: frozenset[str], why: str = "") -> Write:
    return Write(method, lambda t, p=path: "/" + p.format(t=t), allowed, why)


def _api(method: str, path: str, allowed: frozenset[str], why: str = "") -> Write:
    return Write(method, lambda t, p=path: "/api/v1/" + p.format(t=t), allowed, why)


# The steps of a report or an evaluation (issue 16, O2): the reporting unit's, the level above's.
FILL_STEPS = ("edit", "refresh", "submit")
REVIEW_STEPS = ("approve", "return")

# Every write route, by URL name (and action/step where one pattern serves several writes).
WRITES: dict[str, list[Write]] = {
    # --- registry (institutions): civil affairs keeps it ---------------------------------------
    "institutions:create": [_web("POST", "institutions/new/", CIVIL_POSTS, "create: the post gates")],
    "institutions:edit": [_web("POST", "institutions/{t.institution.pk}/edit/", CIVIL)],
    "institutions:filing": [_web("POST", "institutions/{t.institution.pk}/filing/", CIVIL)],
    "institutions:filing_change": [_web("POST", "institutions/{t.institution.pk}/filing/change/", CIVIL)],
    "institutions:onsite_check": [_web("POST", "institutions/{t.institution.pk}/onsite-check/", CIVIL)],
    "institutions:discover_unfiled": [
        _web("POST", "institutions/{t.institution.pk}/discover-unfiled/", REPORTERS, "any department reports")
    ],
    "institutions:register": [_web("POST", "institutions/{t.institution.pk}/register/", CIVIL)],
    "institutions:appointment": [_web("POST", "institutions/{t.institution.pk}/appointment/", CIVIL)],
    "institutions:staff_create": [_web("POST", "institutions/{t.institution.pk}/staff/new/", CIVIL)],
    "institutions:rating": [_web("POST", "institutions/{t.institution.pk}/rating/", CIVIL)],
    "institutions:drill": [_web("POST", "institutions/{t.institution.pk}/drill/", REPORTERS)],
    "institutions:plan": [_web("POST", "institutions/{t.institution.pk}/plan/", REPORTERS)],
    "institutions:incident": [_web("POST", "institutions/{t.institution.pk}/incident/", REPORTERS)],
    "institutions:training": [_web("POST", "institutions/{t.institution.pk}/training/", CIVIL)],
    "institutions:suspend": [_web("POST", "institutions/{t.institution.pk}/suspend/", CIVIL)],
    "institutions:terminate": [_web("POST", "institutions/{t.institution.pk}/terminate/", CIVIL)],
    "institutions:status_action": [
        _web("POST", "institutions/{t.institution.pk}/status/" + a + "/", CIVIL)
        for a in ("mark_not_operating", "mark_operating", "resume")
    ],
    "institution-list": [_api("POST", "institutions/", CIVIL_POSTS)],
    "institution-detail": [
        _api("PATCH", "institutions/{t.institution.credit_code}/", CIVIL),
        _api("PUT", "institutions/{t.institution.credit_code}/", CIVIL),
    ],
    "filing-list": [_api("POST", "filings/", CIVIL_POSTS)],
    # --- registration lists (reconciliation) ----------------------------------------------------
    "reconciliation:upload": [_web("POST", "institutions/reconciliation/upload/", CIVIL_POSTS)],
    "reconciliation:mapping": [_web("POST", "institutions/reconciliation/runs/{t.run.pk}/mapping/", CIVIL)],
    "reconciliation:confirm": [_web("POST", "institutions/reconciliation/runs/{t.run.pk}/confirm/", CIVIL)],
    "reconciliation:discard": [_web("POST", "institutions/reconciliation/runs/{t.run.pk}/discard/", CIVIL)],
    "reconciliation:review": [_web("POST", "institutions/reconciliation/rows/{t.row.pk}/review/", CIVIL)],
    "reconciliation:item": [_web("POST", "institutions/reconciliation/items/{t.work_item.pk}/", CIVIL)],
    "reconciliation-run-list": [_api("POST", "reconciliation-runs/", CIVIL_POSTS)],
    "reconciliation-run-confirm": [_api("POST", "reconciliation-runs/{t.run.pk}/confirm/", CIVIL)],
    "reconciliation-run-discard": [_api("POST", "reconciliation-runs/{t.run.pk}/discard/", CIVIL)],
    "reconciliation-item-verify": [_api("POST", "reconciliation-items/{t.work_item.pk}/verify/", CIVIL)],
    # --- inspections: the inspecting department's acting posts --------------------------------
    "inspections:inspection_create": [_web("POST", "inspections/new/", ACTING_POSTS)],
    "inspections:checklist": [_web("POST", "inspections/{t.inspection.pk}/checklist/", CIVIL)],
    "inspections:inspection_action": [
        _web("POST", "inspections/{t.inspection.pk}/" + a + "/", CIVIL)
        for a in ("sign", "refuse", "confirm", "close", "publish", "evidence")
    ],
    "inspections:plan_create": [_web("POST", "inspections/plans/new/", ACTING_POSTS)],
    "inspections:draw_create": [_web("POST", "inspections/plans/{t.plan.pk}/draw/", CIVIL)],
    "inspections:draw_action": [
        _web("POST", "inspections/draws/{t.draw.pk}/" + a + "/", CIVIL)
        for a in ("execute", "reveal", "redraw")
    ],
    "inspections:finding_create": [_web("POST", "inspections/findings/new/", ACTING_POSTS)],
    "inspection-close": [_api("POST", "inspections/{t.inspection.pk}/close/", CIVIL)],
    "inspection-confirm": [_api("POST", "inspections/{t.inspection.pk}/confirm/", CIVIL)],
    "inspection-refuse-signature": [_api("POST", "inspections/{t.inspection.pk}/refuse-signature/", CIVIL)],
    "inspection-sign": [_api("POST", "inspections/{t.inspection.pk}/sign/", CIVIL)],
    "finding-list": [_api("POST", "findings/", ACTING_POSTS)],
    # --- rectification: the issuing department (fire rescue for the demo notice) --------------
    "rectification:notice_new": [_web("POST", "inspections/rectification/notices/new/", ACTING_POSTS)],
    "rectification:notice_issue": [
        _web("POST", "inspections/rectification/notices/{t.notice.pk}/issue/", FIRE)
    ],
    "rectification:notice_discard": [
        _web("POST", "inspections/rectification/notices/{t.notice.pk}/discard/", FIRE)
    ],
    "rectification:item_respond": [
        _web("POST", "inspections/rectification/items/{t.item.pk}/respond/", FIRE, "staff record the answer")
    ],
    "rectification:item_accept": [_web("POST", "inspections/rectification/items/{t.item.pk}/accept/", FIRE)],
    "rectification:item_reject": [_web("POST", "inspections/rectification/items/{t.item.pk}/reject/", FIRE)],
    "rectification:response_evidence": [
        _web("POST", "inspections/rectification/responses/{t.response.pk}/evidence/", FIRE)
    ],
    "rectification:suspension_approve": [
        _web(
            "POST",
            "inspections/rectification/suspensions/{t.suspension.pk}/approve/",
            NOBODY,
            "a leader of the issuing department (fire rescue has none in the demo)",
        )
    ],
    "rectification:listing_new": [
        _web(
            "POST",
            "inspections/rectification/listings/new/{t.finding.pk}/",
            CIVIL,
            "civil affairs coordinates",
        )
    ],
    "rectification:listing_progress": [
        _web("POST", "inspections/rectification/listings/{t.listing.pk}/progress/", CIVIL | FIRE)
    ],
    "rectification:listing_close": [
        _web("POST", "inspections/rectification/listings/{t.listing.pk}/close/", CIVIL | FIRE)
    ],
    "rectification:penalty_new": [_web("POST", "inspections/rectification/penalties/new/", ACTING_POSTS)],
    "rectification:penalty_appeal": [
        _web("POST", "inspections/rectification/penalties/{t.penalty.pk}/appeal/", FIRE)
    ],
    "rectification:penalty_end_publication": [
        _web("POST", "inspections/rectification/penalties/{t.penalty.pk}/end-publication/", FIRE)
    ],
    "rectification-accept": [_api("POST", "rectifications/{t.notice.pk}/accept/", FIRE)],
    "rectification-reject": [_api("POST", "rectifications/{t.notice.pk}/reject/", FIRE)],
    "rectification-respond": [_api("POST", "rectifications/{t.notice.pk}/respond/", FIRE)],
    "penalty-list": [_api("POST", "penalties/", ACTING_POSTS)],
    "penalty-appeal": [_api("POST", "penalties/{t.penalty.pk}/appeal/", FIRE)],
    "penalty-end-publication": [_api("POST", "penalties/{t.penalty.pk}/end-publication/", FIRE)],
    # --- complaints: the handling department ---------------------------------------------------
    "complaints:hotline": [
        _web("POST", "inspections/complaints/hotline/", CIVIL_POSTS, "民政 takes 12345 orders")
    ],
    "complaints:from_referral": [_web("POST", "inspections/complaints/from-referral/", ACTING_POSTS)],
    "complaints:reassign": [_web("POST", "inspections/complaints/{t.complaint.pk}/reassign/", CIVIL)],
    "complaints:merge": [_web("POST", "inspections/complaints/{t.complaint.pk}/merge/", CIVIL)],
    "complaints:reply": [_web("POST", "inspections/complaints/{t.complaint.pk}/reply/", CIVIL)],
    "complaints:inspect": [_web("POST", "inspections/complaints/{t.complaint.pk}/inspect/", CIVIL)],
    "complaints:step": [
        _web("POST", "inspections/complaints/{t.complaint.pk}/" + s + "/", CIVIL) for s in ("start", "close")
    ],
    "complaint-hotline": [_api("POST", "complaints/hotline/", CIVIL_POSTS)],
    # Unmasking personal data (an audit entry, with a reason): the complaint's handlers; a staff
    # member's ID number: the registry's keepers (civil affairs' acting posts over the county).
    "audit:reveal": [
        _web("POST", "audit/reveal/complainant/{t.complaint.pk}/", CIVIL, "the handling department"),
        _web("POST", "audit/reveal/staff-id/{t.staff.pk}/", CIVIL, "the registry's keepers"),
    ],
    "complaint-from-referral": [_api("POST", "complaints/from-referral/", ACTING_POSTS)],
    "complaint-close": [_api("POST", "complaints/{t.complaint.pk}/close/", CIVIL)],
    "complaint-merge": [_api("POST", "complaints/{t.complaint.pk}/merge/", CIVIL)],
    "complaint-reassign": [_api("POST", "complaints/{t.complaint.pk}/reassign/", CIVIL)],
    "complaint-reply": [_api("POST", "complaints/{t.complaint.pk}/reply/", CIVIL)],
    "complaint-start": [_api("POST", "complaints/{t.complaint.pk}/start/", CIVIL)],
    # --- credit: records and the listing procedure ---------------------------------------------
    "credit:proposal_new": [
        _web(
            "POST",
            "credit/institution/{t.institution.credit_code}/propose/",
            CIVIL | PARTNERS,
            "who supervises, lists: a partner on grounds in its remit (judged on the ground)",
        )
    ],
    "credit:proposal_step": [
        _web(
            "POST", "credit/proposals/{t.proposal.pk}/" + s + "/", LEADER if s.startswith("decide") else CIVIL
        )
        for s in (
            "notify",
            "object",
            "review",
            "decide",
            "publish",
            "apply_removal",
            "decide_removal",
            "withdraw",
        )
    ],
    "credit-record-list": [_api("POST", "credit-records/", ACTING_POSTS)],
    "blacklist-list": [_api("POST", "blacklist/", ACTING_POSTS, "partners list on grounds in their remit")],
    "blacklist-apply-removal": [_api("POST", "blacklist/{t.proposal.pk}/apply-removal/", CIVIL)],
    "blacklist-decide": [_api("POST", "blacklist/{t.proposal.pk}/decide/", LEADER)],
    "blacklist-notify": [_api("POST", "blacklist/{t.proposal.pk}/notify/", CIVIL)],
    "blacklist-object": [_api("POST", "blacklist/{t.proposal.pk}/object/", CIVIL)],
    "blacklist-publish": [_api("POST", "blacklist/{t.proposal.pk}/publish/", CIVIL)],
    "blacklist-remove": [_api("POST", "blacklist/{t.proposal.pk}/remove/", LEADER)],
    "blacklist-review": [_api("POST", "blacklist/{t.proposal.pk}/review/", CIVIL)],
    "blacklist-withdraw": [_api("POST", "blacklist/{t.proposal.pk}/withdraw/", CIVIL)],
    # --- referrals: the sender drafts and sends (liaisons carry it), the receiver answers --------
    "referrals:new": [_web("POST", "referrals/new/", ACTING_POSTS | {"liaison"})],
    "referrals:step": [
        _web("POST", "referrals/{t.referral.pk}/" + s + "/", allowed)
        for s, allowed in (
            ("send", CIVIL | CIVIL_LIAISONS),
            ("recognise", CIVIL),
            ("cancel", CIVIL),
        )
    ],
    "referral-send": [_api("POST", "referrals/{t.referral.pk}/send/", CIVIL | CIVIL_LIAISONS)],
    "referral-recognise": [_api("POST", "referrals/{t.referral.pk}/recognise/", CIVIL)],
    "referral-acknowledge": [
        _api("POST", "referrals/{t.referral.pk}/acknowledge/", FIRE, "the receiver (阳谷县消防救援)")
    ],
    "referral-respond": [
        _api("POST", "referrals/{t.referral.pk}/respond/", FIRE, "the receiver (阳谷县消防救援)")
    ],
    "referral-reroute": [
        _api("POST", "referrals/{t.referral.pk}/reroute/", FIRE, "the receiver (阳谷县消防救援)")
    ],
    # --- deadlines and notifications ------------------------------------------------------------
    "deadlines:waive": [_web("POST", "deadlines/{t.deadline.pk}/waive/", LEADER | {"admin"})],
    "deadline-waive": [_api("POST", "deadlines/{t.deadline.pk}/waive/", LEADER | {"admin"})],
    "deadlines:notification-read": [
        _web("POST", "deadlines/notifications/{t.notification.pk}/read/", frozenset({"lead"}), "own only")
    ],
    "deadlines:notifications-read-all": [_web("POST", "deadlines/notifications/read-all/", SIGNED_IN)],
    "notification-read": [_api("POST", "notifications/{t.notification.pk}/read/", frozenset({"lead"}))],
    "notification-read-all": [_api("POST", "notifications/read-all/", SIGNED_IN)],
    # --- funds (subsidies): 民政 files, reviews, checks and recovers; 财政 approves and pays --------
    # 阳谷县财政 ("cz") approves and pays, keeps programmes with 民政, reviews flags and records
    # repayments (funds/rules.py); 阳谷县审计 ("audit") writes nothing. A create is gated by the
    # post (the lead department for claims and imports; a programme may be kept by 民政 or 财政,
    # so any acting post passes the gate).
    "funds:claim_new": [_web("POST", "funds/claims/new/", CIVIL_POSTS, "create: the post gates")],
    "funds:claim_add_line": [_web("POST", "funds/claims/{t.subsidy_claim.pk}/lines/", CIVIL)],
    "funds:claim_import": [_web("POST", "funds/claims/{t.subsidy_claim.pk}/import/", CIVIL)],
    "funds:claim_submit": [_web("POST", "funds/claims/{t.subsidy_claim.pk}/submit/", CIVIL)],
    "funds:claim_review": [_web("POST", "funds/claims/{t.subsidy_claim.pk}/review/", CIVIL)],
    "funds:claim_approve": [_web("POST", "funds/claims/{t.subsidy_claim.pk}/approve/", FINANCE, "财政 only")],
    "funds:claim_pay": [_web("POST", "funds/claims/{t.subsidy_claim.pk}/pay/", FINANCE, "财政 only")],
    "funds:claim_recover": [_web("POST", "funds/claims/{t.subsidy_claim.pk}/recover/", CIVIL)],
    "funds:batch_apply": [_web("POST", "funds/imports/{t.import_batch.pk}/apply/", CIVIL)],
    "funds:batch_discard": [_web("POST", "funds/imports/{t.import_batch.pk}/discard/", CIVIL)],
    "funds:status_import": [_web("POST", "funds/status-lists/", CIVIL_POSTS, "create: the post gates")],
    "funds:programme_new": [_web("POST", "funds/programmes/new/", ACTING_POSTS, "create: 民政 or 财政")],
    "funds:programme_edit": [_web("POST", "funds/programmes/{t.subsidy_programme.pk}/", CIVIL | FINANCE)],
    "funds:flag_review": [_web("POST", "funds/flags/{t.fund_flag.pk}/review/", CIVIL | FINANCE)],
    "funds:round_open": [
        _web("POST", "funds/spot-checks/open/", CIVIL | {"sibling"}, "each county opens its own quarter")
    ],
    "funds:round_commit": [_web("POST", "funds/spot-checks/{t.spot_round.pk}/commit/", CIVIL)],
    "funds:round_draw": [_web("POST", "funds/spot-checks/{t.spot_round.pk}/draw/", CIVIL)],
    "funds:item_check": [_web("POST", "funds/spot-check-items/{t.spot_item.pk}/check/", CIVIL)],
    "funds:recovery_repay": [_web("POST", "funds/recovery/{t.recovery_order.pk}/repay/", CIVIL | FINANCE)],
    "funds:recovery_penalty": [_web("POST", "funds/recovery/{t.recovery_order.pk}/penalty/", CIVIL)],
    "subsidy-claim-list": [_api("POST", "subsidy-claims/", CIVIL_POSTS)],
    "subsidy-claim-lines": [_api("POST", "subsidy-claims/{t.subsidy_claim.pk}/lines/", CIVIL)],
    "subsidy-claim-submit": [_api("POST", "subsidy-claims/{t.subsidy_claim.pk}/submit/", CIVIL)],
    "subsidy-claim-review": [_api("POST", "subsidy-claims/{t.subsidy_claim.pk}/review/", CIVIL)],
    "subsidy-claim-approve": [_api("POST", "subsidy-claims/{t.subsidy_claim.pk}/approve/", FINANCE)],
    "subsidy-claim-pay": [_api("POST", "subsidy-claims/{t.subsidy_claim.pk}/pay/", FINANCE)],
    "subsidy-claim-recover": [_api("POST", "subsidy-claims/{t.subsidy_claim.pk}/recover/", CIVIL)],
    "fund-flag-review": [_api("POST", "fund-flags/{t.fund_flag.pk}/review/", CIVIL | FINANCE)],
    "spot-check-commit": [_api("POST", "spot-checks/{t.spot_round.pk}/commit/", CIVIL)],
    "spot-check-draw": [_api("POST", "spot-checks/{t.spot_round.pk}/draw/", CIVIL)],
    "recovery-order-repay": [_api("POST", "recovery-orders/{t.recovery_order.pk}/repay/", CIVIL | FINANCE)],
    # --- deposits in escrow: civil affairs keeps the register and runs the checks -----------------
    "deposits:account_new": [
        _web("POST", "funds/deposits/accounts/new/", CIVIL_POSTS, "create: the post gates")
    ],
    "deposits:balance_new": [_web("POST", "funds/deposits/accounts/{t.escrow_account.pk}/balance/", CIVIL)],
    "deposits:account_close": [_web("POST", "funds/deposits/accounts/{t.escrow_account.pk}/close/", CIVIL)],
    "deposits:balance_import": [_web("POST", "funds/deposits/balances/import/", CIVIL_POSTS)],
    "deposits:checks_run": [
        _web(
            "POST",
            "funds/deposits/checks/",
            CIVIL_POSTS,
            "each civil-affairs post checks its own jurisdiction",
        )
    ],
    "deposits:flag_respond": [_web("POST", "funds/deposits/flags/{t.deposit_flag.pk}/respond/", CIVIL)],
    "deposits:flag_review": [_web("POST", "funds/deposits/flags/{t.deposit_flag.pk}/review/", CIVIL)],
    "deposits:fee_refund": [_web("POST", "funds/deposits/ledger/{t.fee_entry.pk}/refund/", CIVIL)],
    "deposits:fee_new": [_web("POST", "funds/deposits/institutions/{t.institution.pk}/fees/new/", CIVIL)],
    "deposits:ledger_import": [
        _web("POST", "funds/deposits/institutions/{t.institution.pk}/fees/import/", CIVIL)
    ],
    "escrow-account-list": [_api("POST", "escrow-accounts/", CIVIL_POSTS)],
    "escrow-account-balances": [_api("POST", "escrow-accounts/{t.escrow_account.pk}/balances/", CIVIL)],
    "escrow-account-check": [_api("POST", "escrow-accounts/{t.escrow_account.pk}/check/", CIVIL)],
    "escrow-account-close": [_api("POST", "escrow-accounts/{t.escrow_account.pk}/close/", CIVIL)],
    "escrow-ledger-list": [_api("POST", "escrow-ledger/", CIVIL_POSTS)],
    # --- fund-raising risk: any department records; the recorder (or 民政) refers and closes ------
    "fundraising:risk_new": [_web("POST", "funds/fundraising/new/", ACTING_POSTS, "any department records")],
    "fundraising:evidence_new": [_web("POST", "funds/fundraising/{t.risk.pk}/evidence/", CIVIL)],
    "fundraising:risk_refer": [_web("POST", "funds/fundraising/{t.risk.pk}/refer/", CIVIL)],
    "fundraising:risk_close": [_web("POST", "funds/fundraising/{t.risk.pk}/close/", CIVIL)],
    "fundraising:screening_new": [_web("POST", "funds/fundraising/screening/new/", ACTING_POSTS)],
    "fundraising-risk-list": [_api("POST", "fundraising-risks/", ACTING_POSTS)],
    "fundraising-risk-refer": [_api("POST", "fundraising-risks/{t.risk.pk}/refer/", CIVIL)],
    "fundraising-risk-close": [_api("POST", "fundraising-risks/{t.risk.pk}/close/", CIVIL)],
    # --- campaigns (supervision/campaigns): the organiser (阳谷县民政) manages; the assigned body
    # reports (its liaison carries the report); the organiser reviews. A create is gated by the
    # post; the roster takes any department's acting post or liaison, each for its own body ------
    "campaigns:new": [_web("POST", "campaigns/new/", ACTING_POSTS, "create: the post gates")],
    "campaigns:edit": [_web("POST", "campaigns/{t.campaign.pk}/edit/", CIVIL)],
    "campaigns:launch": [_web("POST", "campaigns/{t.campaign.pk}/launch/", CIVIL)],
    "campaigns:close": [_web("POST", "campaigns/{t.campaign.pk}/close/", CIVIL)],
    "campaigns:phase_new": [_web("POST", "campaigns/{t.campaign.pk}/phases/new/", CIVIL)],
    "campaigns:task_new": [_web("POST", "campaigns/{t.campaign.pk}/tasks/new/", CIVIL)],
    "campaigns:submit": [
        _web("POST", "campaigns/assignments/{t.campaign_assignment.pk}/submit/", CIVIL | CIVIL_LIAISONS)
    ],
    "campaigns:review": [_web("POST", "campaigns/assignments/{t.campaign_assignment.pk}/review/", CIVIL)],
    "campaigns:liaison_new": [_web("POST", "campaigns/liaisons/new/", ACTING_POSTS | CIVIL_LIAISONS)],
    # --- public pages managed by staff -------------------------------------------------------------
    "publicity:manage_policy_create": [_web("POST", "public/manage/policies/new/", frozenset({"admin"}))],
    "publicity:manage_policy_edit": [
        _web("POST", "public/manage/policies/{t.policy_page.pk}/", frozenset({"admin"}))
    ],
    "publicity:manage_policy_withdraw": [
        _web("POST", "public/manage/policies/{t.policy_page.pk}/withdraw/", frozenset({"admin"}))
    ],
    # --- a user's own account (supervision/accounts): every signed-in user, on themselves ------
    "accounts:password_change": [_web("POST", "accounts/password/", SIGNED_IN, "one's own password")],
    "accounts:token_revoke": [_web("POST", "accounts/tokens/revoke/", SIGNED_IN, "one's own tokens")],
    "accounts:two_factor": [_web("POST", "accounts/two-factor/", SIGNED_IN)],
    "accounts:two_factor_verify": [_web("POST", "accounts/two-factor/verify/", SIGNED_IN)],
    "accounts:two_factor_disable": [_web("POST", "accounts/two-factor/disable/", SIGNED_IN)],
    "api-logout": [_api("POST", "auth/logout/", SIGNED_IN, "revokes the caller's own token")],
    "api-logout-all": [_api("POST", "auth/logout-all/", SIGNED_IN)],
    "api-token-revoke": [
        _api(
            "DELETE",
            "auth/tokens/nosuchtoken0000/",
            NOBODY,
            "only one's own token: no persona holds this one, 404 for all (tests/accounts/test_tokens.py)",
        )
    ],
    # --- the 三员 pages (supervision/accounts/admin_views.py): no demo persona is a system or
    # security administrator, so every persona is refused (tests/accounts/test_admin_pages.py) ---
    "accounts:admin_user_new": [_web("POST", "accounts/admin/users/new/", NOBODY, "sysadmin only")],
    "accounts:admin_user_action": [
        _web("POST", "accounts/admin/users/{t.county_user.pk}/" + a + "/", NOBODY, "sysadmin / secadmin only")
        for a in ("reset-password", "deactivate", "activate", "grant-post", "end-post", "reset-two-factor")
    ],
    "accounts:admin_unlock": [_web("POST", "accounts/admin/lockouts/unlock/", NOBODY, "secadmin only")],
    # --- county administration (县级管理员 of 阳谷县民政; supervision/countyadmin) ------------------
    "countyadmin:user_new": [_web("POST", "county-admin/users/new/", frozenset({"admin"}))],
    "countyadmin:user_action": [
        _web("POST", "county-admin/users/{t.county_user.pk}/" + a + "/", frozenset({"admin"}))
        for a in ("reset-password", "deactivate", "activate", "grant-post", "end-post")
    ],
    "countyadmin:title_edit": [
        _web("POST", "county-admin/titles/371521000000/fire_rescue/", frozenset({"admin"}), "lead dept admin")
    ],
    "inspections:inspector_new": [_web("POST", "inspections/inspectors/new/", frozenset({"admin"}))],
    "inspections:inspector_edit": [
        _web("POST", "inspections/inspectors/{t.county_inspector.pk}/edit/", frozenset({"admin"}))
    ],
    # --- the institution's side, part A (issue 17): accounts opened by civil affairs; the
    # institution's own first sign-in (anonymous: the one-time code is the credential) ---------
    "institutions:account_new": [_web("POST", "institutions/{t.institution.pk}/accounts/new/", CIVIL)],
    "institutions:account_code": [
        _web("POST", "institutions/accounts/{t.institution_account.pk}/code/", CIVIL, "registry keepers")
    ],
    "institutions:account_disable": [
        _web("POST", "institutions/accounts/{t.institution_account.pk}/disable/", CIVIL)
    ],
    "institution_portal:sign_in": [
        _web("POST", "institution/sign-in/", EVERYONE, "an empty form: the code itself is the check")
    ],
    "institution_portal:sign_in_link": [
        _web("POST", "institution/sign-in/NOSUCHCODE0000/", EVERYONE, "an unknown code: the page says so")
    ],
    # the institution's own filing (already filed in the demo: the form answers why, 200)
    "institution_portal:filing": [_web("POST", "institution/filing/", frozenset({"institution"}))],
    "institution_portal:first_resident": [
        _web("POST", "institution/filing/first-resident/", frozenset({"institution"}))
    ],
    "institution_portal:disclosure": [_web("POST", "institution/disclosure/", frozenset({"institution"}))],
    "institution_portal:reports": [_web("POST", "institution/reports/", frozenset({"institution"}))],
    "institutions:disclosure_decide": [
        _web("POST", "institutions/disclosure-changes/{t.disclosure_change.pk}/decide/", CIVIL)
    ],
    # --- the institution's side, part B (issue 17): the institution signs for its notice, reports
    # on its items, files its statement and its early-removal application; staff never do these
    # here (they record paper ones on their own pages) -------------------------------------------
    "institution_notices:notice_acknowledge": [
        _web("POST", "institution/notices/{t.fushou_notice.pk}/acknowledge/", frozenset({"institution"}))
    ],
    "institution_notices:item_report": [
        _web("POST", "institution/notices/items/{t.fushou_item.pk}/report/", frozenset({"institution"}))
    ],
    "institution_credit:proposal_object": [
        _web("POST", "institution/objections/{t.fushou_proposal.pk}/object/", frozenset({"institution"}))
    ],
    "institution_credit:proposal_apply_removal": [
        _web(
            "POST",
            "institution/objections/{t.fushou_proposal.pk}/apply-removal/",
            frozenset({"institution"}),
            "the party may apply: the form then answers (not listed yet)",
        )
    ],
    # --- 信用修复 of a penalty's publication (issue 17): the institution applies for its own
    # penalty (an empty form: the form answers); the penalty's deciding department (阳谷县民政
    # here) grants or refuses; other departments, the township and the institution never decide --
    "institution_notices:penalty_repair_apply": [
        _web("POST", "institution/record/penalties/{t.fushou_penalty.pk}/repair/", frozenset({"institution"}))
    ],
    "rectification:penalty_repair_decide": [
        _web("POST", "inspections/rectification/penalties/repair/{t.fushou_repair.pk}/decide/", CIVIL)
    ],
    # --- statistical reports and the 004 evaluation (issue 16, O2): the reporting unit's civil
    # affairs fills and submits (same region); the civil affairs of the level above reviews. A create
    # is gated by an acting civil-affairs post (the unit is the post's own region). No persona is
    # a 聊城市 post, so nobody reviews 阳谷县's own evaluation here (tests/evaluation cover it) ------
    "reports:new": [_web("POST", "reports/new/", CIVIL_POSTS, "an acting civil-affairs post")],
    "reports:step": [
        *(_web("POST", "reports/{t.county_report.pk}/" + step + "/", CIVIL) for step in FILL_STEPS),
        *(_web("POST", "reports/{t.township_report.pk}/" + step + "/", CIVIL) for step in REVIEW_STEPS),
    ],
    "evaluation:new": [_web("POST", "evaluation/new/", CIVIL_POSTS, "an acting civil-affairs post")],
    "evaluation:entry": [_web("POST", "evaluation/{t.evaluation.pk}/rows/1.1/", CIVIL)],
    "evaluation:step": [
        *(_web("POST", "evaluation/{t.evaluation.pk}/" + step + "/", CIVIL) for step in FILL_STEPS),
        *(_web("POST", "evaluation/{t.evaluation.pk}/" + step + "/", NOBODY) for step in REVIEW_STEPS),
    ],
    # --- the public's own writes (no login) ------------------------------------------------------
    "public_complaints:form": [_web("POST", "public/complaints/", EVERYONE, "anyone may complain")],
    "public_complaints:track": [_web("POST", "public/complaints/track/", EVERYONE)],
}

# Routes that never write: pages, downloads and read-only API endpoints, and the sign-in plumbing.
READS = {
    "workbench_done", "workbench_todos", "institutions:file_tab",
    "documents:word_draft", "countyadmin:home", "countyadmin:user_list", "countyadmin:user_detail",
    "countyadmin:titles",
    "", "workbench", "regions", "region", "healthz", "login", "logout", "api-token", "set_language",
    "accounts:tokens", "api-tokens",
    "accounts:admin_users", "accounts:admin_user_detail", "accounts:admin_lockouts",
    "calendar-add-workdays", "calendar-workdays-between", "calendar-is-workday", "api-root", "schema",
    "api-docs", "deadlines:list", "deadlines:detail", "deadlines:notifications", "documents:download",
    "referrals:index", "referrals:inbox", "referrals:outbox", "referrals:detail", "referrals:letter_preview",
    "reconciliation:list", "reconciliation:run", "reconciliation:progress", "reconciliation:error_report",
    "reconciliation:rows", "reconciliation:items", "institutions:list", "institutions:restrictions",
    "institutions:detail", "credit:index", "credit:record_list", "credit:grade_list", "credit:proposal_list",
    "credit:proposal_detail", "credit:decision_pdf", "credit:profile", "complaints:list", "complaints:detail",
    "rectification:item_list", "rectification:notice_list", "rectification:notice_detail",
    "rectification:notice_preview", "rectification:item_detail", "rectification:suspension_list",
    "rectification:suspension_detail", "rectification:listing_list", "rectification:listing_detail",
    "rectification:penalty_list", "rectification:penalty_detail", "inspections:inspection_list",
    "inspections:overview", "inspections:inspection_detail", "inspections:evidence_file",
    "inspections:item_list", "inspections:object_list", "inspections:inspector_list", "inspections:plan_list",
    "inspections:plan_detail", "inspections:coverage", "inspections:draw_detail", "inspections:finding_list",
    "inspections:finding_detail", "inspections:finding_list_kind", "publicity:manage_policy_list",
    "public_complaints:status", "institutions:filing_certificate", "audit:list",
    "region-picker", "region-picker-public", "complaints:photo", "public_complaints:receipt",
    "funds:claim_list", "funds:claim_detail", "funds:batch_detail", "funds:programme_list",
    "funds:flag_list", "funds:flag_detail", "funds:round_list", "funds:round_detail", "funds:recovery_list",
    "funds:recovery_detail",
    "deposits:account_list", "deposits:account_detail", "deposits:agreement", "deposits:flag_list",
    "deposits:fee_list", "fundraising:risk_list", "fundraising:risk_detail", "fundraising:evidence_file",
    "fundraising:coverage",
    "campaigns:list", "campaigns:detail", "campaigns:tasks", "campaigns:assignment",
    "campaigns:submission_file", "campaigns:liaisons", "campaigns:quotas",
    "public_funds:rounds", "public_funds:round_detail", "public_funds:round_inputs", "funds:item_report",
    # 机构端
    "institution_home", "institution_portal:account", "institution_portal:filing_detail",
    "institution_portal:filing_receipt", "institution_portal:drill_photo",
    # 机构端, part B: the institution's notices, record and procedures; staff downloads of its files
    "institution_notices:notice_list", "institution_notices:notice_detail",
    "institution_notices:notice_pdf", "institution_notices:item_detail",
    "institution_notices:response_evidence", "institution_notices:attachment",
    "institution_notices:record_inspections", "institution_credit:record",
    "institution_credit:record_listings", "institution_credit:proposal_list",
    "institution_credit:proposal_detail", "institution_credit:decision_pdf",
    "institution_credit:proposal_document", "institution_credit:attachment",
    "rectification:response_attachment", "credit:proposal_attachment",
    # 信用修复 applications: their files (the institution's and staff downloads)
    "institution_notices:repair_attachment", "rectification:repair_attachment",
    # 领导驾驶舱 and the indicator registry (issue 16, O1): read-only pages; "home" is the first page
    "home", "dashboard:index", "dashboard:download", "dashboard:indicators", "dashboard:indicator",
    # 统计报表 and 效能评估 (issue 16, O2): lists, pages, print view and downloads
    "reports:list", "reports:missing", "reports:detail", "reports:print", "reports:word", "reports:excel",
    "evaluation:list", "evaluation:detail", "evaluation:word", "evaluation:excel", "evaluation:evidence_file",
}  # fmt: skip
# Namespaces that are read-only by construction: the public face serves GET only.
READ_NAMESPACES = ("public:", "public_inspections:", "public_credit:", "public_rectification:", "publicity:")


def _routes(resolver: URLResolver | None = None, ns: str = "") -> list[tuple[str, str, Any]]:
    out: list[tuple[str, str, Any]] = []
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}{p.namespace}:" if p.namespace else ns
            if inner.startswith("admin:"):
                continue  # the Django admin has its own permission system (superusers only)
            out += _routes(p, inner)
        elif isinstance(p, URLPattern):
            out.append((f"{ns}{p.name or ''}", str(p.pattern), p.callback))
    return out


def _api_writes(callback: Any) -> list[str]:
    actions = getattr(callback, "actions", None) or {}
    return [m for m in ("post", "put", "patch", "delete") if m in actions]


def test_every_route_is_in_the_table():
    missing = []
    for name, pattern, callback in _routes():
        if name in WRITES:
            continue
        actions = getattr(callback, "actions", None)
        if actions is not None:
            if _api_writes(callback):
                missing.append(f"API {name} {pattern}")
            continue
        if name in READS or (name.startswith(READ_NAMESPACES) and name not in WRITES):
            continue
        missing.append(f"page {name} {pattern}")
    assert not missing, "write routes missing from the write matrix:\n" + "\n".join(sorted(set(missing)))


def test_the_table_names_only_real_routes():
    names = {name for name, _p, _c in _routes()}
    assert not set(WRITES) - names, set(WRITES) - names


def _refused(persona: str, response: Any, api: bool) -> bool:
    if persona == "anonymous":
        if api:
            return response.status_code in (401, 403)
        return response.status_code == 302 and "/accounts/login/" in response.get("Location", "")
    return response.status_code in (403, 404)


@pytest.fixture
def demo(demo_module, db):
    """The demo, seeded once for the module (``demo_module``); each test rolls back its writes."""


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_each_persona_may_do_exactly_what_the_table_says(demo, persona):
    targets = Targets()
    username = PERSONAS[persona]
    user = User.objects.get(username=username) if username else None
    wrong: list[str] = []
    for name, writes in WRITES.items():
        for write in writes:
            url = write.url(targets)
            api = url.startswith("/api/")
            client: Any = APIClient() if api else Client()
            if user is not None:
                if api:
                    client.force_authenticate(user)
                else:
                    client.force_login(user)
            call = getattr(client, write.method.lower())
            try:
                with transaction.atomic():
                    response = call(url, {}, format="json") if api else call(url, {})
                    transaction.set_rollback(True)
            except Exception as exc:  # a crash is a failure for every persona
                wrong.append(f"{name} {write.method} {url}: raised {type(exc).__name__}: {exc}")
                continue
            expected = persona in write.allowed
            if response.status_code >= 500:
                wrong.append(f"{name} {write.method} {url}: {response.status_code}")
            elif expected and _refused(persona, response, api):
                wrong.append(f"{name} {write.method} {url}: refused ({response.status_code}), table allows")
            elif not expected and not _refused(persona, response, api):
                wrong.append(
                    f"{name} {write.method} {url}: went through ({response.status_code}), table refuses"
                )
    assert not wrong, f"{persona} ({username}):\n" + "\n".join(wrong)
