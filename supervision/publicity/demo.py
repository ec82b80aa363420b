"""Demo data: one policy or guidance page in each column (通用政策、业务办理、行业管理信息),
published by the system administrator for every region, and one county page of 阳谷县 published
by its civil-affairs administrator (who manages it in the demo). Idempotent per slug."""

from __future__ import annotations

from typing import Any

PAGES: list[dict[str, str]] = [
    {
        "slug": "yanglao-jigou-guanli-banfa",
        "category": "general",
        "title": "《养老机构管理办法》要点",
        "summary": "养老机构备案、服务规范、运营管理和监督检查的基本规定。",
        "source": "民政部令第 66 号",
        "body": "养老机构应当依法办理登记，并在收住老年人后 10 个工作日内向所在地县级民政部门备案。\n\n"
        "养老机构应当按照国家有关规定建立健全安全、消防、食品、卫生、财务、档案管理等规章制度，"
        "并在显著位置公示服务项目、收费标准和投诉电话。\n\n"
        "民政部门应当对养老机构实施“双随机、一公开”监督检查，检查结果依法向社会公开。",
    },
    {
        "slug": "yanglao-jigou-beian-zhinan",
        "category": "service",
        "title": "养老机构备案办事指南",
        "summary": "备案材料、办理流程和办理时限。",
        "source": "县民政局",
        "body": "办理对象：已依法登记、拟开展养老服务的机构。\n\n"
        "所需材料：备案书、信用承诺书、登记证书复印件、服务场所权属或使用证明、消防安全相关材料。\n\n"
        "办理流程：网上或窗口提交材料 → 当场出具备案回执 → 20 个工作日内现场检查。\n\n"
        "咨询电话：请拨打 12345 政务服务便民热线。",
    },
    {
        "slug": "anquan-yinhuan-tishi",
        "category": "industry",
        "title": "养老机构常见安全隐患提示",
        "summary": "消防、食品、设施设备等方面的常见隐患和自查要点。",
        "source": "县养老服务综合监管工作领导小组办公室",
        "body": "消防：安全出口、疏散通道保持畅通，不得锁闭、堵塞；电动车不得在室内停放充电。\n\n"
        "食品：食堂持证经营，留样 48 小时，从业人员持健康证明上岗。\n\n"
        "设施设备：电梯定期检验，床边和卫生间设呼叫装置并确保有人应答。",
    },
]


# A county's own page: managed by the lead department's administrators of that county.
COUNTY_PAGE: dict[str, str] = {
    "slug": "yanggu-yanglao-fuwu-jiandu-dianhua",
    "category": "service",
    "title": "阳谷县养老服务监督投诉渠道",
    "summary": "县民政局受理养老服务投诉举报的渠道和办理时限。",
    "source": "阳谷县民政局",
    "body": "投诉举报可通过 12345 政务服务便民热线、县民政局窗口或本平台“投诉举报”提交。\n\n"
    "县民政局自受理之日起 5 个工作日内反馈办理情况；涉及其他部门职责的，按职责清单抄告有关部门。",
}


def _seed_county_page() -> int:
    from supervision.core import policy
    from supervision.core.demo import YANGGU
    from supervision.core.models import Region, User

    from .models import PolicyPage
    from .services import policy_page_create

    region = Region.objects.filter(code=YANGGU).first()
    if region is None or PolicyPage.objects.filter(slug=COUNTY_PAGE["slug"]).exists():
        return 0
    admin = User.objects.filter(username="yanggu_admin").first()
    policy_page_create(actor=admin or policy.SYSTEM, region=region, **COUNTY_PAGE)
    return 1


def seed(stdout: Any) -> None:
    from supervision.core.models import User

    from .models import PolicyPage
    from .services import policy_page_create

    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    if admin is None:
        stdout.write("publicity: no system administrator, skipped\n")
        return
    created = 0
    for page in PAGES:
        if PolicyPage.objects.filter(slug=page["slug"]).exists():
            continue
        policy_page_create(actor=admin, region=None, **page)
        created += 1
    created += _seed_county_page()
    stdout.write(f"publicity: {created} new policy pages\n")
