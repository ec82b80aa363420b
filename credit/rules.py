"""Default scoring configuration, seeded into ``GradingRule`` / ``GradeThreshold`` by a data
migration and editable in the admin afterwards. The service reads the tables and falls back
to these values for a kind that has no row.

Scoring: every institution starts at ``BASE_SCORE``; each record in force adds
``points × weight`` where weight is 1, or fades linearly to 0 over the rule's validity when
the rule ``decays``. Thresholds turn the score into A/B/C/D; a serious dishonesty in force caps
the grade at C; an entry on the joint-punishment list forces D. The grade sets the risk class
(A low, B medium, C/D high); a listed or watch-listed institution is always high risk.
"""

from __future__ import annotations

from decimal import Decimal

BASE_SCORE = Decimal("90")  # no record at all: grade B, medium risk

# kind: (points, validity in months or None, decays, serious)
DEFAULT_RULES: dict[str, tuple[int, int | None, bool, bool]] = {
    "commitment_made": (0, 36, False, False),
    "commitment_honoured": (5, 36, False, False),
    "commitment_broken": (-20, 36, False, False),
    "inspection_passed": (2, 12, True, False),
    "inspection_failed": (-5, 12, True, False),
    "major_hazard": (-15, 24, False, False),
    "major_hazard_rectified": (8, 24, False, False),
    "major_hazard_overdue": (-30, 36, False, True),
    "penalty": (-20, 36, False, False),
    "subsidy_fraud": (-40, 60, False, True),
    "illegal_fundraising": (-50, 60, False, True),
    "resident_abuse": (-40, 60, False, True),
    "obstruction": (-30, 36, False, True),
    "serious_accident": (-50, 60, False, True),
    "disclosure_failure": (-10, 12, False, False),
    "beyond_scope": (-15, 24, False, False),
    "complaint_upheld": (-5, 12, True, False),
    "award": (10, 36, False, False),
    "grade_rating": (5, 36, False, False),
    "court_judgment": (-20, 36, False, False),
    "dishonest_debtor": (-50, 36, False, True),
}

# grade: (minimum score, risk class)
DEFAULT_THRESHOLDS: dict[str, tuple[int, str]] = {
    # Normal credit (A, B — a new institution starts at B) keeps the normal sampling ratio;
    # poor credit is drawn more often (001 (十二)): C medium, D high.
    "A": (95, "low"),
    "B": (80, "low"),
    "C": (60, "medium"),
    "D": (-1000, "high"),
}
