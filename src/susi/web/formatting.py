"""Number formats the pages, charts and descriptions share: Danish in the Danish UI ("0,2679", "1.234,5",
"8,9 %", "1.234.567 kr."), English in the English UI ("0.2679", "1,234.5", "8.9 %")."""

import math

from django.utils.formats import number_format


def _finite(value) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) or math.isinf(x) else x


def number(value, decimals: int = 2) -> str:
    """`value` with `decimals` decimals in the active language's format; "–" for a missing number."""
    x = _finite(value)
    if x is None:
        return "–"
    return number_format(
        round(x, int(decimals)), decimal_pos=int(decimals), use_l10n=True, force_grouping=True
    )


def percent(share, decimals: int = 1) -> str:
    """A share (0.089) as a percentage in the active language's format: "8,9 %"."""
    x = _finite(share)
    return "–" if x is None else f"{number(100 * x, decimals)} %"


def kr(value) -> str:
    """Danish money format: 1.234.567 kr. ("" for a value that is not a number)."""
    try:
        number = round(float(value))
    except (TypeError, ValueError):
        return ""
    return f"{number:,.0f} kr.".replace(",", ".")
