"""Who sees which figures, the first page by role, the cache and its freshness, downloads and
the definition pages."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from supervision.dashboard import snapshots
from supervision.dashboard.models import DashboardSnapshot
from supervision.dashboard.tasks import refresh


def figure(page: str, code: str) -> str:
    start = page.index(f'data-code="{code}"')
    return page[page.index(">", start) + 1 : page.index("<", start)]


def test_township_leader_sees_only_their_township(world, county, town_leader, client_for):
    client = client_for(town_leader)
    page = client.get("/dashboard/").content.decode()
    assert 'id="dashboard-region">博济桥街道<' in page
    assert figure(page, "institutions.total") == "2"  # A and B; not 阿城镇's, not the county's
    assert client.get(f"/dashboard/?region={world.yanggu.code}").status_code == 404
    assert client.get(f"/dashboard/?region={county.town2.code}").status_code == 404
    assert (
        client.get(f"/dashboard/download/institutions_status.csv?region={world.yanggu.code}").status_code
        == 404
    )


def test_county_leader_drills_down_to_a_township(world, county, client_for):
    client = client_for(world.yanggu_leader)
    county_page = client.get("/dashboard/").content.decode()
    assert figure(county_page, "institutions.total") == "4"
    assert f'href="?region={county.town2.code}&amp;year=2026">阿城镇<' in county_page
    town_page = client.get(f"/dashboard/?region={county.town2.code}&year=2026").content.decode()
    assert figure(town_page, "institutions.total") == "2"
    assert "阳谷县</a>" in town_page  # the breadcrumb leads back up


def test_a_partner_department_gets_live_figures_of_its_own_view(world, county, client_for):
    page = client_for(world.yanggu_xf).get("/dashboard/").content.decode()
    assert "按本人可见范围实时计算" in page
    assert figure(page, "inspections.findings.total") == "1"  # fire rescue sees the fire finding only
    assert not DashboardSnapshot.objects.exists()


def test_first_page_by_role(world, client_for):
    assert client_for(world.yanggu_leader).get("/").url == "/dashboard/"
    assert client_for(world.yanggu_mz).get("/").url == "/workbench/"


def test_the_beat_task_refreshes_and_the_page_says_when(world, county, client_for):
    first = snapshots.refresh(world.yanggu, snapshots.current_period())
    DashboardSnapshot.objects.filter(pk=first.pk).update(payload={**first.payload, "children": []})
    assert refresh.delay().get() == {"refreshed": 1}  # the leader's county (stored or posted)
    snap = DashboardSnapshot.objects.get()
    assert snap.payload["children"] and snap.computed_at >= first.computed_at
    page = client_for(world.yanggu_leader).get("/dashboard/").content.decode()
    assert "数据更新于" in page and f"{snap.computed_at.astimezone().year}年" in page


def test_chart_figures_download_as_csv_and_excel(world, county, client_for):
    client = client_for(world.yanggu_leader)
    csv_text = client.get("/dashboard/download/coverage_year.csv").content.decode("utf-8-sig")
    assert "阳谷县,2026年,本年度现场检查覆盖率,50.0,%,inspections.onsite_coverage_year" in csv_text
    response = client.get("/dashboard/download/children.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("区划", "统计期", "指标", "数值")
    assert ("阿城镇", "2026年", "机构总数", 2, "家", "institutions.total") in rows
    assert client.get("/dashboard/download/coverage_year.pdf").status_code == 404
    assert client.get("/dashboard/download/nonsense.csv").status_code == 404


def test_each_indicator_has_its_definition_page(world, county, client_for):
    client = client_for(world.yanggu_leader)
    page = client.get("/dashboard/indicators/inspections.onsite_coverage_year/").content.decode()
    assert "每年对每家机构开展不少于1次现场检查" in page and "实施意见》第（十）项" in page
    assert "/inspections/objects/?region=371521000000" in page
    assert client.get("/dashboard/indicators/no.such/").status_code == 404
    index = client.get("/dashboard/indicators/").content.decode()
    assert "备案待现场核查" in index


def test_bad_year_is_a_chinese_404(world, client_for):
    client = client_for(world.yanggu_leader)
    assert client.get("/dashboard/?year=abc").status_code == 404
    assert client.get("/dashboard/?year=2999").status_code == 404


def test_the_dashboard_pages_speak_chinese(world, county, client_for):
    from tests.ui.crawl import problems, read

    client = client_for(world.yanggu_leader)
    for url in ("/dashboard/", "/dashboard/indicators/", "/dashboard/indicators/credit.grade.A/"):
        page = read(url, client.get(url).content.decode())
        assert problems(page, allowed={"yanggu_leader"}) == [], url  # the persona's own login name
