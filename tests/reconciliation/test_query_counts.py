"""The worklist page, its API and the rows page do not grow queries with the number of rows."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.institutions.factories import credit_code
from tests.reconciliation.conftest import start, upload, write_xlsx

HEADERS = ["统一社会信用代码", "企业名称", "所属乡镇"]


def _run(world, source, tmp_path, capture, n, offset):
    rows = [[credit_code(offset + i), f"阳谷县新{offset + i}养老院", "博济桥街道"] for i in range(n)]
    path = write_xlsx(tmp_path / f"q{offset}.xlsx", HEADERS, rows)
    return start(upload(world.yanggu_mz, path, source), world.yanggu_mz, None, capture)


def _count(client, url):
    client.get(url)  # warm caches (content types, session) so only the page's own queries differ
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_queries_are_constant(
    world, market_source, tmp_path, django_capture_on_commit_callbacks, client_for, api_for
):
    run = _run(world, market_source, tmp_path, django_capture_on_commit_callbacks, 2, 8000)
    c = client_for(world.yanggu_mz)
    api = api_for(world.yanggu_mz)
    urls = ["/institutions/reconciliation/items/", f"/institutions/reconciliation/runs/{run.pk}/rows/"]
    few = [_count(c, u) for u in urls] + [_count(api, "/api/v1/reconciliation-items/")]
    more = _run(world, market_source, tmp_path, django_capture_on_commit_callbacks, 12, 8100)
    urls[1] = f"/institutions/reconciliation/runs/{more.pk}/rows/"
    many = [_count(c, u) for u in urls] + [_count(api, "/api/v1/reconciliation-items/")]
    assert many == few
