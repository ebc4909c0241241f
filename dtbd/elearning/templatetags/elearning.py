from django import template

from dtbd.training.services.results import vn_decimal

register = template.Library()


@register.filter
def vn_score(value):
    """7.50 → '7,5'; 10.00 → '10' (the Vietnamese decimal comma of the results pages)."""
    return vn_decimal(value)
