"""The verifiable random draw now lives on the ground floor (``supervision/core/draw.py``) so that
the quarterly subsidy spot checks (``funds``) draw the same way without importing inspections.
This module re-exports it for the inspection draw, its public re-run page and the tests."""

from supervision.core.draw import (  # noqa: F401
    ALGORITHM,
    ALGORITHM_STRATIFIED,
    algorithm_of,
    assign_teams,
    canonical_json,
    digest,
    draw_institutions,
    run_draw,
    sample_size,
    seed_hash,
)
