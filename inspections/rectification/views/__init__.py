"""Staff pages of rectification (thin: scope, the write policy, form, one service call,
redirect). Every write asks ``policy.require`` before its form is read; a refusal propagates as
``Denied`` (403 with the Chinese reason); a service's ValidationError is shown on the form."""

from .common import _form_errors, _List, error_text
from .items import (
    _item,
    _item_page,
    _verdict,
    item_accept,
    item_detail,
    item_reject,
    item_respond,
    response_evidence,
)
from .listings import (
    ListingDetailView,
    ListingListView,
    _may_list,
    listing_close,
    listing_new,
    listing_progress,
)
from .notices import (
    ItemListView,
    NoticeDetailView,
    NoticeListView,
    _candidate_findings,
    _date,
    _int,
    notice_discard,
    notice_issue,
    notice_new,
    notice_preview,
)
from .penalties import (
    PenaltyDetailView,
    PenaltyListView,
    penalty_appeal,
    penalty_end_publication,
    penalty_new,
)
from .suspensions import SuspensionDetailView, SuspensionListView, suspension_approve

__all__ = [
    "ItemListView",
    "ListingDetailView",
    "ListingListView",
    "NoticeDetailView",
    "NoticeListView",
    "PenaltyDetailView",
    "PenaltyListView",
    "SuspensionDetailView",
    "SuspensionListView",
    "_List",
    "_candidate_findings",
    "_date",
    "_form_errors",
    "_int",
    "_item",
    "_item_page",
    "_may_list",
    "_verdict",
    "error_text",
    "item_accept",
    "item_detail",
    "item_reject",
    "item_respond",
    "listing_close",
    "listing_new",
    "listing_progress",
    "notice_discard",
    "notice_issue",
    "notice_new",
    "notice_preview",
    "penalty_appeal",
    "penalty_end_publication",
    "penalty_new",
    "response_evidence",
    "suspension_approve",
]
