"""Number formatting for the evidence pages, in the active language's format (decimal comma in Danish)."""

import math

from django import template

from susi.web.formatting import number, percent

register = template.Library()


@register.filter
def num(value, digits=4):
    """A number with `digits` decimals; "–" for None or NaN."""
    return number(value, int(digits))


@register.filter
def pval(value):
    """`p = 0,0123` or `p < 0,0001` (the whole phrase, so templates never print "p = < ...")."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return "p = –"
    if math.isnan(x):
        return "p = –"
    return f"p < {number(0.0001, 4)}" if x < 0.0001 else f"p = {number(x, 4)}"


@register.filter
def back(value, log_scale):
    """exp(value) for measures analysed on the log scale (RR, OR), else the value itself."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return "–"
    return number(math.exp(x), 3) if log_scale else number(x, 4)


@register.filter
def pct(value, digits=1):
    return percent(value, int(digits))
