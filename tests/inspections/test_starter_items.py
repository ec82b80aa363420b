"""The shipped starter item list: the items the documents name are there, and every item
routes to a department through the shipped remit matrix (checked against the CSVs, so a
renamed domain code cannot silently leave an item without a responsible department)."""

from __future__ import annotations

import csv
from pathlib import Path

from inspections.starter import ITEMS

DATA = Path(__file__).resolve().parents[2] / "supervision" / "core" / "data"


def _csv(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh) if not next(iter(r.values())).startswith("#")]


def test_items_named_by_the_issue_and_documents_are_shipped():
    codes = {code for code, *_ in ITEMS}
    assert {
        "fire-passages",
        "fire-drill",
        "video-30-days",
        "food-samples",
        "food-licence",
        "staff-certificates",
        "deposits-escrow",
        "prepaid-monthly",
        "commitment-published",
    } <= codes
    titles = {code: title for code, _, title, *_ in ITEMS}
    assert "半年" in titles["fire-drill"] and "30日" in titles["video-30-days"]
    assert len(codes) == len(ITEMS)  # codes are unique


def test_every_item_has_a_known_domain_legal_basis_and_method():
    domains = {r["code"] for r in _csv("domains.csv")}
    for code, domain, title, basis, method, _key in ITEMS:
        assert domain in domains, code
        assert title and basis and method, code
    covered = {domain for _, domain, *_ in ITEMS}
    for wanted in ("building", "fire", "food", "drugs", "medical", "environment", "special_equipment"):
        assert wanted in covered
    for wanted in ("operations", "emergency", "staff_qualification", "fees", "fiscal_funds", "land"):
        assert wanted in covered


def test_every_item_routes_to_a_responsible_or_lead_department():
    remits = _csv("remits.csv")
    answering = {(r["domain"]) for r in remits if r["role"] in ("responsible", "lead")}
    for code, domain, *_ in ITEMS:
        assert domain in answering, f"{code}: no responsible/lead department for {domain}"
    fire = {r["department"] for r in remits if r["domain"] == "fire" and r["role"] == "responsible"}
    assert fire == {"fire_rescue"}
