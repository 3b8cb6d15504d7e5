"""The frozen results the evaluation engine returns, and their conversions.

An :class:`EffectEstimate` carries its effect size in the evidence base's form (``yi``, ``vi`` with a
metafor measure name) and converts to a SØM success rate: the *additional* share of citizens who reach
the success outcome, with its standard error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from scipy import stats

from susi.engines.evidence.effect_sizes import hedges_correction
from susi.engines.text import Text

from .errors import EvaluationError

#: Measures the evidence base takes (metafor's names). OR and HR are on the log scale in yi/vi.
MEASURES = ("MD", "SMD", "RD", "OR", "HR")


@dataclass(frozen=True)
class SuccessRate:
    """The additional share reaching the success outcome (0.10 = 10 percentage points) and its SE."""

    mean: float
    sd: float


@dataclass(frozen=True)
class EffectEstimate:
    """One effect estimate. ``estimate``/``ci_*`` are on the natural scale (OR and HR as ratios);
    ``yi``/``vi`` are on the analysis scale the evidence base pools (log for OR and HR)."""

    method: str
    measure: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    n_intervention: int
    n_comparison: int
    yi: float
    vi: float
    label: Text
    higher_is_better: bool = True
    sd_pooled: float | None = None
    details: tuple[tuple[str, Any], ...] = field(default=(), compare=False)

    @property
    def n_total(self) -> int:
        return self.n_intervention + self.n_comparison

    def detail(self, key: str, default: Any = None) -> Any:
        return dict(self.details).get(key, default)

    def to_smd(self) -> EffectEstimate:
        """Hedges' g from a mean difference: g = c(m) · MD / SD_pooled, c(m) metafor's exact correction.

        vi = (SE/SD)² + g²/(2·N). For an unadjusted difference with equal SDs (SE/SD)² is 1/n₁ + 1/n₂,
        so this is metafor's ``escalc("SMD")`` (and the evidence engine's); for an adjusted estimate
        (ANCOVA, DiD) it keeps the precision the adjustment bought.
        """
        if self.measure == "SMD":
            return self
        if self.measure != "MD" or not self.sd_pooled or self.sd_pooled <= 0:
            raise EvaluationError(
                "measure",
                Text(
                    "En standardiseret effekt kræver en forskel i gennemsnit og en spredning.",
                    "A standardised effect needs a mean difference and a pooled SD.",
                ),
            )
        n = self.n_total
        j = float(hedges_correction(np.array([n - 2.0]))[0]) if n > 3 else 1.0
        g = j * self.estimate / self.sd_pooled
        se_d = self.se / self.sd_pooled
        vi = se_d * se_d + g * g / (2.0 * n)
        z = stats.norm.ppf(0.975)
        return replace(
            self,
            measure="SMD",
            estimate=g,
            se=math.sqrt(vi),
            ci_low=g - z * math.sqrt(vi),
            ci_high=g + z * math.sqrt(vi),
            yi=g,
            vi=vi,
            label=Text("Standardiseret forskel (Hedges' g)", "Standardised difference (Hedges' g)"),
        )

    def to_success_rate(self, baseline_rate: float) -> SuccessRate:
        """The SØM success rate: additional share reaching success, given the comparison group's share.

        ``baseline_rate`` is the share reaching the success outcome without the intervention.
        - RD: the risk difference itself (sign follows ``higher_is_better``).
        - OR: p₁ from the odds ratio applied to the baseline odds; SE by the delta method.
        - HR: survival S₁ = S₀^HR on the horizon the baseline rate refers to; SE by the delta method.
        - MD/SMD: the probit conversion p₁ = Φ(Φ⁻¹(p₀) + d) (normal outcome, threshold fixed by p₀).
        """
        p0 = float(baseline_rate)
        if not 0.0 < p0 < 1.0:
            raise EvaluationError(
                "baseline_rate",
                Text(
                    "Grundraten skal være en andel mellem 0 og 1 (fx 0,02 for 2 %).",
                    "The baseline rate must be a share between 0 and 1 (e.g. 0.02 for 2 %).",
                ),
            )
        sign = 1.0 if self.higher_is_better else -1.0
        if self.measure == "RD":
            return SuccessRate(mean=sign * self.estimate, sd=self.se)
        if self.measure == "OR":
            log_or = self.yi
            se = math.sqrt(self.vi)
            # work on the scale of the coded event: success if higher is better, failure otherwise
            q0 = p0 if self.higher_is_better else 1.0 - p0
            odds1 = q0 / (1.0 - q0) * math.exp(log_or)
            q1 = odds1 / (1.0 + odds1)
            return SuccessRate(mean=sign * (q1 - q0), sd=q1 * (1.0 - q1) * se)
        if self.measure == "HR":
            hr = math.exp(self.yi)
            se = math.sqrt(self.vi)
            # the event is the success when higher is better: p = 1 - S; else success = survival S
            s0 = 1.0 - p0 if self.higher_is_better else p0
            s1 = s0**hr
            deriv = abs(s1 * math.log(s0) * hr)
            mean = (s0 - s1) if self.higher_is_better else (s1 - s0)
            return SuccessRate(mean=mean, sd=deriv * se)
        if self.measure in ("MD", "SMD"):
            smd = self if self.measure == "SMD" else self.to_smd()
            d = sign * smd.yi
            z0 = stats.norm.ppf(p0)
            p1 = float(stats.norm.cdf(z0 + d))
            return SuccessRate(mean=p1 - p0, sd=float(stats.norm.pdf(z0 + d)) * math.sqrt(smd.vi))
        raise EvaluationError(
            "measure", Text(f"Ukendt effektmål: {self.measure}.", f"Unknown measure: {self.measure}.")
        )


@dataclass(frozen=True)
class FidelityRow:
    municipality: str
    n_citizens: int
    n_components: int
    delivered_share: float | None
    components_below: tuple[str, ...]
    adequate: bool | None
    suppressed: bool


@dataclass(frozen=True)
class MonitoringRow:
    municipality: str
    period: int
    estimate: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    reference_effect: float
    ratio_to_reference: float | None
    drift_warning: bool
    reason: Text | None  # why the drift warning is raised (None when it is not)
    suppressed: bool


@dataclass(frozen=True)
class KaplanMeierCurve:
    arm: str
    times: tuple[float, ...]
    survival: tuple[float, ...]
    ci_low: tuple[float, ...]
    ci_high: tuple[float, ...]
    n_at_risk: tuple[int, ...]
    n: int
    events: int
    median: float | None


@dataclass(frozen=True)
class RegisterYearRow:
    outcome: str
    year_after: int
    n_enrolled: int
    n_comparison: int
    mean_enrolled: float | None
    mean_comparison: float | None
    difference: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    suppressed: bool
    no_data: bool = False  # the register does not cover this year for one of the groups


@dataclass(frozen=True)
class RegisterFollowup:
    rows: tuple[RegisterYearRow, ...]
    years: int
    first_index_year: int | None
    last_register_year: int | None
    duplicate_rows_removed: int = 0  # exact duplicate register rows dropped (``deduplicate=True``)

    def outcomes(self) -> tuple[str, ...]:
        return tuple(sorted({r.outcome for r in self.rows}))

    def row(self, outcome: str, year_after: int) -> RegisterYearRow:
        for r in self.rows:
            if r.outcome == outcome and r.year_after == year_after:
                return r
        raise KeyError((outcome, year_after))


@dataclass(frozen=True)
class SomConsequence:
    """Per-citizen difference in yearly service use, year ``year_after`` after enrolment."""

    outcome: str
    year_after: int
    difference: float
    se: float
