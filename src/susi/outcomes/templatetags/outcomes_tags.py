"""Outcome panels shown on other apps' pages (one include line there, the logic here)."""

from __future__ import annotations

from django import template

from susi.accounts.permissions import aggregate_initiatives, can

from .. import selectors

register = template.Library()


@register.inclusion_tag("outcomes/_municipality_feedback.html", takes_context=True)
def municipality_feedback_panel(context, municipality):
    """A municipality's management figures for citizens' feedback: per initiative with feedback, the
    municipality's own aggregate (small cells withheld, never free text). Only for users who may see both the
    municipality's page and the initiative's outcome aggregates."""
    user = context["request"].user
    rows = []
    if can(user, "portfolio.view_municipality", municipality):
        initiatives = aggregate_initiatives(user).filter(
            municipalities=municipality, enrolments__feedback__isnull=False
        )
        for initiative in initiatives.distinct().order_by("title"):
            summary = selectors.feedback_summary(initiative, [municipality.code]).get("feedback")
            if summary is not None:
                rows.append((initiative, summary))
    return {"rows": rows, "questions": selectors.feedback_questions()}
