"""Demo data: the shipped rules linked to the reference departments (loaded after the data
migration) and the regional overrides whose regions exist. Clocks themselves are opened by
the domain apps' demo data through ``deadline_open``; run ``sweep`` (or the beat) to remind."""

from __future__ import annotations

from typing import Any


def seed(stdout: Any) -> None:
    from supervision.core.models import Department, Region

    from .models import Rule, RuleOverride
    from .rules_data import load

    made, over = load(Rule, RuleOverride, Department, Region)
    stdout.write(f"deadlines: {Rule.objects.count()} rules ({made} new), {over} new regional overrides\n")
