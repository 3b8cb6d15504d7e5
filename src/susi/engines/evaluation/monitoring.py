"""Monitoring in dissemination: does each municipality keep the effect found in testing?

The continued effect of a municipality in a period is compared with the reference effect from the
testing phase. A drift warning is raised when the municipality is *clearly* below (its upper 95 %
limit is under ``margin`` × the reference) or *persistently* below (its estimate under that line in
two consecutive periods). Figures from fewer than 5 citizens are suppressed and never warn.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from scipy import stats

from susi.engines.text import Text

from .errors import EvaluationError
from .estimators import _select
from .privacy import SMALL_CELL_THRESHOLD
from .results import MonitoringRow


def _fmt(x: float) -> str:
    return f"{x:.2f}".replace(".", ",")


def monitor(
    estimates: pd.DataFrame | Iterable[Mapping[str, Any]],
    reference_effect: float,
    *,
    reference_se: float | None = None,
    margin: float = 0.5,
    higher_is_better: bool = True,
    min_n: int = SMALL_CELL_THRESHOLD,
    alpha: float = 0.05,
) -> list[MonitoringRow]:
    """Per municipality and period: the estimate against the reference, with a drift warning.

    ``estimates`` has ``municipality, period, estimate, se, n``. ``reference_se`` (if given) widens
    the comparison: the municipality's interval is then for the difference to the reference line.
    """
    frame = pd.DataFrame(list(estimates)) if not isinstance(estimates, pd.DataFrame) else estimates.copy()
    for col in ("municipality", "period", "estimate", "se", "n"):
        if col not in frame.columns:
            raise EvaluationError(col, Text(f"Kolonnen '{col}' mangler.", f"The column '{col}' is missing."))
    if not math.isfinite(reference_effect) or reference_effect == 0:
        raise EvaluationError(
            "reference_effect",
            Text(
                "Referenceeffekten fra afprøvningen skal være et tal forskelligt fra 0.",
                "The reference effect must be a non-zero number.",
            ),
        )
    if not 0 < margin <= 1:
        raise EvaluationError(
            "margin", Text("Marginen skal ligge mellem 0 og 1.", "margin must be in (0, 1].")
        )
    sign = 1.0 if higher_is_better else -1.0
    line = margin * reference_effect  # the lowest acceptable continued effect
    z = float(stats.norm.ppf(1 - alpha / 2))
    ref_var = reference_se**2 if reference_se else 0.0
    rows: list[MonitoringRow] = []
    for muni, grp in frame.sort_values(["municipality", "period"]).groupby("municipality", sort=True):
        below_before = False
        for rec in grp.itertuples(index=False):
            n = int(rec.n)
            if n < min_n:
                rows.append(
                    MonitoringRow(
                        str(muni),
                        int(rec.period),
                        None,
                        None,
                        None,
                        None,
                        n,
                        reference_effect,
                        None,
                        False,
                        Text(
                            f"For få borgere til at vise et tal (under {min_n}).",
                            f"Too few citizens to show a figure (under {min_n}).",
                        ),
                        True,
                    )
                )
                below_before = False
                continue
            est, se = float(rec.estimate), float(rec.se)
            half = z * math.sqrt(se * se + ref_var * margin * margin)
            low, high = est - z * se, est + z * se
            clearly_below = sign * (est - line) + half < 0
            below = sign * (est - line) < 0
            warning, reason = False, None
            if clearly_below:
                warning = True
                reason = Text(
                    f"Effekten ({_fmt(est)}) er tydeligt under {margin:.0%} af effekten fra afprøvningen "
                    f"({_fmt(reference_effect)}): selv den gunstige grænse af usikkerheden når ikke op.".replace(
                        "%", " %"
                    ),
                    f"The effect ({_fmt(est)}) is clearly below {margin:.0%} of the effect found in testing "
                    f"({_fmt(reference_effect)}): even the favourable limit of the uncertainty does not reach it.",
                )
            elif below and below_before:
                warning = True
                reason = Text(
                    f"Effekten har ligget under {margin:.0%} af effekten fra afprøvningen "
                    f"({_fmt(reference_effect)}) i to perioder i træk.".replace("%", " %"),
                    f"The effect has been below {margin:.0%} of the effect found in testing "
                    f"({_fmt(reference_effect)}) for two periods running.",
                )
            below_before = below
            rows.append(
                MonitoringRow(
                    municipality=str(muni),
                    period=int(rec.period),
                    estimate=est,
                    se=se,
                    ci_low=low,
                    ci_high=high,
                    n=n,
                    reference_effect=reference_effect,
                    ratio_to_reference=est / reference_effect,
                    drift_warning=warning,
                    reason=reason,
                    suppressed=False,
                )
            )
    return rows


def _period(sub: pd.DataFrame, period: str) -> pd.Series:
    if period in sub.columns:
        return pd.to_numeric(sub[period], errors="coerce").astype("Int64")
    if period == "year":
        return pd.to_datetime(sub["enrolled_on"]).dt.year
    if period == "half":
        d = pd.to_datetime(sub["enrolled_on"])
        return d.dt.year * 10 + (d.dt.month > 6).astype(int) + 1
    raise EvaluationError("period", Text(f"Ukendt periode '{period}'.", f"Unknown period '{period}'."))


def _changes(frame: pd.DataFrame, instrument: str, followup: str, period: str | None) -> pd.DataFrame:
    """One row per citizen followed up: municipality, treat, period_value, d = follow-up − baseline."""
    sub = _select(frame, instrument)
    sub["period_value"] = _period(sub, period) if period is not None else 0
    base = sub.loc[sub["occasion"] == "baseline", ["pseudonym", "value"]].rename(columns={"value": "b"})
    fu = sub.loc[sub["occasion"] == followup, ["pseudonym", "value", "municipality", "treat", "period_value"]]
    change = fu.merge(base, on="pseudonym")
    change["d"] = change["value"] - change["b"]
    return change


def comparison_change(
    frame: pd.DataFrame, instrument: str, *, followup: str = "followup_1"
) -> tuple[float, float, int]:
    """The comparison group's mean change from baseline to ``followup``, its SE and n.

    This is the natural development without the intervention: in testing it is the control trend the
    dissemination phase is compared against when it has no comparison group of its own.
    """
    change = _changes(frame, instrument, followup, None)
    c = change.loc[change["treat"] == 0, "d"]
    if len(c) < SMALL_CELL_THRESHOLD:
        raise EvaluationError(
            "arm",
            Text(
                f"Der er færre end {SMALL_CELL_THRESHOLD} borgere i sammenligningsgruppen med både "
                "udgangsmåling og opfølgning.",
                f"Fewer than {SMALL_CELL_THRESHOLD} comparison citizens with baseline and follow-up.",
            ),
        )
    return float(c.mean()), float(c.std(ddof=1)) / math.sqrt(len(c)), int(len(c))


def monitoring_estimates(
    frame: pd.DataFrame,
    instrument: str,
    *,
    followup: str = "followup_1",
    period: str = "year",
    counterfactual_change: float | None = None,
    counterfactual_se: float = 0.0,
) -> pd.DataFrame:
    """Continued effect per municipality and enrolment period from a measurements frame.

    The effect is the intervention citizens' mean change from baseline to ``followup`` minus what would
    have happened without the intervention, so that natural improvement is not taken for effect. That
    counterfactual change is, in order of preference: the municipality's own comparison citizens in the
    period (at least 5); the comparison citizens of all municipalities in the frame in that period; the
    control group's change found in testing (``counterfactual_change`` with ``counterfactual_se``, e.g.
    from ``comparison_change`` on the testing data). With none of them an ``EvaluationError`` says so.
    Returns ``municipality, period, estimate, se, n, counterfactual`` (which of the three was used:
    'own_comparison', 'pooled_comparison', 'testing_trend').
    """
    change = _changes(frame, instrument, followup, period)
    comparison = change.loc[change["treat"] == 0]
    pooled = comparison.groupby("period_value")["d"].agg(["mean", "var", "count"])
    out = []
    for (muni, per), grp in change.groupby(["municipality", "period_value"], sort=True):
        t = grp.loc[grp["treat"] == 1, "d"]
        c = grp.loc[grp["treat"] == 0, "d"]
        n = len(t)
        if n == 0:
            continue
        var_t = float(t.var(ddof=1)) / n if n > 1 else float("nan")
        if len(c) >= SMALL_CELL_THRESHOLD:
            est, var_c, source = float(t.mean() - c.mean()), float(c.var(ddof=1)) / len(c), "own_comparison"
        elif per in pooled.index and pooled.loc[per, "count"] >= SMALL_CELL_THRESHOLD:
            row = pooled.loc[per]
            est = float(t.mean()) - float(row["mean"])
            var_c, source = float(row["var"]) / float(row["count"]), "pooled_comparison"
        elif counterfactual_change is not None:
            est, var_c, source = (
                float(t.mean()) - counterfactual_change,
                counterfactual_se**2,
                "testing_trend",
            )
        else:
            raise EvaluationError(
                "counterfactual_change",
                Text(
                    "Der er ingen sammenligningsgruppe at sammenligne med og ingen udvikling i kontrolgruppen fra "
                    "afprøvningen, så en naturlig forbedring kan ikke skilles fra effekten.",
                    "No comparison group and no control trend from testing: natural improvement cannot be "
                    "separated from the effect.",
                ),
            )
        out.append(
            {
                "municipality": str(muni),
                "period": int(per),
                "estimate": est,
                "se": math.sqrt(var_t + var_c),
                "n": n,
                "counterfactual": source,
            }
        )
    return pd.DataFrame(out, columns=["municipality", "period", "estimate", "se", "n", "counterfactual"])


@dataclass(frozen=True)
class KeyFigures:
    """Management figures a municipal leader can use (None where fewer than 5 citizens)."""

    municipality: str
    n_enrolled: int | None
    n_followed_up: int | None
    followup_rate: float | None
    mean_baseline: float | None
    mean_followup: float | None
    mean_change: float | None
    share_improved: float | None
    suppressed: bool


def key_figures(
    frame: pd.DataFrame,
    instrument: str,
    *,
    followup: str = "followup_1",
    higher_is_better: bool = True,
    arm: str = "intervention",
) -> list[KeyFigures]:
    """Per municipality: enrolled, followed up, follow-up rate, mean before/after, share improved."""
    sub = _select(frame, instrument)
    sub = sub.loc[sub["arm"] == arm]
    base = sub.loc[sub["occasion"] == "baseline", ["pseudonym", "municipality", "value"]]
    fu = sub.loc[sub["occasion"] == followup, ["pseudonym", "value"]].rename(columns={"value": "f"})
    both = base.merge(fu, on="pseudonym", how="left")
    sign = 1.0 if higher_is_better else -1.0
    out = []
    for muni, grp in both.groupby("municipality", sort=True):
        n = len(grp)
        done = grp.dropna(subset=["f"])
        if n < SMALL_CELL_THRESHOLD or len(done) < SMALL_CELL_THRESHOLD:
            out.append(KeyFigures(str(muni), None, None, None, None, None, None, None, True))
            continue
        change = done["f"] - done["value"]
        out.append(
            KeyFigures(
                municipality=str(muni),
                n_enrolled=n,
                n_followed_up=len(done),
                followup_rate=len(done) / n,
                mean_baseline=float(grp["value"].mean()),
                mean_followup=float(done["f"].mean()),
                mean_change=float(change.mean()),
                share_improved=float((sign * change > 0).mean()),
                suppressed=False,
            )
        )
    return out
