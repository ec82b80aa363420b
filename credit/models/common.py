"""The credit models' shared constants."""

from __future__ import annotations

# The objection window (陈述申辩期) of a notified listing: a clock of the deadline engine.


OBJECTION_RULE = "credit.objection"
