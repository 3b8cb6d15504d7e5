"""`{% notifications_link %}`: the header's link to the notification list with the unread count."""

from django import template

from susi.web.i18n import english

from ..selectors import unread_count

register = template.Library()


@register.inclusion_tag("notifications/_link.html", takes_context=True)
def notifications_link(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    count = unread_count(user) if user is not None and user.is_authenticated else 0
    return {"unread": count}


@register.filter
def in_language(notification) -> str:
    """The notification's text in the reader's language."""
    return notification.text_en if english() else notification.text_da
