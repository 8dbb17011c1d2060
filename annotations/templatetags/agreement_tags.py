"""Agreement figures for templates: a value to three decimals, or "—" with its reason."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def figure(estimate):
    if estimate is None:
        return "—"
    if estimate.value is None:
        return format_html('<span class="undefined" title="{}">undefined</span>', estimate.reason)
    return format_html(
        '<span title="over {} unit{}">{}</span>',
        estimate.units,
        "" if estimate.units == 1 else "s",
        f"{estimate.value:.3f}",
    )


@register.filter
def named(coder, names):
    return names.get(coder, coder)
