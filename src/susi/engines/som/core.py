"""The vectorised SØM calculation shared by the deterministic result, Monte Carlo and the tornado.

A case is compiled once into base arrays plus a list of its numbers (parameters), each pointing at the
array cells it fills. An evaluation takes an (n, v) matrix of values for v chosen parameters (n draws or
n sensitivity rows); every other number keeps its point value. All arrays carry a leading draw axis of
length n or 1 and broadcast against each other, so a fixed input costs nothing per draw.

Notation (0-based indices in code, year 1 = index 0):
    intake[s]        citizens starting in year s
    sr[o]            additional success rate of outcome o
    profile[o, k]    share of successes in the success state k years after the effect begins:
                     profile[k] = profile[k − 1] · (1 − relapse) + a[k],  a[k] = ramp(k) − ramp(k − 1),
                     ramp(k) = min(1, (k + 1) / max(phase_in, 1)): relapse acts only on arrived successes
    q[e] · shape[e, k]   change in use of service u_e per success, k years after the effect begins (entry
                     e of outcome o_e). A single number per year has q[e] = the number and shape[e] = 1 for
                     the years it lasts; a list of yearly numbers has q[e] = 1 and shape[e] = the list.
    A[g, t]          Σ_s intake[s] · sr[o_g] · profile[o_g, k] · shape[g, k]  with  k = t − s − delay[o_g]:
                     success-years in year t, for each stream g (entries of one outcome sharing one shape)
    gains[t, a]      −Σ_g A[g, t] · Σ_{e in g} q[e] · price[u_e, a]   (less use of a priced service is a gain)
    costs[t, a]      intervention costs paid by authority a in year t
    net[t]           Σ_a gains[t, a] − costs[t, a]
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..text import Text
from .areas import AREA_CODES, AUTHORITY_CODES, COMMITTEE_CODES
from .case import Case, Consequence, discount_factors
from .distributions import (
    Distribution,
    Fixed,
    Interval90,
    LogNormal,
    Normal,
    Pert,
    Quantity,
    Triangular,
    Truncated,
    Uniform,
    as_distribution,
    mean_of,
    scaled,
)
from .errors import FieldProblem, SomInputError, field_problem

ROLES = ("intake", "sr", "relapse", "phase", "scale", "q", "shape", "price", "cost")
# The valid range of each bounded role: a negative number of citizens or cost makes no sense; the additional
# success rate may be negative (worse than current practice) but not beyond ±100 %. A distribution reaching
# outside is truncated to the range (distributions.Truncated, its mean reported in `truncations`), or refused
# when more than MAX_SHARE_OUTSIDE of it lies outside: nothing is clipped silently.
BOUNDS: dict[str, tuple[float, float]] = {
    "intake": (0.0, math.inf),
    "sr": (-1.0, 1.0),
    "relapse": (0.0, 1.0),
    "phase": (0.0, math.inf),
    "scale": (0.0, math.inf),
    "cost": (0.0, math.inf),
}
MAX_SHARE_OUTSIDE = 0.10
NEGLIGIBLE_SHARE = 1e-12  # below this no draw in a lifetime of runs falls outside: the distribution is kept
REPORTED_SHARE = 1e-4  # truncations that move the distribution by less than this are not listed


@dataclass(frozen=True)
class Truncation:
    """An input whose distribution was cut to its valid range: what the user stated and what is used."""

    path: str
    label: Text
    stated_mean: float
    mean: float  # the truncated distribution's mean: the point value of the deterministic result
    share_outside: float  # the probability the stated distribution gave to impossible values
    low: float
    high: float


@dataclass(frozen=True)
class Parameter:
    """One number of the case: where it sits in the case (`path`), a readable Danish label, its
    distribution, and the flat cells of one role's base array it fills."""

    path: str
    label: Text
    dist: Distribution
    role: str
    cells: tuple[int, ...]

    @property
    def uncertain(self) -> bool:
        return not hasattr(self.dist, "value")


@dataclass(frozen=True)
class CompiledCase:
    case: Case
    horizon: int
    base: dict[str, np.ndarray]
    parameters: tuple[Parameter, ...]
    entry_outcome: np.ndarray  # (E,) outcome index of each consequence entry
    entry_service: np.ndarray  # (E,) service index of each entry
    entry_stream: np.ndarray  # (E,) stream of each entry
    stream_outcome: np.ndarray  # (G,) outcome of each stream
    stream_entry: np.ndarray  # (G,) an entry whose shape row the stream uses
    outcome_delay: np.ndarray  # (O,)
    services: tuple[str, ...]
    cost_pattern: np.ndarray  # (C, T) fixed year pattern of once / per_year costs
    cost_per_citizen: np.ndarray  # (C,) the per-citizen weight (0 for once / per_year costs)
    cost_payer: np.ndarray  # (C, 3) one-hot payer
    discount: np.ndarray  # (T,) discount factors, case.discount_factors
    # index helpers for the splits by area and committee
    service_area: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    service_committee: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    cost_area: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    cost_committee: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    truncations: tuple[Truncation, ...] = ()
    # Fixed factors on the success rates (1 − deadweight) and on every consequence's value (1 − optimism
    # bias on gains); the optimism bias on costs and the sign of saved costs are in the cost pattern.
    sr_factor: np.ndarray = field(default_factory=lambda: np.ones(0))
    gain_factor: float = 1.0
    # Rank correlations: the correlated parameters (indices) and the Pearson correlation of their normal
    # scores that gives the stated Spearman correlations (montecarlo.correlate).
    correlated: tuple[int, ...] = ()
    score_correlation: np.ndarray = field(default_factory=lambda: np.eye(0))

    @property
    def uncertain_parameters(self) -> tuple[int, ...]:
        return tuple(i for i, p in enumerate(self.parameters) if p.uncertain)


NO_COMMITTEE = len(COMMITTEE_CODES)  # index used for municipal money without a committee


def _committee_index(code: str | None) -> int:
    return COMMITTEE_CODES.index(code) if code is not None else NO_COMMITTEE


def compile_case(case: Case) -> CompiledCase:
    """Turn a validated case into arrays and a parameter list."""
    horizon = case.horizon
    params: list[Parameter] = []
    truncations: list[Truncation] = []
    problems: list[FieldProblem] = []

    def add(path: str, label: Text, value: Quantity, role: str, cells: list[int] | tuple[int, ...]) -> None:
        dist = _within_bounds(path, label, as_distribution(value), role, truncations, problems)
        params.append(Parameter(path, label, dist, role, tuple(cells)))

    intake = np.zeros(horizon)
    for s, n in enumerate(case.intake):
        add(
            f"intake[{s}]",
            Text(f"Borgere, der starter i år {s + 1}", f"Citizens starting in year {s + 1}"),
            n,
            "intake",
            [s],
        )

    services = tuple(p.service for p in case.prices)
    price_base = np.zeros((len(services), 3))
    for u, price in enumerate(case.prices):
        name = price.name or price.service
        factor = case.index_factor(price)  # price-year indexing (1 without an index)
        for a, authority in enumerate(AUTHORITY_CODES):
            value = price.amount(authority)
            if factor != 1.0 and mean_of(value) != 0:
                value = scaled(value, factor)
            add(
                f"prices[{price.service}].{authority}",
                Text(
                    f"Pris: {name} ({['kommune', 'region', 'stat'][a]})",
                    f"Price: {name} ({['municipality', 'region', 'state'][a]})",
                ),
                value,
                "price",
                [u * 3 + a],
            )

    n_out = len(case.outcomes)
    sr = np.zeros(n_out)
    relapse = np.zeros(n_out)
    phase = np.zeros(n_out)
    scale = np.ones(n_out)
    delays = np.zeros(n_out, dtype=int)
    entries: list[tuple[int, int, Consequence]] = []
    for o, outcome in enumerate(case.outcomes):
        where = f"outcomes[{o}]"
        add(
            f"{where}.success_rate",
            Text(f"Succesrate: {outcome.name}", f"Success rate: {outcome.name}"),
            outcome.success_rate,
            "sr",
            [o],
        )
        add(
            f"{where}.relapse",
            Text(f"Tilbagefald pr. år: {outcome.name}", f"Relapse per year: {outcome.name}"),
            outcome.relapse,
            "relapse",
            [o],
        )
        add(
            f"{where}.phase_in_years",
            Text(f"Indfasning (år): {outcome.name}", f"Phase-in (years): {outcome.name}"),
            outcome.phase_in_years,
            "phase",
            [o],
        )
        if outcome.scale != 1.0:
            add(
                f"{where}.scale",
                Text(
                    f"Skalering af konsekvenserne: {outcome.name}",
                    f"Scaling of the consequences: {outcome.name}",
                ),
                outcome.scale,
                "scale",
                [o],
            )
        delays[o] = (
            outcome.effect_delay_years if outcome.effect_delay_years is not None else case.duration_years - 1
        )
        entries.extend((o, j, c) for j, c in enumerate(outcome.consequences))

    q = np.ones(len(entries))
    shape = np.zeros((len(entries), horizon))
    stream_keys: dict[tuple[int, object], int] = {}
    entry_stream = np.zeros(len(entries), dtype=int)
    stream_outcome: list[int] = []
    stream_entry: list[int] = []
    for e, (o, j, conseq) in enumerate(entries):
        where = f"outcomes[{o}].consequences[{j}]"
        service_price = case.price_of(conseq.service)
        service_name = service_price.name if service_price and service_price.name else conseq.service
        label = Text(
            f"Konsekvens: {service_name} ({case.outcomes[o].name})",
            f"Consequence: {service_name} ({case.outcomes[o].name})",
        )
        key: tuple[int, object]
        if isinstance(conseq.change, tuple):
            key = (o, ("list", e))
            for k, v in enumerate(conseq.change[:horizon]):
                yearly_label = Text(
                    f"Konsekvens år {k + 1}: {service_name} ({case.outcomes[o].name})",
                    f"Consequence year {k + 1}: {service_name} ({case.outcomes[o].name})",
                )
                add(f"{where}.change[{k}]", yearly_label, v, "shape", [e * horizon + k])
        elif conseq.profile is not None:
            key = (o, ("profile", e))
            profile = conseq.profile[:horizon]
            shape[e, : len(profile)] = profile
            add(f"{where}.change", label, conseq.change, "q", [e])
        else:
            years = horizon if conseq.years is None else min(conseq.years, horizon)
            key = (o, ("years", years))
            shape[e, :years] = 1.0
            add(f"{where}.change", label, conseq.change, "q", [e])
        if key not in stream_keys:
            stream_keys[key] = len(stream_outcome)
            stream_outcome.append(o)
            stream_entry.append(e)
        entry_stream[e] = stream_keys[key]

    cost_amount, pattern, per_citizen, payer = _compile_costs(case, horizon, add)

    correlated, score_correlation = _correlations(case, params, problems)
    if problems:
        raise SomInputError.from_problems(problems)
    base = {
        "intake": intake,
        "sr": sr,
        "relapse": relapse,
        "phase": phase,
        "scale": scale,
        "q": q,
        "shape": shape,
        "price": price_base,
        "cost": cost_amount,
    }
    for p in params:
        base[p.role].reshape(-1)[list(p.cells)] = p.dist.mean

    entry_outcome = np.array([o for o, _, _ in entries], dtype=int)
    entry_service = np.array([services.index(c.service) for _, _, c in entries], dtype=int)
    return CompiledCase(
        case=case,
        horizon=horizon,
        base=base,
        parameters=tuple(params),
        entry_outcome=entry_outcome,
        entry_service=entry_service,
        entry_stream=entry_stream,
        stream_outcome=np.array(stream_outcome, dtype=int),
        stream_entry=np.array(stream_entry, dtype=int),
        outcome_delay=delays,
        services=services,
        cost_pattern=pattern,
        cost_per_citizen=per_citizen,
        cost_payer=payer,
        discount=np.array(discount_factors(case.discount_rate, horizon, case.discount_schedule)),
        service_area=np.array([AREA_CODES.index(p.area) for p in case.prices], dtype=int),
        service_committee=np.array([_committee_index(p.committee) for p in case.prices], dtype=int),
        cost_area=np.array([AREA_CODES.index(c.area or case.area) for c in case.costs], dtype=int),
        cost_committee=np.array(
            [
                _committee_index(c.committee if c.committee is not None else case.committee)
                for c in case.costs
            ],
            dtype=int,
        ),
        truncations=tuple(truncations),
        correlated=correlated,
        score_correlation=score_correlation,
        sr_factor=np.array([1.0 - o.deadweight for o in case.outcomes]),
        gain_factor=1.0 - case.optimism_bias_gains,
    )


def _compile_costs(
    case: Case, horizon: int, add: Callable[[str, Text, Quantity, str, list[int]], None]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The cost lines' arrays: amounts (their parameters registered through `add`), the yearly pattern
    (weighted by the optimism bias, negative for saved costs), per-citizen flags and the payer."""
    n_cost = len(case.costs)
    cost_amount = np.zeros(n_cost)
    pattern = np.zeros((n_cost, horizon))
    per_citizen = np.zeros(n_cost)
    payer = np.zeros((n_cost, 3))
    last_start = max((s for s, n in enumerate(case.intake) if as_distribution(n).mean > 0), default=0)
    operating_end = min(horizon, last_start + case.duration_years)  # exclusive index
    for c, cost in enumerate(case.costs):
        add(
            f"costs[{c}].amount",
            Text(f"Omkostning: {cost.name}", f"Cost: {cost.name}"),
            cost.amount,
            "cost",
            [c],
        )
        payer[c, AUTHORITY_CODES.index(cost.payer)] = 1.0
        if cost.kind == "once":
            pattern[c, cost.year - 1] = 1.0
        elif cost.kind == "per_year":
            first, last = cost.years if cost.years is not None else (1, operating_end)
            pattern[c, first - 1 : last] = 1.0
        else:
            per_citizen[c] = 1.0
        # Saved costs of the replaced practice are negative cost lines (a benefit: lowered by the optimism
        # bias on gains); the intervention's own costs are raised by the optimism bias on costs.
        weight = -(1.0 - case.optimism_bias_gains) if cost.saved else 1.0 + case.optimism_bias_costs
        pattern[c] *= weight
        per_citizen[c] *= weight
    return cost_amount, pattern, per_citizen, payer


def _correlations(
    case: Case, params: list[Parameter], problems: list[FieldProblem]
) -> tuple[tuple[int, ...], np.ndarray]:
    """The parameters a case correlates, and the correlation matrix of their normal scores. A Spearman
    correlation ρ_s between two normal scores corresponds to a Pearson correlation of 2·sin(π·ρ_s/6)
    (the bivariate normal's relation ρ_s = (6/π)·arcsin(ρ/2)), so the drawn ranks have the stated ρ_s."""
    if not case.correlations:
        return (), np.eye(0)
    index = {p.path: i for i, p in enumerate(params)}
    pairs: list[tuple[int, int, float]] = []
    for n, (a, b, rho) in enumerate(case.correlations):
        found = []
        for path in (a, b):
            i = index.get(path)
            if i is None or not params[i].uncertain:
                problems.append(
                    field_problem(
                        f"correlations[{n}].inputs",
                        Text(
                            f"{path!r} er ikke et usikkert input i beregningen",
                            f"{path!r} is not an uncertain input of this case",
                        ),
                    )
                )
            else:
                found.append(i)
        if len(found) == 2:
            pairs.append((found[0], found[1], rho))
    if len(pairs) != len(case.correlations):
        return (), np.eye(0)
    correlated = tuple(sorted({i for first, second, _ in pairs for i in (first, second)}))
    where = {i: j for j, i in enumerate(correlated)}
    matrix = np.eye(len(correlated))
    for first, second, rho in pairs:
        r = 2.0 * math.sin(math.pi * rho / 6.0)
        matrix[where[first], where[second]] = matrix[where[second], where[first]] = r
    try:
        np.linalg.cholesky(matrix)
    except np.linalg.LinAlgError:
        problems.append(
            field_problem(
                "correlations",
                Text(
                    "korrelationerne modsiger hinanden (ingen samlet fordeling kan have dem alle)",
                    "the correlations contradict each other (no joint distribution has them all)",
                ),
            )
        )
    return correlated, matrix


def _within_bounds(
    path: str,
    label: Text,
    dist: Distribution,
    role: str,
    truncations: list[Truncation],
    problems: list[FieldProblem],
) -> Distribution:
    """The distribution itself when it cannot leave the role's valid range; truncated to the range when a
    small share of it lies outside; a problem naming the input when much of it does."""
    if role not in BOUNDS:
        return dist
    low, high = BOUNDS[role]
    outside = _share_outside(dist, low, high)
    if outside <= NEGLIGIBLE_SHARE:
        return dist
    if outside > MAX_SHARE_OUTSIDE:
        rng_en = f"[{low:g}, {high:g}]"
        problems.append(
            field_problem(
                path,
                Text(
                    f"{outside * 100:.0f} % af fordelingen ligger uden for det mulige område "
                    f"({_range_da(low, high)}); gør den smallere, eller brug en fordeling, der holder sig inden "
                    "for (log-normal, PERT, trekant eller ligefordeling)",
                    f"{outside * 100:.0f} % of this distribution lies outside the valid range {rng_en}; narrow it or "
                    "use a distribution that stays in the range (log-normal, PERT, triangular or uniform)",
                ),
            )
        )
        return dist
    truncated = Truncated(dist, low, high)
    if outside >= REPORTED_SHARE:
        truncations.append(Truncation(path, label, float(dist.mean), truncated.mean, outside, low, high))
    return truncated


def _share_outside(dist: Distribution, low: float, high: float) -> float:
    """The probability `dist` gives to values outside [low, high], without SciPy where the support or a
    closed form answers it (compiling a case checks every bounded input)."""
    if isinstance(dist, Fixed):
        return 0.0  # a fixed number's range is checked by validate_case
    if isinstance(dist, Triangular | Pert | Uniform) and low <= dist.low and dist.high <= high:
        return 0.0
    if isinstance(dist, LogNormal) and low <= 0 and math.isinf(high):
        return 0.0
    if isinstance(dist, Normal | Interval90) and getattr(dist, "shape", "normal") == "normal":
        if dist.sd <= 0:
            return 0.0
        below = 0.5 * math.erfc((dist.mean - low) / (dist.sd * math.sqrt(2)))
        above = 0.0 if math.isinf(high) else 0.5 * math.erfc((high - dist.mean) / (dist.sd * math.sqrt(2)))
        return below + above
    f = dist.frozen()
    if f is None:  # no spread
        return 0.0
    return float(f.cdf(low)) + float(f.sf(high))


def _range_da(low: float, high: float) -> str:
    return f"mindst {low:g}" if math.isinf(high) else f"fra {low:g} til {high:g}"


def materialise(
    cc: CompiledCase, columns: tuple[int, ...], values: np.ndarray | None
) -> dict[str, np.ndarray]:
    """Arrays for every role with a leading draw axis. `values` (n, len(columns)) overrides the point values
    of the parameters at `columns`; roles none of them touch keep a draw axis of length 1."""
    n = 1 if values is None else values.shape[0]
    touched: dict[str, tuple[list[int], list[int]]] = {}  # role -> (cells, value columns)
    if values is not None:
        for j, i in enumerate(columns):
            p = cc.parameters[i]
            cells, cols = touched.setdefault(p.role, ([], []))
            cells.extend(p.cells)
            cols.extend([j] * len(p.cells))
    arrays: dict[str, np.ndarray] = {}
    for role, base in cc.base.items():
        if role not in touched:
            arrays[role] = base[None]
            continue
        assert values is not None
        cells, cols = touched[role]
        flat = np.repeat(base.reshape(1, -1), n, axis=0)
        flat[:, cells] = values[:, cols]
        arrays[role] = flat.reshape((n, *base.shape))
    return arrays


def _arrivals(since: np.ndarray, phase: np.ndarray) -> np.ndarray:
    """Share of the successes arriving `since` years after the effect began (phase ≥ 1): the yearly step of
    the linear ramp min(1, (k + 1) / phase); zero before the effect begins (since < 0)."""
    ramp = np.minimum(1.0, np.maximum(since + 1.0, 0.0) / phase)
    before = np.minimum(1.0, np.maximum(since, 0.0) / phase)
    return ramp - before


def success_profile(phase: np.ndarray, relapse: np.ndarray, horizon: int) -> np.ndarray:
    """profile[..., o, k]: share of one starter's successes in the success state k years after the effect
    began. Successes arrive over the phase-in (a[k] = ramp(k) − ramp(k − 1)) and relapse acts only on
    successes that have arrived: profile[k] = profile[k − 1] · (1 − relapse) + a[k]
    (docs/developers/som.md, *Phase-in and relapse*)."""
    phase = np.maximum(phase, 1.0)
    n = max(phase.shape[0], relapse.shape[0])
    keep = 1.0 - relapse
    out = np.empty((n, phase.shape[-1], horizon))
    for k in range(horizon):
        arrived = _arrivals(np.full_like(phase, float(k)), phase)
        out[..., k] = arrived if k == 0 else out[..., k - 1] * keep + arrived
    return out


@dataclass(frozen=True)
class RawResult:
    """Per-draw arrays. Shapes: n draws, T years, E entries, O outcomes, C costs; 3 authorities."""

    gains: np.ndarray  # (n, T, 3)
    costs: np.ndarray  # (n, T, 3)
    entry_money: np.ndarray | None  # (n, E, T, 3) gains per consequence entry, only when asked for
    cost_items: np.ndarray | None  # (n, C, T) cost per item, only when asked for
    successes: np.ndarray | None  # (n, O, T) additional citizens in the success state, only when asked for

    @property
    def net_by_authority(self) -> np.ndarray:
        return self.gains - self.costs

    @property
    def net(self) -> np.ndarray:
        by_authority = self.gains - self.costs
        return by_authority[..., 0] + by_authority[..., 1] + by_authority[..., 2]


def _lag_matrix(intake: np.ndarray, horizon: int, delay: int = 0) -> np.ndarray:
    """L[n, k, t] = intake[n, t − delay − k] (zero when negative): multiplying a per-starter stream indexed
    by years since the effect began by L sums it over the cohorts that started in each year."""
    lag = np.zeros((intake.shape[0], horizon, horizon))
    for k in range(horizon - delay):
        lag[:, k, k + delay :] = intake[:, : horizon - delay - k]
    return lag


def _over_cohorts(streams: np.ndarray, intake: np.ndarray, delays: np.ndarray) -> np.ndarray:
    """Sum per-starter streams (n, X, T), row x delayed by delays[x] years, over the cohorts of the intake.

    With the same intake in every draw this is one BLAS call per distinct delay (streams @ lag matrix);
    with an uncertain intake it loops over the start years, which are few."""
    n, x, t = streams.shape
    out = np.zeros((max(n, intake.shape[0]), x, t))
    for d in np.unique(delays):
        d = int(d)
        rows = np.flatnonzero(delays == d)
        every = len(rows) == x
        part = streams if every else streams[:, rows, :]
        if intake.shape[0] == 1:
            result = (part.reshape(-1, t) @ _lag_matrix(intake, t, d)[0]).reshape(part.shape)
        else:
            result = np.zeros((out.shape[0], len(rows), t))
            for s in np.flatnonzero(intake.any(axis=0)):
                if s + d < t:
                    result[:, :, s + d :] += intake[:, s, None, None] * part[:, :, : t - s - d]
        if every:
            out[...] = result
        else:
            out[:, rows, :] = result
    return out


def _entry_prices(cc: CompiledCase, price: np.ndarray) -> np.ndarray:
    """price[:, entry_service, :] as one gather along the last axis of the flattened array (much faster
    than fancy indexing the middle axis)."""
    flat = price.reshape(price.shape[0], -1)
    cells = (cc.entry_service[:, None] * 3 + np.arange(3)[None, :]).ravel()
    return np.take(flat, cells, axis=1).reshape(price.shape[0], len(cc.entry_service), 3)


def _stream_values(cc: CompiledCase, entry_value: np.ndarray) -> np.ndarray:
    """Σ over the entries of each stream: (n, E, 3) -> (n, G, 3). Entries are compiled outcome by outcome,
    so a stream's entries are usually one contiguous run: then this is a few slice sums (no small BLAS
    calls, which are slow with many threads on a shared machine, and no gather)."""
    order = np.argsort(cc.entry_stream, kind="stable")
    if not np.array_equal(order, np.arange(len(order))):
        entry_value = entry_value[:, order, :]
    streams = cc.entry_stream[order]
    bounds = np.flatnonzero(np.r_[True, np.diff(streams) != 0, True])
    runs = np.diff(bounds)
    # NumPy's reductions over a short axis are slow; add slices instead.
    if np.all(runs == runs[0]):
        k = int(runs[0])
        out = entry_value[:, 0::k, :].copy()
        for j in range(1, k):
            out += entry_value[:, j::k, :]
        return out
    out = np.empty((entry_value.shape[0], len(runs), 3))
    for g in range(len(runs)):
        out[:, g, :] = entry_value[:, bounds[g], :]
        for e in range(bounds[g] + 1, bounds[g + 1]):
            out[:, g, :] += entry_value[:, e, :]
    return out


def _evaluate_fast(cc: CompiledCase, arr: dict[str, np.ndarray]) -> RawResult:
    """The same sums as `evaluate(detail=True)` in a cheaper order, for many rows at once (Monte Carlo and
    the tornado): the success profile is built year by year with each outcome's delay folded in, valued for
    the three authorities with one batched matrix product, and summed over the cohorts last.
    tests/engines/som/test_properties.py checks it against the detailed path on random cases."""
    horizon = cc.horizon
    delay = cc.outcome_delay  # (O,)
    # Years since the start (axis 0) for each outcome: nothing before its delay; each year the successes
    # still in the success state keep (1 − relapse) and the year's arrivals join: p[t] = p[t − 1] · keep + a[t].
    keep = 1.0 - arr["relapse"]  # (n_r, O)
    phase = arr["phase"]
    since = np.arange(horizon)[:, None] - delay[None, :]  # (T, O) years since the effect began
    if np.any(phase > 1.0):
        # Successes arrive over the phase-in: the share arriving k years after the effect began is
        # ramp(k) − ramp(k − 1), ramp(k) = min(1, (k + 1) / phase); zero before the effect begins.
        arrivals = _arrivals(since.astype(float)[:, None, :], np.maximum(phase, 1.0)[None])  # (T, n_p, O)
    else:
        arrivals = (since == 0).astype(float)[:, None, :]  # (T, 1, O): all at once when the effect begins
    n_p = max(keep.shape[0], arrivals.shape[1])
    persistence = np.empty((horizon, n_p, keep.shape[1]))
    persistence[0] = arrivals[0]
    for j in range(1, horizon):
        np.multiply(persistence[j - 1], keep, out=persistence[j])
        persistence[j] += arrivals[j]
    weighted = persistence * (arr["sr"] * cc.sr_factor)[None]  # (T, n, O)
    intake = arr["intake"]

    n_all = max(
        weighted.shape[1], intake.shape[0], arr["q"].shape[0], arr["price"].shape[0], arr["shape"].shape[0]
    )
    if len(cc.entry_outcome):
        if np.array_equal(cc.stream_outcome, np.arange(weighted.shape[2])):
            per_stream = weighted
        else:
            per_stream = weighted[:, :, cc.stream_outcome]
        shape = arr["shape"][:, cc.stream_entry, :]  # (n_s, G, T) indexed by years since the effect began
        if shape.shape[0] > 1 or not np.all(shape == 1.0):
            shape_since_start = np.zeros((horizon, shape.shape[0], shape.shape[1]))
            for g, d in enumerate(delay[cc.stream_outcome]):
                if d < horizon:
                    shape_since_start[d:, :, g] = shape[:, g, : horizon - d].T
            per_stream = per_stream * shape_since_start
        entry_value = arr["q"][..., None] * _entry_prices(cc, arr["price"])  # (n, E, 3)
        factor = arr["scale"] * cc.gain_factor
        if factor.shape[0] > 1 or np.any(factor != 1.0):
            entry_value = entry_value * factor[:, cc.entry_outcome, None]
        stream_value = _stream_values(cc, entry_value)  # (n_v, G, 3)
        # Value the per-starter streams for every authority, then add up the cohorts.
        valued = np.matmul(np.transpose(per_stream, (1, 0, 2)), stream_value)  # (n, T, 3)
        gains = np.zeros((max(valued.shape[0], intake.shape[0]), horizon, 3))
        for s in np.flatnonzero(intake.any(axis=0)):
            gains[:, s:, :] += intake[:, s, None, None] * valued[:, : horizon - s, :]
        gains = -gains
    else:
        gains = np.zeros((n_all, horizon, 3))

    duration = cc.case.duration_years
    spread = np.zeros_like(intake)
    for j in range(min(duration, horizon)):
        spread[:, j:] += intake[:, : horizon - j] / duration
    amount = arr["cost"]  # (n_c, C)
    # Each cost item: its amount × (its fixed year pattern + spread of starters if per citizen), booked to
    # its payer. A loop over the few items instead of small matrix products.
    costs = np.zeros((max(amount.shape[0], spread.shape[0]), horizon, 3))
    for c in range(amount.shape[1]):
        a = int(np.argmax(cc.cost_payer[c]))
        item = cc.cost_pattern[c][None, :] + (
            spread * cc.cost_per_citizen[c] if cc.cost_per_citizen[c] else 0.0
        )
        costs[:, :, a] += amount[:, c, None] * item
    n = max(gains.shape[0], costs.shape[0])
    return RawResult(
        gains=np.broadcast_to(gains, (n, horizon, 3)),
        costs=np.broadcast_to(costs, (n, horizon, 3)),
        entry_money=None,
        cost_items=None,
        successes=None,
    )


def evaluate(
    cc: CompiledCase, columns: tuple[int, ...] = (), values: np.ndarray | None = None, detail: bool = False
) -> RawResult:
    """Evaluate the case for every row of `values`. `detail=True` also returns the money per consequence
    entry, per cost item and the successes (for the deterministic result and its splits)."""
    arr = materialise(cc, columns, values)
    if not detail:
        return _evaluate_fast(cc, arr)
    horizon = cc.horizon
    weighted = success_profile(arr["phase"], arr["relapse"], horizon) * (arr["sr"] * cc.sr_factor)[..., None]

    intake = arr["intake"]
    successes = _over_cohorts(weighted, intake, cc.outcome_delay)

    if len(cc.entry_outcome):
        shape = arr["shape"][:, cc.stream_entry, :]  # (n_s, G, T) indexed by years since the effect began
        if np.array_equal(cc.stream_outcome, np.arange(weighted.shape[1])):
            per_stream = weighted * shape
        else:
            per_stream = weighted[:, cc.stream_outcome, :] * shape
        # Value of one success-year of each stream for each authority: Σ_e scale[o_e] · q[e] · price[u_e, a].
        entry_value = arr["q"][..., None] * _entry_prices(cc, arr["price"])  # (n, E, 3)
        entry_value = entry_value * (arr["scale"] * cc.gain_factor)[:, cc.entry_outcome, None]
        stream_delay = cc.outcome_delay[cc.stream_outcome]
        success_years = _over_cohorts(per_stream, intake, stream_delay)  # (n, G, T)
        entry_money = -(
            success_years[:, cc.entry_stream, :, None] * entry_value[:, :, None, :]
        )  # (n, E, T, 3)
        gains = entry_money.sum(axis=1)  # (n, T, 3)
    else:
        n = max(arr["sr"].shape[0], arr["intake"].shape[0])
        gains = np.zeros((n, horizon, 3))
        entry_money = None

    # Costs: per-citizen amounts are spread evenly over the intervention's duration.
    duration = cc.case.duration_years
    spread = np.zeros_like(arr["intake"])
    for j in range(min(duration, horizon)):
        spread[:, j:] += arr["intake"][:, : horizon - j] / duration
    pattern = cc.cost_pattern[None] + cc.cost_per_citizen[None, :, None] * spread[:, None, :]  # (n_i, C, T)
    cost_items = arr["cost"][..., None] * pattern  # (n, C, T)
    costs = np.tensordot(cost_items, cc.cost_payer, axes=([1], [0]))  # (n, T, 3)

    n_all = max(gains.shape[0], costs.shape[0])
    gains = np.broadcast_to(gains, (n_all, horizon, 3))
    costs = np.broadcast_to(costs, (n_all, horizon, 3))
    return RawResult(
        gains=gains,
        costs=costs,
        entry_money=entry_money,
        cost_items=cost_items,
        successes=successes,
    )
