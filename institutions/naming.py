"""The standard filing-name pattern (004 indicator 4.20 “养老机构备案名称不规范数量”; 004 §二(三)
refers to the provincial naming rules, which follow the general rule for organisation names:
行政区划 + 字号 + 行业（经营特点）+ 组织形式).

A standard name therefore
* starts with the name of an administrative division (ending in 省/自治区/市/州/盟/县/区/旗/乡/镇/街道),
  e.g. 阳谷县 or 阳谷县博济桥街道;
* then has a trade name (字号) of at least two Chinese characters;
* then an industry term for elderly care: 养老院, 敬老院, 养老中心, 养老服务中心, 养老服务站,
  颐养院, 颐养中心, 老年公寓, 护理院, 福利院, 托老所, 日间照料中心, 幸福院, 康养中心, 养老服务;
* optionally ending with the organisation form 有限公司 / 有限责任公司 / 股份有限公司.

The pattern applies to 养老机构 and 居家社区养老服务机构; assessment and training bodies are named
under other rules and are never flagged. This module is the only place the pattern lives.
"""

from __future__ import annotations

import re

DIVISION = r"(?:[\u4e00-\u9fa5]{1,10}?(?:省|自治区|市|州|盟|县|区|旗|乡|镇|街道))+"
TRADE_NAME = r"[\u4e00-\u9fa5]{2,12}?"
INDUSTRY = (
    r"(?:养老服务中心|养老服务站|养老中心|养老院|敬老院|颐养院|颐养中心|老年公寓|护理院|福利院|托老所|"
    r"日间照料中心|幸福院|康养中心|养老服务)"
)
FORM = r"(?:有限公司|有限责任公司|股份有限公司)?"

FILING_NAME_PATTERN = re.compile(rf"^{DIVISION}{TRADE_NAME}{INDUSTRY}{FORM}$")

# Kinds whose filing name must follow the pattern.
NAMED_KINDS = frozenset({"care_home", "community"})


def name_is_standard(name: str, kind: str = "care_home") -> bool:
    """True when ``name`` follows the standard filing-name pattern (or the kind is exempt)."""
    if kind not in NAMED_KINDS:
        return True
    return bool(FILING_NAME_PATTERN.match((name or "").strip()))
