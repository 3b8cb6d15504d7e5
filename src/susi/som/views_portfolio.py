"""The SØM portfolio page: several saved calculations added up (sum per year and authority, the joint
uncertainty of the sum), with a chart, tables and an Excel export. Kept apart from the calculator views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from susi.accounts.permissions import require

from . import charts, exports, joint
from .models import Calculation


def _calculations(request) -> list[Calculation]:
    """The chosen calculations (``?ids=``), each checked with ``som.view_calculation``; duplicates once."""
    ids = list(dict.fromkeys(int(i) for i in request.GET.getlist("ids") if i.isdigit()))[
        : joint.MAX_CALCULATIONS
    ]
    out = []
    for pk in ids:
        calculation = get_object_or_404(
            Calculation.objects.select_related("initiative", "municipality", "owner"), pk=pk
        )
        require(request.user, "som.view_calculation", calculation)
        out.append(calculation)
    return out


@login_required
def portfolio(request):
    calculations = _calculations(request)
    if len(calculations) < 2:
        messages.error(request, _("Vælg mindst to gemte beregninger at lægge sammen som portefølje."))
        return redirect("som:index")
    summary = joint.build(calculations)
    context = {
        "portfolio": summary,
        "authorities": summary.pv_by_authority,
        "chart": charts.portfolio(
            summary.years, summary.rows, [r["cumulative_discounted"] for r in summary.rows]
        ),
        "query": "&".join(f"ids={c.pk}" for c in calculations),
        "illustrative": any(c.uses_illustrative_data for c in calculations),
    }
    return render(request, "som/portfolio.html", context)


@login_required
def portfolio_excel(request):
    calculations = _calculations(request)
    if len(calculations) < 2:
        messages.error(request, _("Vælg mindst to gemte beregninger at lægge sammen som portefølje."))
        return redirect("som:index")
    response = HttpResponse(
        exports.portfolio_excel(joint.build(calculations)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="som-portefoelje.xlsx"'
    return response
