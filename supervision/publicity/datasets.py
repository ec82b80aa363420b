"""This app's own public sections and datasets, and default home-page cards for the public
lists other apps serve (by URL name only: a card whose URL does not resolve is skipped)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .registry import Column, PublicDataset, register_public_dataset, register_public_section

POLICY_COLUMNS = (
    Column("slug", "string", "页面标识（稳定，可作主键）"),
    Column("category", "string", "栏目代码：general 通用政策 / service 业务办理 / industry 行业管理信息"),
    Column("category_name", "string", "栏目名称"),
    Column("title", "string", "标题"),
    Column("summary", "string", "摘要"),
    Column("body", "string", "正文（纯文本，空行分段）"),
    Column("source", "string", "发布机关/文号"),
    Column("region_code", "string", "适用区域的区划代码（12 位）；空为全部区域", nullable=True),
    Column("region_name", "string", "适用区域名称", nullable=True),
    Column("publish_from", "date-time", "公开起始时间（ISO 8601）"),
    Column("publish_until", "date-time", "公开截止时间（ISO 8601）；空为长期公开", nullable=True),
)


def policy_rows() -> list[dict[str, Any]]:
    from .models import PolicyPage
    from .services import policy_row

    return [policy_row(p) for p in PolicyPage.objects.published(timezone.now()).select_related("region")]


def register_builtin() -> None:
    register_public_section(
        "directory",
        _("养老服务机构名录"),
        "public:directory",
        10,
        _("查询机构基本信息、收费标准、等级和公开承诺"),
    )
    register_public_section(
        "inspections",
        _("双随机抽查与检查结果"),
        "public_inspections:index",
        20,
        _("随机抽取公示、检查结果公开"),
    )
    register_public_section(
        "rectification", _("整改结果"), "public_rectification:list", 30, _("隐患整改及验收结果公开")
    )
    register_public_section(
        "penalties", _("行政处罚"), "public_inspections:penalties", 40, _("行政处罚决定公开")
    )
    register_public_section(
        "credit", _("失信联合惩戒对象名单"), "public_credit:list", 50, _("养老服务市场失信联合惩戒对象名单")
    )
    register_public_section(
        "policies", _("政策指南"), "publicity:policy_list", 60, _("通用政策、业务办理、行业管理信息")
    )
    register_public_section(
        "open_data", _("开放数据"), "publicity:open_data", 90, _("数据集下载（CSV/JSON）、字段说明与变更订阅")
    )
    register_public_dataset(
        PublicDataset(
            key="policies",
            title=_("政策指南"),
            description=_("公开期内的政策指南页面。"),
            columns=POLICY_COLUMNS,
            rows=policy_rows,
            page_url_name="publicity:policy_list",
        )
    )
