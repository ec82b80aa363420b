"""Institution accounts (机构端) for tests: ``make_institution_account(institution)``."""

from __future__ import annotations

from typing import Any

from institutions.portal.models import Capacity, InstitutionAccount
from tests.factories import TEST_PASSWORD, UserFactory


def make_institution_account(institution: Any, username: str = "", person_name: str = "王福寿") -> Any:
    """An active account of ``institution`` with the test password (no forced change); the user."""
    user = UserFactory(username=username or f"jg{institution.pk}_{InstitutionAccount.objects.count() + 1}")
    user.display_name = person_name
    user.save(update_fields=["display_name"])
    InstitutionAccount.objects.create(
        user=user, institution=institution, person_name=person_name, capacity=Capacity.PRINCIPAL
    )
    return user


__all__ = ["TEST_PASSWORD", "make_institution_account"]
