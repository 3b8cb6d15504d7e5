"""Time to outcome: Kaplan–Meier curves per arm and a Cox model (statsmodels)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.duration.survfunc import SurvfuncRight

from susi.engines.text import Text

from .errors import EvaluationError
from .results import EffectEstimate, KaplanMeierCurve


def _check(frame: pd.DataFrame, covariates: Sequence[str] = ()) -> pd.DataFrame:
    for col in ("pseudonym", "arm", "time", "event", *covariates):
        if col not in frame.columns:
            raise EvaluationError(col, Text(f"Kolonnen '{col}' mangler.", f"The column '{col}' is missing."))
    data = frame.copy()
    data["time"] = pd.to_numeric(data["time"], errors="coerce")
    if data["time"].isna().any() or (data["time"] < 0).any():
        raise EvaluationError(
            "time", Text("Tiden skal være et tal på 0 eller mere.", "time must be a number of 0 or more.")
        )
    if not data["event"].isin([0, 1]).all():
        raise EvaluationError("event", Text("Hændelsen skal være 0 eller 1.", "event must be 0 or 1."))
    return data


def kaplan_meier(frame: pd.DataFrame, *, alpha: float = 0.05) -> list[KaplanMeierCurve]:
    """One Kaplan–Meier curve per arm, with log-transformed pointwise confidence limits."""
    data = _check(frame)
    z = float(stats.norm.ppf(1 - alpha / 2))
    curves = []
    for arm, grp in data.groupby("arm", sort=True):
        sf = SurvfuncRight(grp["time"].to_numpy(float), grp["event"].to_numpy(int))
        # pointwise limits on the log scale with Greenwood's SE, like R's survfit(conf.type = "log")
        prob = np.asarray(sf.surv_prob, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            half = z * np.asarray(sf.surv_prob_se, dtype=float) / prob
            low = np.exp(np.log(prob) - half)
            high = np.minimum(np.exp(np.log(prob) + half), 1.0)
        try:
            median = float(sf.quantile(0.5))
            median_value: float | None = median if math.isfinite(median) else None
        except (ValueError, IndexError):
            median_value = None
        curves.append(
            KaplanMeierCurve(
                arm=str(arm),
                times=tuple(float(t) for t in sf.surv_times),
                survival=tuple(float(s) for s in sf.surv_prob),
                ci_low=tuple(float(v) for v in np.nan_to_num(low, nan=0.0)),
                ci_high=tuple(float(v) for v in np.nan_to_num(high, nan=1.0)),
                n_at_risk=tuple(int(n) for n in sf.n_risk),
                n=len(grp),
                events=int(grp["event"].sum()),
                median=median_value,
            )
        )
    return curves


def cox(
    frame: pd.DataFrame,
    *,
    covariates: Sequence[str] = (),
    alpha: float = 0.05,
    higher_is_better: bool = True,
    ties: str = "efron",
) -> EffectEstimate:
    """Hazard ratio intervention vs comparison from a Cox model (Efron ties, like R's ``coxph``).

    ``yi`` is the log hazard ratio and ``vi`` its squared SE (metafor's "HR" on the log scale).
    ``higher_is_better`` says whether the event is the success (e.g. getting a job) or a harm.
    """
    data = _check(frame, covariates)
    treat = (data["arm"] == "intervention").astype(float)
    n1, n0 = int(treat.sum()), int((1 - treat).sum())
    if n1 < 2 or n0 < 2:
        raise EvaluationError(
            "arm",
            Text("Der skal være mindst 2 borgere i hver gruppe.", "Need at least 2 citizens in each arm."),
        )
    exog = np.column_stack([treat.to_numpy(), *(data[c].astype(float).to_numpy() for c in covariates)])
    res = PHReg(data["time"].to_numpy(float), exog, status=data["event"].to_numpy(int), ties=ties).fit()
    beta, se = float(res.params[0]), float(res.bse[0])
    z = float(stats.norm.ppf(1 - alpha / 2))
    p = float(2 * stats.norm.sf(abs(beta / se)))
    return EffectEstimate(
        method="cox",
        measure="HR",
        estimate=math.exp(beta),
        se=se,
        ci_low=math.exp(beta - z * se),
        ci_high=math.exp(beta + z * se),
        p_value=p,
        n_intervention=n1,
        n_comparison=n0,
        yi=beta,
        vi=se * se,
        label=Text("Hazard ratio (Cox-model, tid til hændelse)", "Hazard ratio (Cox model, time to event)"),
        higher_is_better=higher_is_better,
        details=(("events", int(data["event"].sum())), ("ties", ties)),
    )
