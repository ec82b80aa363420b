"""Demo data: the 2026 effectiveness evaluation (004 附件1) of 阳谷县, its computed rows filled
from the demo's data and every row answered, ready for the county to submit to 聊城市.
Pinned dates; idempotent (one evaluation per unit and year)."""

from __future__ import annotations

import datetime as dt
from typing import Any

YEAR = 2026
OPENED = dt.date(2026, 11, 20)

# Narrative answers of the demo (the unit's own words; the figures come from the registry).
ANSWERS: dict[str, tuple[str, str, str]] = {
    "1.2": ("done", "县政府办公室印发《阳谷县养老服务综合监管实施意见》，明确 19 个部门职责。", ""),
    "1.5": (
        "partly",
        "已梳理消防审验问题机构，专题报告正在征求住建、消防意见。",
        "专题报告尚未提交县政府常务会研究。",
    ),
    "2.1": ("done", "建立县养老服务综合监管联席会议制度，抄告移送在平台办理。", ""),
    "2.8": ("partly", "在抽查中检查入院评估和服务协议。", "平台尚未归集入院评估和服务协议数据。"),
    "3.6": ("done", "使用本平台开展备案、信用、检查、等级评定等监管。", ""),
}


def seed(stdout: Any) -> None:
    from supervision.core.demo import YANGGU
    from supervision.core.models import Region, User

    from . import services
    from .data.indicators_004 import COMPUTED, INDICATORS
    from .models import Completion

    county = User.objects.get(username="yanggu_mz")
    evaluation = services.evaluation_create(
        county,
        region=Region.objects.get(code=YANGGU),
        year=YEAR,
        preparer="阳谷县民政局监管人员",
        start=OPENED,
    )
    if evaluation.is_editable:
        entries = {e.number: e for e in evaluation.entries.all()}
        for row in INDICATORS:
            entry = entries[row["number"]]
            if entry.completion:
                continue
            if row["number"] in ANSWERS:
                completion, done, why = ANSWERS[row["number"]]
            elif row["number"] in COMPUTED:
                completion, done, why = Completion.DONE, "数据见系统统计。", ""
            elif row["coverage"] == "N":
                completion, done, why = Completion.NOT_DONE, "", "平台尚未采集该项数据，另行报送。"
            else:
                completion, done, why = Completion.DONE, "已制定并印发相关文件（见佐证材料）。", ""
            services.entry_update(
                entry, actor=county, completion=completion, completed_text=done, explanation=why
            )
    stdout.write(f"evaluation: {evaluation} ({evaluation.get_state_display()})\n")
