"""Reads of the dissemination app for itself and for other apps (the gate suggestions read the budgets)."""

from __future__ import annotations

from .models import AreaBudget


def area_budgets(organisation_ids, area: str) -> dict[int, int]:
    """The newest yearly budget for `area` of each organisation that has one: {organisation id: kroner}."""
    budgets: dict[int, int] = {}
    for row in AreaBudget.objects.filter(organisation_id__in=list(organisation_ids), area=area).order_by(
        "-year"
    ):
        budgets.setdefault(row.organisation_id, row.amount_dkk)
    return budgets
