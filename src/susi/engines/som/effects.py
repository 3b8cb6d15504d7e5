"""The default success rate of an outcome from its effect studies: design-adjusted, random-effects pooled.

Weaker designs overstate effects, so before pooling each study's effect (and its standard error) is
multiplied by its grade's factor in DESIGN_ADJUSTMENT — the way Washington State's WSIPP model discounts
effect sizes from less rigorous designs. The factors are data, ``data/design_adjustment.csv``, and this
project's documented assumption (grade 1, meta-analysis or RCT: 1; grade 2, quasi-experiment or
before/after with a control group: 0.75; grade 3, before/after without a control group: 0.5), not a
published table: change them in the data file (with a source) and in docs/developers/som.md together.

All studies with a standard error are pooled by the evidence engine's pinned random-effects meta-analysis
(`engines.evidence.meta_analysis`, REML, equal to metafor's `rma`), so this module does no pooling of its
own. The uncertainty handed to the calculator is the predictive standard deviation for a new setting,
√(se² + τ²): heterogeneity between studies is uncertainty about the effect where the intervention is used
next. Studies without a standard error count only when no study has one (then the plain mean, no
uncertainty).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files

from susi.engines import evidence


def _design_adjustment() -> dict[int, float]:
    """{grade: factor} from ``data/design_adjustment.csv`` (comment lines start with '#')."""
    text = files("susi.engines.som").joinpath("data/design_adjustment.csv").read_text(encoding="utf-8")
    out: dict[int, float] = {}
    for line in text.splitlines():
        if not line or line.startswith(("#", "grade")):
            continue
        grade, factor, _design = line.split(";", 2)
        out[int(grade)] = float(factor)
    return out


DESIGN_ADJUSTMENT: dict[int, float] = _design_adjustment()


@dataclass(frozen=True)
class Study:
    effect: float  # additional share reaching the outcome
    standard_error: float | None
    grade: int


@dataclass(frozen=True)
class PooledRate:
    mean: float
    sd: float | None  # predictive sd √(se² + τ²); None when no study has a standard error
    se: float | None  # standard error of the pooled mean
    tau2: float  # between-study variance (0 with one study or fixed)
    k: int  # studies pooled
    method: str  # "REML", "single study" or "plain mean (no standard errors)"


def adjusted(study: Study) -> Study:
    factor = DESIGN_ADJUSTMENT.get(study.grade, min(DESIGN_ADJUSTMENT.values()))
    se = None if study.standard_error is None else study.standard_error * factor
    return Study(study.effect * factor, se, study.grade)


def pooled_success_rate(studies: Sequence[Study]) -> PooledRate | None:
    """The design-adjusted, random-effects pooled success rate of `studies`; None without studies."""
    if not studies:
        return None
    adj = [adjusted(s) for s in studies]
    with_se = [s for s in adj if s.standard_error]
    if not with_se:
        mean = sum(s.effect for s in adj) / len(adj)
        return PooledRate(mean, None, None, 0.0, len(adj), "plain mean (no standard errors)")
    if len(with_se) == 1:
        (s,) = with_se
        assert s.standard_error is not None
        return PooledRate(s.effect, s.standard_error, s.standard_error, 0.0, 1, "single study")
    effects = evidence.generic(
        [s.effect for s in with_se],
        [s.standard_error**2 for s in with_se],  # type: ignore[operator]
    )
    res = evidence.meta_analysis(effects, method="REML")
    return PooledRate(res.estimate, math.sqrt(res.se**2 + res.tau2), res.se, res.tau2, res.k, "REML")
