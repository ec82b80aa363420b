"""The credit app's to-dos on the workbench and the institution file's credit tabs/badges."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from .models import CreditRecord, ListingProposal, ProposalState

# Steps a post takes on a proposal, by the to-do group they are listed in (待审批: the
# reviewing and deciding steps of 103号; the objection window itself runs on the engine).
_STEPS = (
    ("approve", "credit.review", (ProposalState.OBJECTED, ProposalState.ELAPSED), "review", "待审核"),
    ("approve", "credit.decide", (ProposalState.REVIEWED,), "decide", "待作出列入决定"),
    (
        "approve",
        "credit.decide_removal",
        (ProposalState.REMOVAL_APPLIED,),
        "decide_removal",
        "待作出移出决定",
    ),
)


def _candidates(states: tuple[str, ...]) -> Any:
    def candidates(user: Any) -> Any:
        from supervision.core.workbench import in_departments

        qs: Any = ListingProposal.objects.visible_to(user).filter(state__in=states)
        return (
            in_departments(qs, "department", user)
            .select_related("institution", "region", "department", "domain", "person")
            .defer("decision_pdf")
            .order_by("created_at", "pk")
        )

    return candidates


def _describer(step_label: str) -> Any:
    def describe(p: ListingProposal) -> dict[str, Any]:
        return {
            "title": f"{p.institution.name} · {p.get_list_type_display()}",
            "subtitle": f"{step_label} · {p.get_ground_display()} · {p.department.name}",
            "url": reverse("credit:proposal_detail", args=[p.pk]),
            "due": None,
        }

    return describe


def register_todos() -> None:
    from supervision.core.workbench import register_subject_url, register_todo

    for group, key, states, action, label in _STEPS:
        register_todo(group, key, _candidates(states), _describer(label), action=action)
    register_subject_url(ListingProposal, lambda o: reverse("credit:proposal_detail", args=[o.pk]))
    register_subject_url(CreditRecord, lambda o: reverse("credit:profile", args=[o.credit_code]))
