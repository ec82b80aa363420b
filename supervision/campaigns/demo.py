"""Demo data (deterministic, pinned dates): 阳谷县民政局's 2026 “养老服务监管效能提升年” with the
three phases of 004 and tasks for several departments and every township, some reported; the
liaison roster of 004 附件2 for a few bodies; and the 003 附件2 table of nurse-training quotas
(3,800 trainings across the ten counties of 楚雄州). Idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

D = dt.date
YANGGU = "371521000000"
BOJIQIAO_PREFIX = "371521001"

S003 = "《楚雄州建立健全养老服务综合监管制度促进养老服务高质量发展实施方案》（楚政办函〔2021〕48号）"
S004 = "《酉阳土家族苗族自治县民政局关于开展“养老服务监管效能提升年”活动的通知》"

# 003 附件2 楚雄州2021—2022年养老护理员培训任务分解表 (人次).
QUOTAS_003: list[tuple[str, str, int]] = [
    ("532301000000", "楚雄市", 850),
    ("532302000000", "禄丰市", 580),
    ("532322000000", "双柏县", 190),
    ("532323000000", "牟定县", 300),
    ("532324000000", "南华县", 350),
    ("532325000000", "姚安县", 280),
    ("532326000000", "大姚县", 380),
    ("532327000000", "永仁县", 190),
    ("532328000000", "元谋县", 300),
    ("532329000000", "武定县", 380),
]
QUOTA_PROGRAMME = "楚雄州2021—2022年养老护理员培训任务"

PHASES = [
    (
        "部署排查阶段",
        D(2026, 4, 20),
        D(2026, 5, 10),
        "召开会议研究部署，对养老服务监管效能进行全面评估，找准找实存在的问题不足。",
    ),
    (
        "整改提升阶段",
        D(2026, 5, 11),
        D(2026, 7, 31),
        "对照排查出的问题隐患，分类推进整治，能立即整改的立即整改。",
    ),
    (
        "总结提炼阶段",
        D(2026, 8, 1),
        D(2026, 12, 30),
        "组织开展活动总结，梳理可复制可推广的经验做法，形成长效机制。",
    ),
]

# (number, title, content, phase index, lead, responsible, townships report, report-by, article)
TASKS: list[tuple[str, str, str, int, str, tuple[str, ...], bool, dt.date, str]] = [
    (
        "1",
        "报送联络员信息表",
        "各乡镇（街道）确定1名熟悉工作的同志作为联络员，报送联络员信息表（附件2）。",
        0,
        "civil_affairs",
        (),
        True,
        D(2026, 4, 24),
        "004 四、（一）（四）",
    ),
    (
        "2",
        "继续解决消防审验突出问题",
        "主动协调住房城乡建设部门现场核查，梳理未能通过消防审验但符合消防安全技术要求的养老机构数量、面积、涉及服务对象人数，形成专题报告。",
        1,
        "civil_affairs",
        ("housing_construction", "fire_rescue"),
        False,
        D(2026, 12, 15),
        "004 二、（二）",
    ),
    (
        "3",
        "依法打击整治“黑机构”",
        "摸清辖区内未经登记但实际从事养老服务活动场所情况，分析风险隐患，形成专题报告，提出处置建议方案。",
        1,
        "civil_affairs",
        ("market_regulation", "public_security"),
        True,
        D(2026, 12, 18),
        "004 二、（四）",
    ),
    (
        "4",
        "开展养老机构消防安全重大风险隐患清零见底行动",
        "对养老机构消防安全重大风险隐患逐一排查、建立台账、整改清零，与卫生健康部门会商医养结合机构安全生产事故责任区分。",
        2,
        "fire_rescue",
        ("civil_affairs", "health"),
        False,
        D(2026, 11, 20),
        "004 二、（八）",
    ),
]

LIAISONS: list[tuple[str, str, str, str, str, str]] = [
    # (region code or "" for the first 阳谷 township outside 博济桥, department, name, post, office, mobile)
    ("371521001000", "civil_affairs", "赵丽", "博济桥街道民政办主任", "0635-6211001", "13906351001"),
    ("", "civil_affairs", "孙伟", "民政办工作人员", "0635-6211002", "13906351002"),
    (YANGGU, "fire_rescue", "周杰", "防火监督员", "0635-6219119", "13906351003"),
    (YANGGU, "market_regulation", "吴静", "综合科科员", "0635-6213315", "13906351004"),
]


def seed(stdout: Any) -> None:
    from supervision.core.models import Department, Region, RegionLevel, User

    from . import services
    from .models import Campaign
    from .roster import TrainingQuota

    _quotas(stdout, Region, TrainingQuota)
    if Campaign.objects.exists():
        stdout.write("campaigns: demo data already present\n")
        return
    yanggu = Region.objects.filter(code=YANGGU).first()
    inspector = User.objects.filter(username="yanggu_mz").first()
    fire = User.objects.filter(username="yanggu_xf").first()
    if yanggu is None or inspector is None or fire is None:
        stdout.write("campaigns: demo regions or accounts missing, skipped\n")
        return
    departments = {d.code: d for d in Department.objects.all()}
    civil = departments["civil_affairs"]
    campaign = services.campaign_create(
        actor=inspector,
        region=yanggu,
        department=civil,
        title="2026年“养老服务监管效能提升年”活动",
        kind="efficiency_year",
        document_number="阳民发〔2026〕12号",
        source_document=S004,
        description="压紧压实各方责任，推动养老服务监管制度持续完善，监管机制不断健全，监管能力不断提升。",
        starts_on=D(2026, 4, 20),
        ends_on=D(2026, 12, 30),
    )
    phases = [
        services.phase_add(campaign, actor=inspector, name=n, starts_on=s, ends_on=e, description=text)
        for n, s, e, text in PHASES
    ]
    tasks = []
    for number, title, content, phase, lead, responsible, townships, report_by, article in TASKS:
        tasks.append(
            services.task_add(
                campaign,
                actor=inspector,
                number=number,
                title=title,
                content=content,
                phase=phases[phase],
                lead_department=departments[lead],
                responsible_departments=[departments[c] for c in responsible if c in departments],
                townships_report=townships,
                report_by=report_by,
                source_article=article,
            )
        )
    services.campaign_launch(campaign, actor=inspector)
    # Task 1: every township but the last has sent its roster; the county office accepted them.
    township_rows = list(tasks[0].assignments.filter(role="township").order_by("region__code"))
    for a in township_rows[:-1]:
        services.assignment_submit(a, actor=inspector, summary=f"{a.region.name}联络员信息表已报送。")
        services.assignment_review(a, actor=inspector, accept=True)
    services.assignment_submit(
        tasks[0].assignments.get(role="lead"), actor=inspector, summary="县民政局联络员已确定。"
    )
    # Task 4: fire rescue (the lead) has reported its clearance ledger.
    services.assignment_submit(
        tasks[3].assignments.get(role="lead"),
        actor=fire,
        summary="已完成全县养老机构消防安全重大风险隐患排查，建立隐患台账，整改完成率 80%。",
    )
    first_other = (
        Region.objects.filter(code__startswith=YANGGU[:6], level=RegionLevel.TOWNSHIP)
        .exclude(code__startswith=BOJIQIAO_PREFIX)
        .order_by("code")
        .first()
    )
    for code, dept, name, post, office, mobile in LIAISONS:
        region = first_other if not code else Region.objects.filter(code=code).first()
        if region is None or dept not in departments:
            continue
        services.liaison_record(
            actor=inspector if dept == "civil_affairs" else _post_user(User, dept) or inspector,
            campaign=campaign,
            region=region,
            department=departments[dept],
            name=name,
            post=post,
            office_phone=office,
            mobile=mobile,
        )
    stdout.write(f"campaigns: {campaign.title} with {len(tasks)} tasks\n")


def _post_user(User: Any, department: str) -> Any:
    return User.objects.filter(
        assignments__department__code=department, assignments__region__code=YANGGU
    ).first()


def _quotas(stdout: Any, Region: Any, TrainingQuota: Any) -> None:
    if TrainingQuota.objects.filter(programme=QUOTA_PROGRAMME).exists():
        return
    regions = {r.code: r for r in Region.objects.filter(code__in=[c for c, _n, _t in QUOTAS_003])}
    rows = [
        TrainingQuota(
            programme=QUOTA_PROGRAMME,
            region=regions[code],
            target=target,
            period_start=D(2021, 12, 14),
            period_end=D(2022, 12, 31),
            source_document=S003,
            source_article="三、3. 强化从业人员监管；附件2",
        )
        for code, _name, target in QUOTAS_003
        if code in regions
    ]
    TrainingQuota.objects.bulk_create(rows)
    stdout.write(f"campaigns: {len(rows)} training quotas (003 附件2)\n")
