"""One presentation everywhere people read: filters with labels whose choices default to 全部
(yes/no: 全部 / 是 / 否), the total on every list, Chinese error pages with a way back, and code
values written in words (ratios, risk weights, rule sources, event verbs, working days left)."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

from institutions.filters import InstitutionFilter
from institutions.reconciliation.filters import WorkItemFilter
from supervision.core import present
from supervision.core.filters import harden
from supervision.core.transitions import verb_label
from supervision.deadlines.filters import DeadlineFilter

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("filterset", [InstitutionFilter, DeadlineFilter, WorkItemFilter])
def test_every_filter_has_a_label_and_choices_start_with_all(filterset, rf, world):
    request = rf.get("/")
    request.user = world.yanggu_mz
    form = harden(filterset(data={}, request=request)).form
    for name, field in form.fields.items():
        if field.widget.is_hidden:
            continue
        assert field.label and not any(c.isascii() and c.isalpha() for c in str(field.label)), name
        html = str(form[name])
        assert "---------" not in html and "未知" not in html, (name, html[:200])
        if "<select" in html:
            assert re.search(r'<option value=""[^>]*>\s*全部', html), (name, html[:200])


def test_yes_no_filters_offer_all_yes_no(client, world):
    client.force_login(world.yanggu_mz)
    page = client.get("/institutions/").content.decode()
    start = page.index('name="name_nonstandard"')
    select = page[start : page.index("</select>", start)]
    assert '<option value="" selected>全部</option>' in select
    assert '<option value="true">是</option>' in select and '<option value="false">否</option>' in select
    # and the filter works on 否 as well as 是
    assert client.get("/institutions/", {"name_nonstandard": "false"}).status_code == 200


def test_every_list_shows_its_total(client, world):
    from tests.institutions.factories import InstitutionFactory

    InstitutionFactory(name="博济桥敬老院", region=world.yanggu_town, status="filed")
    client.force_login(world.yanggu_mz)
    page = client.get("/institutions/").content.decode()
    assert "共 1 条" in page


def test_404_is_a_chinese_page_with_the_navigation_and_a_way_back(client, world):
    client.force_login(world.yanggu_mz)
    with override_settings(DEBUG=False):
        r = client.get("/institutions/999999999/")
    body = r.content.decode()
    assert r.status_code == 404 and "页面不存在" in body and "返回工作台" in body
    assert 'href="/workbench/"' in body and "navbar" in body and "Not Found" not in body
    public = client.get("/public/no-such-page/").content.decode()
    assert "页面不存在" in public and "返回公开首页" in public and "养老服务综合监管信息公开" in public


def test_500_is_a_chinese_page_without_a_request_context(rf):
    from supervision.core.errors import server_error

    r = server_error(rf.get("/institutions/"))
    body = r.content.decode()
    assert r.status_code == 500 and "系统暂时无法处理" in body and "返回工作台" in body
    assert "Server Error" not in body


def test_a_refused_write_is_a_chinese_403_with_a_way_back(client, world):
    from django.core.exceptions import PermissionDenied

    from supervision.core.errors import permission_denied

    request = client.get("/").wsgi_request
    request.user = world.yanggu_mz
    r = permission_denied(request, PermissionDenied("您的岗位无权签发该文书。"))
    body = r.content.decode()
    assert r.status_code == 403 and "无权办理" in body and "您的岗位无权签发该文书。" in body
    assert "返回上一页" in body and "Forbidden" not in body


def test_a_form_sent_with_an_expired_token_is_told_in_chinese(world):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(world.yanggu_mz)
    r = csrf_client.post("/inspections/complaints/hotline/", {})
    body = r.content.decode()
    assert r.status_code == 403 and "页面已过期" in body and "Forbidden" not in body


def test_code_values_are_written_in_words():
    assert present.percent("0.300") == "30%"
    assert present.percent("0.125", 1) == "12.5%"
    assert present.weights_text({"high": "3", "medium": "2", "low": "1"}) == "高风险 3、中风险 2、低风险 1"
    assert present.weights_text({"low": "0.100", "high": "0.500"}) == "高风险 50%、低风险 10%"
    assert present.risk_list(["high", "medium"]) == "高风险、中风险"
    assert present.workdays_text(3) == "剩余 3 个工作日"
    assert present.workdays_text(0) == "今日到期"
    assert present.workdays_text(-2) == "已逾期 2 个工作日"
    for verb in ("receive", "route", "create", "notify", "elapse", "review", "decide", "publish"):
        assert not verb_label(verb).isascii(), verb


def test_a_rule_source_names_the_documents_and_their_articles():
    from supervision.deadlines.models import Rule

    rule = Rule.objects.get(code="filing.onsite_check")
    text = rule.source_display()
    assert "《阳谷县关于建立健全养老服务综合监管制度促进养老服务高质量发展的实施意见》第（十一）项" in text
    assert "（楚政办函〔2021〕48号）第1项" in text and "附件1第2.5项" in text
    assert "000" not in text and "003" not in text
    complaint = Rule.objects.get(code="complaint.feedback")
    assert complaint.source_display().endswith("第10项")


def test_the_plan_page_writes_ratios_and_weights_in_words(client, world):
    from inspections.models import InspectionPlan

    plan = InspectionPlan.objects.create(
        title="2026 年度双随机抽查",
        year=2026,
        region=world.yanggu,
        department=world.mz,
        sampling_ratio="0.300",
    )
    client.force_login(world.yanggu_mz)
    page = client.get(f"/inspections/plans/{plan.pk}/").content.decode()
    assert "30%" in page and "0.300" not in page
    assert "高风险" in page and "{'high'" not in page
