from django import template

from susi.accounts.permissions import can

register = template.Library()


@register.inclusion_tag("dissemination/_initiative_link.html", takes_context=True)
def expected_results_link(context, initiative):
    """On an initiative in dissemination: the link to the expected-results pack, for those who may open it."""
    request = context.get("request")
    user = getattr(request, "user", None)
    show = (
        initiative.phase == "dissemination"
        and user is not None
        and can(user, "dissemination.view_pack", initiative)
    )
    return {"initiative": initiative, "show": show}
