"""Validation of the unified social credit code (GB 32100-2015) with python-stdnum,
with messages that tell staff exactly what is wrong."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def normalise_credit_code(value: str) -> str:
    """Upper case without spaces or hyphens; full-width characters (common in lists typed with
    a Chinese input method: "９１３７…Ｌ") become their ASCII forms first (NFKC)."""
    return uscc.compact(unicodedata.normalize("NFKC", value or ""))


def explain_credit_code(value: str) -> str | None:
    """Return None for a valid code, else a Chinese sentence naming the fault."""
    code = normalise_credit_code(value)
    if len(code) != 18:
        return f"统一社会信用代码应为 18 位，当前为 {len(code)} 位。"
    for i, ch in enumerate(code, start=1):
        if ch not in ALPHABET:
            return f"第 {i} 位字符“{ch}”不合法：只能使用数字和除 I、O、S、V、Z 以外的大写字母。"
        if i <= 8 and not ch.isdigit():
            return f"第 {i} 位字符“{ch}”不合法：前 8 位（登记管理部门、机构类别、行政区划码）应为数字。"
    try:
        uscc.validate(code)
    except InvalidChecksum:
        expected = uscc.calc_check_digit(code)
        return f"第 18 位校验码错误：按 GB 32100 应为“{expected}”，实际为“{code[-1]}”。"
    except (InvalidComponent, InvalidFormat, InvalidLength):
        return "统一社会信用代码格式不正确。"
    return None


def validate_credit_code(value: str) -> None:
    message = explain_credit_code(value)
    if message:
        raise ValidationError(message, code="invalid_credit_code")


# --- Resident identity card numbers (居民身份证号码, GB 11643) -------------------------------


def normalise_id_number(value: str) -> str:
    return ric.compact(value or "")


def explain_id_number(value: str) -> str | None:
    """Return None for a valid resident ID number, else a Chinese sentence naming the fault."""
    number = normalise_id_number(value)
    if len(number) != 18:
        return f"居民身份证号码应为 18 位，当前为 {len(number)} 位。"
    if not number[:-1].isdigit() or not (number[-1].isdigit() or number[-1] == "X"):
        return "居民身份证号码前 17 位应为数字，最后一位为数字或 X。"
    try:
        ric.validate(number)
    except InvalidChecksum:
        expected = ric.calc_check_digit(number)
        return f"居民身份证号码第 18 位校验码错误：应为“{expected}”，实际为“{number[-1]}”。"
    except InvalidComponent:
        return "居民身份证号码中的出生日期或行政区划代码无效。"
    except (InvalidFormat, InvalidLength):
        return "居民身份证号码格式不正确。"
    return None


def validate_id_number(value: str) -> None:
    message = explain_id_number(value)
    if message:
        raise ValidationError(message, code="invalid_id_number")
