"""The Word draft of a document before it is issued: the same text as the PDF, for staff who may
issue it (the policy), never for an issued document or outside the scope."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document

from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(notice) -> str:
    return f"/documents/draft/rectification_notice/{notice.pk}/word/"


def test_the_issuer_downloads_an_editable_draft_with_the_notice_text(world, site, draft, client_for):
    notice = draft(site.duty)
    response = client_for(world.yanggu_mz).get(url(notice))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    assert "%E8%8D%89%E7%A8%BF" in response["Content-Disposition"]  # （草稿） in the file name
    word = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "责令限期整改通知书" in text and "阳谷县福寿养老院" in text
    assert "夜间值班记录缺失" in [c.text for t in word.tables for r in t.rows for c in r.cells]


def test_the_button_shows_for_the_issuer_only(world, site, draft, client_for):
    notice = draft(site.duty)
    detail = f"/inspections/rectification/notices/{notice.pk}/"
    page = client_for(world.yanggu_mz).get(detail).content.decode()
    assert url(notice) in page and "下载 Word 草稿" in page
    auditor = UserFactory(username="mz_auditor")
    AssignmentFactory(user=auditor, department=world.mz, region=world.yanggu, role="auditor")
    page = client_for(auditor).get(detail).content.decode()
    assert url(notice) not in page
    assert client_for(auditor).get(url(notice)).status_code == 403


def test_no_draft_outside_the_scope_or_after_issuing(world, site, draft, client_for):
    from inspections.rectification import services

    notice = draft(site.duty)
    assert client_for(world.dongchangfu_mz).get(url(notice)).status_code == 404
    services.notice_issue(notice, actor=world.yanggu_mz, on=dt.date(2026, 9, 28))
    response = client_for(world.yanggu_mz).get(url(notice))
    assert response.status_code == 403 and "正式 PDF" in response.content.decode()
    assert client_for(world.yanggu_mz).get("/documents/draft/nosuch/1/word/").status_code == 404
