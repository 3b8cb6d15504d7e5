"""SØM JSON API: calculate a case, read the knowledge database, read saved calculations.

The case is the engine's declared schema (`susi.engines.som.SomCase`): the request body of /calculate and
the `case` of every answer, so the OpenAPI document shows the case file in full. A case that breaks a rule
is answered 422 with the same fields and messages as `susi som calc` and the calculator form.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from susi.accounts.permissions import can, require
from susi.engines import som as engine
from susi.engines.som import SomCase
from susi.web.api_errors import DomainError

from . import selectors, services
from .models import Calculation, Price, TargetGroup

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


# --- the evidence chain into the knowledge database (som.chain) and shared calculations (som.sharing) ----


class PublishIn(Schema):
    target_group: str  # the target group's code
    outcome: str | None = None  # the outcome's code; default: the target group's first outcome
    design: str | None = None  # evaluations only: an evidence design code overriding the method's default


class PublishMetaIn(Schema):
    target_group: str
    outcome: str | None = None
    baseline_rate: float  # the share reaching success with current practice (0-1)


class ShareIn(Schema):
    description: str


def _group(user, code: str) -> TargetGroup:
    group = TargetGroup.objects.filter(code=code).first()
    if group is None or not can(user, "som.view_target_group", group):
        raise DomainError("target_group", _("Målgruppen findes ikke i vidensdatabasen."))
    return group


def _published(published) -> dict:
    return {
        "changed": published.changed,
        "version": published.version.number if published.version else selectors.current_version(),
        "provenance": published.version.provenance if published.version else None,
        "effect_studies": [
            {"id": s.pk, "grade": s.grade, "effect": s.effect, "standard_error": s.standard_error}
            for s in published.studies
        ],
        "consequences": [
            {
                "service": c.service,
                "year_after_success": c.year_after_success,
                "change": c.change,
                "standard_error": c.standard_error,
            }
            for c in published.consequences
        ],
        "prices_created": [p.service for p in published.prices_created],
        "warning": published.warning,
    }


@router.post(
    "/knowledge/from-evaluation/{evaluation_id}",
    response={200: dict, 403: dict, 404: dict, 422: dict},
    summary="Publish a saved effect evaluation as an effect study (a new knowledge version)",
)
def knowledge_from_evaluation(request, evaluation_id: int, payload: PublishIn):
    from susi.outcomes.models import EffectEvaluation

    from . import chain

    require(request.user, "som.edit_knowledge")
    evaluation = get_object_or_404(
        EffectEvaluation.objects.select_related("initiative__intervention", "instrument", "occasion"),
        pk=evaluation_id,
    )
    group = _group(request.user, payload.target_group)
    return _published(
        chain.publish_evaluation(
            request.user, evaluation, target_group=group, outcome=payload.outcome, design=payload.design
        )
    )


@router.post(
    "/knowledge/from-meta-analysis/{meta_id}",
    response={200: dict, 403: dict, 404: dict, 422: dict},
    summary="Publish a saved meta-analysis as a grade-1 effect study (a new knowledge version)",
)
def knowledge_from_meta(request, meta_id: int, payload: PublishMetaIn):
    from susi.evidence.models import MetaAnalysis

    from . import chain

    require(request.user, "som.edit_knowledge")
    meta = get_object_or_404(MetaAnalysis.objects.select_related("intervention"), pk=meta_id)
    group = _group(request.user, payload.target_group)
    return _published(
        chain.publish_meta_analysis(
            request.user,
            meta,
            target_group=group,
            outcome=payload.outcome,
            baseline_rate=payload.baseline_rate,
        )
    )


@router.post(
    "/knowledge/from-register/{initiative_id}",
    response={200: dict, 403: dict, 404: dict, 422: dict},
    summary="Publish an initiative's register follow-up as consequences per year (a new knowledge version)",
)
def knowledge_from_register(request, initiative_id: int, payload: PublishIn):
    from susi.portfolio.models import Initiative

    from . import chain

    require(request.user, "som.edit_knowledge")
    initiative = get_object_or_404(Initiative, pk=initiative_id)
    group = _group(request.user, payload.target_group)
    return _published(chain.publish_register(request.user, initiative, target_group=group))


def _calculation_out(calc: Calculation) -> dict:
    return {
        "id": calc.pk,
        "name": calc.name,
        "knowledge_version": calc.knowledge_version,
        "shared": calc.shared,
        "shared_at": calc.shared_at.isoformat() if calc.shared_at else None,
        "share_description": calc.share_description,
        "target_group": calc.target_group.code if calc.target_group else None,
        "intervention": calc.initiative.intervention.name if calc.initiative else None,
        "municipality": calc.municipality.code if calc.municipality else None,
    }


@router.get("/shared", summary="Calculations shared with every user, searchable")
def shared(request, target_group: str = "", intervention: str = "", municipality: str = "", q: str = ""):
    from . import sharing

    require(request.user, "som.view_knowledge")
    found = sharing.shared_calculations(
        request.user, target_group=target_group, intervention=intervention, municipality=municipality, q=q
    )
    return [_calculation_out(c) for c in found[:200]]


@router.post(
    "/calculations/{pk}/share",
    response={200: dict, 403: dict, 404: dict, 422: dict},
    summary="Share a calculation with every user (read-only while shared)",
)
def share(request, pk: int, payload: ShareIn):
    from . import sharing

    calc = get_object_or_404(Calculation, pk=pk)
    require(request.user, "som.view_calculation", calc)
    return _calculation_out(sharing.share_calculation(request.user, calc, payload.description))


@router.post(
    "/calculations/{pk}/withdraw",
    response={200: dict, 403: dict, 404: dict, 422: dict},
    summary="Stop sharing a calculation",
)
def withdraw(request, pk: int):
    from . import sharing

    calc = get_object_or_404(Calculation, pk=pk)
    require(request.user, "som.view_calculation", calc)
    return _calculation_out(sharing.withdraw_calculation(request.user, calc))


@router.post(
    "/calculations/{pk}/copy",
    response={201: dict, 403: dict, 404: dict, 422: dict},
    summary="Copy a calculation (e.g. a shared one) into your own",
)
def copy(request, pk: int):
    calc = get_object_or_404(Calculation, pk=pk)
    require(request.user, "som.view_calculation", calc)
    return Status(201, _calculation_out(services.copy_calculation(request.user, calc)))
