"""The SØM portfolio page's numbers: several saved calculations added up per year and authority, with the
uncertainty of the sum from joint draws (``susi.engines.som.portfolio``). One dict for the page, the chart
and the Excel export, computed once per request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from susi.engines import som as engine
from susi.engines.som.portfolio import PortfolioResult, simulate_portfolio

from .models import Calculation

MAX_CALCULATIONS = 20  # a portfolio page adds up at most this many calculations


@dataclass(frozen=True)
class Portfolio:
    calculations: tuple[Calculation, ...]
    result: PortfolioResult
    rows: tuple[dict[str, Any], ...]  # one per year: deterministic per authority and total, MC band
    pv: dict[str, float]  # deterministic and Monte Carlo present value of the sum
    pv_by_authority: tuple[dict[str, Any], ...]

    @property
    def years(self) -> list[int]:
        return [r["year"] for r in self.rows]


def build(calculations: list[Calculation]) -> Portfolio:
    """Add the calculations up; the draws are the largest of theirs (the engine's default if none drew)."""
    result = simulate_portfolio(
        [engine.parse_case(c.case) for c in calculations],
        draws=max(c.draws for c in calculations) or engine.DEFAULT_DRAWS,
        seed=engine.DEFAULT_SEED,
    )
    det = result.deterministic_net_by_authority  # (T, 3)
    det_cumulative = np.cumsum(det.sum(axis=1) * result.discount)
    yearly = result.yearly_percentiles()
    cumulative = result.cumulative_percentiles()
    rows = tuple(
        {
            "year": t + 1,
            "authorities": [float(v) for v in det[t]],
            "total": float(det[t].sum()),
            "cumulative_discounted": float(det_cumulative[t]),
            "mean": float(result.net[:, t].mean()),
            "p5": float(yearly[5][t]),
            "p95": float(yearly[95][t]),
            "cumulative_p5": float(cumulative[5][t]),
            "cumulative_p50": float(cumulative[50][t]),
            "cumulative_p95": float(cumulative[95][t]),
        }
        for t in range(det.shape[0])
    )
    pv = result.present_value
    percentiles = result.pv_percentiles()
    by_authority = result.pv_by_authority
    return Portfolio(
        calculations=tuple(calculations),
        result=result,
        rows=rows,
        pv={
            "deterministic": float(det_cumulative[-1]),
            "mean": float(pv.mean()),
            "p5": percentiles[5],
            "p50": percentiles[50],
            "p95": percentiles[95],
            "positive": float((pv >= 0).mean()),
            "draws": result.draws,
        },
        pv_by_authority=tuple(
            {
                "authority": a,
                "deterministic": float(det[:, i] @ result.discount),
                "mean": float(by_authority[:, i].mean()),
                "p5": float(np.percentile(by_authority[:, i], 5)),
                "p95": float(np.percentile(by_authority[:, i], 95)),
            }
            for i, a in enumerate(engine.AUTHORITIES)
        ),
    )
