"""Demo data: one reconciled market-regulation list for 阳谷县, so the run page, its error
report, the review queue and the township worklist (博济桥街道) have something to show, with one
task already verified by the township (its result visible to the county).

Runs after ``institutions.demo`` (INSTALLED_APPS order) and goes through the real services:
upload of a complete (全量) list, mapping (remembered on the source), the check up to the
preview, staff's confirmation, the import, one township verification."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from institutions.demo import make_credit_code
from institutions.models import Institution, InstitutionStatus, RegistrationAuthority
from supervision.core import background
from supervision.core.models import Region, User

from . import services
from .models import ListCoverage, ReconciliationRun, RunStatus, VerifyResult, WorkItem

SOURCE = "阳谷县市场监管局登记名单（演示）"
HEADERS = ["统一社会信用代码", "企业名称", "住所", "所属乡镇", "经营范围", "是否开展养老服务"]
SCOPE = "养老服务；居家养老服务；餐饮服务"


def _rows(county: Region) -> list[list[str]]:
    towns = list(Region.objects.filter(code__startswith=county.code[:6], level=4).order_by("code")[:3])
    town = towns[0].name if towns else ""
    known = Institution.objects.filter(
        region__code__startswith=county.code[:6],
        registration_authority=RegistrationAuthority.MARKET,
    ).exclude(credit_code=None)
    rows = []
    for inst in known.select_related("region").order_by("name"):
        operating = "否" if inst.status == InstitutionStatus.REGISTERED_NOT_OPERATING else "是"
        rows.append([inst.credit_code or "", inst.name, inst.address, inst.region.name, SCOPE, operating])
    new = [
        ("MA3CKN8Q", "阳谷县博济桥街道康宁养老服务有限公司", "博济桥街道育才街 18 号", "是"),
        ("MA3DLH2R", "阳谷县颐乐居家养老服务有限公司", "博济桥街道人民路 66 号", "是"),
        ("MA3EQR5T", "阳谷县晚晴养老服务有限公司", "博济桥街道谷山路 9 号", "否"),
    ]
    for org, name, address, operating in new:
        rows.append([make_credit_code("91371521", org), name, address, town, SCOPE, operating])
    # No township in the list: derived from the address (and marked so on the run's rows).
    other = towns[1].name if len(towns) > 1 else town
    rows.append(
        [
            make_credit_code("91371521", "MA3HKW6X"),
            "阳谷县福满园养老服务有限公司",
            f"阳谷县{other}政府街 12 号",
            "",
            SCOPE,
            "是",
        ]
    )
    bad = make_credit_code("91371521", "MA3FXT7U")
    rows += [
        ["", "阳谷县福星托老所", "博济桥街道振兴路 3 号", town, SCOPE, "是"],
        [bad[:-1] + ("0" if bad[-1] != "0" else "1"), "阳谷县百岁坊养老院", "七级镇", town, SCOPE, "是"],
        [make_credit_code("91371521", "MA3GYU4W"), "阳谷县长寿园养老院", "不详", "不存在镇", SCOPE, "是"],
    ]
    return rows


def _process_now(run: ReconciliationRun, waiting: str) -> ReconciliationRun:
    """The demo's data must be complete when the command returns: the work queued by the
    services runs inline (``background.inline``) after commit, and, where the seeder runs inside
    an outer transaction (tests) whose commit has not come, it is processed here. Processing
    claims the run, so the later call changes nothing."""
    run.refresh_from_db()
    if run.status == waiting:
        run = services.run_process(run.pk)
    return run


def seed(stdout: Any = None) -> None:
    """Idempotent: skipped when the demo source already has a run."""
    write = stdout.write if stdout is not None else (lambda s: None)
    user = User.objects.filter(username="yanggu_mz").first()
    town_user = User.objects.filter(username="bojiqiao_mz").first()
    county = Region.objects.filter(code="371521000000").first()
    if user is None or county is None:
        write("reconciliation: 未找到演示账号 yanggu_mz 或阳谷县区划，跳过。")
        return
    if ReconciliationRun.objects.filter(source__name=SOURCE).exists():
        write("reconciliation: 演示比对已存在，跳过。")
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(_rows(county))
    with background.inline():
        source = services.source_get_or_create(
            actor=user, name=SOURCE, authority=RegistrationAuthority.MARKET
        )
        upload = SimpleUploadedFile("市场监管登记名单.csv", buffer.getvalue().encode("utf-8-sig"))
        # The demo list names every market-registered institution of the county: a complete list.
        run = services.run_create(actor=user, source=source, upload=upload, coverage=ListCoverage.FULL)
        run = services.run_confirm_mapping(run, actor=user, mapping=run.mapping)
        run = _process_now(run, RunStatus.QUEUED)
        if run.status != RunStatus.PREVIEW:
            write(f"reconciliation: 演示比对 #{run.pk}（{run.get_status_display()}）：{run.failure}")
            return
        # Staff read the preview, then confirm the import.
        run = services.run_confirm(run, actor=user)
        run = _process_now(run, RunStatus.CONFIRMED)
    if run.status != RunStatus.DONE:
        write(f"reconciliation: 演示比对 #{run.pk}（{run.get_status_display()}）：{run.failure}")
        return
    town_regions = [a.region for a in town_user.active_assignments()] if town_user else []
    item = WorkItem.objects.filter(run=run, region__in=town_regions, result="").order_by("pk").first()
    if item is not None and town_user is not None:
        services.work_item_verify(
            item,
            actor=town_user,
            result=VerifyResult.OPERATING_FILEABLE,
            notes="现场核实：已入住老人 9 名，消防设施齐全，已告知 20 个工作日内办理备案。",
        )
    write(
        f"reconciliation: 演示比对 #{run.pk}（{run.get_status_display()}）："
        f"{run.processed_rows} 行，错误 {run.error_rows} 行，核查任务 {run.items.count()} 项。"
    )
