"""SØM JSON API: calculate a case file, read the knowledge database, read saved calculations."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Status

from susi.accounts.permissions import can, require
from susi.engines import som as engine
from susi.web.api_errors import error_body

from . import selectors, services
from .models import Calculation, Price

router = Router(tags=["som"])


@router.post(
    "/calculate",
    response={200: dict, 422: dict},
    summary="Calculate a SØM case file (deterministic + Monte Carlo)",
)
def calculate(request, draws: int = engine.DEFAULT_DRAWS, seed: int = engine.DEFAULT_SEED):
    require(request.user, "som.calculate")
    import json

    try:
        data: Any = json.loads(request.body or b"null")
    except json.JSONDecodeError:
        return Status(422, error_body([("(file)", _("Indholdet er ikke gyldig JSON."))]))
    # a SomInputError (every problem of the case) is answered 422 by the API's error handler
    case, result, mc = services.run(data, draws, seed)
    return Status(200, {"case": engine.case_to_json(case), **services.result_summary(result, mc)})


@router.get(
    "/prices", summary="Prices per service unit (national, or a municipality's own where it has them)"
)
def prices(request, municipality: int | None = None):
    """A municipality's own prices only for users who may see them (that municipality, agency, steering group,
    administrator); for anyone else the national prices."""
    require(request.user, "som.view_knowledge")
    if municipality is not None and not can(
        request.user, "som.view_knowledge_row", SimpleNamespace(organisation_id=municipality)
    ):
        municipality = None
    return [
        {
            "service": p.service,
            "name": p.name,
            "unit": p.unit,
            "municipality": p.municipality,
            "region": p.region,
            "state": p.state,
            "area": p.area,
            "committee": p.committee,
            "price_year": p.price_year,
            "own_price": p.organisation_id is not None,
            "illustrative": p.is_illustrative,
        }
        for p in selectors.prices_for(municipality).values()
    ]


@router.get("/version", summary="The knowledge database's current version")
def version(request):
    require(request.user, "som.view_knowledge")
    return {
        "version": selectors.current_version(),
        "national_prices": Price.objects.filter(organisation__isnull=True).count(),
    }


@router.get("/calculations/{pk}", summary="A saved calculation: its case and result summary")
def calculation(request, pk: int):
    calc = get_object_or_404(Calculation, pk=pk)
    require(request.user, "som.view_calculation", calc)
    return {
        "id": calc.pk,
        "name": calc.name,
        "knowledge_version": calc.knowledge_version,
        "illustrative_data": calc.uses_illustrative_data,
        "draws": calc.draws,
        "seed": calc.seed,
        "case": calc.case,
        "result": calc.result,
    }
