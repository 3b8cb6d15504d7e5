"""Number formats the Danish pages, charts and descriptions share."""


def kr(value) -> str:
    """Danish money format: 1.234.567 kr. ("" for a value that is not a number)."""
    try:
        number = round(float(value))
    except (TypeError, ValueError):
        return ""
    return f"{number:,.0f} kr.".replace(",", ".")
