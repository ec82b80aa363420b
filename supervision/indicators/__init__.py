"""The indicator registry (see ``registry``): ``from supervision import indicators``."""

from .registry import (
    Derived,
    Indicator,
    IndicatorValue,
    Measure,
    Period,
    all_indicators,
    compute,
    for_evaluation,
    get,
    in_region,
    in_registration_order,
    percent,
    register,
    share_of,
)

__all__ = [
    "Derived",
    "Indicator",
    "IndicatorValue",
    "Measure",
    "Period",
    "all_indicators",
    "compute",
    "for_evaluation",
    "get",
    "in_region",
    "in_registration_order",
    "percent",
    "register",
    "share_of",
]
