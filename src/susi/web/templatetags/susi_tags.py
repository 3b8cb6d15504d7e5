from django import template

from susi.web.formatting import kr

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


register.filter("kr", kr)


@register.filter
def loc(text) -> str:
    """{{ definition.name|loc }}: the Danish or English side of an engine text, by the active language."""
    from susi.web.i18n import localized

    return localized(text)
