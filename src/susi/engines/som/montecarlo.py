"""Monte Carlo over a case's uncertain numbers, and the one-way sensitivity (tornado).

All draws are evaluated at once by the vectorised core; the generator is NumPy's PCG64 seeded with `seed`,
and the parameters are drawn in the fixed order of the compiled case, so a seed reproduces a run exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from scipy import stats

from ..text import Text
from .case import Case
from .core import BOUNDS, CompiledCase, compile_case, evaluate
from .errors import SomInputError
from .results import BREAK_EVEN_TOLERANCE, SomResult, result_from_compiled
from .schema import validate_case

DEFAULT_DRAWS = 10_000
DEFAULT_SEED = 2018  # the year SØM was published; any fixed number would do
PERCENTILES: tuple[int, ...] = (5, 10, 25, 50, 75, 90, 95)
FIXED_SWING = 0.20  # a fixed input is varied ±20 % in the tornado
TORNADO_QUANTILES = (0.10, 0.90)  # an uncertain input is varied between its 10th and 90th percentile


@dataclass(frozen=True)
class TornadoBar:
    path: str
    label: Text
    basis: str  # "p10-p90" for an uncertain input, "pm20" for a fixed one (±20 %)
    input_low: float
    input_high: float
    result_low: float  # present value of the net result with the input at input_low
    result_high: float

    @property
    def swing(self) -> float:
        return abs(self.result_high - self.result_low)


@dataclass(frozen=True)
class MonteCarloResult:
    deterministic: SomResult
    draws: int
    seed: int
    uncertain_inputs: tuple[str, ...]
    net: np.ndarray  # (N, T) undiscounted net result per year
    cumulative_discounted: np.ndarray  # (N, T)
    present_value: np.ndarray  # (N,)
    pv_by_authority: np.ndarray  # (N, 3)
    return_per_krone: np.ndarray  # (N,), NaN where a draw has no cost
    tornado: tuple[TornadoBar, ...]

    def percentiles(self, values: np.ndarray, levels: tuple[int, ...] = PERCENTILES) -> dict[int, np.ndarray]:
        qs = np.percentile(values, levels, axis=0)
        return {lev: qs[i] for i, lev in enumerate(levels)}

    # The summaries are computed once per result (a page reads them many times): cached on the instance.
    @cached_property
    def net_percentiles(self) -> dict[int, np.ndarray]:
        return self.percentiles(self.net)

    @cached_property
    def cumulative_percentiles(self) -> dict[int, np.ndarray]:
        return self.percentiles(self.cumulative_discounted)

    @cached_property
    def pv_percentiles(self) -> dict[int, float]:
        return {k: float(v) for k, v in self.percentiles(self.present_value).items()}

    @cached_property
    def probability_break_even(self) -> np.ndarray:
        """Per year t: the share of draws that have broken even by year t, i.e. whose cumulative discounted
        net result is non-negative from year t (or earlier) to the horizon. The same definition as
        `results.break_even_year`, and monotone in t by construction."""
        stays = np.minimum.accumulate(self.cumulative_discounted[:, ::-1], axis=1)[:, ::-1]
        return (stays >= -BREAK_EVEN_TOLERANCE).mean(axis=0)

    @property
    def mean_present_value(self) -> float:
        return float(self.present_value.mean())

    def to_json(self) -> dict[str, Any]:
        def lst(a: np.ndarray) -> list[float]:
            return [round(float(x), 2) for x in a]

        rpk = self.return_per_krone[np.isfinite(self.return_per_krone)]
        return {
            "draws": self.draws,
            "seed": self.seed,
            "uncertain_inputs": list(self.uncertain_inputs),
            "present_value": {
                "mean": round(self.mean_present_value, 2),
                "sd": round(float(self.present_value.std(ddof=1)) if self.draws > 1 else 0.0, 2),
                "percentiles": {str(k): round(v, 2) for k, v in self.pv_percentiles.items()},
                "probability_positive": round(float((self.present_value >= 0).mean()), 4),
            },
            "pv_by_authority_mean": dict(
                zip(("municipality", "region", "state"), lst(self.pv_by_authority.mean(axis=0)), strict=True)
            ),
            "net_mean": lst(self.net.mean(axis=0)),
            "net_percentiles": {str(k): lst(v) for k, v in self.net_percentiles.items()},
            "cumulative_discounted_percentiles": {
                str(k): lst(v) for k, v in self.cumulative_percentiles.items()
            },
            "probability_break_even": [round(float(p), 4) for p in self.probability_break_even],
            "return_per_krone_percentiles": (
                {
                    str(k): round(float(v), 4)
                    for k, v in zip(PERCENTILES, np.percentile(rpk, PERCENTILES), strict=True)
                }
                if rpk.size
                else {}
            ),
            "tornado": [
                {
                    "input": b.path,
                    "label": b.label.da,
                    "basis": b.basis,
                    "input_low": b.input_low,
                    "input_high": b.input_high,
                    "result_low": round(b.result_low, 2),
                    "result_high": round(b.result_high, 2),
                }
                for b in self.tornado
            ],
        }


def _over_years(values: np.ndarray, discount: np.ndarray) -> np.ndarray:
    """Σ_t values[:, t, ...] · discount[t]."""
    total = values[:, 0, ...] * discount[0]
    for t in range(1, values.shape[1]):
        total = total + values[:, t, ...] * discount[t]
    return np.asarray(total)


def _present_values(cc: CompiledCase, columns: tuple[int, ...], values: np.ndarray) -> np.ndarray:
    raw = evaluate(cc, columns, values)
    return _over_years(raw.net, cc.discount)


def tornado(cc: CompiledCase, top: int = 12) -> tuple[TornadoBar, ...]:
    """One-way sensitivity of the present value: each input moved alone, the others at their point values.
    Uncertain inputs go from their 10th to their 90th percentile, fixed non-zero inputs ±20 %."""
    rows: list[tuple[int, str, float, float]] = []
    for i, p in enumerate(cc.parameters):
        if p.uncertain:
            low, high = (float(x) for x in p.dist.ppf(np.array(TORNADO_QUANTILES)))
            rows.append((i, "p10-p90", low, high))
        elif p.dist.mean != 0:
            # ±20 %, kept within the input's valid range (a relapse of 90 % is moved to 72 %–100 %).
            m = float(p.dist.mean)
            lo, hi = sorted((m * (1 - FIXED_SWING), m * (1 + FIXED_SWING)))
            bound_low, bound_high = BOUNDS.get(p.role, (-np.inf, np.inf))
            rows.append((i, "pm20", max(lo, bound_low), min(hi, bound_high)))
    if not rows:
        return ()
    columns = tuple(r[0] for r in rows)
    values = np.tile(np.array([cc.parameters[i].dist.mean for i in columns], dtype=float), (2 * len(rows), 1))
    for j, (_, _, low, high) in enumerate(rows):
        values[2 * j, j] = low
        values[2 * j + 1, j] = high
    pv = _present_values(cc, columns, values)
    bars = [
        TornadoBar(
            path=cc.parameters[i].path,
            label=cc.parameters[i].label,
            basis=basis,
            input_low=low,
            input_high=high,
            result_low=float(pv[2 * j]),
            result_high=float(pv[2 * j + 1]),
        )
        for j, (i, basis, low, high) in enumerate(rows)
    ]
    bars.sort(key=lambda b: b.swing, reverse=True)
    return tuple(b for b in bars[:top] if b.swing > 0)


def draw_inputs(cc: CompiledCase, draws: int, seed: int) -> tuple[tuple[int, ...], np.ndarray]:
    """The uncertain parameters (indices) and an (draws, v) matrix of their draws, each input from its own
    distribution in the compiled order, then paired by `correlate` where the case states correlations."""
    rng = np.random.default_rng(seed)
    columns = cc.uncertain_parameters
    values = np.empty((draws, len(columns)), order="F")  # one contiguous column per input
    for j, i in enumerate(columns):
        values[:, j] = cc.parameters[i].dist.sample(rng, draws)
    if cc.correlated and draws > 1:
        where = [columns.index(i) for i in cc.correlated]
        values[:, where] = correlate(values[:, where], cc.score_correlation, rng)
    return columns, values


def correlate(values: np.ndarray, score_correlation: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Iman & Conover (1982): reorder each column of `values` (n, k) so that the columns' ranks follow
    normal scores with the given correlation matrix. Each column is only permuted, so every input keeps
    exactly its own draws (its distribution); only which draws go together changes.

    Scores: van der Waerden's Φ⁻¹(i / (n + 1)), randomly permuted per column (M). With E = corr(M) = Q·Qᵀ and
    the target C = P·Pᵀ (Cholesky), T = M·(Q⁻¹)ᵀ·Pᵀ has sample correlation exactly C; each column of the
    result is the sorted column of `values` placed in the rank order of T's column."""
    n, k = values.shape
    scores = stats.norm.ppf(np.arange(1, n + 1) / (n + 1))
    m = np.column_stack([rng.permutation(scores) for _ in range(k)])
    q = np.linalg.cholesky(np.corrcoef(m, rowvar=False))
    p = np.linalg.cholesky(score_correlation)
    target = m @ np.linalg.inv(q).T @ p.T
    out = np.empty_like(values)
    for j in range(k):
        ranks = np.argsort(np.argsort(target[:, j], kind="stable"), kind="stable")
        out[:, j] = np.sort(values[:, j])[ranks]
    return out


def simulate_compiled(
    cc: CompiledCase, draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED, with_tornado: bool = True
) -> MonteCarloResult:
    if draws < 1:
        raise ValueError("draws must be at least 1")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise SomInputError(
            "seed",
            Text(
                "seed skal være et helt tal fra 0 til 2^63 − 1", "must be a whole number from 0 to 2^63 − 1"
            ),
        )
    columns, values = draw_inputs(cc, draws, seed)
    raw = evaluate(cc, columns, values if columns else None)
    # Sums over the 3 authorities and the years are written as slice additions: NumPy's reductions over
    # short axes are several times slower than this for 10,000 draws.
    net_by_authority = np.broadcast_to(raw.gains - raw.costs, (draws, cc.horizon, 3))
    net = net_by_authority[..., 0] + net_by_authority[..., 1] + net_by_authority[..., 2]
    discounted = net * cc.discount
    cumulative = np.cumsum(discounted, axis=1)
    costs = raw.costs[..., 0] + raw.costs[..., 1] + raw.costs[..., 2]
    gains = raw.gains[..., 0] + raw.gains[..., 1] + raw.gains[..., 2]
    pv_costs = np.broadcast_to(_over_years(costs, cc.discount), (draws,))
    pv_gains = np.broadcast_to(_over_years(gains, cc.discount), (draws,))
    with np.errstate(divide="ignore", invalid="ignore"):
        rpk = np.where(pv_costs > 0, pv_gains / np.where(pv_costs > 0, pv_costs, 1.0), np.nan)
    return MonteCarloResult(
        deterministic=result_from_compiled(cc),
        draws=draws,
        seed=seed,
        uncertain_inputs=tuple(cc.parameters[i].path for i in columns),
        net=net,
        cumulative_discounted=cumulative,
        present_value=cumulative[:, -1].copy(),
        pv_by_authority=_over_years(net_by_authority, cc.discount),
        return_per_krone=rpk,
        tornado=tornado(cc) if with_tornado else (),
    )


def simulate(
    case: Case, draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED, with_tornado: bool = True
) -> MonteCarloResult:
    """Validate a case and run `draws` Monte Carlo draws of all its uncertain numbers."""
    return simulate_compiled(compile_case(validate_case(case)), draws, seed, with_tornado)
