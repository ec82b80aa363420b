"""Notice numbers: per issuing department, region and year; gapless and unique under
concurrent issuing (PostgreSQL threads)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from inspections import services as inspection_services
from inspections.rectification import services
from inspections.rectification.models import RectificationNotice
from supervision.core import policy
from supervision.core.models import Domain


@pytest.mark.django_db
def test_numbers_count_per_department_and_year(world, site, issued):
    first = issued(site.duty)
    extra = inspection_services.finding_create(
        site.home, Domain.objects.get(code="operations"), actor=world.yanggu_mz, description="入住评估缺失"
    )
    second = issued(extra, on=dt.date(2026, 9, 29))
    partner = services.notice_issue(
        services.notice_create(
            site.home,
            [services.ItemSpec(site.fire, "《消防法》第二十八条", "清理安全出口", period_workdays=3)],
            actor=world.yanggu_xf,
        ),
        actor=world.yanggu_xf,
        on=dt.date(2026, 9, 29),
    )
    assert (first.number, second.number) == ("阳民整改〔2026〕1号", "阳民整改〔2026〕2号")
    assert partner.number == "阳消整改〔2026〕1号"


@pytest.mark.django_db
def test_a_failed_render_leaves_no_gap(world, site, draft, monkeypatch):
    notice = draft()

    def broken(*args, **kwargs):
        raise RuntimeError("render failed")

    monkeypatch.setattr(services.documents, "render_document", broken)
    with pytest.raises(RuntimeError):
        services.notice_issue(notice, actor=world.yanggu_mz, on=dt.date(2026, 9, 28))
    monkeypatch.undo()
    notice.refresh_from_db()
    assert notice.status == "draft" and notice.number == ""
    assert (
        services.notice_issue(notice, actor=world.yanggu_mz, on=dt.date(2026, 9, 28)).number
        == "阳民整改〔2026〕1号"
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_yields_no_gaps_and_no_duplicates(world, site):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers with a database lock; row locks need PostgreSQL")
    operations = Domain.objects.get(code="operations")
    drafts = []
    for n in range(8):
        finding = inspection_services.finding_create(
            site.home,
            operations,
            actor=world.yanggu_mz,
            description=f"问题{n}",
            found_on=dt.date(2026, 9, 20),
        )
        drafts.append(
            services.notice_create(
                site.home,
                [services.ItemSpec(finding, "《养老机构管理办法》第二十八条", "整改", period_workdays=5)],
                actor=world.yanggu_mz,
            )
        )
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(drafts))

    def issue(notice: RectificationNotice) -> None:
        try:
            barrier.wait()
            services.notice_issue(notice, actor=policy.SYSTEM, on=dt.date(2026, 9, 28))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(d,)) for d in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    numbers = sorted(RectificationNotice.objects.values_list("number", flat=True))
    assert len(set(numbers)) == len(drafts)
    assert sorted(int(n.split("〕")[1].rstrip("号")) for n in numbers) == list(range(1, len(drafts) + 1))
