"""Effect estimators on a measurements frame (see the package docstring for the frame's columns).

Every estimator is a thin, documented composition of a maintained implementation: statsmodels for
means, proportions, OLS with robust and cluster-robust errors and the propensity model; linearmodels'
``PanelOLS`` for two-way fixed effects; pyfixest's ``did2s`` (Gardner's two-stage estimator) for
staggered adoption. What is written here is data shaping and the choice of estimator.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.proportion import confint_proportions_2indep, test_proportions_2indep
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW
from statsmodels.tools.sm_exceptions import PerfectSeparationError, PerfectSeparationWarning

from susi.engines.text import Text

from .bootstrap import FEW_CLUSTERS, imputation_bootstrap, wild_cluster_bootstrap
from .errors import EvaluationError
from .privacy import SMALL_CELL_THRESHOLD, protect_total
from .results import EffectEstimate

ARMS = ("intervention", "comparison", "waitlist")
REQUIRED_COLUMNS = ("pseudonym", "municipality", "arm", "occasion", "instrument", "value", "enrolled_on")
DESIGNS = ("rct_means", "rct_proportions", "ancova", "did", "twfe", "staggered", "psm")
_OCCASION = re.compile(r"^(baseline|followup_([1-9][0-9]*))$")

LABELS: dict[str, Text] = {
    "rct_means": Text("Forskel i gennemsnit (lodtrækning)", "Difference in means (randomised)"),
    "rct_proportions": Text("Forskel i andele (lodtrækning)", "Difference in proportions (randomised)"),
    "ancova": Text(
        "Forskel i gennemsnit justeret for udgangsmåling", "Difference in means adjusted for baseline"
    ),
    "did": Text("Forskel-i-forskelle", "Difference-in-differences"),
    "twfe": Text(
        "Forskel-i-forskelle med faste effekter (borger og tid)",
        "Difference-in-differences with fixed effects (citizen and time)",
    ),
    "staggered": Text(
        "Forskudt opstart (to-trins forskel-i-forskelle)",
        "Staggered start (two-stage difference-in-differences)",
    ),
    "psm": Text(
        "Matchet sammenligningsgruppe (propensity score)", "Matched comparison group (propensity score)"
    ),
}


# --------------------------------------------------------------------------------------------- input
def validate_measurements(frame: pd.DataFrame) -> None:
    """Check the measurements frame's schema. Raises ``EvaluationError`` naming the column."""
    if not isinstance(frame, pd.DataFrame):
        raise EvaluationError(
            "frame", Text("Målingerne skal være en tabel.", "Measurements must be a DataFrame.")
        )
    for col in REQUIRED_COLUMNS:
        if col not in frame.columns:
            raise EvaluationError(
                col, Text(f"Kolonnen '{col}' mangler i målingerne.", f"The column '{col}' is missing.")
            )
    if frame.empty:
        raise EvaluationError("frame", Text("Der er ingen målinger.", "There are no measurements."))
    bad_arm = ~frame["arm"].isin(ARMS)
    if bad_arm.any():
        raise EvaluationError(
            "arm",
            Text(
                "Gruppen skal være 'intervention', 'comparison' eller 'waitlist' "
                f"(fandt {frame.loc[bad_arm, 'arm'].iloc[0]!r}).",
                f"arm must be one of {ARMS}.",
            ),
        )
    for occ in pd.unique(frame["occasion"]):  # a handful of distinct values, not every row
        if not _OCCASION.match(str(occ)):
            raise EvaluationError(
                "occasion",
                Text(
                    f"Måletidspunktet skal være 'baseline' eller 'followup_<n>' (fandt {str(occ)!r}).",
                    "occasion must be 'baseline' or 'followup_<n>'.",
                ),
            )
    values = frame["value"]
    if not pd.api.types.is_numeric_dtype(values):
        values = pd.to_numeric(values, errors="coerce")
    if values.isna().any():
        raise EvaluationError(
            "value", Text("Værdien skal være et tal i alle rækker.", "value must be numeric in every row.")
        )


def occasion_number(occasion: pd.Series) -> pd.Series:
    """0 for 'baseline', n for 'followup_<n>'."""
    numbers = {}
    for occ in pd.unique(occasion):
        m = _OCCASION.match(str(occ))
        numbers[occ] = int(m.group(2)) if m and m.group(2) else 0
    return occasion.map(numbers).astype(int)


def _select(frame: pd.DataFrame, instrument: str) -> pd.DataFrame:
    validate_measurements(frame)
    sub = frame.loc[frame["instrument"] == instrument].copy()
    if sub.empty:
        raise EvaluationError(
            "instrument",
            Text(
                f"Der er ingen målinger på redskabet '{instrument}'.",
                f"No measurements on instrument '{instrument}'.",
            ),
        )
    sub["value"] = sub["value"].astype(float)
    sub["treat"] = (sub["arm"] == "intervention").astype(int)
    sub["occasion_no"] = occasion_number(sub["occasion"])
    dup = sub.duplicated(["pseudonym", "occasion"])
    if dup.any():
        raise EvaluationError(
            "occasion",
            Text(
                f"{int(dup.sum())} borgere har mere end én måling på samme tidspunkt og redskab.",
                f"{int(dup.sum())} duplicate measurements for the same citizen, occasion and instrument.",
            ),
        )
    return sub


def _wide(sub: pd.DataFrame, followup: str, covariates: Sequence[str], need_baseline: bool) -> pd.DataFrame:
    """One row per citizen: treat, y (the follow-up), baseline, covariates; drops incomplete rows."""
    for c in covariates:
        if c not in sub.columns:
            raise EvaluationError(
                c, Text(f"Baggrundsvariablen '{c}' mangler.", f"Covariate '{c}' is missing.")
            )
    fu = sub.loc[sub["occasion"] == followup, ["pseudonym", "treat", "municipality", "value", *covariates]]
    if fu.empty:
        raise EvaluationError(
            "occasion",
            Text(
                f"Der er ingen målinger ved opfølgningen '{followup}'.", f"No measurements at '{followup}'."
            ),
        )
    wide = fu.rename(columns={"value": "y"})
    if need_baseline:
        base = sub.loc[sub["occasion"] == "baseline", ["pseudonym", "value"]].rename(
            columns={"value": "baseline"}
        )
        wide = wide.merge(base, on="pseudonym", how="inner")
    wide = wide.dropna()
    _check_groups(int(wide["treat"].sum()), int((1 - wide["treat"]).sum()))
    return wide


def _check_groups(n1: int, n0: int, minimum: int = 2) -> None:
    if n1 < minimum or n0 < minimum:
        raise EvaluationError(
            "arm",
            Text(
                f"Der skal være mindst {minimum} borgere i både indsats- og sammenligningsgruppen "
                f"(fandt {n1} og {n0}).",
                f"Need at least {minimum} citizens in both arms (found {n1} and {n0}).",
            ),
        )


def _check_cluster(cluster: str) -> None:
    if cluster not in ("pseudonym", "municipality"):
        raise EvaluationError(
            "cluster",
            Text(
                "Klyngerne skal være 'pseudonym' (borger) eller 'municipality' (kommune).",
                "cluster must be 'pseudonym' or 'municipality'.",
            ),
        )


def _pooled_sd(values: np.ndarray, treat: np.ndarray) -> float:
    """Pooled within-arm SD; the overall SD when an arm has fewer than 2 values (e.g. no never-treated)."""
    a, b = values[treat == 1], values[treat == 0]
    n1, n0 = len(a), len(b)
    if n1 < 2 or n0 < 2:
        return float(np.std(values, ddof=1)) if len(values) > 1 else float("nan")
    var = ((n1 - 1) * np.var(a, ddof=1) + (n0 - 1) * np.var(b, ddof=1)) / (n1 + n0 - 2)
    return float(math.sqrt(var))


def _make(
    method: str,
    measure: str,
    estimate: float,
    se: float,
    ci: tuple[float, float],
    p: float,
    n1: int,
    n0: int,
    higher_is_better: bool,
    sd_pooled: float | None = None,
    details: dict[str, Any] | None = None,
    yi: float | None = None,
    vi: float | None = None,
) -> EffectEstimate:
    return EffectEstimate(
        method=method,
        measure=measure,
        estimate=float(estimate),
        se=float(se),
        ci_low=float(ci[0]),
        ci_high=float(ci[1]),
        p_value=float(p),
        n_intervention=int(n1),
        n_comparison=int(n0),
        yi=float(estimate if yi is None else yi),
        vi=float(se * se if vi is None else vi),
        label=LABELS[method],
        higher_is_better=higher_is_better,
        sd_pooled=None if sd_pooled is None or not math.isfinite(sd_pooled) else float(sd_pooled),
        details=tuple((details or {}).items()),
    )


def _coef(res: Any, name: str, alpha: float) -> tuple[float, float, tuple[float, float], float]:
    ci = res.conf_int(alpha=alpha)
    return (
        float(res.params[name]),
        float(res.bse[name]),
        (float(ci.loc[name].iloc[0]), float(ci.loc[name].iloc[1])),
        float(res.pvalues[name]),
    )


# ----------------------------------------------------------------------------------------- designs
def rct_means(
    frame: pd.DataFrame,
    instrument: str,
    *,
    followup: str = "followup_1",
    alpha: float = 0.05,
    higher_is_better: bool = True,
) -> EffectEstimate:
    """Difference in follow-up means, Welch's t interval (statsmodels ``CompareMeans``)."""
    wide = _wide(_select(frame, instrument), followup, (), need_baseline=False)
    y, t = wide["y"].to_numpy(), wide["treat"].to_numpy()
    cm = CompareMeans(DescrStatsW(y[t == 1]), DescrStatsW(y[t == 0]))
    low, high = cm.tconfint_diff(alpha=alpha, usevar="unequal")
    _, p, df = cm.ttest_ind(usevar="unequal")
    diff = float(y[t == 1].mean() - y[t == 0].mean())
    return _make(
        "rct_means",
        "MD",
        diff,
        cm.std_meandiff_separatevar,
        (low, high),
        p,
        (t == 1).sum(),
        (t == 0).sum(),
        higher_is_better,
        _pooled_sd(y, t),
        {
            "df": float(df),
            "mean_intervention": float(y[t == 1].mean()),
            "mean_comparison": float(y[t == 0].mean()),
        },
    )


def rct_proportions(
    frame: pd.DataFrame,
    instrument: str,
    *,
    followup: str = "followup_1",
    alpha: float = 0.05,
    higher_is_better: bool = True,
    measure: str = "RD",
) -> EffectEstimate:
    """Difference in proportions (Newcombe interval, score test) or odds ratio (log, Woolf) of a 0/1 outcome."""
    wide = _wide(_select(frame, instrument), followup, (), need_baseline=False)
    y, t = wide["y"].to_numpy(), wide["treat"].to_numpy()
    if not np.isin(y, (0.0, 1.0)).all():
        raise EvaluationError(
            "value",
            Text(
                "En andel kræver, at værdien er 0 eller 1 i alle rækker.",
                "A proportion needs value 0 or 1 in every row.",
            ),
        )
    c1, n1 = int(y[t == 1].sum()), int((t == 1).sum())
    c0, n0 = int(y[t == 0].sum()), int((t == 0).sum())
    p1, p0 = c1 / n1, c0 / n0
    details = {"p_intervention": p1, "p_comparison": p0, "events_intervention": c1, "events_comparison": c0}
    if measure == "RD":
        se = math.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
        # Newcombe's hybrid score interval (Wilson limits per arm): the Wald interval under-covers
        # with small arms or shares near 0 or 1; yi/vi stay the Wald RD and its variance (metafor's RD)
        low, high = confint_proportions_2indep(c1, n1, c0, n0, method="newcomb", compare="diff", alpha=alpha)
        p = test_proportions_2indep(c1, n1, c0, n0, method="score", compare="diff").pvalue
        return _make(
            "rct_proportions", "RD", p1 - p0, se, (low, high), p, n1, n0, higher_is_better, None, details
        )
    if measure == "OR":
        table = Table2x2(np.array([[c1, n1 - c1], [c0, n0 - c0]], dtype=float), shift_zeros=True)
        log_or, se = float(table.log_oddsratio), float(table.log_oddsratio_se)
        low, high = table.oddsratio_confint(alpha=alpha)
        return _make(
            "rct_proportions",
            "OR",
            math.exp(log_or),
            se,
            (low, high),
            float(table.log_oddsratio_pvalue()),
            n1,
            n0,
            higher_is_better,
            None,
            details,
            yi=log_or,
            vi=se * se,
        )
    raise EvaluationError(
        "measure", Text("Effektmålet skal være RD eller OR.", "measure must be 'RD' or 'OR'.")
    )


def ancova(
    frame: pd.DataFrame,
    instrument: str,
    *,
    followup: str = "followup_1",
    covariates: Sequence[str] = (),
    alpha: float = 0.05,
    higher_is_better: bool = True,
) -> EffectEstimate:
    """OLS of the follow-up on arm + baseline (+ covariates), HC2 robust standard errors."""
    wide = _wide(_select(frame, instrument), followup, covariates, need_baseline=True)
    X = sm.add_constant(wide[["treat", "baseline", *covariates]].astype(float))
    res = sm.OLS(wide["y"].astype(float), X).fit(cov_type="HC2", use_t=True)
    est, se, ci, p = _coef(res, "treat", alpha)
    t = wide["treat"].to_numpy()
    return _make(
        "ancova",
        "MD",
        est,
        se,
        ci,
        p,
        (t == 1).sum(),
        (t == 0).sum(),
        higher_is_better,
        _pooled_sd(wide["y"].to_numpy(), t),
        {"baseline_coef": float(res.params["baseline"])},
    )


def _two_period(sub: pd.DataFrame, followup: str) -> pd.DataFrame:
    two = sub.loc[sub["occasion"].isin(["baseline", followup])].copy()
    if not (two["occasion"] == followup).any() or not (two["occasion"] == "baseline").any():
        raise EvaluationError(
            "occasion",
            Text(
                f"Forskel-i-forskelle kræver målinger ved 'baseline' og '{followup}'.",
                f"Difference-in-differences needs measurements at 'baseline' and '{followup}'.",
            ),
        )
    two["post"] = (two["occasion"] == followup).astype(int)
    two["treat_post"] = two["treat"] * two["post"]
    return two


def _check_few_municipalities(n_clusters: int) -> None:
    if n_clusters < 3:
        raise EvaluationError(
            "cluster",
            Text(
                f"Klynger på kommune kræver mindst 3 kommuner (fandt {n_clusters}).",
                f"Clustering by municipality needs at least 3 municipalities (found {n_clusters}).",
            ),
        )


def did(
    frame: pd.DataFrame,
    instrument: str,
    *,
    followup: str = "followup_1",
    alpha: float = 0.05,
    higher_is_better: bool = True,
    cluster: str = "pseudonym",
) -> EffectEstimate:
    """2×2 difference-in-differences: OLS ``y ~ treat + post + treat:post``, cluster-robust by citizen.

    The point estimate equals (ȳ₁,post − ȳ₁,pre) − (ȳ₀,post − ȳ₀,pre). Citizens seen only once still
    contribute to their cell mean (repeated cross-section); clustering keeps the SE honest for those
    seen twice. statsmodels' cluster correction G/(G−1)·(N−1)/(N−K) and t(G−1) match fixest's CRV1.
    """
    _check_cluster(cluster)
    two = _two_period(_select(frame, instrument), followup)
    X = sm.add_constant(two[["treat", "post", "treat_post"]].astype(float))
    groups = pd.factorize(two[cluster])[0]
    res = sm.OLS(two["value"], X).fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
    est, se, ci, p = _coef(res, "treat_post", alpha)
    n_clusters = int(groups.max() + 1)
    inference = "crv1"
    if cluster == "municipality" and n_clusters < FEW_CLUSTERS:
        # few municipalities: the t(G−1) interval is too narrow; invert the wild cluster bootstrap test
        _check_few_municipalities(n_clusters)
        boot = wild_cluster_bootstrap(
            X.to_numpy(), two["value"].to_numpy(), groups, list(X.columns).index("treat_post"), alpha=alpha
        )
        ci, p, inference = (boot.ci_low, boot.ci_high), boot.p_value, "wild_cluster_bootstrap"
    people = two.drop_duplicates("pseudonym")
    base = two.loc[two["post"] == 0]
    return _make(
        "did",
        "MD",
        est,
        se,
        ci,
        p,
        int(people["treat"].sum()),
        int((1 - people["treat"]).sum()),
        higher_is_better,
        _pooled_sd(base["value"].to_numpy(), base["treat"].to_numpy()),
        {
            "clusters": n_clusters,
            "cluster_by": cluster,
            "inference": inference,
            "assigned_by_municipality": _assigned_by_municipality(people, "treat"),
        },
    )


def _assigned_by_municipality(people: pd.DataFrame, column: str) -> bool:
    """True when every municipality's citizens share one treatment (the municipality is what adopts)."""
    per_municipality = people.groupby("municipality")[column].nunique(dropna=False)
    return bool(len(per_municipality) > 1 and (per_municipality == 1).all())


def _panel(sub: pd.DataFrame, need_cohort: bool) -> pd.DataFrame:
    """Citizen × period panel with the treatment indicator ``treated``."""
    panel = sub.copy()
    if "period" in panel.columns:
        panel["time"] = pd.to_numeric(panel["period"], errors="coerce")
        if panel["time"].isna().any():
            raise EvaluationError(
                "period", Text("Perioden skal være et helt tal.", "period must be an integer.")
            )
        panel["time"] = panel["time"].astype(int)
    elif need_cohort:
        raise EvaluationError(
            "period",
            Text(
                "Forskudt opstart kræver kolonnerne 'period' og 'treated_from'.",
                "Staggered adoption needs the columns 'period' and 'treated_from'.",
            ),
        )
    else:
        panel["time"] = panel["occasion_no"]
    if "treated_from" in panel.columns and "period" not in panel.columns:
        raise EvaluationError(
            "period",
            Text(
                "Kolonnen 'treated_from' angiver en periode; så skal målingerne også have kolonnen 'period'.",
                "'treated_from' is a period, so the measurements need a 'period' column too.",
            ),
        )
    if "treated_from" in panel.columns:
        cohort = pd.to_numeric(panel["treated_from"], errors="coerce")
        panel["cohort"] = cohort.fillna(0).astype(int)  # 0 = never treated (pyfixest convention)
        panel["treated"] = ((cohort.notna()) & (panel["time"] >= cohort)).astype(int)
    elif need_cohort:
        raise EvaluationError(
            "treated_from",
            Text(
                "Forskudt opstart kræver kolonnen 'treated_from' (første periode med indsatsen).",
                "Staggered adoption needs 'treated_from' (first period with the intervention).",
            ),
        )
    else:
        panel["treated"] = (panel["treat"] * (panel["occasion_no"] > 0)).astype(int)
    if panel.duplicated(["pseudonym", "time"]).any():
        raise EvaluationError(
            "period",
            Text(
                "En borger har flere målinger i samme periode på samme redskab.",
                "A citizen has more than one measurement in the same period on the same instrument.",
            ),
        )
    return panel


def twfe(
    frame: pd.DataFrame,
    instrument: str,
    *,
    alpha: float = 0.05,
    higher_is_better: bool = True,
) -> EffectEstimate:
    """Two-way fixed effects (citizen + period) with linearmodels ``PanelOLS``, clustered by citizen.

    The SE is CRV1 with the factor G/(G−1) and no count of the nested citizen effects.
    Unbiased when the effect is the same for every adoption cohort and period; with staggered adoption
    and effects that change over time use ``staggered`` instead (the TWFE weights can turn negative).
    """
    from linearmodels.panel import PanelOLS

    panel = _panel(_select(frame, instrument), need_cohort=False)
    if panel["treated"].nunique() < 2:
        raise EvaluationError(
            "arm",
            Text("Der er ingen variation i, hvem der har fået indsatsen.", "No variation in treatment."),
        )
    data = panel.set_index(["pseudonym", "time"]).sort_index()
    model = PanelOLS(data["value"], data[["treated"]], entity_effects=True, time_effects=True)
    # Citizen effects are nested in the citizen clusters, so they are not counted in the degrees of
    # freedom (Cameron & Miller 2015): counting them inflates the SE by sqrt(T/(T-1)) in short panels.
    # The small-sample factor is G/(G-1), the same as fixest's CRV1 with ssc(k_adj=False).
    res = model.fit(
        cov_type="clustered",
        cluster_entity=True,
        auto_df=False,
        count_effects=False,
        debiased=True,
        group_debias=True,
    )
    ci = res.conf_int(level=1 - alpha).loc["treated"]
    people = panel.groupby("pseudonym")["treated"].max()
    base = panel.loc[panel["treated"] == 0]
    return _make(
        "twfe",
        "MD",
        float(res.params["treated"]),
        float(res.std_errors["treated"]),
        (float(ci.iloc[0]), float(ci.iloc[1])),
        float(res.pvalues["treated"]),
        int(people.sum()),
        int((people == 0).sum()),
        higher_is_better,
        _pooled_sd(base["value"].to_numpy(), base["treat"].to_numpy()),
        {"entities": int(res.entity_info["total"]), "periods": int(panel["time"].nunique())},
    )


def staggered(
    frame: pd.DataFrame,
    instrument: str,
    *,
    alpha: float = 0.05,
    higher_is_better: bool = True,
    cluster: str = "pseudonym",
) -> EffectEstimate:
    """Staggered adoption: Gardner's two-stage DiD (pyfixest ``did2s``), overall ATT.

    Stage 1 fits citizen and period effects on the not-yet- and never-treated observations only; stage 2
    regresses the residualised outcome on the treatment indicator. Robust to effects that differ by
    adoption wave and over time (unlike plain TWFE); the SE accounts for the first stage.
    """
    _check_cluster(cluster)
    import pyfixest as pf  # pinned; imported here because it is slow to import and rarely needed

    panel = _panel(_select(frame, instrument), need_cohort=True)
    if panel["treated"].nunique() < 2 or (panel["treated"] == 0).sum() < 2:
        raise EvaluationError(
            "treated_from",
            Text(
                "Forskudt opstart kræver både behandlede og (endnu) ikke-behandlede målinger.",
                "Staggered adoption needs both treated and not-yet-treated observations.",
            ),
        )
    # Stage 1 needs an untreated observation in every period and for every citizen: periods in which
    # everyone is already treated (no never-treated group left) and citizens treated from their first
    # period carry no identifying information without extrapolation, so they are left out.
    # A citizen or period with a single untreated observation is a singleton in stage 1: its fixed effect
    # is not estimated (pyfixest drops it), so its treated observations cannot be imputed either. Such
    # observations are left out too, repeatedly, as dropping some can create new singletons.
    before = len(panel)
    while True:
        untreated = panel.loc[panel["treated"] == 0]
        people = untreated["pseudonym"].value_counts()
        periods = untreated["time"].value_counts()
        keep = panel["pseudonym"].isin(people.index[people >= 2]) & panel["time"].isin(
            periods.index[periods >= 2]
        )
        if keep.all():
            break
        panel = panel.loc[keep]
    dropped = before - len(panel)
    if panel["treated"].nunique() < 2:
        raise EvaluationError(
            "treated_from",
            Text(
                "Der er ingen perioder med både behandlede og endnu ikke behandlede borgere.",
                "No period has both treated and not-yet-treated citizens.",
            ),
        )
    data = panel[["time", "value", "treated", "cohort"]].copy()
    data["unit"] = pd.factorize(panel["pseudonym"])[0]
    data["cl"] = pd.factorize(panel[cluster])[0]
    fit = pf.did2s(
        data,
        yname="value",
        first_stage="~ 0 | unit + time",
        second_stage="~ treated",
        treatment="treated",
        cluster="cl",
    )
    tidy = fit.tidy(alpha=alpha)
    row = tidy.loc["treated"]
    ci_cols = [c for c in tidy.columns if "%" in str(c)]
    ci, p = (float(row[ci_cols[0]]), float(row[ci_cols[1]])), float(row["Pr(>|t|)"])
    n_clusters, inference = int(data["cl"].nunique()), "crv1"
    if cluster == "municipality" and n_clusters < FEW_CLUSTERS:
        # few municipalities: invert the wild cluster bootstrap test of the two-stage ATT
        _check_few_municipalities(n_clusters)
        boot = imputation_bootstrap(
            data["unit"].to_numpy(),
            data["time"].to_numpy(),
            data["treated"].to_numpy(),
            data["value"].to_numpy(),
            data["cl"].to_numpy(),
            alpha=alpha,
        )
        ci, p, inference = (boot.ci_low, boot.ci_high), boot.p_value, "wild_cluster_bootstrap"
    # The groups are counted in the analysed window: a citizen is in the intervention group when some of
    # their observations are treated, in the comparison group when none are. When every municipality
    # adopts (the normal roll-out), the last wave is never treated inside the window (its treated periods
    # have no untreated observation left and are left out), so it is the comparison group; earlier waves
    # also serve as not-yet-treated controls before they start.
    ever_treated = panel.groupby("pseudonym")["treated"].max()
    base = panel.loc[panel["treated"] == 0]
    treated_periods = panel.loc[panel["treated"] == 1, "time"].unique()
    controls = base.loc[base["time"].isin(treated_periods)]
    per_cohort = panel.loc[panel["treated"] == 1].groupby("cohort")["pseudonym"].nunique()
    return _make(
        "staggered",
        "MD",
        float(row["Estimate"]),
        float(row["Std. Error"]),
        ci,
        p,
        int((ever_treated == 1).sum()),
        int((ever_treated == 0).sum()),
        higher_is_better,
        _pooled_sd(base["value"].to_numpy(), base["treat"].to_numpy()),
        {
            "cluster_by": cluster,
            "clusters": n_clusters,
            "inference": inference,
            "assigned_by_municipality": _assigned_by_municipality(
                panel.drop_duplicates("pseudonym"), "cohort"
            ),
            "never_treated_citizens": int(panel.loc[panel["cohort"] == 0, "pseudonym"].nunique()),
            "not_yet_treated_citizens": int(controls.loc[controls["cohort"] > 0, "pseudonym"].nunique()),
            "observations_left_out": dropped,
            "cohorts": tuple(int(c) for c in per_cohort.index),
            "citizens_per_cohort": tuple(int(v) for v in per_cohort.to_numpy()),
        },
    )


def propensity_match(
    people: pd.DataFrame,
    covariates: Sequence[str],
    *,
    treat_col: str = "treat",
    caliper: float = 0.2,
) -> pd.DataFrame:
    """1:1 nearest-neighbour matching without replacement on the logit of a Logit propensity score.

    Greedy, hardest-to-match first (highest score), caliper ``caliper`` × SD of the logit (Austin 2011).
    Returns the matched rows of ``people`` with ``pair`` (int) and ``pscore`` columns added. A covariate that
    has the same value for everyone is left out: it separates no one, and beside the constant it would make the
    model singular (whether the solver notices depends on the CPU's rounding).
    """
    values = people[list(covariates)].astype(float)
    X = sm.add_constant(values.loc[:, values.nunique() > 1], has_constant="add")
    t = people[treat_col].to_numpy().astype(int)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PerfectSeparationWarning)
            model = sm.Logit(t, X).fit(disp=0)
    except (np.linalg.LinAlgError, PerfectSeparationError, PerfectSeparationWarning) as exc:
        raise EvaluationError(
            "covariates",
            Text(
                "Baggrundsvariablerne kan ikke bruges til en propensity score: de adskiller grupperne "
                "fuldstændigt eller er lineært afhængige, så der findes ingen sammenlignelige borgere.",
                f"The covariates cannot form a propensity model: {exc}.",
            ),
        ) from None
    ps = np.clip(np.asarray(model.predict(X)), 1e-9, 1 - 1e-9)
    logit = np.log(ps / (1 - ps))
    width = caliper * float(np.std(logit, ddof=1))
    treated = np.flatnonzero(t == 1)
    controls = np.flatnonzero(t == 0)
    order_c = controls[np.argsort(logit[controls], kind="stable")]
    c_scores = logit[order_c]
    used = np.zeros(len(order_c), dtype=bool)
    pairs: list[tuple[int, int]] = []
    for i in treated[np.argsort(-logit[treated], kind="stable")]:
        pos = int(np.searchsorted(c_scores, logit[i]))
        best, best_dist = -1, width
        left, right = pos - 1, pos
        while left >= 0 and used[left]:
            left -= 1
        while right < len(order_c) and used[right]:
            right += 1
        for j in (left, right):
            if 0 <= j < len(order_c):
                dist = abs(c_scores[j] - logit[i])
                if dist <= best_dist:
                    best, best_dist = j, dist
        if best >= 0:
            used[best] = True
            pairs.append((int(i), int(order_c[best])))
    if not pairs:
        return people.iloc[0:0].assign(pair=pd.Series(dtype=int), pscore=pd.Series(dtype=float))
    idx = np.array(pairs)
    rows = np.concatenate([idx[:, 0], idx[:, 1]])
    pair_ids = np.concatenate([np.arange(len(pairs)), np.arange(len(pairs))])
    matched = people.iloc[rows].copy()
    matched["pair"] = pair_ids
    matched["pscore"] = ps[rows]
    return matched


def standardised_differences(
    frame: pd.DataFrame, covariates: Sequence[str], treat_col: str = "treat"
) -> dict[str, float]:
    """Balance: (mean₁ − mean₀) / sqrt((s₁² + s₀²)/2) per covariate."""
    out: dict[str, float] = {}
    t = frame[treat_col] == 1
    for c in covariates:
        a, b = frame.loc[t, c].astype(float), frame.loc[~t, c].astype(float)
        denom = math.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2.0)
        out[c] = float((a.mean() - b.mean()) / denom) if denom > 0 else 0.0
    return out


def psm(
    frame: pd.DataFrame,
    instrument: str,
    *,
    followup: str = "followup_1",
    covariates: Sequence[str] = (),
    alpha: float = 0.05,
    higher_is_better: bool = True,
    caliper: float = 0.2,
) -> EffectEstimate:
    """Effect on the treated in a propensity-matched comparison group (non-randomised designs).

    The score uses the baseline measurement and ``covariates``. After matching, OLS of the follow-up on
    arm + the matching covariates in the matched sample (regression adjustment removes what imbalance
    the matching leaves: Ho, Imai, King & Stuart 2007), SEs clustered by matched pair (Austin 2011;
    the MatchIt guidance for matching without replacement).
    """
    wide = _wide(_select(frame, instrument), followup, covariates, need_baseline=True)
    cov = ["baseline", *covariates]
    matched = propensity_match(wide, cov, caliper=caliper)
    n_pairs = len(matched) // 2
    if n_pairs < 2:
        raise EvaluationError(
            "covariates",
            Text(
                "For få borgere kunne matches til en sammenligningsgruppe.",
                "Too few citizens could be matched.",
            ),
        )
    X = sm.add_constant(matched[["treat", *cov]].astype(float))
    res = sm.OLS(matched["y"].astype(float), X).fit(
        cov_type="cluster", cov_kwds={"groups": matched["pair"].to_numpy()}, use_t=True
    )
    est, se, ci, p = _coef(res, "treat", alpha)
    return _make(
        "psm",
        "MD",
        est,
        se,
        ci,
        p,
        n_pairs,
        n_pairs,
        higher_is_better,
        _pooled_sd(matched["y"].to_numpy(), matched["treat"].to_numpy()),
        {
            "pairs": n_pairs,
            "unmatched_intervention": int(wide["treat"].sum()) - n_pairs,
            "balance_before": tuple(standardised_differences(wide, cov).items()),
            "balance_after": tuple(standardised_differences(matched, cov).items()),
        },
    )


def estimate_effect(
    frame: pd.DataFrame,
    design: str,
    instrument: str,
    *,
    followup: str = "followup_1",
    covariates: Sequence[str] = (),
    alpha: float = 0.05,
    higher_is_better: bool = True,
    **options: Any,
) -> EffectEstimate:
    """Estimate the effect on ``instrument`` with ``design`` (one of ``DESIGNS``)."""
    if not 0.0 < alpha < 1.0:
        raise EvaluationError(
            "alpha", Text("Signifikansniveauet skal ligge mellem 0 og 1.", "alpha must be in (0, 1).")
        )
    common: dict[str, Any] = {"alpha": alpha, "higher_is_better": higher_is_better, **options}
    if design == "rct_means":
        return rct_means(frame, instrument, followup=followup, **common)
    if design == "rct_proportions":
        return rct_proportions(frame, instrument, followup=followup, **common)
    if design == "ancova":
        return ancova(frame, instrument, followup=followup, covariates=covariates, **common)
    if design == "did":
        return did(frame, instrument, followup=followup, **common)
    if design == "twfe":
        return twfe(frame, instrument, **common)
    if design == "staggered":
        return staggered(frame, instrument, **common)
    if design == "psm":
        return psm(frame, instrument, followup=followup, covariates=covariates, **common)
    raise EvaluationError(
        "design",
        Text(
            f"Ukendt evalueringsdesign '{design}'. Vælg et af: {', '.join(DESIGNS)}.",
            f"Unknown design '{design}'; choose one of {DESIGNS}.",
        ),
    )


@dataclass(frozen=True)
class GroupEstimate:
    """The effect in one subgroup (e.g. a municipality, men/women); None when it may not be shown."""

    group: str
    estimate: EffectEstimate | None
    reason: Text | None  # why there is no estimate; None when there is one


def estimate_by(
    frame: pd.DataFrame,
    design: str,
    instrument: str,
    by: str,
    *,
    min_per_arm: int = SMALL_CELL_THRESHOLD,
    **options: Any,
) -> list[GroupEstimate]:
    """For whom does it work: the same design within each value of column ``by``.

    A group with fewer than ``min_per_arm`` citizens in either arm is not estimated (the small-cell
    rule); a group where the design cannot run gets the engine's reason (a Text) instead of a number.
    """
    validate_measurements(frame)
    if by not in frame.columns:
        raise EvaluationError(by, Text(f"Kolonnen '{by}' mangler.", f"The column '{by}' is missing."))
    out: list[GroupEstimate] = []
    for value, grp in frame.loc[frame["instrument"] == instrument].groupby(by, sort=True):
        people = grp.drop_duplicates("pseudonym")
        n1 = int((people["arm"] == "intervention").sum())
        n0 = len(people) - n1
        if n1 < min_per_arm or n0 < min_per_arm:
            out.append(
                GroupEstimate(
                    str(value),
                    None,
                    Text(
                        f"For få borgere til at vise et tal (under {min_per_arm} i en gruppe).",
                        f"Too few citizens to show a figure (under {min_per_arm} in a group).",
                    ),
                )
            )
            continue
        try:
            out.append(GroupEstimate(str(value), estimate_effect(grp, design, instrument, **options), None))
        except EvaluationError as exc:
            out.append(GroupEstimate(str(value), None, exc.message))
    return out


@dataclass(frozen=True)
class SubgroupEffects:
    """For whom does it work: the effect within each value of a pre-declared subgroup variable and the
    test of whether the effect differs between them (the treatment × subgroup interaction)."""

    by: str
    design: str
    groups: tuple[GroupEstimate, ...]
    tested_groups: tuple[str, ...]  # the groups in the interaction test (those shown with a number)
    statistic: float | None  # Wald F of all treatment × group interactions = 0 (HC2)
    df_num: int | None
    df_denom: int | None
    p_value: float | None
    reason: Text | None  # why there is no test (None when there is one)


def _not_derivable(
    groups: list[GroupEstimate], sub: pd.DataFrame, by: str, hidden: set[str], threshold: int
) -> list[GroupEstimate]:
    """Complementary suppression of the groups: see ``subgroup_effects``. Drops the ``hidden`` groups."""
    people = sub.drop_duplicates([by, "pseudonym"])
    intervention = people["arm"] == "intervention"
    withheld = {g.group for g in groups if g.estimate is None} | hidden
    for arm in (intervention, ~intervention):
        counts = people.loc[arm].groupby(by).size()
        parts = {str(k): int(v) for k, v in counts.items()}
        shown, _total = protect_total(
            parts, sum(parts.values()), hidden=withheld & set(parts), threshold=threshold
        )
        withheld |= {k for k, v in shown.items() if v is None}
    reason = Text(
        "Udeladt, så en mindre gruppe ikke kan regnes ud ved at trække fra.",
        "Withheld so that a smaller group cannot be worked out by subtraction.",
    )
    return [
        g if g.estimate is None or g.group not in withheld else GroupEstimate(g.group, None, reason)
        for g in groups
        if g.group not in hidden
    ]


def subgroup_effects(
    frame: pd.DataFrame,
    instrument: str,
    by: str,
    *,
    followup: str = "followup_1",
    adjust_baseline: bool = True,
    alpha: float = 0.05,
    higher_is_better: bool = True,
    min_per_arm: int = SMALL_CELL_THRESHOLD,
    hidden: Collection[str] = (),
) -> SubgroupEffects:
    """The effect per value of ``by`` (``estimate_by`` with ANCOVA, or the difference in means without the
    baseline) and the interaction test: OLS ``y ~ treat * C(by) [+ baseline]`` with HC2 errors (statsmodels),
    Wald F that every treatment × group term is 0. Only groups with ``min_per_arm`` citizens in both arms
    enter the test (a smaller group shows no number, so it cannot weigh in a test shown next to them).

    No group's size can be worked out by subtraction either: within each arm the citizens of the groups
    without a number (and of the ``hidden`` groups, e.g. unknown age, never shown but counted in the
    overall estimate) must be 0 or at least ``min_per_arm`` together, else the smallest shown group is
    withheld too (``privacy.protect_total``), and it stays out of the test.

    Declare the subgroups before looking at the data: a test per post-hoc split finds "differences" by
    chance (Sun, Briel, Walter & Guyatt 2010).
    """
    import statsmodels.formula.api as smf

    design = "ancova" if adjust_baseline else "rct_means"
    groups = _not_derivable(
        estimate_by(
            frame,
            design,
            instrument,
            by,
            min_per_arm=min_per_arm,
            followup=followup,
            alpha=alpha,
            higher_is_better=higher_is_better,
        ),
        frame.loc[frame["instrument"] == instrument],
        by,
        set(hidden),
        min_per_arm,
    )
    tested = tuple(g.group for g in groups if g.estimate is not None)
    if len(tested) < 2:
        return SubgroupEffects(
            by,
            design,
            tuple(groups),
            tested,
            None,
            None,
            None,
            None,
            Text(
                "Der skal være mindst to grupper med et resultat for at teste, om effekten er forskellig.",
                "At least two groups with a result are needed to test whether the effect differs.",
            ),
        )
    sub = _select(frame, instrument)
    extra = () if by in ("pseudonym", "municipality") else (by,)
    wide = _wide(sub, followup, extra, need_baseline=adjust_baseline)
    wide["g"] = wide[by].astype(str)
    wide = wide.loc[wide["g"].isin(tested)]
    formula = "y ~ treat * C(g)" + (" + baseline" if adjust_baseline else "")
    res = smf.ols(formula, data=wide).fit(cov_type="HC2", use_t=True)
    names = [n for n in res.params.index if n.startswith("treat:")]
    restriction = np.zeros((len(names), len(res.params)))
    for i, name in enumerate(names):
        restriction[i, list(res.params.index).index(name)] = 1.0
    test = res.wald_test(restriction, use_f=True, scalar=True)
    return SubgroupEffects(
        by=by,
        design=design,
        groups=tuple(groups),
        tested_groups=tested,
        statistic=float(test.statistic),
        df_num=int(test.df_num),
        df_denom=int(test.df_denom),
        p_value=float(test.pvalue),
        reason=None,
    )
