"""``manage.py workdays``: add, between, is."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("workdays", *args, stdout=out)
    return out.getvalue().strip()


def test_add():
    assert run("add", "2026-09-28", "20") == "2026-10-30"
    assert run("add", "2026-12-21", "20") == "2027-01-19 (暂定)"


def test_between_and_is():
    assert run("between", "2026-09-28", "2026-10-30") == "20"
    assert run("between", "2026-10-30", "2026-09-28") == "-20"
    assert run("is", "2026-10-10") == "2026-10-10 工作日（国庆节调休上班）"
    assert run("is", "2026-10-01") == "2026-10-01 休息日（国庆节）"
    assert run("is", "2027-02-06") == "2027-02-06 休息日（春节） (暂定)"


def test_errors_are_in_chinese():
    with pytest.raises(CommandError, match="日期格式应为 YYYY-MM-DD"):
        run("add", "2026-9-28x", "20")
    with pytest.raises(CommandError, match="超出工作日历范围"):
        run("is", "1999-01-01")
    with pytest.raises(CommandError, match="工作日数应为整数：abc"):
        run("add", "2026-09-28", "abc")
    with pytest.raises(CommandError, match="工作日数应在 -3650 至 3650 之间"):
        run("add", "2026-09-28", "3651")
    with pytest.raises(CommandError, match="参数不足。用法：workdays add 开始日期 工作日数"):
        run("add", "2026-09-28")
    with pytest.raises(CommandError, match="参数不足。用法：workdays between"):
        run("between", "2026-09-28")
    with pytest.raises(CommandError, match="参数不足。用法：workdays is"):
        run("is")


def test_negative_days_count_backwards():
    assert run("add", "2026-10-30", "-20") == "2026-09-28"
