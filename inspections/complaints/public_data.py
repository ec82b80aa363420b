"""The complaints' public dataset: counts only (per county, month and category), never
content or anyone's personal data."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from supervision.publicity.registry import Column, PublicDataset, register_public_dataset

from .models import Category, Complaint, State

COLUMNS = (
    Column("region_code", "string", "承办县（市、区）区划代码（12 位）"),
    Column("region_name", "string", "承办县（市、区）名称"),
    Column("month", "string", "受理月份（YYYY-MM）"),
    Column("category", "string", "投诉类别代码（空为其他/不确定）"),
    Column("category_name", "string", "投诉类别名称"),
    Column("received", "integer", "受理件数（不含合并的重复件）"),
    Column("replied", "integer", "已答复或办结件数"),
    Column("replied_in_time", "integer", "在 5 个工作日反馈期限内答复的件数"),
)


def stats_rows() -> list[dict[str, Any]]:
    qs = (
        Complaint.objects.exclude(state=State.MERGED)
        .filter(handling_region__isnull=False)
        .annotate(m=TruncMonth("received_at"))
        .values("handling_region__code", "handling_region__name", "m", "category")
        .annotate(
            received=Count("pk"),
            replied=Count("pk", filter=Q(state__in=[State.REPLIED, State.CLOSED])),
            in_time=Count("pk", filter=Q(replied_at__isnull=False, replied_at__date__lte=F("feedback_due"))),
        )
        .order_by("handling_region__code", "m", "category")
    )
    labels = dict(Category.choices)
    out: defaultdict[tuple[str, str, str], dict[str, Any]] = defaultdict(dict)
    for r in qs:
        key = (r["handling_region__code"], r["m"].strftime("%Y-%m") if r["m"] else "", r["category"])
        out[key] = {
            "region_code": r["handling_region__code"],
            "region_name": r["handling_region__name"],
            "month": key[1],
            "category": r["category"],
            "category_name": str(labels.get(r["category"], r["category"])),
            "received": r["received"],
            "replied": r["replied"],
            "replied_in_time": r["in_time"],
        }
    return list(out.values())


def register() -> None:
    register_public_dataset(
        PublicDataset(
            key="complaint_stats",
            title=_("投诉举报办理统计"),
            description=_(
                "按承办县（市、区）、受理月份和类别统计的投诉举报件数及按期反馈情况；不含投诉内容和任何个人信息。"
            ),
            columns=COLUMNS,
            rows=stats_rows,
        )
    )
