"""Demo data: ~20 realistic institutions with valid credit codes in the seed regions'
townships, some filed (with open on-site check clocks), one unregistered; plus
``seed_scale`` for benchmarks (bulk_create in batches, no per-row services)."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from stdnum.cn import ric, uscc

from supervision.core import policy
from supervision.core.models import Region, RegionLevel

from . import services
from .forms import DEFAULT_COMMITMENT
from .models import (
    FireAcceptance,
    Institution,
    InstitutionKind,
    InstitutionNature,
    InstitutionStatus,
    PersonRestrictionKind,
    RegistrationAuthority,
)
from .naming import name_is_standard

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def make_credit_code(prefix8: str, org8: str) -> str:
    """A valid code: 8-digit prefix (authority, type, area), an 8-character organisation
    body plus its GB 11714-style ninth character (we use a digit), and the GB 32100 check."""
    body = f"{prefix8}{org8}{sum(ALPHABET.index(c) for c in org8) % 10}"
    return body + uscc.calc_check_digit(body)


def make_id_number(area: str, birth: str, seq: int) -> str:
    body = f"{area}{birth}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


# (county code, name, kind, nature, authority, beds, status) — status "unregistered" has no code.
DEMO: list[tuple[str, str, str, str, str, int, str]] = [
    ("371521", "阳谷县福寿养老院", "care_home", "non_profit", "civil_affairs", 120, "filed"),
    ("371521", "阳谷县博济桥街道康乐老年公寓", "care_home", "for_profit", "market", 86, "filed"),
    ("371521", "阳谷县颐和护理院", "care_home", "for_profit", "market", 150, "filed_recent"),
    ("371521", "阳谷县中心敬老院", "care_home", "public", "public_institution", 200, "filed"),
    (
        "371521",
        "阳谷县金色阳光日间照料中心",
        "community",
        "non_profit",
        "civil_affairs",
        20,
        "registered_not_filed",
    ),
    (
        "371521",
        "阳谷县安康养老服务有限公司",
        "community",
        "for_profit",
        "market",
        0,
        "registered_not_operating",
    ),
    ("371521", "夕阳红之家", "care_home", "for_profit", "none", 25, "unregistered"),
    ("371521", "幸福晚年托老所", "care_home", "for_profit", "market", 30, "registered_not_filed"),
    ("371521", "阳谷县仁爱养老院", "care_home", "public_private", "civil_affairs", 96, "filed_overdue"),
    ("371521", "阳谷县惠民养老评估中心", "assessment", "for_profit", "market", 0, "registered_not_filed"),
    ("371502", "东昌府区古楼街道福康养老院", "care_home", "non_profit", "civil_affairs", 110, "filed"),
    ("371502", "东昌府区阳光老年公寓", "care_home", "for_profit", "market", 60, "registered_not_filed"),
    ("120104", "南开区长虹街道颐年养老服务中心", "community", "non_profit", "civil_affairs", 40, "filed"),
    ("120104", "南开区鼓楼街道乐龄养老院", "care_home", "for_profit", "market", 130, "filed_recent"),
    ("120104", "天津市南开区华苑康养中心", "care_home", "for_profit", "market", 180, "registered_not_filed"),
    ("120104", "南开区万兴街道红叶老年公寓", "care_home", "non_profit", "civil_affairs", 70, "suspended"),
    ("500242", "酉阳土家族苗族自治县桃花源养老院", "care_home", "public", "public_institution", 150, "filed"),
    ("500242", "酉阳县龙潭镇幸福院", "care_home", "public", "public_institution", 40, "registered_not_filed"),
    ("532301", "楚雄市鹿城镇福寿养老院", "care_home", "for_profit", "market", 90, "filed"),
    (
        "532301",
        "楚雄市彝乡养老服务中心",
        "community",
        "non_profit",
        "civil_affairs",
        30,
        "registered_not_filed",
    ),
]

PREFIX = {"civil_affairs": "52", "market": "91", "public_institution": "12"}

SERVICE_ITEMS = "生活照料、膳食服务、清洁卫生、洗涤服务、医疗护理、文化娱乐、心理精神支持、安宁服务"
FEES = (
    "床位费：双人间 900 元/人·月，单人间 1300 元/人·月\n"
    "护理费：自理 300 元、半失能 800 元、失能 1500 元/人·月\n"
    "伙食费：600 元/人·月（按月收取）"
)
RULES = (
    "入住评估制度、24 小时值班制度、交接班制度、消防安全管理制度、"
    "食品安全管理制度、突发事件报告制度、投诉处理制度"
)


def _township(county: str, n: int) -> Region | None:
    towns = list(
        Region.objects.filter(level=RegionLevel.TOWNSHIP, code__startswith=county).order_by("code")[:10]
    )
    return towns[n % len(towns)] if towns else None


# The values of migration 0003_default_grade_thresholds (placeholders to confirm against the
# local 评定细则 under GB/T 37276).
DEFAULT_GRADE_THRESHOLDS = {1: 600, 2: 700, 3: 800, 4: 850, 5: 900}


def seed(stdout: Any = None) -> None:
    """Idempotent: institutions are matched by credit code (or name for the unregistered one)."""
    write = stdout.write if stdout is not None else (lambda s: None)
    if not Region.objects.filter(level=RegionLevel.TOWNSHIP, code__startswith="371521").exists():
        write("institutions: 未找到阳谷县（371521）的乡镇（街道）区划，未生成机构演示数据；请先导入区划。")
        return
    # The default thresholds ship in a data migration; a database emptied since (a flush, a
    # transactional test) gets them back here so the demo ratings can be made.
    from .models import GradeThreshold

    if not GradeThreshold.objects.exists():
        for level, total in DEFAULT_GRADE_THRESHOLDS.items():
            GradeThreshold.objects.create(level=level, min_total=total, validity_years=3)
    today = timezone.localdate()
    created = 0
    for n, (county, name, kind, nature, authority, beds, status) in enumerate(DEMO):
        region = _township(county, n)
        if region is None:
            write(f"institutions: 区划 {county} 下无乡镇（街道），跳过 {name}")
            continue
        code = None
        if status != "unregistered":
            org = {"civil_affairs": "MJ", "market": "MA"}.get(authority, "00")
            org += _base31(random.Random(name).randrange(31**6), 6)  # nosec B311 # demo data: a code derived from the name, no secret
            code = make_credit_code(f"{PREFIX[authority]}{county}", org)
        existing = (
            Institution.objects.filter(credit_code=code) if code else Institution.objects.filter(name=name)
        )
        if existing.exists():
            continue
        with transaction.atomic():
            inst = services.institution_create(
                actor=policy.SYSTEM,
                credit_code=code,
                name=name,
                kind=kind,
                nature=nature,
                registration_authority=authority if status != "unregistered" else RegistrationAuthority.NONE,
                region=region,
                address=f"{region.full_name()}{['振兴路', '育才街', '人民路', '谷山路'][n % 4]}{n * 7 + 3}号",
                beds=beds,
                residents=beds * 2 // 3,
                complaint_phone=f"0{['635', '22', '23', '878'][n % 4]}-{6210000 + n * 37}",
                contact_phone=f"0{['635', '22', '23', '878'][n % 4]}-{6220000 + n * 41}",
                service_items=SERVICE_ITEMS,
                fee_standards=FEES,
                rules=RULES,
                fire_acceptance=[
                    FireAcceptance.PASSED,
                    FireAcceptance.TECHNICAL_ONLY,
                    FireAcceptance.PENDING,
                ][n % 3],
                fire_acceptance_note="消防设施经第三方检测符合技术条件；租用村集体用房，缺少不动产权证书，"
                "已报县消防救援大队备案"
                if n % 3 == 1
                else "",
                is_key_fire_unit=beds >= 100,
                party_organisation=n % 2 == 0,
                opened_on=dt.date(2015 + n % 8, 1 + n % 12, 1),
                introduction=f"{name}位于{region.name}，设置床位 {beds} 张。",
                status=InstitutionStatus.UNREGISTERED if status == "unregistered" else None,
            )
            created += 1
            if status in ("filed", "filed_recent", "filed_overdue", "suspended"):
                # filed_overdue: filed 45 days ago and never checked on site, so its 20-working-day
                # clock is overdue and the sweep escalates it (the demo's red row).
                days = {"filed_recent": 10, "filed_overdue": 45}.get(status, 60 + n * 11)
                services.filing_submit(
                    inst,
                    actor=policy.SYSTEM,
                    submitted_on=today - dt.timedelta(days=days),
                    commitment_text=DEFAULT_COMMITMENT,
                    certificate_number=f"{code[:2]}证字第{2019 + n % 6}{n:04d}号" if code else "",
                    applicant=name,
                )
                if status == "filed":
                    services.onsite_check_record(
                        inst,
                        actor=policy.SYSTEM,
                        checked_on=today - dt.timedelta(days=days - 14),
                        inspectors="县民政局 王建国、刘洋",
                        result="consistent",
                        notes="备案信息属实。",
                    )
            if status in ("filed", "filed_recent", "filed_overdue"):
                _operations(inst, n, today)
            if status == "suspended":
                services.institution_suspend(
                    inst,
                    actor=policy.SYSTEM,
                    effective_on=today - dt.timedelta(days=5),
                    reason="消防设施改造",
                    resettlement_plan="在住老人 12 人经家属同意临时转入南开区长虹街道颐年养老服务中心。",
                    residents_to_resettle=12,
                )
            if status == "registered_not_operating":
                services.institution_mark_not_operating(inst, actor=policy.SYSTEM)
            if status == "unregistered":
                services.institution_discover_unfiled(
                    inst,
                    actor=policy.SYSTEM,
                    discovered_on=today - dt.timedelta(days=3),
                    residents=18,
                    note="群众举报",
                )
            if kind == "care_home" and code and status != "unregistered":
                services.appointment_make(
                    inst,
                    actor=policy.SYSTEM,
                    post="legal_representative",
                    name=["王建华", "李秀英", "张国庆", "刘桂兰", "陈志强"][n % 5],
                    id_number=make_id_number("372522", f"19{60 + n}0{1 + n % 9}15", n),
                    started_on=dt.date(2020, 1, 1),
                )
                services.staff_appoint(
                    inst,
                    actor=policy.SYSTEM,
                    name=["赵丽", "孙红梅", "周静", "吴芳"][n % 4],
                    id_number=make_id_number("372522", f"19{75 + n % 10}0{1 + n % 9}20", 100 + n),
                    role="caregiver",
                    skill_level="4",
                    hired_on=dt.date(2022, 3, 1),
                )
                if beds >= 100:
                    services.staff_appoint(
                        inst,
                        actor=policy.SYSTEM,
                        name="钱卫东",
                        id_number=make_id_number("372522", "19820315", 200 + n),
                        role="fire_safety",
                        hired_on=dt.date(2023, 5, 1),
                        certificate={"name": "消防设施操作员（中级）", "expires_on": dt.date(2028, 5, 1)},
                    )
    services.person_restrict(
        actor=policy.SYSTEM,
        name="郑某",
        id_number=make_id_number("372522", "19700101", 999),
        kind=PersonRestrictionKind.INDUSTRY_BAN,
        source="阳谷县民政局 行业禁入决定（演示）",
        starts_on=dt.date(2025, 6, 1),
        permanent=True,
    )
    write(f"institutions: 新增 {created} 家机构（已存在的跳过）。")


def _operations(inst: Institution, n: int, today: dt.date) -> None:
    """A filed institution's emergency plans and latest drill (meeting the drill clocks its
    filing opened), and for every other one a grade rating."""
    plan = services.emergency_plan_add(
        inst,
        actor=policy.SYSTEM,
        kind="fire_evacuation",
        title=f"{inst.name}灭火和应急疏散预案",
        adopted_on=dt.date(2025, 3, 1),
        summary="明确火灾报警、初起火灾扑救、失能老人疏散分工和集合点。",
    )
    services.emergency_plan_add(
        inst,
        actor=policy.SYSTEM,
        kind="public_health",
        title=f"{inst.name}传染病疫情防控应急预案",
        adopted_on=dt.date(2025, 3, 1),
    )
    services.drill_record(
        inst,
        actor=policy.SYSTEM,
        held_on=today - dt.timedelta(days=20 + n),
        kind="fire",
        participants=25 + n,
        participants_note="全体值班护理员、消防管理人员及部分自理老人",
        notes="夜间火情疏散演练，3 分 40 秒完成全部老人疏散。",
        plan=plan,
    )
    if n % 2 == 0:
        services.grade_rate(
            inst,
            actor=policy.SYSTEM,
            scores={
                "score_environment": Decimal(100 + n % 15),
                "score_facilities": Decimal(110 + n % 15),
                "score_management": Decimal(120 + n % 20),
                "score_service": Decimal(480 + n * 5 % 100),
            },
            rated_on=today - dt.timedelta(days=200),
            rated_by="市民政局养老机构等级评定委员会",
        )


# --- scale data for benchmarks ---------------------------------------------------------------

TRADE = "福寿康宁颐和安泰仁爱乐龄金秋夕阳松鹤长青椿萱慈恩惠民祥瑞嘉禾永乐"
INDUSTRY = ["养老院", "老年公寓", "护理院", "养老服务中心", "敬老院", "日间照料中心"]


_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_INDEX = {c: i for i, c in enumerate(ALPHABET)}


def _check_char(body: str) -> str:
    """GB 32100 check character; the same formula as ``uscc.calc_check_digit`` without its
    input cleaning, which dominates the cost when generating hundreds of thousands of codes."""
    return ALPHABET[(31 - sum(_INDEX[c] * w for c, w in zip(body, _WEIGHTS, strict=True))) % 31]


def _base31(n: int, width: int) -> str:
    out = []
    for _ in range(width):
        n, r = divmod(n, 31)
        out.append(ALPHABET[r])
    return "".join(reversed(out))


def _rows(count: int, start: int, towns: list[Region]) -> Iterator[Institution]:
    kinds = [InstitutionKind.CARE_HOME] * 3 + [InstitutionKind.COMMUNITY]
    natures = list(InstitutionNature.values)
    statuses = [InstitutionStatus.FILED] * 6 + [
        InstitutionStatus.REGISTERED_NOT_FILED,
        InstitutionStatus.REGISTERED_NOT_OPERATING,
        InstitutionStatus.SUSPENDED,
    ]
    now = timezone.now()
    standard: dict[tuple[str, str], bool] = {}  # names repeat: check each distinct one once
    for i in range(start, start + count):
        town = towns[i % len(towns)]
        county = town.parent.name if town.parent_id and town.parent else ""
        kind = kinds[i % len(kinds)]
        trade = TRADE[i % len(TRADE)] + TRADE[(i // len(TRADE)) % len(TRADE)]
        # Names need not be unique (the credit code is the key); every 20th is non-standard.
        name = f"{county}{town.name}{trade}{INDUSTRY[i % len(INDUSTRY)]}" if i % 20 else f"{trade}{i}号之家"
        ok = standard.get((name, kind))
        if ok is None:
            ok = standard[(name, kind)] = name_is_standard(name, kind)
        code_body = f"91{town.code[:6]}MA{_base31(i, 7)}"
        yield Institution(
            credit_code=code_body + _check_char(code_body),
            name=name,
            kind=kind,
            nature=natures[i % len(natures)],
            registration_authority=RegistrationAuthority.MARKET,
            status=statuses[i % len(statuses)],
            region=town,
            address=f"{town.name}第{i % 300}号",
            beds=(i * 7) % 300,
            name_nonstandard=not ok,
            created_at=now,
            updated_at=now,
        )


def seed_scale(count: int, stdout: Any = None, batch_size: int = 5000) -> int:
    """Insert ``count`` synthetic institutions with valid, unique credit codes, spread over every
    township, in ``bulk_create`` batches (no services, no audit: this is benchmark data)."""
    write = stdout.write if stdout is not None else (lambda s: None)
    towns = list(Region.objects.filter(level=RegionLevel.TOWNSHIP).select_related("parent"))
    if not towns:
        write("institutions: 没有乡镇（街道）区划，未生成压测机构；请先导入区划。")
        return 0
    start = (Institution.objects.aggregate(m=Max("id"))["m"] or 0) + 1_000_000
    started = time.perf_counter()
    rows = _rows(count, start, towns)
    done = 0
    while batch := list(itertools.islice(rows, batch_size)):
        Institution.objects.bulk_create(batch, batch_size=batch_size, ignore_conflicts=True)
        done += len(batch)
    write(f"institutions: 生成 {done} 家压测机构，用时 {time.perf_counter() - started:.1f} 秒。")
    return done
