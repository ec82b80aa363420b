"""Generated test of every spreadsheet and CSV the portal writes (OWASP CSV injection): with the
demo data's names replaced by formula payloads, no exported cell is a formula and every payload
cell starts with ``'``. It enumerates every staff list with an Excel export (``?export=xlsx``),
the registration error report, every public CSV download (the open datasets under /public/api/,
the directory's export.csv, the joint-punishment list); JSON downloads are data for programs
and carry the payloads verbatim."""

from __future__ import annotations

import csv
import io
import json
import re
from io import BytesIO
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from openpyxl import load_workbook

from supervision.core.exports import safe_cell
from supervision.core.models import User
from supervision.core.web import ScopedListView, xlsx_response

pytestmark = pytest.mark.django_db

PAYLOADS = ['=HYPERLINK("http://x","y")', "+1+1", "@SUM(A1)", "-2+3+cmd|' /C calc'!A0"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# Routes of list views that need one object of their parent in the URL.
PARENT_OF = {"RowListView": "reconciliation.ReconciliationRun", "CoverageView": "inspections.InspectionPlan"}


def test_safe_cell_neutralises_formulas_and_keeps_numbers():
    assert [safe_cell(p) for p in PAYLOADS] == ["'" + p for p in PAYLOADS]
    assert safe_cell("\tx") == "'\tx" and safe_cell("\r=1") == "'\r=1"
    assert safe_cell(-3) == -3 and safe_cell(-1.5) == -1.5 and safe_cell("-3") == "-3"
    assert safe_cell("阳谷县=养老院") == "阳谷县=养老院" and safe_cell(None) is None


def test_xlsx_response_writes_text_never_formulas_and_numbers_as_numbers():
    response = xlsx_response("x.xlsx", ["=名称", "数"], [[p, -5] for p in PAYLOADS] + [["a\x01b", 2.5]])
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows())
    assert rows[0][0].value == "'=名称" and rows[0][0].data_type == "s"
    for row, payload in zip(rows[1:], PAYLOADS, strict=False):
        assert row[0].data_type == "s" and row[0].value == "'" + payload
        assert row[1].data_type == "n" and row[1].value == -5  # a negative number stays a number
    assert rows[-1][0].value == "ab"  # a control character XML cannot carry is dropped, not a 500


def patterns(resolver: URLResolver | None = None, prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            out += patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            out.append((prefix + str(p.pattern), p.callback))
    return out


@pytest.fixture
def poisoned(demo_module, db):
    """The demo data with the payloads as names and texts of the rows the exports show."""
    from django.apps import apps

    targets = {
        "institutions.Institution": ["name", "address"],
        "inspections.Inspector": ["name"],
        "inspections.InspectionItem": ["title"],
        "reconciliation.ReconciliationRow": ["name"],
        "reconciliation.WorkItem": ["name", "notes"],
        "reconciliation.RegistrationSource": ["name"],
        "deadlines.Rule": ["name"],
        "referrals.Referral": ["title", "institution_name", "result"],
        "inspections.Finding": ["description"],
        "credit.CreditRecord": ["title"],
        "funds.SubsidyProgramme": ["name", "legal_basis"],
        "funds.SpotCheckRound": ["seed_hash"],
        "fundraising.RiskItem": ["institution_name", "outcome"],
        "reports.Report": ["preparer", "return_reason"],
        "evaluation.Evaluation": ["preparer", "return_reason"],
        "campaigns.Campaign": ["title", "document_number"],
        "campaigns.CampaignTask": ["title"],
        "campaigns.LiaisonOfficer": ["name", "post"],
        "campaigns.TrainingQuota": ["programme"],
    }
    for label, fields in targets.items():
        model = apps.get_model(label)
        names = {f.name for f in model._meta.get_fields()}
        for i, pk in enumerate(model.objects.order_by("pk").values_list("pk", flat=True)):
            values = {f: PAYLOADS[i % len(PAYLOADS)] for f in fields if f in names}
            if values:
                model.objects.filter(pk=pk).update(**values)


def check_cells(where: str, cells: list[Any], failures: list[str]) -> int:
    """Count the payload cells; record any formula-like or un-neutralised cell."""
    seen = 0
    for value in cells:
        if not isinstance(value, str):
            continue
        if value.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(value):
            failures.append(f"{where}: cell {value[:40]!r} would be taken for a formula")
        if value.lstrip("'") in PAYLOADS:
            seen += 1
            if value != "'" + value.lstrip("'"):
                failures.append(f"{where}: payload cell {value!r} is not neutralised")
        elif any(p in value for p in PAYLOADS) and value.startswith(FORMULA_STARTS):
            failures.append(f"{where}: cell {value[:40]!r} starts a formula")
    return seen


def xlsx_cells(where: str, content: bytes, failures: list[str]) -> list[Any]:
    sheet = load_workbook(BytesIO(content)).active
    cells = []
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                failures.append(f"{where}: {cell.coordinate} is a formula: {cell.value!r}")
            cells.append(cell.value)
    return cells


def csv_cells(content: bytes) -> list[str]:
    text = content.decode("utf-8-sig")
    return [value for row in csv.reader(io.StringIO(text)) for value in row]


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_every_staff_excel_export_neutralises_formulas(poisoned, client):
    from django.apps import apps

    client.force_login(User.objects.get(username="admin"))
    failures: list[str] = []
    exports = []
    for route, callback in patterns():
        view = getattr(callback, "view_class", None)
        if view is None or not issubclass(view, ScopedListView) or not view.export_columns:
            continue
        if route.startswith("audit/"):
            continue  # the audit administrator's page alone: tests/audit tries it
        if "<" in route:
            if "<str:kind>" in route:
                continue  # the findings list's views: FindingListView sets its columns per kind
            label = PARENT_OF.get(view.__name__)
            assert label, f"{route}: add the parent model of {view.__name__} to PARENT_OF"
            route = route.replace("<int:pk>", str(apps.get_model(label).objects.order_by("pk").first().pk))
        exports.append("/" + route)
    from inspections.views import LIST_KINDS

    exports += [f"/inspections/findings/list/{kind}/" for kind in LIST_KINDS]
    run = apps.get_model("reconciliation.ReconciliationRun").objects.order_by("pk").first()
    exports.append(f"/institutions/reconciliation/runs/{run.pk}/errors.xlsx")
    assert len(exports) >= 20, exports
    unseen = []
    for url in exports:
        response = client.get(url, {"export": "xlsx"})
        assert response.status_code == 200, (url, response.status_code)
        cells = xlsx_cells(url, response.content, failures)
        if check_cells(url, cells, failures) == 0:
            unseen.append(url)
    assert not failures, "\n".join(failures)
    # the test proves something only where a payload reached the export: every export with
    # rows shows at least one poisoned name (the demo has no suspension order yet)
    quiet = {"/inspections/rectification/suspensions/"}
    assert set(unseen) <= quiet, f"no payload reached {unseen}"


def test_every_public_csv_neutralises_formulas_and_json_keeps_the_data(poisoned, client, settings):
    from supervision.publicity.registry import public_datasets

    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    downloads = [f"/public/api/{key}.csv" for key in public_datasets()]
    downloads += [
        "/public/institutions/export.csv",
        "/public/institutions/export.csv?page=1",
        "/public/credit/list.csv",
    ]
    failures: list[str] = []
    seen = {}
    for url in downloads:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        seen[url] = check_cells(url, csv_cells(body(response)), failures)
    assert not failures, "\n".join(failures)
    assert seen["/public/institutions/export.csv"] > 0 and seen["/public/institutions/export.csv?page=1"] > 0
    assert seen["/public/api/institutions.csv"] > 0

    # JSON is for programs: the names are the data, exactly as registered
    listed = json.loads(body(client.get("/public/institutions/export.json")))
    assert {row["name"] for row in listed["results"]} & set(PAYLOADS)
    for key in public_datasets():
        text = body(client.get(f"/public/api/{key}.json")).decode()
        assert "'=HYPERLINK" not in text and "'+1+1" not in text, key
