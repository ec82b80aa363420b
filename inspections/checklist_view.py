"""The tablet checklist of an inspection: one section per domain with its own navigation entry and
a 全部符合 (with confirmation), one card per item with big radio buttons, the hazard grade shown
as saved (on the item's finding), and photos taken inline (``capture``) into the private file
store through ``evidence_add``. Every write goes through the inspection services."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from supervision.core import policy

from . import services
from .models import Evidence, Finding, Inspection, InspectionItem, ItemOutcome, Severity

PASS, FAIL = ItemOutcome.PASS, ItemOutcome.FAIL


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _sections(items: list[InspectionItem]) -> OrderedDict[int, dict[str, Any]]:
    sections: OrderedDict[int, dict[str, Any]] = OrderedDict()
    for item in items:
        section = sections.setdefault(
            item.domain_id, {"domain": item.domain, "items": [], "anchor": f"section-{item.domain_id}"}
        )
        section["items"].append(item)
    return sections


def _posted_outcomes(
    request: HttpRequest, items: list[InspectionItem], existing: dict[int, Any]
) -> dict[int, str]:
    """The outcome chosen for each item; 全部符合 of a section marks its items 符合 except those
    marked (now or before) 不符合."""
    chosen = {item.pk: request.POST.get(f"item-{item.pk}", "") for item in items}
    section = request.POST.get("all_pass")
    if section and section.isdigit():
        for item in items:
            if item.domain_id != int(section):
                continue
            saved = existing.get(item.pk)
            if chosen[item.pk] == FAIL or (not chosen[item.pk] and saved and saved.outcome == FAIL):
                continue
            chosen[item.pk] = PASS
    return chosen


def _save(request: HttpRequest, inspection: Inspection, items: list[InspectionItem]) -> int:
    existing = {r.item_id: r for r in inspection.results.all()}
    findings = {f.item_result_id: f for f in Finding.objects.filter(item_result__inspection=inspection)}
    outcomes = _posted_outcomes(request, items, existing)
    saved = 0
    for item in items:
        outcome = outcomes[item.pk]
        photos = request.FILES.getlist(f"photo-{item.pk}")
        current = existing.get(item.pk)
        if not outcome:
            if photos and current is None:
                messages.error(
                    request, _("“%(item)s”：请先选择检查结果，再上传照片。") % {"item": item.title}
                )
            if not photos or current is None:
                continue
            outcome = current.outcome
        note = request.POST.get(f"note-{item.pk}", "").strip()
        severity = request.POST.get(f"severity-{item.pk}") or Severity.GENERAL
        if severity not in Severity.values:
            severity = Severity.GENERAL
        try:
            if current is None or (current.outcome, current.note) != (outcome, note):
                current = services.item_result_record(
                    inspection, item, actor=request.user, outcome=outcome, note=note, severity=severity
                )
                saved += 1
            finding = findings.get(current.pk)
            if outcome == FAIL and finding is not None and finding.severity != severity:
                if policy.can(request.user, finding, "set_severity"):
                    services.finding_set_severity(finding, actor=request.user, severity=severity)
                    saved += 1
                else:
                    messages.warning(
                        request,
                        _("“%(item)s”的隐患等级由主管部门调整，本次未修改。") % {"item": item.title},
                    )
            for photo in photos:
                services.evidence_add(
                    inspection, photo, actor=request.user, caption=item.title, item_result=current
                )
                saved += 1
        except ValidationError as exc:
            _errors(request, exc)
    return saved


def checklist(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    """GET shows the checklist; POST records what changed (results, grades, photos)."""
    if request.method == "POST":  # before the results are read
        policy.require(request.user, inspection, "record")
    items = services.checklist_items(inspection)
    if request.method == "POST":
        saved = _save(request, inspection, items)
        if saved:
            messages.success(request, _("已保存 %(n)d 项检查结果和照片。") % {"n": saved})
        anchor = request.POST.get("all_pass")
        suffix = f"#section-{anchor}" if anchor and anchor.isdigit() else ""
        return redirect(request.path + suffix)
    results = {r.item_id: r for r in inspection.results.select_related("department", "recorded_by")}
    findings = {
        f.item_result_id: f
        for f in Finding.objects.filter(item_result__inspection=inspection).only(
            "pk", "item_result_id", "severity"
        )
    }
    photos: dict[int, list[Evidence]] = {}
    for evidence in inspection.evidence.filter(item_result__isnull=False).order_by("pk"):
        photos.setdefault(evidence.item_result_id, []).append(evidence)  # type: ignore[arg-type]
    sections = _sections(items)
    for section in sections.values():
        rows = []
        for item in section["items"]:
            result = results.get(item.pk)
            finding = findings.get(result.pk) if result else None
            rows.append(
                {
                    "item": item,
                    "result": result,
                    "finding": finding,
                    "severity": finding.severity if finding else Severity.GENERAL,
                    "photos": photos.get(result.pk, []) if result else [],
                }
            )
        section["rows"] = rows
        section["done"] = sum(1 for r in rows if r["result"])
        section["fails"] = sum(1 for r in rows if r["result"] and r["result"].outcome == FAIL)
    may_record = inspection.is_open and policy.can(request.user, inspection, "record")
    return render(
        request,
        "inspections/checklist.html",
        {
            "inspection": inspection,
            "sections": list(sections.values()),
            "outcomes": ItemOutcome.choices,
            "severities": Severity.choices,
            "done": len(results),
            "total": len(items),
            "may_record": may_record,
        },
    )
