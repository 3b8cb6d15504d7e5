"""A SØM case: what the user knows about an intervention, its target group, its effect and the prices.

A case is plain data. `parse_case` reads the JSON case-file format (docs/developers/som.md) and
`validate_case` checks a case built in code; both raise `SomInputError` naming every bad field.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from ..text import Text
from .areas import AREA_CODES, AUTHORITY_CODES, COMMITTEE_CODES
from .distributions import (
    MAX_ABS,
    Quantity,
    as_distribution,
    is_uncertain,
    mean_of,
    parse_quantity,
    quantity_to_json,
    unknown_key,
)
from .errors import FieldProblem, SomInputError, field_problem
from .price_index import covered_years, shipped_index

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


def _problem(problems: list[FieldProblem], field: str, message: Text) -> None:
    problems.append(field_problem(field, message))


def _check_range(
    problems: list[FieldProblem],
    value: Quantity,
    field: str,
    low: float | None,
    high: float | None,
    what_da: str,
    percent: bool = False,
) -> None:
    """Check the point value (the mean) of a number against a closed range."""
    mean = mean_of(value)

    def da(x: float) -> str:
        return f"{x * 100:g} %" if percent else f"{x:g}"

    if low is not None and mean < low:
        _problem(
            problems,
            field,
            Text(
                f"{what_da} må ikke være under {da(low)} (er {da(mean)})",
                f"must be at least {low:g}, got {mean:g}",
            ),
        )
    if high is not None and mean > high:
        _problem(
            problems,
            field,
            Text(
                f"{what_da} må højst være {da(high)} (er {da(mean)})",
                f"must be at most {high:g}, got {mean:g}",
            ),
        )


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


def _check_finite(problems: list[FieldProblem], field: str, value: Quantity) -> None:
    """Every parameter of a number (a fixed value, or a distribution's mean, sd, min, ...) must be a finite
    number no larger than MAX_ABS: NaN, Infinity and 1e30 are refused, never calculated or saved."""
    dist = as_distribution(value)
    if hasattr(dist, "__dataclass_fields__"):
        parts = [getattr(dist, f) for f in dist.__dataclass_fields__]
    else:
        parts = [value]
    for x in parts:
        if not isinstance(x, int | float) or isinstance(x, bool):
            continue
        if not math.isfinite(x):
            _problem(
                problems,
                field,
                Text(f"skal være et endeligt tal (er {x!r})", f"must be a finite number, got {x!r}"),
            )
            return
        if abs(x) > MAX_ABS:
            _problem(
                problems,
                field,
                Text(
                    f"{x:g} er for stort (højst 1.000 mia. i absolut værdi)",
                    f"{x:g} is too large (at most {MAX_ABS:g} in size)",
                ),
            )
            return


def _check_optimism_bias(case: Case, problems: list[FieldProblem]) -> None:
    for key, what_da in (("optimism_bias_costs", "optimismetillægget på omkostninger"),
                         ("optimism_bias_gains", "optimismefradraget på gevinster")):  # fmt: skip
        value = getattr(case, key)
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            _problem(
                problems,
                key,
                Text(
                    f"{what_da} skal være en andel fra 0 til 1 (er {value!r})",
                    f"must be a share from 0 to 1, got {value!r}",
                ),
            )


def _covered() -> str:
    first, last = covered_years()
    return f"{first}-{last}"


def _check_price_index(case: Case, problems: list[FieldProblem]) -> None:
    index = dict(case.price_index)
    for year, value in case.price_index:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value <= 0
        ):
            _problem(
                problems,
                f"price_index[{year}]",
                Text(
                    f"prisindekset skal være et positivt tal (er {value!r})",
                    f"must be a positive number, got {value!r}",
                ),
            )
    if case.price_year is not None:
        needed = {case.price_year} | {p.price_year for p in case.prices if p.price_year is not None}
        for p in case.prices:
            years: tuple[int | None, ...] = (case.price_year, p.price_year)
            for price_year in years:
                if price_year is not None and len(needed) > 1 and price_year not in index:
                    _problem(
                        problems,
                        f"prices[{p.service}].price_year",
                        Text(
                            f"prisindekset mangler en værdi for {price_year} (SUSI's forbrugerprisindeks "
                            f"fra Danmarks Statistik dækker {_covered()}; angiv ellers price_index)",
                            f"the price index has no value for {price_year} (SUSI's consumer price index "
                            f"from Statistics Denmark covers {_covered()}): add it to price_index",
                        ),
                    )
                    break


def _check_profile(consequence: Consequence, cwhere: str, problems: list[FieldProblem]) -> None:
    """A consequence's yearly profile: with a single-number change, no 'years', finite numbers."""
    if isinstance(consequence.change, tuple) or consequence.years is not None:
        _problem(
            problems,
            f"{cwhere}.profile",
            Text(
                "en profil kræver én ændring (ikke en liste) og ingen 'years' (profilen giver årene)",
                "goes with a single-number change and no 'years' (the profile gives the years)",
            ),
        )
    if not consequence.profile or not all(
        isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x) and abs(x) <= MAX_ABS
        for x in consequence.profile
    ):
        _problem(
            problems,
            f"{cwhere}.profile",
            Text(
                "profilen skal være en ikke-tom liste af endelige tal",
                "must be a non-empty list of finite numbers",
            ),
        )


def _check_correlations(case: Case, problems: list[FieldProblem]) -> None:
    for i, (a, b, rho) in enumerate(case.correlations):
        if not -1 < rho < 1:
            _problem(
                problems,
                f"correlations[{i}].rank_correlation",
                Text(
                    f"rangkorrelationen skal ligge mellem -1 og 1 (er {rho:g})",
                    f"must lie strictly between -1 and 1, got {rho:g}",
                ),
            )
        if a == b:
            _problem(
                problems,
                f"correlations[{i}].inputs",
                Text("samme input er nævnt to gange", "names the same input twice"),
            )


def _check_money(case: Case, problems: list[FieldProblem]) -> None:
    """The discount rate and schedule, the optimism bias and the price index."""
    if not isinstance(case.discount_rate, int | float) or not math.isfinite(case.discount_rate):
        _problem(problems, "discount_rate", Text("diskonteringsrenten skal være et tal", "must be a number"))
    elif case.discount_rate < 0:
        _problem(
            problems,
            "discount_rate",
            Text("diskonteringsrenten må ikke være negativ", "must not be negative"),
        )
    elif case.discount_rate > 1:
        r = case.discount_rate
        _problem(
            problems,
            "discount_rate",
            Text(
                f"diskonteringsrenten skal angives som brøk, højst 1 (er {r:g}): mente du {r:g} % = {r / 100:g}?",
                f"must be a fraction, at most 1 (got {r:g}): did you mean {r:g} % = {r / 100:g}?",
            ),
        )
    _check_optimism_bias(case, problems)
    _check_price_index(case, problems)
    if case.discount_schedule not in DISCOUNT_SCHEDULES:
        _problem(
            problems,
            "discount_schedule",
            Text(
                f"ukendt diskonteringsprofil {case.discount_schedule!r}; vælg faldende eller fast",
                f"unknown discount schedule {case.discount_schedule!r}; use declining or flat",
            ),
        )


def _check_length_and_size(case: Case, horizon: int, problems: list[FieldProblem]) -> None:
    """The intervention fits in the horizon; every number is finite and not absurdly large."""
    if isinstance(case.duration_years, int) and case.duration_years > horizon:
        _problem(
            problems,
            "duration_years",
            Text(
                f"indsatsen varer {case.duration_years} år, men horisonten er kun {horizon} år",
                f"the intervention lasts {case.duration_years} years but the horizon is {horizon} years",
            ),
        )
    for path, number in case.numbers():
        _check_finite(problems, path, number)


def validate_case(case: Case) -> Case:
    """Return the case unchanged if it can be calculated; raise SomInputError listing every problem."""
    problems: list[FieldProblem] = []
    if isinstance(case.horizon, bool) or not isinstance(case.horizon, int) or case.horizon < 1:
        _problem(
            problems,
            "horizon",
            Text("horisonten skal være mindst 1 år", "must be a whole number of years, at least 1"),
        )
    elif case.horizon > MAX_HORIZON:
        _problem(
            problems,
            "horizon",
            Text(f"horisonten må højst være {MAX_HORIZON} år", f"must be at most {MAX_HORIZON} years"),
        )
    _check_money(case, problems)
    if (
        isinstance(case.duration_years, bool)
        or not isinstance(case.duration_years, int)
        or case.duration_years < 1
    ):
        _problem(
            problems,
            "duration_years",
            Text("indsatsens varighed skal være mindst 1 år", "must be a whole number of years, at least 1"),
        )
    if case.area not in AREA_CODES:
        _problem(problems, "area", Text(f"ukendt hovedområde {case.area!r}", f"unknown area {case.area!r}"))
    if case.committee is not None and case.committee not in COMMITTEE_CODES:
        _problem(
            problems,
            "committee",
            Text(f"ukendt udvalg {case.committee!r}", f"unknown committee {case.committee!r}"),
        )

    horizon = case.horizon if isinstance(case.horizon, int) and case.horizon >= 1 else MAX_HORIZON
    _check_length_and_size(case, horizon, problems)
    if not case.intake:
        _problem(
            problems,
            "intake",
            Text("angiv antal borgere for mindst ét år", "needs at least one year of intake"),
        )
    if len(case.intake) > horizon:
        _problem(
            problems,
            "intake",
            Text(
                f"tilgangen dækker {len(case.intake)} år, men horisonten er kun {horizon} år",
                f"has {len(case.intake)} years but the horizon is {horizon} years",
            ),
        )
    for i, n in enumerate(case.intake):
        _check_range(problems, n, f"intake[{i}]", 0, None, "antal borgere")

    for i, cost in enumerate(case.costs):
        where = f"costs[{i}]"
        if cost.kind not in COST_KINDS:
            _problem(
                problems,
                f"{where}.kind",
                Text(
                    f"ukendt omkostningstype {cost.kind!r}",
                    f"unknown cost kind {cost.kind!r}; use once, per_year or per_citizen",
                ),
            )
        if cost.payer not in AUTHORITY_CODES:
            _problem(
                problems,
                f"{where}.payer",
                Text(
                    f"ukendt betaler {cost.payer!r}; vælg kommune, region eller stat",
                    f"unknown payer {cost.payer!r}; use municipality, region or state",
                ),
            )
        _check_range(problems, cost.amount, f"{where}.amount", 0, None, "beløbet")
        if cost.kind == "once" and not 1 <= cost.year <= horizon:
            _problem(
                problems,
                f"{where}.year",
                Text(
                    f"året skal ligge inden for horisonten (1–{horizon})",
                    f"must lie within the horizon (1–{horizon})",
                ),
            )
        if cost.years is not None and not 1 <= cost.years[0] <= cost.years[1] <= horizon:
            _problem(
                problems,
                f"{where}.years",
                Text(
                    f"årene skal ligge inden for 1–{horizon}", f"must be a range of years within 1–{horizon}"
                ),
            )
        if cost.area is not None and cost.area not in AREA_CODES:
            _problem(
                problems,
                f"{where}.area",
                Text(f"ukendt hovedområde {cost.area!r}", f"unknown area {cost.area!r}"),
            )
        if cost.committee is not None and cost.committee not in COMMITTEE_CODES:
            _problem(
                problems,
                f"{where}.committee",
                Text(f"ukendt udvalg {cost.committee!r}", f"unknown committee {cost.committee!r}"),
            )

    seen_services: set[str] = set()
    for i, price in enumerate(case.prices):
        where = f"prices[{price.service}]"
        if price.service in seen_services:
            _problem(problems, where, Text("prisen er angivet to gange", "is given twice"))
        seen_services.add(price.service)
        if price.area not in AREA_CODES:
            _problem(
                problems,
                f"{where}.area",
                Text(f"ukendt hovedområde {price.area!r}", f"unknown area {price.area!r}"),
            )
        if price.committee is not None and price.committee not in COMMITTEE_CODES:
            _problem(
                problems,
                f"{where}.committee",
                Text(f"ukendt udvalg {price.committee!r}", f"unknown committee {price.committee!r}"),
            )
        del i

    if not case.outcomes:
        _problem(
            problems, "outcomes", Text("angiv mindst ét succesmål", "needs at least one success outcome")
        )
    for i, outcome in enumerate(case.outcomes):
        where = f"outcomes[{i}]"
        _check_range(problems, outcome.success_rate, f"{where}.success_rate", 0, 1, "succesraten", True)
        _check_range(problems, outcome.relapse, f"{where}.relapse", 0, 1, "tilbagefaldet", True)
        _check_range(problems, outcome.phase_in_years, f"{where}.phase_in_years", 0, None, "indfasningen")
        _check_range(problems, outcome.scale, f"{where}.scale", 0, None, "skaleringen")
        dw = outcome.deadweight
        if isinstance(dw, bool) or not isinstance(dw, int | float) or not 0 <= dw < 1:
            _problem(
                problems,
                f"{where}.deadweight",
                Text(
                    f"dødvægten skal være en andel fra 0 til under 1 (er {dw!r})",
                    f"must be a share from 0 up to (not including) 1, got {dw!r}",
                ),
            )
        delay = outcome.effect_delay_years
        if delay is not None and (
            isinstance(delay, bool) or not isinstance(delay, int) or not 0 <= delay < horizon
        ):
            _problem(
                problems,
                f"{where}.effect_delay_years",
                Text(
                    f"forsinkelsen skal være et helt antal år fra 0 til {horizon - 1}",
                    f"must be a whole number of years from 0 to {horizon - 1}",
                ),
            )
        if not outcome.consequences:
            _problem(
                problems,
                f"{where}.consequences",
                Text(
                    "angiv mindst én konsekvens (en ændring i brugen af en ydelse)",
                    "needs at least one consequence (a change in the use of a service)",
                ),
            )
        for j, consequence in enumerate(outcome.consequences):
            cwhere = f"{where}.consequences[{j}]"
            if case.price_of(consequence.service) is None:
                _problem(
                    problems,
                    f"{cwhere}.service",
                    Text(
                        f"der mangler en pris for ydelsen {consequence.service!r}",
                        f"has no price: add a price for {consequence.service!r}",
                    ),
                )
            if consequence.years is not None and consequence.years < 1:
                _problem(
                    problems, f"{cwhere}.years", Text("antal år skal være mindst 1", "must be at least 1")
                )
            if consequence.profile is not None:
                _check_profile(consequence, cwhere, problems)
    _check_correlations(case, problems)
    if problems:
        raise SomInputError.from_problems(problems)
    return case


# --- the JSON case file -----------------------------------------------------------------------------------


def _text(
    raw: Mapping[str, Any], key: str, field: str, problems: list[FieldProblem], default: str = ""
) -> str:
    value = raw.get(key, default)
    if not isinstance(value, str):
        _problem(problems, field, Text("skal være tekst", "must be text"))
        return default
    return value


def _int(
    raw: Mapping[str, Any], key: str, field: str, problems: list[FieldProblem], default: int | None
) -> int | None:
    value = raw.get(key, default)
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or abs(value) > MAX_ABS
        or int(value) != value
    ):
        _problem(
            problems,
            field,
            Text(f"skal være et helt tal, men er {value!r}", f"must be a whole number, got {value!r}"),
        )
        return default
    return int(value)


def _list(raw: Mapping[str, Any], key: str, field: str, problems: list[FieldProblem]) -> list[Any]:
    value = raw.get(key, [])
    if not isinstance(value, list):
        _problem(problems, field, Text("skal være en liste", "must be a list"))
        return []
    return value


CASE_KEYS = (
    "name", "target_group", "horizon", "discount_rate", "duration_years", "area", "committee",
    "intake", "costs", "outcomes", "prices", "correlations", "discount_schedule",
    "optimism_bias_costs", "optimism_bias_gains", "price_year", "price_index",
)  # fmt: skip
CORRELATION_KEYS = ("inputs", "rank_correlation")
COST_KEYS = ("name", "kind", "amount", "payer", "year", "years", "area", "committee", "saved")
OUTCOME_KEYS = (
    "name", "success_rate", "consequences", "effect_delay_years", "phase_in_years", "relapse", "scale",
    "deadweight",
)  # fmt: skip
CONSEQUENCE_KEYS = ("service", "change", "years", "profile")
PRICE_KEYS = ("name", "unit", "municipality", "region", "state", "area", "committee", "price_year")


def _mapping(
    value: Any, field: str, problems: list[FieldProblem], keys: tuple[str, ...] = ()
) -> Mapping[str, Any] | None:
    """The object at `field`; with `keys`, a key it does not know is refused by name (a misspelt
    "relapse" would otherwise silently be 0)."""
    if not isinstance(value, Mapping):
        _problem(problems, field, Text("skal være et objekt med felter", "must be an object"))
        return None
    for key in value:
        if keys and key not in keys:
            prefix = "" if field == "(file)" else f"{field}."
            problems.append(unknown_key(f"{prefix}{key}", key))
    return value


def _q(
    raw: Mapping[str, Any], key: str, field: str, problems: list[FieldProblem], default: Quantity | None
) -> Quantity:
    if key not in raw:
        if default is None:
            _problem(problems, field, Text("mangler", "is missing"))
            return 0.0
        return default
    value = parse_quantity(raw[key], field, problems)
    return 0.0 if value is None else value


def _flag(raw: Mapping[str, Any], key: str, field: str, problems: list[FieldProblem]) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        _problem(problems, field, Text("skal være true eller false", "must be true or false"))
        return False
    return value


def _share(raw: Mapping[str, Any], key: str, field: str, problems: list[FieldProblem]) -> float:
    value = raw.get(key, 0.0)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        _problem(
            problems, field, Text(f"skal være et tal (er {value!r})", f"must be a number, got {value!r}")
        )
        return 0.0
    return float(value)


def _price_index(raw: Mapping[str, Any], problems: list[FieldProblem]) -> tuple[tuple[int, float], ...]:
    value = raw.get("price_index", {})
    if not isinstance(value, Mapping):
        _problem(
            problems,
            "price_index",
            Text("skal være et objekt {år: indeks}", "must be an object {year: index}"),
        )
        return ()
    out = []
    for year, index in value.items():
        if not str(year).isdigit():
            _problem(
                problems, f"price_index[{year}]", Text("nøglen skal være et år", "the key must be a year")
            )
            continue
        number = parse_quantity(index, f"price_index[{year}]", problems)
        if isinstance(number, int | float):
            out.append((int(year), float(number)))
    return tuple(sorted(out))


def _parse_profile(profile_raw: Any, cwhere: str, problems: list[FieldProblem]) -> tuple[float, ...] | None:
    """A consequence's yearly profile (a list of plain numbers), or None when the file gives none."""
    profile: tuple[float, ...] | None = None
    if profile_raw is not None:
        if isinstance(profile_raw, list):
            numbers = [
                parse_quantity(v, f"{cwhere}.profile[{k}]", problems) for k, v in enumerate(profile_raw)
            ]
            profile = tuple(float(v) if isinstance(v, int | float) else 0.0 for v in numbers)
            if any(not isinstance(v, int | float) for v in profile_raw):
                _problem(problems, f"{cwhere}.profile", Text("skal være tal", "must be plain numbers"))
        else:
            _problem(
                problems,
                f"{cwhere}.profile",
                Text("skal være en liste af tal", "must be a list of numbers"),
            )
    return profile


def _parse_correlations(
    root: Mapping[str, Any], problems: list[FieldProblem]
) -> list[tuple[str, str, float]]:
    """The case's rank correlations: (input path, other input path, ρ)."""
    correlations: list[tuple[str, str, float]] = []
    for i, c in enumerate(_list(root, "correlations", "correlations", problems)):
        where = f"correlations[{i}]"
        item = _mapping(c, where, problems, CORRELATION_KEYS)
        if item is None:
            continue
        inputs = item.get("inputs")
        rho = item.get("rank_correlation")
        if not (isinstance(inputs, list) and len(inputs) == 2 and all(isinstance(x, str) for x in inputs)):
            _problem(
                problems,
                f"{where}.inputs",
                Text(
                    "skal være stierne til to usikre input",
                    'must be the paths of two uncertain inputs, e.g. ["outcomes[0].success_rate", "costs[0].amount"]',
                ),
            )
            continue
        if isinstance(rho, bool) or not isinstance(rho, int | float) or not math.isfinite(rho):
            _problem(problems, f"{where}.rank_correlation", Text("skal være et tal", "must be a number"))
            continue
        correlations.append((inputs[0], inputs[1], float(rho)))
    return correlations


def parse_case(data: Any) -> Case:
    """Build and validate a Case from the decoded JSON case file (see docs/developers/som.md)."""
    problems: list[FieldProblem] = []
    root = _mapping(data, "(file)", problems, CASE_KEYS)
    if root is None:
        raise SomInputError.from_problems(problems)

    intake_raw = root.get("intake")
    intake: list[Quantity] = []
    if isinstance(intake_raw, int | float | Mapping) and not isinstance(intake_raw, bool):
        intake_raw = [intake_raw]
    if not isinstance(intake_raw, list):
        _problem(
            problems,
            "intake",
            Text(
                "skal være en liste med antal borgere, der starter hvert år",
                "must be a list with the number of citizens starting each year",
            ),
        )
    else:
        for i, n in enumerate(intake_raw):
            q = parse_quantity(n, f"intake[{i}]", problems)
            intake.append(0.0 if q is None else q)

    costs: list[Cost] = []
    for i, c in enumerate(_list(root, "costs", "costs", problems)):
        where = f"costs[{i}]"
        item = _mapping(c, where, problems, COST_KEYS)
        if item is None:
            continue
        years_raw = item.get("years")
        years: tuple[int, int] | None = None
        if years_raw is not None:
            if (
                isinstance(years_raw, list)
                and len(years_raw) == 2
                and all(isinstance(y, int) and not isinstance(y, bool) for y in years_raw)
            ):
                years = (years_raw[0], years_raw[1])
            else:
                _problem(
                    problems,
                    f"{where}.years",
                    Text("skal være [første år, sidste år]", "must be [first year, last year]"),
                )
        costs.append(
            Cost(
                name=_text(item, "name", f"{where}.name", problems, f"Omkostning {i + 1}"),
                kind=item.get("kind", "per_citizen"),
                amount=_q(item, "amount", f"{where}.amount", problems, None),
                payer=_text(item, "payer", f"{where}.payer", problems, "municipality"),
                year=_int(item, "year", f"{where}.year", problems, 1) or 1,
                years=years,
                area=item.get("area"),
                committee=item.get("committee"),
                saved=_flag(item, "saved", f"{where}.saved", problems),
            )
        )

    prices: list[Price] = []
    prices_raw = root.get("prices", {})
    if isinstance(prices_raw, Mapping):
        for service, p in prices_raw.items():
            where = f"prices[{service}]"
            item = _mapping(p, where, problems, PRICE_KEYS)
            if item is None:
                continue
            prices.append(
                Price(
                    service=str(service),
                    municipality=_q(item, "municipality", f"{where}.municipality", problems, 0.0),
                    region=_q(item, "region", f"{where}.region", problems, 0.0),
                    state=_q(item, "state", f"{where}.state", problems, 0.0),
                    area=_text(item, "area", f"{where}.area", problems, "adult_social"),
                    committee=item.get("committee"),
                    unit=_text(item, "unit", f"{where}.unit", problems),
                    name=_text(item, "name", f"{where}.name", problems),
                    price_year=_int(item, "price_year", f"{where}.price_year", problems, None),
                )
            )
    else:
        _problem(
            problems,
            "prices",
            Text("skal være et objekt med en pris pr. ydelse", "must be an object keyed by service"),
        )

    outcomes: list[Outcome] = []
    for i, o in enumerate(_list(root, "outcomes", "outcomes", problems)):
        where = f"outcomes[{i}]"
        item = _mapping(o, where, problems, OUTCOME_KEYS)
        if item is None:
            continue
        consequences: list[Consequence] = []
        for j, c in enumerate(_list(item, "consequences", f"{where}.consequences", problems)):
            cwhere = f"{where}.consequences[{j}]"
            citem = _mapping(c, cwhere, problems, CONSEQUENCE_KEYS)
            if citem is None:
                continue
            change_raw = citem.get("change")
            change: Quantity | tuple[Quantity, ...]
            if change_raw is None:
                _problem(problems, f"{cwhere}.change", Text("mangler", "is missing"))
                change = 0.0
            elif isinstance(change_raw, list):
                parts = [
                    parse_quantity(v, f"{cwhere}.change[{k}]", problems) for k, v in enumerate(change_raw)
                ]
                change = tuple(0.0 if v is None else v for v in parts)
            else:
                parsed = parse_quantity(change_raw, f"{cwhere}.change", problems)
                change = 0.0 if parsed is None else parsed
            service = citem.get("service")
            if not isinstance(service, str) or not service:
                _problem(problems, f"{cwhere}.service", Text("ydelsen mangler", "is missing"))
                service = ""
            profile = _parse_profile(citem.get("profile"), cwhere, problems)
            consequences.append(
                Consequence(
                    service=service,
                    change=change,
                    years=_int(citem, "years", f"{cwhere}.years", problems, None),
                    profile=profile,
                )
            )
        outcomes.append(
            Outcome(
                name=_text(item, "name", f"{where}.name", problems, f"Succesmål {i + 1}"),
                success_rate=_q(item, "success_rate", f"{where}.success_rate", problems, None),
                consequences=tuple(consequences),
                effect_delay_years=_int(
                    item, "effect_delay_years", f"{where}.effect_delay_years", problems, None
                ),
                phase_in_years=_q(item, "phase_in_years", f"{where}.phase_in_years", problems, 0.0),
                relapse=_q(item, "relapse", f"{where}.relapse", problems, 0.0),
                scale=_q(item, "scale", f"{where}.scale", problems, 1.0),
                deadweight=_share(item, "deadweight", f"{where}.deadweight", problems),
            )
        )

    correlations = _parse_correlations(root, problems)

    discount = root.get("discount_rate", DEFAULT_DISCOUNT_RATE)
    if isinstance(discount, bool) or not isinstance(discount, int | float):
        _problem(
            problems,
            "discount_rate",
            Text("diskonteringsrenten skal være et tal", f"must be a number, got {discount!r}"),
        )
        discount = DEFAULT_DISCOUNT_RATE
    committee = root.get("committee", "social")
    if problems:
        raise SomInputError.from_problems(problems)
    case = Case(
        name=_text(root, "name", "name", problems, "SØM-beregning"),
        target_group=_text(root, "target_group", "target_group", problems),
        intake=tuple(intake),
        costs=tuple(costs),
        outcomes=tuple(outcomes),
        prices=tuple(prices),
        horizon=_int(root, "horizon", "horizon", problems, DEFAULT_HORIZON) or 0,
        discount_rate=float(discount),
        duration_years=_int(root, "duration_years", "duration_years", problems, 1) or 0,
        area=_text(root, "area", "area", problems, "adult_social"),
        committee=committee if isinstance(committee, str) or committee is None else str(committee),
        correlations=tuple(correlations),
        discount_schedule=_text(root, "discount_schedule", "discount_schedule", problems, "declining"),
        optimism_bias_costs=_share(root, "optimism_bias_costs", "optimism_bias_costs", problems),
        optimism_bias_gains=_share(root, "optimism_bias_gains", "optimism_bias_gains", problems),
        price_year=_int(root, "price_year", "price_year", problems, None),
        price_index=_price_index(root, problems),
    )
    if case.price_year is not None and "price_index" not in root:
        # no index of its own: Danmarks Statistik's consumer price index, the years it needs copied in
        needed: list[int | None] = [case.price_year, *(p.price_year for p in case.prices)]
        case = case.with_changes(price_index=shipped_index(needed))
    if problems:
        raise SomInputError.from_problems(problems)
    return validate_case(case)


def loads_case(text: str) -> Case:
    """Parse a case file's text; a file that is not JSON is reported as such."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SomInputError(
            "(file)",
            Text(
                f"filen er ikke gyldig JSON (linje {exc.lineno}, kolonne {exc.colno})",
                f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
            ),
        ) from exc
    return parse_case(data)


def _cost_to_json(c: Cost) -> dict[str, Any]:
    item: dict[str, Any] = {
        "name": c.name,
        "kind": c.kind,
        "amount": quantity_to_json(c.amount),
        "payer": c.payer,
    }
    if c.kind == "once":
        item["year"] = c.year
    if c.years is not None:
        item["years"] = list(c.years)
    if c.area is not None:
        item["area"] = c.area
    if c.committee is not None:
        item["committee"] = c.committee
    if c.saved:
        item["saved"] = True
    return item


def _consequence_to_json(cq: Consequence) -> dict[str, Any]:
    change = (
        [quantity_to_json(v) for v in cq.change]
        if isinstance(cq.change, tuple)
        else quantity_to_json(cq.change)
    )
    citem: dict[str, Any] = {"service": cq.service, "change": change}
    if cq.years is not None:
        citem["years"] = cq.years
    if cq.profile is not None:
        citem["profile"] = list(cq.profile)
    return citem


def _outcome_to_json(o: Outcome) -> dict[str, Any]:
    oitem: dict[str, Any] = {
        "name": o.name,
        "success_rate": quantity_to_json(o.success_rate),
        "phase_in_years": quantity_to_json(o.phase_in_years),
        "relapse": quantity_to_json(o.relapse),
        "consequences": [_consequence_to_json(cq) for cq in o.consequences],
    }
    if o.effect_delay_years is not None:
        oitem["effect_delay_years"] = o.effect_delay_years
    if o.scale != 1.0:
        oitem["scale"] = quantity_to_json(o.scale)
    if o.deadweight:
        oitem["deadweight"] = o.deadweight
    return oitem


def case_to_json(case: Case) -> dict[str, Any]:
    """The case-file form of a case (the inverse of parse_case)."""
    out: dict[str, Any] = {
        "name": case.name,
        "target_group": case.target_group,
        "horizon": case.horizon,
        "discount_rate": case.discount_rate,
        "discount_schedule": case.discount_schedule,
        "duration_years": case.duration_years,
        "area": case.area,
        "committee": case.committee,
        "intake": [quantity_to_json(n) for n in case.intake],
        "costs": [],
        "outcomes": [],
        "prices": {},
    }
    out["costs"] = [_cost_to_json(c) for c in case.costs]
    out["outcomes"] = [_outcome_to_json(o) for o in case.outcomes]
    if case.optimism_bias_costs:
        out["optimism_bias_costs"] = case.optimism_bias_costs
    if case.optimism_bias_gains:
        out["optimism_bias_gains"] = case.optimism_bias_gains
    if case.price_year is not None:
        out["price_year"] = case.price_year
    if case.price_index:
        out["price_index"] = {str(year): value for year, value in case.price_index}
    if case.correlations:
        out["correlations"] = [{"inputs": [a, b], "rank_correlation": rho} for a, b, rho in case.correlations]
    for p in case.prices:
        out["prices"][p.service] = {
            "name": p.name,
            "unit": p.unit,
            "municipality": quantity_to_json(p.municipality),
            "region": quantity_to_json(p.region),
            "state": quantity_to_json(p.state),
            "area": p.area,
            "committee": p.committee,
            **({"price_year": p.price_year} if p.price_year is not None else {}),
        }
    return out
