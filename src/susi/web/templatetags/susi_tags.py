from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def optional_url(name: str, *args) -> str:
    """The URL of `name`, or "" when that app has no such page (lets the menu list only what exists)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def kr(value) -> str:
    """Danish money format: 1.234.567 kr."""
    try:
        number = round(float(value))
    except (TypeError, ValueError):
        return ""
    return f"{number:,.0f} kr.".replace(",", ".")


@register.filter
def loc(text) -> str:
    """{{ definition.name|loc }}: the Danish or English side of an engine text, by the active language."""
    from susi.web.i18n import localized

    return localized(text) if hasattr(text, "da") or hasattr(text, "name_da") else text
