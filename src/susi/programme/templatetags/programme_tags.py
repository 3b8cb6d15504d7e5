"""`{% programme_nav_item %}`: the main menu's link to the programmes, for those who may see them."""

from django import template

from susi.accounts.permissions import can

register = template.Library()


@register.inclusion_tag("programme/_nav_item.html", takes_context=True)
def programme_nav_item(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    return {
        "show": user is not None and can(user, "programme.view"),
        "current": getattr(match, "app_name", "") == "programme",
    }
