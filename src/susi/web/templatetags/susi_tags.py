from django import template

from susi.web.formatting import kr, number, percent

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


register.filter("kr", kr)
register.filter("number", number)  # {{ x|number:2 }} → "0,27" (Danish UI) / "0.27" (English UI)
register.filter("percent", percent)  # {{ share|percent:1 }} → "8,9 %"


@register.filter
def loc(text) -> str:
    """{{ definition.name|loc }}: the Danish or English side of an engine text, by the active language."""
    from susi.web.i18n import localized

    return localized(text) if hasattr(text, "da") or hasattr(text, "name_da") else text
