"""Glue between the outcome data and the evaluation engine: load a frame, call the engine, apply the
small-cell rule, draw the chart. Returns plain dicts the pages and the API both use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from susi.engines.evaluation.errors import EvaluationError
from susi.engines.evaluation.estimators import LABELS_DA, estimate_effect
from susi.engines.evaluation.privacy import is_reportable

from . import charts, selectors
from .models import Instrument

COVARIATE_DESIGNS = ("ancova", "psm")


@dataclass
class EstimateResult:
    instrument: Instrument
    design: str
    followup: int
    estimate: Any = None  # the engine's EffectEstimate, or None
    error: str = ""
    means: list[dict[str, Any]] | None = None
    chart: str = ""

    @property
    def smd(self):
        if self.estimate is None or self.estimate.measure != "MD" or not self.estimate.sd_pooled:
            return None
        try:
            return self.estimate.to_smd()
        except EvaluationError:
            return None

    @property
    def success_rate(self):
        """The SØM success rate: for a yes/no outcome, the risk difference (additional share)."""
        if self.estimate is None or self.estimate.measure != "RD":
            return None
        comparison = [
            m for m in (self.means or []) if m["arm"] != "intervention" and m["period"] == self.followup
        ]
        base = comparison[0]["mean"] if comparison and comparison[0]["mean"] is not None else 0.5
        try:
            return self.estimate.to_success_rate(min(max(base, 0.001), 0.999))
        except EvaluationError:
            return None

    def as_dict(self) -> dict[str, Any]:
        est = self.estimate
        data: dict[str, Any] = {
            "instrument": self.instrument.code,
            "design": self.design,
            "followup": self.followup,
            "error": self.error,
        }
        if est is not None:
            data.update(
                method=est.method,
                label=est.label_da,
                measure=est.measure,
                estimate=est.estimate,
                se=est.se,
                ci_low=est.ci_low,
                ci_high=est.ci_high,
                p_value=est.p_value,
                n_intervention=est.n_intervention,
                n_comparison=est.n_comparison,
                yi=est.yi,
                vi=est.vi,
            )
            smd, rate = self.smd, self.success_rate
            data["smd"] = {"yi": smd.yi, "vi": smd.vi} if smd else None
            data["som_success_rate"] = {"mean": rate.mean, "sd": rate.sd} if rate else None
        return data


def run_estimate(
    initiative, instrument: Instrument, design: str, followup: int, *, chart: bool = True
) -> EstimateResult:
    """Estimate the effect on ``instrument``; any figure from fewer than 5 citizens is withheld."""
    result = EstimateResult(instrument=instrument, design=design, followup=followup)
    frame = selectors.measurements_frame(initiative, instrument)
    if frame.empty:
        result.error = _("Der er ingen målinger på dette måleredskab endnu.")
        return result
    result.means = selectors.arm_means(frame, instrument.code)
    covariates = [c for c in ("age",) if design in COVARIATE_DESIGNS and frame[c].notna().all()]
    try:
        estimate = estimate_effect(
            frame,
            design,
            instrument.code,
            followup=f"followup_{followup}",
            covariates=covariates,
            higher_is_better=instrument.higher_is_better,
        )
    except EvaluationError as exc:
        result.error = exc.message_da
    except (ValueError, ArithmeticError, KeyError) as exc:  # a numerical failure in a fit
        result.error = _("Estimatet kunne ikke beregnes med denne metode (%(error)s).") % {
            "error": type(exc).__name__
        }
    else:
        if (
            is_reportable(estimate.n_intervention)
            and is_reportable(estimate.n_comparison)
            and estimate.n_intervention
            and estimate.n_comparison
        ):
            result.estimate = estimate
        else:
            result.error = _("For få borgere (under 5 i en gruppe) til at vise et resultat.")
    if chart:
        result.chart = charts.effect_chart(result.means, result.estimate, instrument.name)
    return result


def design_label(design: str) -> str:
    return LABELS_DA.get(design, design)
