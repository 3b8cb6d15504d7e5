"""A portfolio of several SØM cases: their sum per year and authority, with joint uncertainty.

The cases are drawn together, draw by draw: an input that is the same thing in several cases — the price of
a service, the same knowledge-database number in two calculations — is drawn once and used by every case
that has it (same path and same distribution), so the sum carries that common uncertainty; every other
input is drawn independently per case. The sum of the i-th draws of all cases is the portfolio's i-th draw.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .case import Case
from .core import CompiledCase, compile_case, evaluate
from .montecarlo import DEFAULT_DRAWS, DEFAULT_SEED, PERCENTILES
from .results import SomResult, result_from_compiled
from .schema import validate_case

SHARED_ROLES = ("price",)  # inputs that mean the same thing in every case that names them


@dataclass(frozen=True)
class PortfolioResult:
    deterministic: tuple[SomResult, ...]
    draws: int
    seed: int
    net_by_authority: np.ndarray  # (N, T, 3) summed over the cases, T = the longest horizon
    discount: np.ndarray  # (T,) discount factors of the longest case
    shared_inputs: tuple[str, ...]

    @property
    def net(self) -> np.ndarray:
        a = self.net_by_authority
        return a[..., 0] + a[..., 1] + a[..., 2]

    @property
    def present_value(self) -> np.ndarray:
        return self.net @ self.discount

    @property
    def deterministic_net_by_authority(self) -> np.ndarray:
        """(T, 3): the cases' deterministic results added up per year and authority."""
        horizon = len(self.discount)
        out = np.zeros((horizon, 3))
        for r in self.deterministic:
            for a, code in enumerate(("municipality", "region", "state")):
                out[: len(r.years), a] += r.net_by_authority[code]
        return out

    @property
    def cumulative_discounted(self) -> np.ndarray:
        """(N, T): each draw's accumulated present value, year by year."""
        return np.cumsum(self.net * self.discount, axis=1)

    @property
    def pv_by_authority(self) -> np.ndarray:
        """(N, 3): each draw's present value per authority (municipality, region, state)."""
        return np.einsum("nta,t->na", self.net_by_authority, self.discount)

    def yearly_percentiles(self, percentiles: Sequence[int] = (5, 50, 95)) -> dict[int, np.ndarray]:
        """The percentiles of the summed net result in each year, over the joint draws: {p: (T,)}."""
        qs = np.percentile(self.net, list(percentiles), axis=0)
        return {p: q for p, q in zip(percentiles, qs, strict=True)}

    def cumulative_percentiles(self, percentiles: Sequence[int] = (5, 50, 95)) -> dict[int, np.ndarray]:
        """The percentiles of the accumulated present value at the end of each year: {p: (T,)}."""
        qs = np.percentile(self.cumulative_discounted, list(percentiles), axis=0)
        return {p: q for p, q in zip(percentiles, qs, strict=True)}

    def pv_percentiles(self) -> dict[int, float]:
        qs = np.percentile(self.present_value, PERCENTILES)
        return {p: float(q) for p, q in zip(PERCENTILES, qs, strict=True)}


def _key(cc: CompiledCase, i: int) -> str:
    p = cc.parameters[i]
    return f"{p.path}|{json.dumps(p.dist.to_json(), sort_keys=True)}"


def simulate_portfolio(
    cases: Sequence[Case], draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED
) -> PortfolioResult:
    if not cases:
        raise ValueError("a portfolio needs at least one case")
    compiled = [compile_case(validate_case(c)) for c in cases]
    horizon = max(cc.horizon for cc in compiled)
    longest = max(compiled, key=lambda cc: cc.horizon)
    streams = np.random.SeedSequence(seed).spawn(len(compiled) + 1)
    shared_rng = np.random.default_rng(streams[0])
    shared: dict[str, np.ndarray] = {}
    shared_paths: list[str] = []
    total = np.zeros((draws, horizon, 3))
    for cc, stream in zip(compiled, streams[1:], strict=True):
        rng = np.random.default_rng(stream)
        columns = cc.uncertain_parameters
        values = np.empty((draws, len(columns)))
        for j, i in enumerate(columns):
            if cc.parameters[i].role in SHARED_ROLES:
                key = _key(cc, i)
                if key not in shared:
                    shared[key] = cc.parameters[i].dist.sample(shared_rng, draws)
                else:
                    shared_paths.append(cc.parameters[i].path)
                values[:, j] = shared[key]
            else:
                values[:, j] = cc.parameters[i].dist.sample(rng, draws)
        raw = evaluate(cc, columns, values if columns else None)
        total[:, : cc.horizon, :] += np.broadcast_to(raw.gains - raw.costs, (draws, cc.horizon, 3))
    return PortfolioResult(
        deterministic=tuple(result_from_compiled(cc) for cc in compiled),
        draws=draws,
        seed=seed,
        net_by_authority=total,
        discount=longest.discount,
        shared_inputs=tuple(dict.fromkeys(shared_paths)),
    )
