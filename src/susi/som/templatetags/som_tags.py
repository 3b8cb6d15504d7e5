from django import template

register = template.Library()


@register.filter
def pct(value, decimals: int = 0) -> str:
    """A fraction as a Danish percentage: 0.035 → '3,5 %'."""
    try:
        number = float(value) * 100
    except (TypeError, ValueError):
        return "–"
    return f"{number:.{int(decimals)}f} %".replace(".", ",")
