"""The indicator registry (see ``registry``): ``from supervision import indicators``."""

from .registry import (
    Indicator,
    IndicatorValue,
    Period,
    all_indicators,
    compute,
    for_evaluation,
    get,
    in_region,
    in_registration_order,
    percent,
    register,
)

__all__ = [
    "Indicator",
    "IndicatorValue",
    "Period",
    "all_indicators",
    "compute",
    "for_evaluation",
    "get",
    "in_region",
    "in_registration_order",
    "percent",
    "register",
]
