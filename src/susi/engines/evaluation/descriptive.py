"""Descriptive figures shown beside an effect estimate: the mean of a group with its confidence interval."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from susi.engines.text import Text

from .errors import EvaluationError


@dataclass(frozen=True)
class MeanInterval:
    """The mean of `n` values and its two-sided confidence interval (`low`, `high`)."""

    n: int
    mean: float
    low: float
    high: float


def mean_interval(values: Sequence[float] | np.ndarray, level: float = 0.95) -> MeanInterval:
    """Mean with a normal-approximation (z) interval: mean ± z·sd/√n, sd with n − 1 in the denominator.

    The same interval as statsmodels' ``DescrStatsW(values).zconfint_mean(alpha=1 - level)``. One value gives
    the mean with no width (there is no spread to estimate). Pages apply the small-cell rule before calling.
    """
    if not 0 < level < 1:
        raise EvaluationError(
            "level",
            Text(
                "Konfidensniveauet skal ligge mellem 0 og 1.",
                "The confidence level must lie between 0 and 1.",
            ),
        )
    x = np.asarray(values, dtype=float)
    if x.size == 0 or not np.all(np.isfinite(x)):
        raise EvaluationError(
            "value",
            Text(
                "Gennemsnittet kræver mindst én værdi, og alle skal være tal.",
                "The mean needs at least one value, and every value must be a number.",
            ),
        )
    n = int(x.size)
    mean = float(x.mean())
    if n == 1:
        return MeanInterval(n, mean, mean, mean)
    half = float(stats.norm.ppf(0.5 + level / 2)) * float(x.std(ddof=1)) / math.sqrt(n)
    return MeanInterval(n, mean, mean - half, mean + half)
