"""Public pages of the quarterly spot checks (003 4.): every draw of paid subsidy claims from its
commitment on, so that anyone can re-run it (the double-random draw's commit and reveal).

The page shows the committed seed hash, the seed once the draw has run (never before), the
frozen inputs (claim numbers, the ratio) and the result, and re-runs the draw on request. No
personal data: claim numbers and institution names only, never claim lines or residents."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from supervision.core.draw import canonical_json, seed_hash
from supervision.publicity.registry import register_public_section
from supervision.publicity.web import invalidate_public_pages, public_page

from .models import RoundStatus, SpotCheckRound, SubsidyClaim
from .services.spotchecks import rerun

PAGE_SIZE = 25
REVEALED = (RoundStatus.DRAWN, RoundStatus.COMPLETED)


def public_rounds():
    """Rounds from their commitment on (an open round has nothing to show yet)."""
    return (
        SpotCheckRound.objects.exclude(status=RoundStatus.OPEN)
        .select_related("region")
        .order_by("-year", "-quarter", "region__code")
    )


def public_seed(round_: SpotCheckRound) -> str:
    """The seed, only once the draw has revealed it."""
    return round_.seed if round_.status in REVEALED else ""


def verify(round_: SpotCheckRound) -> dict[str, Any]:
    """Re-run the draw from the published seed and inputs and compare with the result."""
    seed = public_seed(round_)
    if not seed:
        return {"available": False}
    drawn = rerun(seed, round_.inputs)
    result = round_.result or {}
    return {
        "available": True,
        "hash_ok": seed_hash(seed) == round_.seed_hash,
        "inputs_ok": seed_hash(canonical_json(round_.inputs)) == result.get("inputs_sha256"),
        "result_ok": drawn == list(result.get("drawn", [])),
        "drawn": drawn,
    }


@public_page
def round_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(public_rounds(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "funds/public/round_list.html",
        {
            "rounds": page,
            "page_obj": page,
            "paginator": page.paginator,
            "is_paginated": page.has_other_pages(),
        },
    )


@public_page
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(public_rounds(), pk=pk)
    drawn = list((round_.result or {}).get("drawn", []))
    names = dict(SubsidyClaim.objects.filter(number__in=drawn).values_list("number", "institution__name"))
    return render(
        request,
        "funds/public/round_detail.html",
        {
            "round": round_,
            "seed": public_seed(round_),
            "population": len(round_.inputs.get("institutions", [])),
            "rows": [{"number": n, "institution": names.get(n, "")} for n in drawn],
            "check": verify(round_) if request.GET.get("verify") else None,
        },
    )


@public_page
def round_inputs(request: HttpRequest, pk: int) -> JsonResponse:
    """Everything needed to re-run the draw independently (the seed once revealed)."""
    round_ = get_object_or_404(public_rounds(), pk=pk)
    return JsonResponse(
        {
            "round": round_.pk,
            "status": round_.status,
            "seed_hash": round_.seed_hash,
            "seed": public_seed(round_) or None,
            "inputs": round_.inputs,
            "result": round_.result or None,
        },
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )


# --- cache invalidation (infrastructure only, like inspections' public draws) --------------------


def _on_round(sender: Any, instance: SpotCheckRound, **kwargs: Any) -> None:
    invalidate_public_pages()
    transaction.on_commit(invalidate_public_pages)


def register() -> None:
    """The home-page card and the cache receivers (idempotent)."""
    register_public_section(
        "subsidy_spot_checks",
        _("补贴资金抽查公示"),
        "public_funds:rounds",
        22,
        _("养老服务补贴季度抽查的抽取过程与复核"),
    )
    for signal in (post_save, post_delete):
        signal.connect(
            _on_round, sender=SpotCheckRound, dispatch_uid=f"public-funds-round-{signal is post_save}"
        )
