"""Rectification notices (责令限期整改通知书) with their items, responses and signed acceptances
(一问题一整改，一整改一验收，一验收一签名), the suspension order drafted when a notice is not
rectified in time (责令停业整顿), listed supervision of 重大 hazards (挂牌督办) and
administrative penalties (行政处罚).

Status fields are written only by ``services/``; allowed transitions are the tables below, and
who may write is each model's ``write_rules`` (``supervision.core.policy``). Whether an item or a
listing is overdue is decided by its clock alone (``supervision.deadlines``), never by a date
copied here."""

# The institution's own additions (送达回证 online, further evidence files), in their own module.
from ..institution_models import (  # noqa: F401
    NoticeReceipt,
    PenaltyRepairApplication,
    RepairAttachment,
    ResponseAttachment,
)
from .common import (
    CREDIT_REPAIR_MINIMUM_MONTHS,
    DEFAULT_CONSEQUENCE,
    ITEM_RULE,
    LISTING_RULE,
    NOTICE_KIND,
    NOTICE_KIND_SHORT,
    PUBLICATION_MONTHS,
    SUSPENSION_KIND,
    SUSPENSION_KIND_SHORT,
    _clock_overdue,
    clocks_of,
    earliest_early_end,
    has_overdue_clock,
    overdue_clock,
    publication_end,
    publication_months,
)
from .listings import LISTING_TRANSITIONS, ListedSupervision, ListingProgress, ListingQuerySet, ListingStatus
from .notices import (
    ITEM_TRANSITIONS,
    NOTICE_TRANSITIONS,
    OPEN_ITEM_STATES,
    Acceptance,
    ItemResponse,
    ItemState,
    NoticeItem,
    NoticeItemQuerySet,
    NoticeStatus,
    RectificationNotice,
    Verdict,
)
from .penalties import AppealStatus, Penalty, PenaltyKind
from .suspensions import ORDER_TRANSITIONS, OrderStatus, SuspensionOrder

__all__ = [
    "CREDIT_REPAIR_MINIMUM_MONTHS",
    "DEFAULT_CONSEQUENCE",
    "ITEM_RULE",
    "ITEM_TRANSITIONS",
    "LISTING_RULE",
    "LISTING_TRANSITIONS",
    "NOTICE_KIND",
    "NOTICE_KIND_SHORT",
    "NOTICE_TRANSITIONS",
    "OPEN_ITEM_STATES",
    "ORDER_TRANSITIONS",
    "PUBLICATION_MONTHS",
    "SUSPENSION_KIND",
    "SUSPENSION_KIND_SHORT",
    "Acceptance",
    "AppealStatus",
    "ItemResponse",
    "ItemState",
    "ListedSupervision",
    "ListingProgress",
    "ListingQuerySet",
    "ListingStatus",
    "NoticeItem",
    "NoticeItemQuerySet",
    "NoticeStatus",
    "OrderStatus",
    "Penalty",
    "PenaltyKind",
    "RectificationNotice",
    "SuspensionOrder",
    "Verdict",
    "_clock_overdue",
    "clocks_of",
    "earliest_early_end",
    "has_overdue_clock",
    "overdue_clock",
    "publication_end",
    "publication_months",
]
