"""Gather the numbers behind the gate suggestions from the other apps, and ask the engine
(`susi.engines.phases.suggestions`) what each criterion's rating would be.

Reads only (through the other apps' selectors and models); writes nothing. The gate page shows the result
next to each criterion, and `services.record_gate_decision` / `save_gate_draft` store it beside the rating
the person chose.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings

from susi.engines import som as som_engine
from susi.engines.evaluation.fidelity import fidelity_by_municipality
from susi.engines.phases import Criterion
from susi.engines.phases import suggestions as engine
from susi.engines.som.running import running_cost_per_citizen

from .models import Initiative

#: HOOK for the side-effect register: functions of an initiative returning True (side effects signal harm),
#: False (studied, none found) or None (not recorded). The app that records side effects appends its
#: reader here in its AppConfig.ready(); the first answer that is not None counts.
SIDE_EFFECT_SIGNALS: list[Callable[[Initiative], bool | None]] = []


def thresholds() -> engine.Thresholds:
    """The declared defaults with this installation's overrides (settings.SUSI_GATE_SUGGESTION_THRESHOLDS)."""
    return engine.thresholds(getattr(settings, "SUSI_GATE_SUGGESTION_THRESHOLDS", None) or None)


def gate_suggestions(initiative: Initiative) -> dict[Criterion, engine.Suggestion]:
    """The platform's suggested rating for each criterion, with the numbers behind it."""
    return engine.suggest(gate_numbers(initiative), thresholds())


def suggestions_by_criterion(initiative: Initiative) -> dict[str, engine.Suggestion]:
    """The same, keyed by the criterion's value (what the gate template and the services look up)."""
    return {c.value: s for c, s in gate_suggestions(initiative).items()}


def gate_numbers(initiative: Initiative) -> engine.GateNumbers:
    calculation = latest_calculation(initiative)
    return engine.GateNumbers(
        effect=_effect(initiative),
        economy=_economy(calculation),
        implementation=_implementation(initiative),
        demand=_demand(initiative),
        operation=_operation(initiative, calculation),
    )


def _effect(initiative: Initiative) -> engine.EffectNumbers:
    from susi.evidence.selectors import meta_analyses_for_intervention

    analyses = meta_analyses_for_intervention(initiative.intervention)
    signal = next((s for s in (f(initiative) for f in SIDE_EFFECT_SIGNALS) if s is not None), None)
    if not analyses:
        return engine.EffectNumbers(None, side_effect_signal=signal)
    meta = analyses[0]  # the newest
    result: dict[str, Any] = meta.result or {}
    return engine.EffectNumbers(
        level=meta.rating_level,
        estimate=result.get("estimate"),
        ci_low=result.get("ci_low"),
        ci_high=result.get("ci_high"),
        higher_is_better=meta.higher_is_better,
        studies=result.get("k"),
        side_effect_signal=signal,
    )


def latest_calculation(initiative: Initiative):
    """The newest saved SØM calculation linked to the initiative (None without one)."""
    return initiative.som_calculations.order_by("-created_at", "-pk").first()


def _economy(calculation) -> engine.EconomyNumbers:
    if calculation is None:
        return engine.EconomyNumbers(None, None)
    deterministic = calculation.result.get("deterministic") or {}
    mc = calculation.result.get("monte_carlo") or {}
    by_year = mc.get("probability_break_even") or []
    return engine.EconomyNumbers(
        probability_break_even=by_year[-1] if by_year else None,
        return_per_krone=deterministic.get("return_per_krone"),
        horizon=len(deterministic.get("years") or []) or None,
        calculation=calculation.name,
    )


def _implementation(initiative: Initiative) -> engine.FidelityNumbers:
    from susi.outcomes.selectors import fidelity_frame

    frame = fidelity_frame(initiative)
    if frame.empty:
        return engine.FidelityNumbers((), ())
    rows = fidelity_by_municipality(frame)
    shown = [r for r in rows if not r.suppressed and r.delivered_share is not None]
    return engine.FidelityNumbers(
        delivered_shares=[float(r.delivered_share or 0) for r in shown],
        adequate=[bool(r.adequate) for r in shown],
        suppressed=len(rows) - len(shown),
    )


def _demand(initiative: Initiative) -> engine.DemandNumbers:
    from susi.rounds.selectors import demand

    rounds = demand(initiative)
    places = [r.places for r in rounds]
    sizes = [n for r in rounds for _name, n in r.target_group_sizes]
    return engine.DemandNumbers(
        applicants=sum(r.applicants for r in rounds),
        places=sum(p for p in places if p) if rounds and all(places) else None,
        rounds=len(rounds),
        target_group_total=sum(sizes) if sizes else None,
    )


def running_cost(calculation) -> float | None:
    """The calculation's running cost per citizen (engines.som.running), None when it has none."""
    if calculation is None:
        return None
    try:
        case = som_engine.parse_case(calculation.case)
    except som_engine.SomInputError:
        return None
    costs = (calculation.result.get("deterministic") or {}).get("costs") or []
    return running_cost_per_citizen(case, costs)


def _operation(initiative: Initiative, calculation) -> engine.OperationNumbers:
    from susi.dissemination.selectors import area_budgets
    from susi.som.models import TargetGroupSize

    cost = running_cost(calculation)
    if cost is None or calculation.target_group_id is None:
        return engine.OperationNumbers(cost)
    municipalities = {m.pk: m for m in initiative.municipalities.all()}
    budgets = area_budgets(municipalities, initiative.area)
    sizes = TargetGroupSize.objects.filter(
        target_group_id=calculation.target_group_id, organisation_id__in=list(budgets)
    )
    return engine.OperationNumbers(
        cost,
        [
            engine.MunicipalOperation(
                str(municipalities[s.organisation_id]), s.citizens_per_year, budgets[s.organisation_id]
            )
            for s in sizes
        ],
    )
