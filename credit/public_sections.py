"""What credit contributes to the public institution page: its list status
(失信联合惩戒对象名单 / 重点关注名单, published and in force, with the term) and its credit
grade, linking to the public credit status page. Persons never appear here."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .models import CreditGrade, ListType
from .public import public_entries


def list_status(institution: Any) -> dict[str, Any]:
    entries = [
        p
        for p in public_entries().filter(institution=institution)
        if p.list_type in (ListType.JOINT_PUNISHMENT, ListType.WATCH)
    ]
    grade = CreditGrade.objects.filter(institution=institution).only("grade", "computed_for").first()
    return {
        "title": _("信用状况"),
        "template": "public/section_credit.html",
        "context": {"entries": entries, "grade": grade, "credit_code": institution.credit_code},
    }
