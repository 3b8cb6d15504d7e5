"""What a municipality (or provider) joining an initiative in dissemination may expect: the expected-results
pack (seeds/002: "hvilke resultater kommunen/tilbuddet kan forvente").

It gathers, for one organisation in one initiative:
- the effect found in testing: the newest saved meta-analysis of the intervention (evidence rating, pooled
  effect) and the effect estimates saved by the intervention's initiatives (outcomes);
- what peers achieve in monitoring: per instrument, the other participants' key figures (each from at
  least 5 citizens; smaller municipalities are left out and only counted), summarised, beside the
  organisation's own;
- a SØM calculation with the organisation's own prices and target-group size: the newest calculation
  linked to the initiative (or to another initiative of the same intervention) recalculated with them,
  with its Monte Carlo uncertainty;
- the costs: start-up, running cost per citizen, a year's running cost for the organisation's citizens and
  its share of the organisation's budget for the area.

Nothing is stored: the pack is computed when it is opened, from the data as it is then.
"""

from __future__ import annotations

import copy
import statistics
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from susi.engines import som as som_engine
from susi.engines.evaluation.monitoring import KeyFigures, key_figures
from susi.engines.evaluation.privacy import SMALL_CELL_THRESHOLD
from susi.engines.som.running import citizens, one_off_costs, running_cost_per_citizen
from susi.organisations.models import Organisation
from susi.portfolio.models import Initiative

from .models import ReadinessAnswer, ReadinessItem
from .selectors import area_budgets

#: Draws of the municipal calculation's Monte Carlo (the base calculation's seed is kept, so a pack
#: opened twice shows the same numbers).
PACK_DRAWS = 2000


@dataclass
class EffectFound:
    meta_title: str | None = None
    level: str | None = None
    level_label: Any = None  # a Text
    measure: str | None = None
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    studies: int | None = None
    evaluations: list[dict[str, Any]] = field(default_factory=list)
    from_testing: bool = True  # False: no estimate saved in testing yet; the intervention's others are shown

    @property
    def empty(self) -> bool:
        return self.level is None and not self.evaluations


@dataclass
class PeerFigures:
    instrument: str
    own: KeyFigures | None
    peers_reported: int
    peers_left_out: int
    median_change: float | None
    lowest_change: float | None
    highest_change: float | None
    median_share_improved: float | None


@dataclass
class MunicipalCalculation:
    base_name: str
    base_id: int
    knowledge_version: int
    case: som_engine.Case
    result: som_engine.SomResult
    monte_carlo: som_engine.MonteCarloResult | None
    own_prices: list[str]
    citizens_per_year: int | None
    illustrative: bool


@dataclass
class Costs:
    one_off: float
    running_per_citizen: float | None
    citizens_per_year: float | None
    yearly_running: float | None
    pv_costs: float
    area_budget: int | None
    budget_share: float | None


@dataclass
class Pack:
    initiative: Initiative
    organisation: Organisation
    effect: EffectFound
    peers: list[PeerFigures]
    calculation: MunicipalCalculation | None
    costs: Costs | None
    readiness: list[tuple[ReadinessItem, ReadinessAnswer | None]]

    @property
    def in_dissemination(self) -> bool:
        return self.initiative.phase == "dissemination"


def expected_results(initiative: Initiative, organisation: Organisation) -> Pack:
    calculation = municipal_calculation(initiative, organisation)
    return Pack(
        initiative=initiative,
        organisation=organisation,
        effect=effect_found(initiative),
        peers=peer_figures(initiative, organisation),
        calculation=calculation,
        costs=costs(initiative, organisation, calculation),
        readiness=readiness(initiative, organisation),
    )


def readiness(initiative: Initiative, organisation: Organisation):
    items = list(ReadinessItem.objects.filter(intervention=initiative.intervention))
    answers = {
        a.item_id: a
        for a in ReadinessAnswer.objects.filter(
            initiative=initiative, organisation=organisation, item__in=items
        )
    }
    return [(item, answers.get(item.pk)) for item in items]


def effect_found(initiative: Initiative) -> EffectFound:
    from susi.evidence.selectors import meta_analyses_for_intervention
    from susi.outcomes.models import EffectEvaluation

    found = EffectFound()
    analyses = meta_analyses_for_intervention(initiative.intervention)
    if analyses:
        meta = analyses[0]
        result = meta.result or {}
        found.meta_title = meta.title
        found.level = meta.rating_level
        found.level_label = meta.get_rating_level_display()
        found.measure = meta.measure
        found.estimate = result.get("estimate")
        found.ci_low, found.ci_high = result.get("ci_low"), result.get("ci_high")
        found.studies = result.get("k")
    of_intervention = EffectEvaluation.objects.filter(
        initiative__intervention=initiative.intervention
    ).select_related("instrument", "initiative")
    in_testing = of_intervention.filter(_saved_in_testing(initiative))
    found.from_testing = in_testing.exists()
    evaluations = (in_testing if found.from_testing else of_intervention)[:5]
    found.evaluations = [
        {
            "instrument": str(e.instrument.name),
            "method": e.method_label,
            "estimate": e.estimate,
            "ci_low": e.ci_low,
            "ci_high": e.ci_high,
            "citizens": e.n_treated + e.n_control,
            "initiative": e.initiative.title,
        }
        for e in evaluations
    ]
    return found


def _saved_in_testing(initiative: Initiative) -> Q:
    """Effect estimates saved while an initiative of the intervention was in testing (by its gate history)."""
    from susi.portfolio.selectors import phase_periods

    periods = phase_periods(Initiative.objects.filter(intervention=initiative.intervention), "testing")
    window = Q(pk__in=[])
    for initiative_id, (entered, left) in periods.items():
        one = Q(initiative_id=initiative_id)
        if entered is not None:
            one &= Q(created_at__gte=entered)
        if left is not None:
            one &= Q(created_at__lte=left)
        window |= one
    return window


def peer_figures(initiative: Initiative, organisation: Organisation) -> list[PeerFigures]:
    """Per instrument: the organisation's own key figures and a summary of its peers' (small cells left out)."""
    from susi.outcomes.selectors import instruments_in, measurements_frame

    out = []
    for instrument in instruments_in(initiative):
        frame = measurements_frame(initiative, instrument)
        if frame.empty:
            continue
        try:
            figures = key_figures(frame, instrument.code, higher_is_better=instrument.higher_is_better)
        except ValueError:
            continue
        own = next((k for k in figures if k.municipality == organisation.code and not k.suppressed), None)
        peers = [k for k in figures if k.municipality != organisation.code]
        shown = [k for k in peers if not k.suppressed and k.mean_change is not None]
        changes = [float(k.mean_change) for k in shown if k.mean_change is not None]
        improved = [float(k.share_improved) for k in shown if k.share_improved is not None]
        out.append(
            PeerFigures(
                instrument=str(instrument.name),
                own=own,
                peers_reported=len(shown),
                peers_left_out=len(peers) - len(shown),
                median_change=statistics.median(changes) if changes else None,
                lowest_change=min(changes) if changes else None,
                highest_change=max(changes) if changes else None,
                median_share_improved=statistics.median(improved) if improved else None,
            )
        )
    return out


def base_calculation(initiative: Initiative):
    """The newest SØM calculation linked to the initiative, else to another initiative of its intervention."""
    from susi.som.models import Calculation

    own = initiative.som_calculations.order_by("-created_at", "-pk").first()
    if own is not None:
        return own
    return (
        Calculation.objects.filter(initiative__intervention=initiative.intervention)
        .order_by("-created_at", "-pk")
        .first()
    )


def localised_case(base, organisation: Organisation) -> tuple[dict[str, Any], list[str], int | None]:
    """The base calculation's case with the organisation's own prices (where it has them) and its own
    target-group size as the yearly intake (where it has one): (case, services re-priced, citizens/year)."""
    from susi.som.models import Price, TargetGroupSize

    case = copy.deepcopy(base.case)
    case["name"] = f"{base.name} – {organisation.name}"[:200]
    own = {p.service: p for p in Price.objects.filter(organisation=organisation)}
    replaced = []
    for service, price in (case.get("prices") or {}).items():
        mine = own.get(service)
        if mine is None:
            continue
        price.update(municipality=mine.municipality, region=mine.region, state=mine.state)
        replaced.append(service)
    size = None
    if base.target_group_id is not None:
        row = TargetGroupSize.objects.filter(
            target_group_id=base.target_group_id, organisation=organisation
        ).first()
        if row is not None:
            size = row.citizens_per_year
            case["intake"] = [size] * max(1, len(case.get("intake") or []))
    return case, sorted(replaced), size


def municipal_calculation(initiative: Initiative, organisation: Organisation) -> MunicipalCalculation | None:
    base = base_calculation(initiative)
    if base is None:
        return None
    data, replaced, size = localised_case(base, organisation)
    try:
        case = som_engine.parse_case(data)
        result = som_engine.calculate(case)
        mc = (
            som_engine.simulate(case, draws=PACK_DRAWS, seed=base.seed, with_tornado=False)
            if case.has_uncertainty
            else None
        )
    except som_engine.SomInputError:
        return None
    return MunicipalCalculation(
        base_name=base.name,
        base_id=base.pk,
        knowledge_version=base.knowledge_version,
        case=case,
        result=result,
        monte_carlo=mc,
        own_prices=replaced,
        citizens_per_year=size,
        illustrative=base.uses_illustrative_data,
    )


def costs(
    initiative: Initiative, organisation: Organisation, calculation: MunicipalCalculation | None
) -> Costs | None:
    if calculation is None:
        return None
    case, result = calculation.case, calculation.result
    running = running_cost_per_citizen(case, list(result.costs))
    years = len(case.intake) or 1
    per_year = citizens(case) / years
    budget = area_budgets([organisation.pk], initiative.area).get(organisation.pk)
    yearly = running * per_year if running is not None else None
    return Costs(
        one_off=one_off_costs(case),
        running_per_citizen=running,
        citizens_per_year=per_year,
        yearly_running=yearly,
        pv_costs=result.pv_costs,
        area_budget=budget,
        budget_share=(yearly / budget) if yearly is not None and budget else None,
    )


__all__ = ["PACK_DRAWS", "SMALL_CELL_THRESHOLD", "Pack", "expected_results"]
