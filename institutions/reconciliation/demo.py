"""Demo data: one reconciled market-regulation list for 阳谷县, so the run page, its error
report, the review queue and the township worklist (博济桥街道) have something to show, with one
task already verified by the township (its result visible to the county).

Runs after ``institutions.demo`` (INSTALLED_APPS order) and goes through the real services:
upload, mapping (remembered on the source), the import task, one township verification."""

from __future__ import annotations

import csv
import io
from typing import Any

from celery import current_app
from django.core.files.uploadedfile import SimpleUploadedFile

from institutions.demo import make_credit_code
from institutions.models import Institution, InstitutionStatus, RegistrationAuthority
from supervision.core.models import Region, User

from . import services
from .models import ReconciliationRun, RunStatus, VerifyResult, WorkItem

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
    bad = make_credit_code("91371521", "MA3FXT7U")
    rows += [
        ["", "阳谷县福星托老所", "博济桥街道振兴路 3 号", town, SCOPE, "是"],
        [bad[:-1] + ("0" if bad[-1] != "0" else "1"), "阳谷县百岁坊养老院", "七级镇", town, SCOPE, "是"],
        [make_credit_code("91371521", "MA3GYU4W"), "阳谷县长寿园养老院", "不详", "不存在镇", SCOPE, "是"],
    ]
    return rows


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
    source = services.source_get_or_create(actor=user, name=SOURCE, authority=RegistrationAuthority.MARKET)
    upload = SimpleUploadedFile("市场监管登记名单.csv", buffer.getvalue().encode("utf-8-sig"))
    run = services.run_create(actor=user, source=source, upload=upload)
    run = services.run_confirm_mapping(run, actor=user, mapping=run.mapping)
    run.refresh_from_db()
    if run.status == RunStatus.QUEUED and current_app.conf.task_always_eager:
        # In-process Celery inside an outer transaction (tests): the on-commit task has not
        # run yet. Processing is idempotent, so the later on-commit call changes nothing.
        run = services.run_process(run.pk)
    if run.status == RunStatus.QUEUED:  # a real worker will import it; nothing to verify yet
        write(f"reconciliation: 演示比对 #{run.pk} 已排队，由 Celery worker 处理。")
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
