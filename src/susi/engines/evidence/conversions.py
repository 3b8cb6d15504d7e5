"""Conversions between effect-size scales, and from a pooled effect to SØM's success rate.

SMD ↔ log odds ratio uses the logistic-distribution relation of Hasselblad & Hedges (1995) and Chinn (2000),
as in Borenstein et al. (2009, ch. 7): log OR = d · π/√3 and Var(log OR) = Var(d) · π²/3.

SØM's success rate is the *additional* share of citizens who reach the outcome with the intervention
compared with current practice (2 % leave homelessness a year today, 12 % with the intervention: 10 %).
From a pooled effect and the current practice's rate p₀ of the counted outcome we get the rate under the
intervention p₁, and the success rate is p₁ − p₀ when the outcome is desirable (leaving homelessness) or
p₀ − p₁ when it is not (relapse: fewer is the success).

    RR:  p₁ = p₀ · exp(y)
    OR:  p₁ = o₀ e^y / (1 + o₀ e^y), with o₀ = p₀ / (1 − p₀)
    RD:  p₁ = p₀ + y
    SMD: converted to log OR first, then as OR

Uncertainty is carried by transforming the interval ends (each map is monotone in y), either the confidence
interval of the average effect or, with `use_prediction_interval`, the prediction interval for the effect in
a new setting — the honest choice when one municipality asks "what will it do here?". SØM takes a mean and a
standard deviation; we report sd = (upper − lower) / (2 · z), the normal approximation on the rate scale,
and clip rates to [0, 1].
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

from susi.engines.text import Text

from .effect_sizes import Measure
from .errors import EvidenceInputError

LOGIT_SCALE = math.pi / math.sqrt(3)


def smd_to_log_odds_ratio(d: float, vd: float) -> tuple[float, float]:
    """log OR = d·π/√3, Var = Var(d)·π²/3."""
    return d * LOGIT_SCALE, vd * LOGIT_SCALE**2


def log_odds_ratio_to_smd(log_or: float, v_log_or: float) -> tuple[float, float]:
    """d = log OR·√3/π, Var = Var(log OR)·3/π²."""
    return log_or / LOGIT_SCALE, v_log_or / LOGIT_SCALE**2


def _treated_rate(measure: Measure, y: float, p0: float) -> float:
    if measure is Measure.RR:
        p1 = p0 * math.exp(y)
    elif measure in (Measure.OR, Measure.SMD):
        log_or = y * LOGIT_SCALE if measure is Measure.SMD else y
        odds = p0 / (1 - p0) * math.exp(log_or)
        p1 = odds / (1 + odds)
    elif measure is Measure.RD:
        p1 = p0 + y
    else:
        raise EvidenceInputError(
            "measure",
            Text(
                f"En effekt målt som {measure.value} kan ikke omregnes til en succesrate; brug RR, OR, RD eller SMD.",
                f"A {measure.value} effect cannot be turned into a success rate; use RR, OR, RD or SMD.",
            ),
        )
    return min(1.0, max(0.0, p1))


@dataclass(frozen=True)
class SuccessRate:
    """A SØM success rate (fractions, not percent) with its uncertainty and where it came from."""

    mean: float
    sd: float
    low: float
    high: float
    baseline_rate: float
    treated_rate: float
    interval: str  # "confidence" or "prediction"
    level: float


def success_rate(
    measure: Measure | str,
    estimate: float,
    low: float,
    high: float,
    baseline_rate: float,
    desirable_outcome: bool = True,
    interval: str = "confidence",
    level: float = 0.95,
) -> SuccessRate:
    """The additional share reaching the outcome, from an effect (with interval) and the current rate p₀."""
    m = Measure(str(measure).upper())
    if not 0 < baseline_rate < 1:
        raise EvidenceInputError(
            "baseline_rate",
            Text(
                "Den nuværende praksis' andel skal ligge mellem 0 og 1 (fx 0,02 for 2 %).",
                "The current practice's rate must lie strictly between 0 and 1.",
            ),
        )
    if not low <= estimate <= high:
        raise EvidenceInputError(
            "interval",
            Text("Intervallet skal indeholde estimatet.", "The interval must contain the estimate."),
        )
    sign = 1.0 if desirable_outcome else -1.0
    ends = sorted(sign * (_treated_rate(m, y, baseline_rate) - baseline_rate) for y in (low, high))
    p1 = _treated_rate(m, estimate, baseline_rate)
    z = float(stats.norm.ppf(1 - (1 - level) / 2))
    return SuccessRate(
        mean=sign * (p1 - baseline_rate),
        sd=(ends[1] - ends[0]) / (2 * z),
        low=ends[0],
        high=ends[1],
        baseline_rate=baseline_rate,
        treated_rate=p1,
        interval=interval,
        level=level,
    )
