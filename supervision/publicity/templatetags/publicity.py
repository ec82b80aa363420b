from django import template

from supervision.publicity import masking

register = template.Library()


@register.filter
def scrub(value: object) -> str:
    """Mask ID-shaped and mobile-shaped numbers in public text."""
    return masking.scrub("" if value is None else str(value))


@register.filter
def mask_name(value: object) -> str:
    return masking.mask_name("" if value is None else str(value))
