"""Panels other apps' pages include: open rounds (home page), a round's demand (gate page, under
efterspørgsel), participation per phase (initiative page), grants and participations (municipality page)."""

from django import template

from susi.accounts.permissions import can
from susi.web.i18n import localized

from .. import selectors

register = template.Library()


@register.inclusion_tag("rounds/_open_rounds.html", takes_context=True)
def open_rounds_panel(context):
    user = context["request"].user
    return {"open_rounds": list(selectors.open_rounds(user)), "user": user}


@register.inclusion_tag("rounds/_demand.html")
def round_demand(initiative):
    return {"demand": selectors.demand(initiative)}


@register.inclusion_tag("rounds/_participation.html", takes_context=True)
def participation_panel(context, initiative):
    user = context["request"].user
    rows = list(selectors.participations(initiative))
    return {
        "participations": rows,
        "rounds": [r for r in initiative.rounds.all() if can(user, "rounds.view_round", r)],
        "initiative": initiative,
        "can_announce": can(user, "rounds.announce"),
    }


@register.inclusion_tag("rounds/_municipality.html", takes_context=True)
def municipality_rounds_panel(context, municipality):
    user = context["request"].user
    return {
        "grants": list(selectors.grants_for(user, municipality)),
        "participations": list(selectors.participations_of(municipality)),
    }


@register.filter
def loc_state(value, names):
    return localized(names[value]) if value in names else value


@register.filter
def get_field(form, name):
    return form[name]
