"""Number formatting for the evidence pages (statistics keep a decimal point, as in metafor's output)."""

import math

from django import template

register = template.Library()


@register.filter
def num(value, digits=4):
    """A number with `digits` decimals; "–" for None or NaN."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return "–"
    if math.isnan(x):
        return "–"
    return f"{x:.{int(digits)}f}"


@register.filter
def pval(value):
    """`p = 0.0123` or `p < 0.0001` (the whole phrase, so templates never print "p = < ...")."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return "p = –"
    if math.isnan(x):
        return "p = –"
    return "p < 0.0001" if x < 0.0001 else f"p = {x:.4f}"


@register.filter
def back(value, log_scale):
    """exp(value) for measures analysed on the log scale (RR, OR), else the value itself."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return "–"
    return f"{math.exp(x):.3f}" if log_scale else f"{x:.4f}"


@register.filter
def pct(value, digits=1):
    try:
        return f"{100 * float(value):.{int(digits)}f} %"
    except (TypeError, ValueError):
        return "–"
