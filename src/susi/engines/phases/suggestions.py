"""Gate suggestions: the rating the platform proposes for each criterion from its own numbers.

A suggestion is advice, never a decision: the person preparing the gate confirms it or overrides it with a
justification, and both are recorded (portfolio's `CriterionAssessment.suggestion`). The rules, in words
(docs/developers/phase-rules.md has the table and the reasoning):

- *virkning* (effect): from the evidence rating of the newest saved meta-analysis and its pooled effect.
  A and B (documented or probable effect) with a pooled effect whose confidence interval lies on the good
  side of 0 suggest *met*; C (promising), or A/B with an interval that crosses 0, suggest *partly met*;
  D (insufficient knowledge), signs of harm or a pooled effect on the harmful side suggest *not met*.
  A side-effect signal (when side effects are recorded) lowers *met* to *partly met*.
- *økonomi* (economy): from SØM's Monte Carlo chance of breaking even within the horizon and the return per
  krone. Both at or above the *met* thresholds suggest *met*; either at or above its *partly* threshold
  suggests *partly met*; otherwise *not met*.
- *implementering* (implementation): from fidelity per municipality: the share of the reporting
  municipalities that delivered the core components adequately.
- *efterspørgsel* (demand): from applicants per place in the application rounds (all rounds together); the
  accepted organisations' target-group sizes are shown beside it.
- *realistisk drift* (realistic operation): the running cost per citizen times each municipality's citizens
  per year, as a share of its budget for the area; the median municipality decides.

Every threshold is data: `Thresholds` declares them with their defaults, and an installation overrides any
of them by name (`thresholds(overrides)`; the Django side reads `SUSI_GATE_SUGGESTION_THRESHOLDS`). With no
numbers a criterion gets no suggestion (`rating is None`), never a guess. Pure Python.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

from susi.engines.errors import EngineError

from .model import RATING_NAMES, Criterion, Rating, Text


class SuggestionInputError(EngineError):
    """A threshold override is unknown or out of range."""


@dataclass(frozen=True)
class Thresholds:
    """The declared table of thresholds (defaults). Shares are fractions (0.75 = 75 %)."""

    # virkning: evidence levels (engines.evidence.rating.Level values) that may suggest "met" / "partly met"
    effect_met_levels: tuple[str, ...] = ("A", "B")
    effect_partly_levels: tuple[str, ...] = ("C",)
    # økonomi: chance of breaking even within the horizon, and kroner back per krone spent
    economy_break_even_met: float = 0.75
    economy_break_even_partly: float = 0.40
    economy_return_met: float = 1.0
    economy_return_partly: float = 0.5
    # implementering: share of reporting municipalities with adequate fidelity
    implementation_adequate_met: float = 0.75
    implementation_adequate_partly: float = 0.5
    # efterspørgsel: applicants per place
    demand_per_place_met: float = 1.0
    demand_per_place_partly: float = 0.5
    # realistisk drift: the running cost as a share of the municipality's budget for the area (at most)
    operation_budget_share_met: float = 0.02
    operation_budget_share_partly: float = 0.05


DEFAULT_THRESHOLDS = Thresholds()
_PAIRS = (
    ("economy_break_even_partly", "economy_break_even_met"),
    ("economy_return_partly", "economy_return_met"),
    ("implementation_adequate_partly", "implementation_adequate_met"),
    ("demand_per_place_partly", "demand_per_place_met"),
    ("operation_budget_share_met", "operation_budget_share_partly"),
)


def thresholds(overrides: Mapping[str, Any] | None = None) -> Thresholds:
    """The default table with `overrides` (by field name) applied; an unknown name or a pair out of order
    (a *partly* threshold stricter than its *met* threshold) raises SuggestionInputError."""
    if not overrides:
        return DEFAULT_THRESHOLDS
    names = {f.name: f for f in fields(Thresholds)}
    clean: dict[str, Any] = {}
    for name, value in overrides.items():
        if name not in names:
            raise SuggestionInputError(
                name, Text(f"Ukendt tærskel: {name}.", f"Unknown threshold: {name}."), code="unknown"
            )
        if name.startswith("effect_"):
            clean[name] = tuple(str(v) for v in value)
        else:
            number = float(value)
            if not 0 <= number < 1e9:
                raise SuggestionInputError(
                    name,
                    Text(f"Tærsklen {name} skal være et ikke-negativt tal.", f"{name} must be non-negative."),
                )
            clean[name] = number
    table = replace(DEFAULT_THRESHOLDS, **clean)
    for low, high in _PAIRS:
        if getattr(table, low) > getattr(table, high):
            raise SuggestionInputError(
                low,
                Text(f"Tærsklen {low} må ikke være over {high}.", f"{low} may not exceed {high}."),
                code="order",
            )
    return table


@dataclass(frozen=True)
class Suggestion:
    """The proposed rating (None: no numbers to go on), the numbers behind it and the reasons, in words."""

    criterion: Criterion
    rating: Rating | None
    numbers: Mapping[str, float | int | str | None] = field(default_factory=dict)
    reasons: tuple[Text, ...] = ()

    @property
    def rating_name(self) -> Text | None:
        return RATING_NAMES[self.rating] if self.rating else None

    def to_json(self) -> dict[str, Any]:
        """What a gate decision stores beside the rating the person chose."""
        return {
            "criterion": self.criterion.value,
            "rating": self.rating.value if self.rating else None,
            "numbers": dict(self.numbers),
            "reasons": [{"da": r.da, "en": r.en} for r in self.reasons],
        }


# --- number formats for the reasons (Danish decimal comma; the web layer never rewrites them) ------------


def _num(x: float, digits: int = 2) -> Text:
    en = f"{x:,.{digits}f}"
    da = en.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return Text(da, en)


def _pct(x: float) -> Text:
    v = _num(100 * x, 0)
    return Text(f"{v.da} %", f"{v.en}%")


def _no_data(criterion: Criterion, da: str, en: str) -> Suggestion:
    return Suggestion(criterion, None, {}, (Text(da, en),))


# --- the five rules ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EffectNumbers:
    level: str | None  # engines.evidence.rating.Level value of the newest saved meta-analysis
    estimate: float | None = None  # pooled effect on the analysed scale, 0 = no effect
    ci_low: float | None = None
    ci_high: float | None = None
    higher_is_better: bool = True
    studies: int | None = None
    # Hook for the side-effect register: True when side effects signal harm, False when studied and none
    # found, None when not recorded (then nothing changes).
    side_effect_signal: bool | None = None


def suggest_effect(n: EffectNumbers, t: Thresholds = DEFAULT_THRESHOLDS) -> Suggestion:
    c = Criterion.EFFECT
    if n.level is None:
        return _no_data(
            c,
            "Ingen gemt metaanalyse af indsatsen at foreslå ud fra.",
            "No saved meta-analysis of the intervention to suggest from.",
        )
    numbers: dict[str, float | int | str | None] = {
        "level": n.level,
        "estimate": n.estimate,
        "ci_low": n.ci_low,
        "ci_high": n.ci_high,
        "studies": n.studies,
        "side_effect_signal": n.side_effect_signal,
    }
    reasons = [Text(f"Evidensvurdering: {n.level}.", f"Evidence rating: {n.level}.")]
    side = _pooled_side(n)
    if side is not None:
        where = {
            "good": ("ligger på den gode side af 0", "lies on the good side of 0"),
            "crosses": ("omfatter 0", "includes 0"),
            "harm": ("ligger på den skadelige side af 0", "lies on the harmful side of 0"),
        }[side]
        assert n.estimate is not None and n.ci_low is not None and n.ci_high is not None
        reasons.append(
            Text(
                f"Samlet effekt {_num(n.estimate).da} (95 %-KI {_num(n.ci_low).da} til {_num(n.ci_high).da}); "
                f"intervallet {where[0]}.",
                f"Pooled effect {_num(n.estimate).en} (95% CI {_num(n.ci_low).en} to {_num(n.ci_high).en}); "
                f"the interval {where[1]}.",
            )
        )
    if n.level in t.effect_met_levels and side in ("good", None):
        rating = Rating.MET
    elif n.level in t.effect_met_levels + t.effect_partly_levels and side != "harm":
        rating = Rating.PARTLY_MET
    else:
        rating = Rating.NOT_MET
    if n.side_effect_signal and rating is Rating.MET:
        rating = Rating.PARTLY_MET
        reasons.append(
            Text(
                "Der er registreret tegn på bivirkninger; forslaget sænkes til delvist opfyldt.",
                "Signs of side effects are recorded; the suggestion is lowered to partly met.",
            )
        )
    elif n.side_effect_signal is False:
        reasons.append(
            Text("Bivirkninger er undersøgt; ingen tegn fundet.", "Side effects studied; none found.")
        )
    return Suggestion(c, rating, numbers, tuple(reasons))


def _pooled_side(n: EffectNumbers) -> str | None:
    """'good', 'crosses' or 'harm': where the pooled effect's interval lies; None without one."""
    if n.estimate is None or n.ci_low is None or n.ci_high is None:
        return None
    low, high = (n.ci_low, n.ci_high) if n.higher_is_better else (-n.ci_high, -n.ci_low)
    if low > 0:
        return "good"
    if high < 0:
        return "harm"
    return "crosses"


@dataclass(frozen=True)
class EconomyNumbers:
    probability_break_even: float | None  # Monte Carlo share of draws that break even within the horizon
    return_per_krone: float | None  # kroner back (present value of gains) per krone of cost
    horizon: int | None = None
    calculation: str = ""


def _banded(value: float, met: float, partly: float, *, at_most: bool = False) -> Rating:
    if at_most:
        return Rating.MET if value <= met else Rating.PARTLY_MET if value <= partly else Rating.NOT_MET
    return Rating.MET if value >= met else Rating.PARTLY_MET if value >= partly else Rating.NOT_MET


_ORDER = (Rating.NOT_MET, Rating.PARTLY_MET, Rating.MET)


def suggest_economy(n: EconomyNumbers, t: Thresholds = DEFAULT_THRESHOLDS) -> Suggestion:
    c = Criterion.ECONOMY
    if n.probability_break_even is None and n.return_per_krone is None:
        return _no_data(
            c,
            "Ingen SØM-beregning knyttet til initiativet at foreslå ud fra.",
            "No SØM calculation linked to the initiative to suggest from.",
        )
    numbers = {
        "probability_break_even": n.probability_break_even,
        "return_per_krone": n.return_per_krone,
        "horizon": n.horizon,
        "calculation": n.calculation,
    }
    reasons, ratings = [], []
    if n.probability_break_even is not None:
        p = n.probability_break_even
        ratings.append(_banded(p, t.economy_break_even_met, t.economy_break_even_partly))
        years = n.horizon or 0
        reasons.append(
            Text(
                f"Sandsynlighed for at tjene sig hjem inden for {years} år: {_pct(p).da} "
                f"(opfyldt fra {_pct(t.economy_break_even_met).da}).",
                f"Chance of breaking even within {years} years: {_pct(p).en} "
                f"(met from {_pct(t.economy_break_even_met).en}).",
            )
        )
    if n.return_per_krone is not None:
        r = n.return_per_krone
        ratings.append(_banded(r, t.economy_return_met, t.economy_return_partly))
        reasons.append(
            Text(
                f"Afkast pr. investeret krone: {_num(r).da} kr. (opfyldt fra {_num(t.economy_return_met).da} kr.).",
                f"Return per krone invested: DKK {_num(r).en} (met from DKK {_num(t.economy_return_met).en}).",
            )
        )
    # met only when every number is met; partly when the best one reaches partly
    if all(r is Rating.MET for r in ratings):
        rating = Rating.MET
    elif max(_ORDER.index(r) for r in ratings) >= 1:
        rating = Rating.PARTLY_MET
    else:
        rating = Rating.NOT_MET
    return Suggestion(c, rating, numbers, tuple(reasons))


@dataclass(frozen=True)
class FidelityNumbers:
    """Per reporting municipality (small cells already left out): its delivered share and whether it
    delivered adequately (engines.evaluation.fidelity)."""

    delivered_shares: Sequence[float]
    adequate: Sequence[bool]
    suppressed: int = 0


def suggest_implementation(n: FidelityNumbers, t: Thresholds = DEFAULT_THRESHOLDS) -> Suggestion:
    c = Criterion.IMPLEMENTATION
    reporting = len(n.adequate)
    if reporting == 0:
        return _no_data(
            c,
            "Ingen fidelitetsdata fra kommunerne at foreslå ud fra.",
            "No fidelity data from the municipalities to suggest from.",
        )
    adequate = sum(1 for a in n.adequate if a)
    share = adequate / reporting
    numbers = {
        "municipalities": reporting,
        "adequate": adequate,
        "adequate_share": share,
        "lowest_delivered_share": min(n.delivered_shares) if n.delivered_shares else None,
        "suppressed": n.suppressed,
    }
    reasons = [
        Text(
            f"{adequate} af {reporting} kommuner leverer kernekomponenterne tilstrækkeligt ({_pct(share).da}; "
            f"opfyldt fra {_pct(t.implementation_adequate_met).da}).",
            f"{adequate} of {reporting} municipalities deliver the core components adequately ({_pct(share).en}; "
            f"met from {_pct(t.implementation_adequate_met).en}).",
        )
    ]
    if n.suppressed:
        reasons.append(
            Text(
                f"{n.suppressed} kommune(r) med under 5 borgere indgår ikke.",
                f"{n.suppressed} municipality(ies) with fewer than 5 citizens left out.",
            )
        )
    rating = _banded(share, t.implementation_adequate_met, t.implementation_adequate_partly)
    return Suggestion(c, rating, numbers, tuple(reasons))


@dataclass(frozen=True)
class DemandNumbers:
    applicants: int
    places: int | None  # None: the rounds had no fixed number of places
    rounds: int
    target_group_total: int | None = None  # accepted organisations' citizens per year


def suggest_demand(n: DemandNumbers, t: Thresholds = DEFAULT_THRESHOLDS) -> Suggestion:
    c = Criterion.DEMAND
    if n.rounds == 0:
        return _no_data(
            c, "Ingen ansøgningsrunder at foreslå ud fra.", "No application rounds to suggest from."
        )
    per_place = n.applicants / n.places if n.places else None
    numbers = {
        "rounds": n.rounds,
        "applicants": n.applicants,
        "places": n.places,
        "applicants_per_place": per_place,
        "target_group_total": n.target_group_total,
    }
    reasons = []
    if n.target_group_total is not None:
        reasons.append(
            Text(
                f"De optagne kommuners målgrupper: {n.target_group_total} borgere pr. år.",
                f"The accepted municipalities' target groups: {n.target_group_total} citizens a year.",
            )
        )
    if per_place is None:
        reasons.insert(
            0,
            Text(
                f"{n.applicants} ansøgere; runderne havde ikke et fast antal pladser.",
                f"{n.applicants} applicants; the rounds had no fixed number of places.",
            ),
        )
        rating = Rating.MET if n.applicants > 0 else Rating.NOT_MET
        return Suggestion(c, rating, numbers, tuple(reasons))
    reasons.insert(
        0,
        Text(
            f"{n.applicants} ansøgere til {n.places} pladser: {_num(per_place).da} pr. plads "
            f"(opfyldt fra {_num(t.demand_per_place_met).da}).",
            f"{n.applicants} applicants for {n.places} places: {_num(per_place).en} per place "
            f"(met from {_num(t.demand_per_place_met).en}).",
        ),
    )
    rating = _banded(per_place, t.demand_per_place_met, t.demand_per_place_partly)
    return Suggestion(c, rating, numbers, tuple(reasons))


@dataclass(frozen=True)
class MunicipalOperation:
    municipality: str
    citizens_per_year: float
    area_budget: float  # the municipality's yearly budget for the area, DKK


@dataclass(frozen=True)
class OperationNumbers:
    running_cost_per_citizen: float | None
    municipalities: Sequence[MunicipalOperation] = ()


def budget_shares(n: OperationNumbers) -> list[float]:
    """Per municipality with a budget: running cost per citizen × citizens per year / budget for the area."""
    if n.running_cost_per_citizen is None:
        return []
    return [
        n.running_cost_per_citizen * m.citizens_per_year / m.area_budget
        for m in n.municipalities
        if m.area_budget > 0
    ]


def suggest_operation(n: OperationNumbers, t: Thresholds = DEFAULT_THRESHOLDS) -> Suggestion:
    c = Criterion.REALISTIC_OPERATION
    shares = budget_shares(n)
    if not shares:
        return _no_data(
            c,
            "Mangler driftsudgift pr. borger (SØM-beregning) eller kommunernes budgetter for området.",
            "Missing the running cost per citizen (SØM calculation) or the municipalities' budgets for the area.",
        )
    assert n.running_cost_per_citizen is not None
    median = statistics.median(shares)
    numbers = {
        "running_cost_per_citizen": n.running_cost_per_citizen,
        "municipalities": len(shares),
        "median_budget_share": median,
        "highest_budget_share": max(shares),
    }
    reasons = (
        Text(
            f"Driftsudgift {_num(n.running_cost_per_citizen, 0).da} kr. pr. borger; i den midterste af "
            f"{len(shares)} kommuner svarer det til {_num(100 * median, 1).da} % af budgettet for området "
            f"(opfyldt til og med {_num(100 * t.operation_budget_share_met, 1).da} %).",
            f"Running cost DKK {_num(n.running_cost_per_citizen, 0).en} per citizen; in the median of "
            f"{len(shares)} municipalities that is {_num(100 * median, 1).en}% of the budget for the area "
            f"(met up to {_num(100 * t.operation_budget_share_met, 1).en}%).",
        ),
    )
    rating = _banded(median, t.operation_budget_share_met, t.operation_budget_share_partly, at_most=True)
    return Suggestion(c, rating, numbers, reasons)


@dataclass(frozen=True)
class GateNumbers:
    """Everything the gate suggestions read, as plain numbers (gathered by portfolio.suggestions)."""

    effect: EffectNumbers
    economy: EconomyNumbers
    implementation: FidelityNumbers
    demand: DemandNumbers
    operation: OperationNumbers


def suggest(numbers: GateNumbers, t: Thresholds = DEFAULT_THRESHOLDS) -> dict[Criterion, Suggestion]:
    """A suggestion for each of the five criteria."""
    return {
        Criterion.EFFECT: suggest_effect(numbers.effect, t),
        Criterion.ECONOMY: suggest_economy(numbers.economy, t),
        Criterion.IMPLEMENTATION: suggest_implementation(numbers.implementation, t),
        Criterion.DEMAND: suggest_demand(numbers.demand, t),
        Criterion.REALISTIC_OPERATION: suggest_operation(numbers.operation, t),
    }
