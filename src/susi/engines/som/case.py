"""A SØM case: what the user knows about an intervention, its target group, its effect and the prices.

A case is plain data: the engine's frozen dataclasses. The case-file format, and every rule a case must
keep, is declared once in `schema.SomCase` (pydantic): `schema.parse_case` reads a file into a `Case`, and
`schema.validate_case` checks a case built in code through the same model.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

from .areas import AUTHORITY_CODES
from .distributions import Quantity, is_uncertain

CostKind = Literal["once", "per_year", "per_citizen"]
COST_KINDS: tuple[str, ...] = ("once", "per_year", "per_citizen")
DEFAULT_DISCOUNT_RATE = 0.035  # the Danish Ministry of Finance's real rate since 2021
# The Ministry of Finance's declining rate: the rate for the first 35 years, 1 percentage point less for
# years 36-70 and 2 less after (3.5 %, 2.5 %, 1.5 % with the default rate); "flat" keeps one rate.
DISCOUNT_SCHEDULES = ("declining", "flat")
DECLINING_STEPS = ((35, 0.0), (70, 0.01), (None, 0.02))  # (last year of the period, reduction of the rate)
DEFAULT_HORIZON = 10
MAX_HORIZON = 50


@dataclass(frozen=True)
class Cost:
    """An intervention cost. `once`: in `year` (start-up); `per_year`: every year in `years` (default: the
    operating years, from year 1 until the last citizen completes); `per_citizen`: for every citizen who
    starts, spread evenly over the intervention's duration."""

    name: str
    kind: CostKind
    amount: Quantity
    payer: str = "municipality"
    year: int = 1
    years: tuple[int, int] | None = None
    area: str | None = None
    committee: str | None = None
    # A cost of the current practice that the intervention replaces (SØM's "sparede udgifter"): the amount
    # is given as a positive number and booked as a negative cost line.
    saved: bool = False


@dataclass(frozen=True)
class Consequence:
    """The change in one service's use per year for one citizen in the success state.

    `change` is either one number per year (the same every year after success, for `years` years or, if
    None, to the horizon) or a sequence: the change in the 1st, 2nd, ... year after success, zero after it.
    Negative means less use (a saving when the price is positive)."""

    service: str
    change: Quantity | tuple[Quantity, ...]
    years: int | None = None
    # A yearly profile drawn as one: the change in the k-th year after success is change × profile[k]
    # (zero after the profile ends), so an uncertain `change` is one draw scaled across the years, not an
    # independent draw per year (docs/developers/som.md, *Uncertainty*). Only with a single-number change.
    profile: tuple[float, ...] | None = None


@dataclass(frozen=True)
class Outcome:
    """A success outcome. `success_rate` is the additional share of starters reaching it compared with
    current practice. The effect begins `effect_delay_years` after the start year (None: the completion
    year, SØM's assumption), reaches full strength over `phase_in_years` (0 or 1: at once) and fades with
    `relapse` (the share of those in the success state who fall back each year)."""

    name: str
    success_rate: Quantity
    consequences: tuple[Consequence, ...]
    effect_delay_years: int | None = None
    phase_in_years: Quantity = 0.0
    relapse: Quantity = 0.0
    # A common factor on every consequence of the outcome (one draw for all of them and all years): the
    # quick estimate scales the knowledge database's consequences by the user's saving with it.
    scale: Quantity = 1.0
    # Deadweight (GMCA): the share of these successes that would have happened anyway; the additional
    # successes are success_rate × (1 − deadweight). 0 when the success rate is already measured against
    # current practice (a controlled study).
    deadweight: float = 0.0


@dataclass(frozen=True)
class Price:
    """The price of one unit of a public service, in DKK, split by the authority that pays it."""

    service: str
    municipality: Quantity
    region: Quantity = 0.0
    state: Quantity = 0.0
    area: str = "adult_social"
    committee: str | None = "social"
    unit: str = ""
    name: str = ""
    price_year: int | None = None  # the year of the price level (None: already in the case's price year)

    def amount(self, authority: str) -> Quantity:
        value: Quantity = getattr(self, authority)
        return value


@dataclass(frozen=True)
class Case:
    name: str
    intake: tuple[Quantity, ...]
    costs: tuple[Cost, ...]
    outcomes: tuple[Outcome, ...]
    prices: tuple[Price, ...]
    horizon: int = DEFAULT_HORIZON
    discount_rate: float = DEFAULT_DISCOUNT_RATE
    duration_years: int = 1
    area: str = "adult_social"
    committee: str | None = "social"
    target_group: str = ""
    discount_schedule: str = "declining"
    # Optimism bias (GMCA, HM Treasury's Green Book): costs are raised by `optimism_bias_costs` (0.1 = +10 %)
    # and gains, including saved costs, lowered by `optimism_bias_gains`.
    optimism_bias_costs: float = 0.0
    optimism_bias_gains: float = 0.0
    # Price-year indexing: every price with a `price_year` is moved to the case's `price_year` with the price
    # index given as data, ((year, index value), ...): amount × index[price_year of the case] / index[its year].
    price_year: int | None = None
    price_index: tuple[tuple[int, float], ...] = ()

    def index_factor(self, price: Price) -> float:
        """The factor that moves `price` to the case's price year (1 when either year is not given)."""
        if self.price_year is None or price.price_year is None or price.price_year == self.price_year:
            return 1.0
        index = dict(self.price_index)
        return index[self.price_year] / index[price.price_year]

    # Rank (Spearman) correlations between uncertain inputs, by path: (input, other input, ρ). Drawn with
    # Iman-Conover (montecarlo.correlate): every input keeps its own draws, only their pairing changes.
    correlations: tuple[tuple[str, str, float], ...] = ()

    def price_of(self, service: str) -> Price | None:
        return next((p for p in self.prices if p.service == service), None)

    def with_changes(self, **changes: Any) -> Case:
        return replace(self, **changes)

    def numbers(self) -> list[tuple[str, Quantity]]:
        """Every number of the case that may be uncertain, with its path."""
        out: list[tuple[str, Quantity]] = [(f"intake[{i}]", n) for i, n in enumerate(self.intake)]
        out += [(f"costs[{i}].amount", c.amount) for i, c in enumerate(self.costs)]
        for i, o in enumerate(self.outcomes):
            where = f"outcomes[{i}]"
            out += [
                (f"{where}.success_rate", o.success_rate),
                (f"{where}.phase_in_years", o.phase_in_years),
                (f"{where}.relapse", o.relapse),
                (f"{where}.scale", o.scale),
            ]
            for j, c in enumerate(o.consequences):
                cw = f"{where}.consequences[{j}].change"
                if isinstance(c.change, tuple):
                    out += [(f"{cw}[{k}]", v) for k, v in enumerate(c.change)]
                else:
                    out.append((cw, c.change))
        for p in self.prices:
            out += [(f"prices[{p.service}].{a}", p.amount(a)) for a in AUTHORITY_CODES]
        return out

    @property
    def has_uncertainty(self) -> bool:
        return any(is_uncertain(n) for _, n in self.numbers())


def discount_factors(rate: float, horizon: int, schedule: str = "declining") -> list[float]:
    """d[t] for years t = 1…horizon: year 1 is undiscounted and each later year is discounted one more year
    at the rate of the year it lies in (years from now j = t − 1): d[t] = Π_{j=1}^{t−1} 1 / (1 + r_j), with
    r_j = rate for j ≤ 35, rate − 1 pp for 36 ≤ j ≤ 70, rate − 2 pp after (never below 0) when declining.
    The cumulative product keeps the factors continuous across a step (d[37] = 1.035^−35 · 1.025^−1, not
    1.025^−36)."""
    out = [1.0]
    for j in range(1, horizon):
        r = rate
        if schedule == "declining":
            for last, cut in DECLINING_STEPS:
                if last is None or j <= last:
                    r = max(0.0, rate - cut)
                    break
        out.append(out[-1] / (1.0 + r))
    return out
