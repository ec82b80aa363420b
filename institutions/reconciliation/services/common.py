"""What the reconciliation services share: the log, the chunk size and the tables of actions."""

from __future__ import annotations

import logging

from institutions.models import (
    InstitutionNature,
    RegistrationAuthority,
)

from ..models import (
    Classification,
    WorkAction,
)

log = logging.getLogger(__name__)

CHUNK = 2000
NEGATIVE = ("否", "未", "无", "不", "n", "no", "false", "0")
ACTION_FOR: dict[str, str] = {
    Classification.REGISTERED_NOT_FILED: WorkAction.URGE_FILING,
    Classification.REGISTERED_NOT_OPERATING: WorkAction.CHANGE_REGISTRATION,
    Classification.REGISTRY_ABSENT: WorkAction.REVIEW_ABSENT,
}
NATURE_FOR_AUTHORITY: dict[str, str] = {
    RegistrationAuthority.MARKET: InstitutionNature.FOR_PROFIT,
    RegistrationAuthority.CIVIL_AFFAIRS: InstitutionNature.NON_PROFIT,
    RegistrationAuthority.PUBLIC_INSTITUTION: InstitutionNature.PUBLIC,
}
