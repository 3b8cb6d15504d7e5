"""SØM JSON API: calculate a case, read the knowledge database, read saved calculations.

The case is the engine's declared schema (`susi.engines.som.SomCase`): the request body of /calculate and
the `case` of every answer, so the OpenAPI document shows the case file in full. A case that breaks a rule
is answered 422 with the same fields and messages as `susi som calc` and the calculator form.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from susi.accounts.permissions import can, require
from susi.engines import som as engine
from susi.engines.som import SomCase

from . import selectors, services
from .models import Calculation, Price

router = Router(tags=["som"])

Series = list[float]


class TruncatedInput(Schema):
    input: str
    label: str
    stated_mean: float
    truncated_mean: float
    share_outside: float
    range: list[float | None]


class DoubleCounting(Schema):
    service: str
    outcomes: list[str]


class DeterministicResult(Schema):
    """The calculation with every number at its point value (`SomResult.to_json`), in DKK per year."""

    years: list[int]
    discount_rate: float
    discount_schedule: str
    costs: Series
    gains: Series
    net: Series
    cumulative: Series
    net_discounted: Series
    cumulative_discounted: Series
    net_by_authority: dict[str, Series]
    net_by_area: dict[str, Series]
    net_by_committee: dict[str, Series]
    successes: dict[str, Series]
    present_value: float
    pv_costs: float
    pv_gains: float
    pv_by_authority: dict[str, float]
    pv_by_area: dict[str, float]
    pv_by_committee: dict[str, float]
    break_even_year: int | None
    turns_negative_again: bool
    has_costs: bool
    return_per_krone: float | None
    possible_double_counting: list[DoubleCounting]
    truncated_inputs: list[TruncatedInput]


class PresentValueSummary(Schema):
    mean: float
    sd: float
    percentiles: dict[str, float]
    probability_positive: float


class TornadoBar(Schema):
    input: str
    label: str
    basis: str
    input_low: float
    input_high: float
    result_low: float
    result_high: float


class MonteCarloResult(Schema):
    """The Monte Carlo summary (`MonteCarloResult.to_json`): percentiles by year, break-even, tornado."""

    draws: int
    seed: int
    uncertain_inputs: list[str]
    present_value: PresentValueSummary
    pv_by_authority_mean: dict[str, float]
    net_mean: Series
    net_percentiles: dict[str, Series]
    cumulative_discounted_percentiles: dict[str, Series]
    probability_break_even: list[float]
    return_per_krone_percentiles: dict[str, float]
    tornado: list[TornadoBar]


class ResultSummary(Schema):
    deterministic: DeterministicResult
    monte_carlo: MonteCarloResult | None


class CalculationResult(ResultSummary):
    """A calculated case: the case as it was validated (every field written out) and its result."""

    case: SomCase


class SavedCalculation(Schema):
    id: int
    name: str
    knowledge_version: int
    illustrative_data: bool
    draws: int
    seed: int
    case: SomCase
    result: ResultSummary


class ErrorItem(Schema):
    field: str
    message: str


class ErrorBody(Schema):
    detail: list[ErrorItem]


@router.post(
    "/calculate",
    response={200: CalculationResult, 422: ErrorBody},
    summary="Calculate a SØM case (deterministic + Monte Carlo)",
)
def calculate(
    request, case: SomCase, draws: int = engine.DEFAULT_DRAWS, seed: int = engine.DEFAULT_SEED
) -> Any:
    """The body is a case file (docs/developers/som.md); it is validated by the schema on the way in."""
    require(request.user, "som.calculate")
    # a rule broken by the case is answered 422 by the API's error handler, field by field
    case_, result, mc = services.run_case(case, draws, seed)
    return Status(200, {"case": engine.case_to_json(case_), **services.result_summary(result, mc)})


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


@router.get(
    "/calculations/{pk}",
    response=SavedCalculation,
    summary="A saved calculation: its case and result summary",
)
def calculation(request, pk: int) -> Any:
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
