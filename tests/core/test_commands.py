"""import_regions, load_reference_data, seed_demo and seed_scale."""

from __future__ import annotations

import types
from io import StringIO

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command

from supervision.core import demo
from supervision.core.models import SEPARATED_ROLES, Assignment, Region, Role, User

pytestmark = pytest.mark.django_db

MESSY = """code,name,level,parent_code
# 测试文件：故意混入错误行
370000,山东省,,
371500,聊城市,2,
371521,阳谷县,3,371500
1234567,七位代码,,
3715ab,含字母,,
371521101,阎楼镇,,
371521101201,阎楼村,,
459901,无上级县,,
371522,,,
371523,莘县,4,
371521101,阎楼镇重复,,
371524,茌平区,,371600
120104001,长虹街道,,
120104,南开区,,
120100,市辖区,,
120000,天津市,,
"""


def run_import(tmp_path, content: str, *args: str, encoding: str = "utf-8") -> tuple[str, str]:
    path = tmp_path / "regions.csv"
    path.write_text(content, encoding=encoding)
    out, err = StringIO(), StringIO()
    call_command("import_regions", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_reports_bad_rows_by_line_and_imports_the_good_ones(tmp_path):
    out, err = run_import(tmp_path, MESSY)
    assert "第 6 行：区划代码长度应为 6、9 或 12 位" in err
    assert "第 7 行：区划代码只能包含数字" in err
    assert "第 10 行：上级区划不存在：459900000000、450000000000" in err
    assert "第 11 行：缺少名称" in err
    assert "第 12 行：级别 4 与区划代码 371523 所示级别 3 不符" in err
    assert "第 13 行：区划代码 371521101000 重复（与第 8 行相同）" in err
    assert "第 14 行：上级区划代码 371600 不是 371524 的上级" in err
    assert "错误 7 行" in out and "跳过占位 1 行" in out

    assert not Region.objects.filter(code__in=["459901000000", "371523000000", "120100000000"]).exists()
    village = Region.objects.get(code="371521101201")
    assert village.level == 5 and village.full_name() == "山东省聊城市阳谷县阎楼镇阎楼村"
    assert Region.objects.get(code="371521101000").name == "阎楼镇"  # the first of the duplicates
    # An unsorted file still links children whose parents come later; the placeholder is skipped.
    street = Region.objects.get(code="120104001000")
    assert street.parent.code == "120104000000" and street.parent.parent.code == "120000000000"
    assert Region.objects.count() == 8


def test_import_is_idempotent(tmp_path):
    run_import(tmp_path, MESSY)
    before = list(Region.objects.values_list("code", "name", "level", "parent__code"))
    out, _ = run_import(tmp_path, MESSY)
    assert "新增 0" in out and "错误 7 行" in out
    assert list(Region.objects.values_list("code", "name", "level", "parent__code")) == before


def test_import_updates_names_and_keeps_ids(tmp_path):
    run_import(tmp_path, "code,name\n370000,山东省\n371500,聊城市\n")
    city = Region.objects.get(code="371500000000")
    run_import(tmp_path, "code,name\n370000,山东省\n371500,聊城市（新）\n")
    city.refresh_from_db()
    assert city.name == "聊城市（新）" and city.parent.code == "370000000000"


def test_import_headerless_gbk_file_with_small_chunks(tmp_path):
    content = (
        "370000000000,山东省,1,\n371500000000,聊城市,2,370000000000\n371521000000,阳谷县,3,371500000000\n"
    )
    _, err = run_import(tmp_path, content, "--encoding", "gbk", "--chunk-size", "1", encoding="gbk")
    assert err == ""
    assert Region.objects.get(code="371521000000").full_name() == "山东省聊城市阳谷县"


def test_import_accepts_chinese_headers_and_extra_columns(tmp_path):
    content = "区划代码,名称,城乡分类\n37,山东省,\n3715,聊城市,\n371521,阳谷县,\n371521001,博济桥街道,111\n"
    out, _ = run_import(tmp_path, content)
    assert "导入 4 行（新增 4" in out
    assert Region.objects.get(code="371521001000").level == 4


def test_import_refuses_a_file_without_code_and_name(tmp_path):
    with pytest.raises(CommandError, match="表头"):
        run_import(tmp_path, "编号,地名\n1,甲\n")
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_regions", str(tmp_path / "missing.csv"))


def test_seed_demo_twice_creates_every_account_once_and_prints_them():
    first = StringIO()
    call_command("seed_demo", stdout=first)
    users, posts = User.objects.count(), Assignment.objects.count()
    second = StringIO()
    call_command("seed_demo", stdout=second)
    assert (User.objects.count(), Assignment.objects.count()) == (users, posts)

    output = second.getvalue()
    assert "Demo-Pass-2026!" in output
    for username in ("yanggu_mz", "dongchangfu_leader", "yanggu_xf", "bojiqiao_mz", "admin"):
        assert username in output
    assert "山东省聊城市阳谷县博济桥街道" in output

    for county in ("371521000000", "371502000000"):
        roles = set(
            Assignment.objects.filter(region__code=county, department__code="civil_affairs").values_list(
                "role", flat=True
            )
        )
        # every business role; the three administrator roles (三员) sit at the city (accounts)
        assert roles == set(Role.values) - SEPARATED_ROLES
    partners = set(
        Assignment.objects.filter(region__code="371521000000")
        .exclude(department__code="civil_affairs")
        .values_list("department__code", "role")
    )
    assert {
        ("fire_rescue", "inspector"),
        ("market_regulation", "inspector"),
        ("health", "inspector"),
    } <= partners
    assert any(role == Role.LIAISON for _, role in partners)
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="yanggu_mz").check_password(demo.DEMO_PASSWORD)
    validate_password(demo.DEMO_PASSWORD)  # the demo password satisfies the project's validators


def test_seed_demo_runs_other_apps_in_installed_apps_order(monkeypatch):
    calls: list[str] = []
    fakes = [
        types.SimpleNamespace(__name__=f"app{i}.demo", seed=lambda out, i=i: calls.append(f"app{i}"))
        for i in (1, 2)
    ]
    monkeypatch.setattr(demo, "demo_modules", lambda: iter([demo, *fakes]))
    call_command("seed_demo", stdout=StringIO())
    assert calls == ["app1", "app2"]


def test_seed_scale_loads_regions_and_dispatches_counts(monkeypatch):
    import importlib

    from supervision.core.management.commands import seed_scale

    received: dict[str, int] = {}
    modules = {
        "institutions.demo": types.SimpleNamespace(
            seed_scale=lambda count, stdout: received.__setitem__("institutions", count)
        ),
        "supervision.deadlines.demo": types.SimpleNamespace(
            SCALE_OPTION="deadlines",
            seed_scale=lambda count, stdout: received.__setitem__("deadlines", count),
        ),
    }
    real = importlib.import_module

    def fake_import(name: str, *args):
        if name in modules:
            return modules[name]
        if name.endswith(".demo"):
            raise ModuleNotFoundError(name=name)
        return real(name, *args)

    monkeypatch.setattr(seed_scale.importlib, "import_module", fake_import)
    out = StringIO()
    call_command("seed_scale", "--institutions", "50", "--deadlines", "7", stdout=out)
    assert received == {"institutions": 50, "deadlines": 7}
    assert Region.objects.filter(code="371521000000").exists()


def test_seed_scale_bulk_inserts_valid_institutions_over_every_township():
    from institutions.models import Institution
    from institutions.validators import validate_credit_code

    out, err = StringIO(), StringIO()
    call_command("seed_scale", "--institutions", "300", stdout=out, stderr=err)
    assert Institution.objects.count() == 300
    codes = list(Institution.objects.values_list("credit_code", flat=True))
    assert len(set(codes)) == 300
    for code in codes[:50]:
        validate_credit_code(code)  # a wrong check character raises
    towns = set(Institution.objects.values_list("region__parent__code", flat=True))
    assert len(towns) > 10  # spread over many counties, not piled into one
    assert "institutions: 300 条" in out.getvalue()
    call_command("seed_scale", "--institutions", "200", stdout=StringIO())
    assert Institution.objects.count() == 500  # adds, never collides with what is there


def test_seed_scale_says_when_nothing_consumes_an_option(monkeypatch):
    import importlib

    from supervision.core.management.commands import seed_scale

    real = importlib.import_module

    def no_deadlines(name: str, *args):
        module = real(name, *args)
        if getattr(module, "SCALE_OPTION", None) == "deadlines":
            raise ModuleNotFoundError(name=name)
        return module

    monkeypatch.setattr(seed_scale.importlib, "import_module", no_deadlines)
    err = StringIO()
    call_command("seed_scale", "--institutions", "0", "--deadlines", "5", stdout=StringIO(), stderr=err)
    assert "--deadlines：没有应用提供这类压测数据" in err.getvalue()
