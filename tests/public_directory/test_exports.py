"""CSV and JSON downloads carry exactly the rows of the page, with stable columns and a schema."""

from __future__ import annotations

import csv
import io

import jsonschema
import pytest

from institutions.public import COLUMN_KEYS
from tests.institutions.factories import InstitutionFactory

from .helpers import codes_on_page

pytestmark = pytest.mark.django_db
PAGE, CSV, JSON = (
    "/public/institutions/",
    "/public/institutions/export.csv",
    "/public/institutions/export.json",
)


def read_csv(response) -> list[dict[str, str]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel needs the BOM to read UTF-8
    reader = csv.DictReader(io.StringIO(text[1:]))
    assert reader.fieldnames == COLUMN_KEYS
    return list(reader)


def read_json(response) -> dict:
    import json

    content = b"".join(response.streaming_content) if response.streaming else response.content
    return json.loads(content)


@pytest.fixture
def many(directory, world):
    extra = [
        InstitutionFactory(
            name=f"阳谷县博济桥街道第{i:02d}养老院", status="filed", region=world.yanggu_town, beds=10 + i
        )
        for i in range(30)
    ]
    return [*directory.listed, *extra]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"region": "371521000000", "kind": "care_home"},
        {"beds_min": "20", "beds_max": "35", "o": "-beds"},
        {"q": "侨润"},
        {"grade": "5"},
    ],
)
def test_full_downloads_match_every_page_of_the_directory(client, many, params):
    page_codes, n = [], 1
    while True:
        codes = codes_on_page(client.get(PAGE, {**params, "page": n}))
        page_codes += codes
        if len(codes) < 20:
            break
        n += 1
    csv_rows = read_csv(client.get(CSV, params))
    data = read_json(client.get(JSON, params))
    assert [r["credit_code"] for r in csv_rows] == page_codes
    assert [r["credit_code"] for r in data["results"]] == page_codes
    assert data["count"] == len(page_codes) and data["columns"] == COLUMN_KEYS


def test_paged_downloads_match_the_same_page_field_by_field(client, many, directory):
    params = {"region": "371521000000", "o": "-beds", "page": "2"}
    page = client.get(PAGE, params)
    rows = read_json(client.get(JSON, params))["results"]
    assert [r["credit_code"] for r in rows] == codes_on_page(page)
    assert read_csv(client.get(CSV, params)) == [
        {k: "" if v is None else str(v) for k, v in r.items()} for r in rows
    ]
    body = page.content.decode()
    for r in rows:  # what the page shows of each row is what the data says
        for key in ("name", "kind_name", "nature_name", "status_name", "address", "complaint_phone"):
            assert r[key] in body


def test_row_values_and_schema(client, directory):
    data = read_json(client.get(JSON, {"q": directory.a.credit_code}))
    jsonschema.validate(data, client.get("/public/institutions/schema.json").json())
    (row,) = data["results"]
    assert row["name"] == directory.a.name and row["beds"] == 120 and row["grade"] == 3
    assert row["county_name"] == "阳谷县" and row["township_name"] == "博济桥街道"
    assert row["region_code"] == "371521100000" and row["status"] == "filed"
    assert row["detail_url"] == f"/public/institutions/{directory.a.credit_code}/"
    assert set(row) == set(COLUMN_KEYS)


def test_schema_page_documents_every_column_in_chinese(client, directory):
    body = client.get("/public/institutions/data/").content.decode()
    schema = client.get("/public/institutions/schema.json").json()
    props = schema["properties"]["results"]["items"]["properties"]
    for key in COLUMN_KEYS:
        assert f"<code>{key}</code>" in body
        assert props[key]["description"]
