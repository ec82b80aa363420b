"""Publication periods of inspection results."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from supervision.workcal.services import add_months

# --- publication periods ------------------------------------------------------------------
# How long a published inspection result (一公开) stays on the public pages. Leaving is a query on
# ``published_until`` (the last day shown, inclusive), so no job has to run; the key may be
# overridden per deployment with ``settings.PUBLICATION_MONTHS`` (the same setting as the
# rectification table in ``inspections/rectification/models.py``).
#
# 12 months from publication: no seed document sets a term (they say "及时向社会公开"), and
# 《企业信息公示暂行条例》 sets none for 抽查检查结果 either. One year covers one annual random-
# inspection round, so the public always sees the latest result of each institution; and it
# is the term of the rectification result that follows a "发现问题" result, so a finding never
# stays public longer than the notice saying it was fixed. A house default to confirm.
PUBLICATION_MONTHS: dict[str, int] = {"inspection_result": 12}


def publication_months(key: str, defaults: dict[str, int] | None = None) -> int:
    """Months of publication for ``key`` (``a.b`` falls back on ``a``): ``settings.PUBLICATION_MONTHS``
    first, then ``defaults`` (this module's table unless given)."""
    override: dict[str, int] = getattr(settings, "PUBLICATION_MONTHS", None) or {}
    table = {**(PUBLICATION_MONTHS if defaults is None else defaults), **override}
    if key in table:
        return int(table[key])
    return int(table[key.split(".")[0]])


def publication_end(start: dt.date, key: str, defaults: dict[str, int] | None = None) -> dt.date:
    """Last day shown for a term of ``publication_months(key)`` starting on ``start``: the day
    before the same date ``months`` later (12 months from 2026-01-15 → 2027-01-14)."""
    return add_months(start, publication_months(key, defaults)) - dt.timedelta(days=1)
