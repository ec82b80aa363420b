"""The starter item list (随机抽查事项清单 / 重点检查事项清单) drawn from the source documents
and the national rules they cite. Loaded by a data migration (and again, idempotently, by
``demo.seed``). Domains are resolved by code at run time and created with their Chinese name
when the reference data has not been loaded yet.

Articles are cited only where DOMAIN.md confirms them; otherwise the law or the section of the
source document is named. Confirm an article before citing it in a notice."""

from __future__ import annotations

from typing import Any

DOMAIN_NAMES = {
    "fire": "消防安全",
    "building": "建筑安全",
    "food": "食品安全",
    "drugs": "药品",
    "medical": "医疗卫生",
    "environment": "环境",
    "special_equipment": "特种设备",
    "operations": "运营服务",
    "emergency": "应急处置",
    "staff_qualification": "从业人员资格",
    "fees": "收费",
    "prices": "价格",
    "fiscal_funds": "财政资金",
    "land": "土地使用",
    "elder_abuse": "欺老虐老",
}

# (code, domain, title, legal basis, check method, key item)
ITEMS: list[tuple[str, str, str, str, str, bool]] = [
    (
        "fire-passages",
        "fire",
        "疏散通道、安全出口畅通，无占用、堵塞、封闭",
        "《中华人民共和国消防法》；000（五）",
        "现场查看",
        True,
    ),
    (
        "fire-facilities",
        "fire",
        "消防设施、器材配置齐全、完好有效",
        "《中华人民共和国消防法》",
        "现场查看、功能测试",
        True,
    ),
    (
        "fire-drill",
        "fire",
        "消防安全重点单位每半年、其他单位每年至少组织一次灭火和应急疏散演练",
        "000（五）",
        "查阅演练记录、询问工作人员",
        True,
    ),
    (
        "fire-acceptance",
        "fire",
        "建筑通过消防验收（备案）或符合消防安全技术条件",
        "《中华人民共和国消防法》；000（一）",
        "查阅资料",
        True,
    ),
    (
        "building-safety",
        "building",
        "房屋结构安全，无擅自改扩建、改变使用功能",
        "《建设工程质量管理条例》；002 附件第9项",
        "现场查看、查阅鉴定报告",
        False,
    ),
    (
        "food-licence",
        "food",
        "食堂取得食品经营许可（备案）并在有效期内",
        "《中华人民共和国食品安全法》；002 附件第14项",
        "查阅证照",
        True,
    ),
    (
        "food-samples",
        "food",
        "每餐次食品按规定留样，留样记录完整",
        "《中华人民共和国食品安全法》；《餐饮服务食品安全操作规范》",
        "现场查看留样柜和记录",
        True,
    ),
    (
        "lift-inspection",
        "special_equipment",
        "电梯等特种设备经定期检验合格、在有效期内使用",
        "《中华人民共和国特种设备安全法》；002 附件第14项",
        "查看检验合格标志、维保记录",
        True,
    ),
    (
        "drugs-storage",
        "drugs",
        "药品储存、使用规范，无过期、变质药品",
        "《中华人民共和国药品管理法》；003 附件1 第14项",
        "现场查看",
        False,
    ),
    (
        "medical-unit",
        "medical",
        "内设医疗机构依法取得执业许可或备案，医护人员持证执业",
        "《医疗机构管理条例》；002 附件第10项",
        "查阅证照",
        False,
    ),
    (
        "infection-control",
        "medical",
        "传染病防控措施落实，晨检、消毒记录完整",
        "《中华人民共和国传染病防治法》；003 二（一）6",
        "查阅记录、现场查看",
        False,
    ),
    (
        "staff-certificates",
        "staff_qualification",
        "医疗护理、康复治疗、消防管理等专业岗位人员持证上岗",
        "003 二（一）3；《养老机构管理办法》",
        "查阅证书、花名册",
        True,
    ),
    (
        "caregiver-training",
        "staff_qualification",
        "养老护理员接受岗前培训和技能提升培训",
        "002 附件第6项；003 附件2",
        "查阅培训记录",
        False,
    ),
    (
        "deposits-escrow",
        "fees",
        "押金、保证金实行专户存储",
        "000（三）；004 附件1 4.18",
        "查阅银行账户和收费资料",
        True,
    ),
    (
        "prepaid-monthly",
        "fees",
        "床位费、护理费、伙食费原则上按月收取，不超期预收",
        "002（六）",
        "查阅服务协议、收费记录",
        True,
    ),
    (
        "price-display",
        "prices",
        "收费项目和标准公示，明码标价",
        "《中华人民共和国价格法》；002 附件第14项",
        "现场查看公示",
        False,
    ),
    (
        "commitment-published",
        "operations",
        "备案信用承诺书已公开，承诺事项履行",
        "《养老机构管理办法》第十一条；000（十一）",
        "查阅公示情况",
        True,
    ),
    (
        "duty-24h",
        "operations",
        "实行24小时值班，值班、交接班记录完整",
        "《养老机构管理办法》第二十八条",
        "查阅值班记录、现场查看",
        True,
    ),
    (
        "video-30-days",
        "operations",
        "视频监控覆盖出入口、接待大厅、值班室、楼道、餐厅等公共区域，录像保存不少于30日",
        "《养老机构管理办法》第二十八条；003 二（一）5",
        "现场查看、调阅录像",
        True,
    ),
    (
        "admission-assessment",
        "operations",
        "老年人入住前开展能力评估",
        "《养老机构管理办法》第十五条",
        "抽查入住档案",
        True,
    ),
    (
        "service-contract",
        "operations",
        "与老年人或其代理人签订服务协议",
        "《养老机构管理办法》",
        "抽查服务协议",
        False,
    ),
    (
        "records-5-years",
        "operations",
        "老年人档案在服务协议期满后至少保存5年",
        "《养老机构管理办法》第三十二条",
        "查阅档案管理",
        False,
    ),
    (
        "emergency-plan",
        "emergency",
        "制定突发事件应急预案并按规定组织演练",
        "《养老机构管理办法》第三十一条；000（五）",
        "查阅预案、演练记录",
        True,
    ),
    (
        "incident-reporting",
        "emergency",
        "突发事件按规定及时报告，无迟报、漏报、谎报、瞒报",
        "003 二（一）6",
        "查阅报告记录",
        False,
    ),
    (
        "subsidy-use",
        "fiscal_funds",
        "建设、运营补贴资金按规定使用，无虚报冒领",
        "003 二（一）4",
        "查阅账目、核对床位和入住人数",
        False,
    ),
    ("land-use", "land", "按规划用途使用养老服务设施用地", "002 附件第7项", "查阅用地资料、现场查看", False),
    (
        "environment-discharge",
        "environment",
        "污水、医疗废物等污染物依法处置排放",
        "002 附件第8项",
        "现场查看、查阅处置记录",
        False,
    ),
    (
        "no-abuse",
        "elder_abuse",
        "无欺老、虐老等侵害老年人合法权益的行为",
        "003 二（一）3",
        "询问老年人、调阅录像",
        True,
    ),
]


def load_starter_items(domain_model: Any, item_model: Any) -> int:
    """Create missing items (existing ones are left as edited). Returns how many were created."""
    created = 0
    for sort, (code, domain_code, title, basis, method, is_key) in enumerate(ITEMS, start=1):
        domain, _ = domain_model.objects.get_or_create(
            code=domain_code, defaults={"name": DOMAIN_NAMES.get(domain_code, domain_code)}
        )
        _, made = item_model.objects.get_or_create(
            code=code,
            defaults={
                "title": title,
                "domain": domain,
                "legal_basis": basis,
                "check_method": method,
                "is_key": is_key,
                "sort": sort * 10,
            },
        )
        created += int(made)
    return created
