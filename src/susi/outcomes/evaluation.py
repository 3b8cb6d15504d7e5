"""Glue between the outcome data and the evaluation engine: load a frame, call the engine, apply the
small-cell rule, draw the chart. Returns plain dicts the pages and the API both use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from susi.engines.evaluation.errors import EvaluationError
from susi.engines.evaluation.estimators import LABELS, estimate_effect
from susi.engines.evaluation.privacy import SMALL_CELL_THRESHOLD as SMALL_CELL
from susi.engines.evaluation.privacy import is_reportable
from susi.engines.text import Text
from susi.web.i18n import localized

from . import charts, selectors
from .models import Instrument

COVARIATE_DESIGNS = ("ancova", "psm")
CLUSTER_DESIGNS = ("did", "staggered")  # the designs whose standard error can be clustered by municipality
CLUSTERS = ("pseudonym", "municipality")
SURVIVAL = "survival"
DESIGN_LABELS = {
    **LABELS,
    SURVIVAL: Text("Tid til udfald (Kaplan–Meier og Cox)", "Time to outcome (Kaplan–Meier and Cox)"),
}


@dataclass
class EstimateResult:
    instrument: Instrument
    design: str
    followup: int
    estimate: Any = None  # the engine's EffectEstimate, or None
    error: str = ""
    means: list[dict[str, Any]] | None = None
    chart: str = ""
    curves: list[Any] | None = None  # Kaplan–Meier curves, cut where fewer than 5 are at risk
    baseline_rate: float | None = None  # share reaching success without the intervention (for SØM)
    cluster: str = "pseudonym"  # what the standard error is clustered by ('pseudonym' or 'municipality')

    @property
    def matching(self) -> dict[str, Any] | None:
        """For propensity matching: pairs, intervention citizens left unmatched (None for 1-4: the
        small-cell rule) and each covariate's standardised difference before and after matching."""
        est = self.estimate
        if est is None or est.method != "psm":
            return None
        unmatched = int(est.detail("unmatched_intervention", 0))
        before = dict(est.detail("balance_before", ()))
        after = dict(est.detail("balance_after", ()))
        return {
            "pairs": int(est.detail("pairs", 0)),
            "unmatched": unmatched if unmatched == 0 or is_reportable(unmatched) else None,
            "balance": [
                {"covariate": name, "before": before[name], "after": after.get(name)} for name in before
            ],
        }

    @property
    def clustering(self) -> str:
        """Which clustering the interval used, as a sentence for the page ('' when not clustered)."""
        est = self.estimate
        if est is None or est.detail("cluster_by") is None:
            return ""
        n = est.detail("clusters", 0)
        if est.detail("cluster_by") == "municipality":
            if est.detail("inference") == "wild_cluster_bootstrap":
                return _(
                    "Usikkerheden er klynget på kommune (%(n)d kommuner). Med under 30 kommuner er "
                    "intervallet og p-værdien fra en wild cluster bootstrap med Webb-vægte."
                ) % {"n": n}
            if n < 30:
                return _(
                    "Usikkerheden er klynget på kommune (%(n)d kommuner). Med under 30 kommuner kan "
                    "intervallet være for smalt."
                ) % {"n": n}
            return _("Usikkerheden er klynget på kommune (%(n)d kommuner).") % {"n": n}
        return _("Usikkerheden er klynget på borger (%(n)d borgere).") % {"n": n}

    @property
    def clustering_warning(self) -> str:
        """A warning when the municipalities adopted the intervention but the citizens are the clusters."""
        est = self.estimate
        if (
            est is None
            or est.detail("cluster_by") != "pseudonym"
            or not est.detail("assigned_by_municipality")
        ):
            return ""
        return _(
            "Det er kommunerne, der har taget indsatsen i brug, men usikkerheden er klynget på borger. "
            "Borgere i samme kommune ligner hinanden, så intervallet er for smalt: vælg klynger på kommune."
        )

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
        """The SØM success rate: the additional share reaching the success outcome.

        For a yes/no outcome (RD) the comparison group's share is the baseline; for other measures the
        user gives the baseline rate (the share who reach success without the intervention).
        """
        if self.estimate is None:
            return None
        base = self.baseline_rate
        if base is None and self.estimate.measure == "RD":
            comparison = [
                m for m in (self.means or []) if m["arm"] != "intervention" and m["period"] == self.followup
            ]
            base = comparison[0]["mean"] if comparison and comparison[0]["mean"] is not None else None
        if base is None:
            return None
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
                label=localized(est.label),
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
                cluster_by=est.detail("cluster_by"),
                clusters=est.detail("clusters"),
                inference=est.detail("inference"),
                clustering=self.clustering,
                clustering_warning=self.clustering_warning,
                matching=self.matching,
            )
            smd, rate = self.smd, self.success_rate
            data["smd"] = {"yi": smd.yi, "vi": smd.vi} if smd else None
            data["som_success_rate"] = {"mean": rate.mean, "sd": rate.sd} if rate else None
        return data


def default_estimate(initiative, instrument: Instrument, design: str, followup: int) -> EstimateResult:
    """The outcomes page's default estimate, computed once per state of the data (a new import batch or an
    erasure makes a new key), not on every view. The same for every viewer: aggregates only."""
    key = ":".join(
        str(part)
        for part in (
            "outcomes-default-estimate",
            initiative.pk,
            *selectors.data_version(initiative),
            instrument.pk,
            design,
            followup,
            get_language(),
        )
    )
    result = cache.get(key)
    if result is None:
        result = run_estimate(initiative, instrument, design, followup)
        cache.set(key, result, timeout=7 * 24 * 3600)
    return result


def run_estimate(
    initiative,
    instrument: Instrument,
    design: str,
    followup: int,
    *,
    chart: bool = True,
    baseline_rate: float | None = None,
    cluster: str = "pseudonym",
) -> EstimateResult:
    """Estimate the effect on ``instrument``; any figure from fewer than 5 citizens is withheld.

    ``cluster`` ('pseudonym' or 'municipality') applies to the designs in ``CLUSTER_DESIGNS``.
    """
    result = EstimateResult(
        instrument=instrument, design=design, followup=followup, baseline_rate=baseline_rate, cluster=cluster
    )
    frame = selectors.measurements_frame(initiative, instrument)
    if frame.empty:
        result.error = _("Der er ingen målinger på dette måleredskab endnu.")
        return result
    result.means = selectors.arm_means(frame, instrument.code)
    if design == SURVIVAL:
        return _run_survival(result, frame, instrument, chart)
    covariates = [c for c in ("age",) if design in COVARIATE_DESIGNS and frame[c].notna().all()]
    options: dict[str, Any] = {"cluster": cluster} if design in CLUSTER_DESIGNS else {}
    try:
        estimate = estimate_effect(
            frame,
            design,
            instrument.code,
            followup=f"followup_{followup}",
            covariates=covariates,
            higher_is_better=instrument.higher_is_better,
            **options,
        )
    except EvaluationError as exc:
        result.error = localized(exc.message)
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


def _run_survival(result: EstimateResult, frame, instrument: Instrument, chart: bool) -> EstimateResult:
    from susi.engines.evaluation.survival import cox, kaplan_meier

    if instrument.kind != Instrument.Kind.BINARY:
        result.error = _("Tid til udfald kræver et ja/nej-måleredskab.")
        return result
    times = selectors.time_to_outcome_frame(frame, instrument.code)
    counts = times["arm"].value_counts()
    if min(counts.get("intervention", 0), counts.get("comparison", 0)) < SMALL_CELL:
        result.error = _("For få borgere (under 5 i en gruppe) til at vise et resultat.")
        return result
    try:
        result.estimate = cox(times, higher_is_better=instrument.higher_is_better)
        result.curves = [_cut(curve) for curve in kaplan_meier(times)]
    except EvaluationError as exc:
        result.error = localized(exc.message)
        result.estimate = None
    if chart and result.curves:
        result.chart = charts.survival_chart(result.curves, result.estimate, instrument.name)
    return result


def _cut(curve):
    """A Kaplan–Meier curve up to the last time with at least 5 citizens at risk (the small-cell rule)."""
    from dataclasses import replace

    keep = [i for i, n in enumerate(curve.n_at_risk) if n >= SMALL_CELL]
    last = keep[-1] + 1 if keep else 0
    return replace(
        curve,
        times=curve.times[:last],
        survival=curve.survival[:last],
        ci_low=curve.ci_low[:last],
        ci_high=curve.ci_high[:last],
        n_at_risk=curve.n_at_risk[:last],
    )


#: The subgroups an evaluation may be split by, declared here before anyone looks at the results (a
#: split chosen after seeing the data finds "differences" by chance). Each maps a name to how the
#: measurements frame's columns give the group.
DECLARED_SUBGROUPS = ("municipality", "sex", "age_group")


#: The names of the sex groups, in the reader's language (the age groups are numbers).
SEX_GROUPS = {"kvinde": Text("kvinde", "woman"), "mand": Text("mand", "man")}


def _group_name(group: str) -> str:
    return localized(SEX_GROUPS[group]) if group in SEX_GROUPS else group


def _age_group(age: float) -> str:
    if age != age:  # NaN: birth year unknown
        return ""
    return "under 30" if age < 30 else ("30-49" if age < 50 else "50+")


def run_subgroups(initiative, instrument: Instrument, by: str, followup: int) -> dict[str, Any]:
    """For whom: the effect (ANCOVA) within each declared subgroup and the treatment × subgroup test.

    Groups with fewer than 5 citizens in an arm show no number and stay out of the test.
    """
    from susi.engines.evaluation.estimators import subgroup_effects

    if by not in DECLARED_SUBGROUPS:
        raise EvaluationError(
            "by",
            Text(
                "Vælg en af de forhåndsdefinerede undergrupper: kommune, køn eller aldersgruppe.",
                "Choose one of the declared subgroups: municipality, sex or age group.",
            ),
        )
    frame = selectors.measurements_frame(initiative, instrument)
    if frame.empty:
        raise EvaluationError(
            "instrument",
            Text(
                "Der er ingen målinger på dette måleredskab endnu.",
                "There are no measurements on this instrument yet.",
            ),
        )
    if by == "sex":
        frame["sex_group"] = frame["female"].map({1.0: "kvinde", 0.0: "mand"})
    elif by == "age_group":
        frame["age_group"] = frame["age"].map(_age_group)
    column = {"sex": "sex_group"}.get(by, by)
    # citizens of unknown sex or age are never a group of their own, but the overall estimate counts them,
    # so they take part in the small-cell subtraction check
    frame[column] = frame[column].fillna("").astype(str)
    result = subgroup_effects(
        frame,
        instrument.code,
        column,
        followup=f"followup_{followup}",
        higher_is_better=instrument.higher_is_better,
        hidden=("",),
    )
    return {
        "by": by,
        "design": result.design,
        "groups": [
            {
                "group": _group_name(g.group),
                "estimate": g.estimate.estimate if g.estimate else None,
                "ci_low": g.estimate.ci_low if g.estimate else None,
                "ci_high": g.estimate.ci_high if g.estimate else None,
                "n_intervention": g.estimate.n_intervention if g.estimate else None,
                "n_comparison": g.estimate.n_comparison if g.estimate else None,
                "reason": localized(g.reason) if g.reason else "",
            }
            for g in result.groups
        ],
        "interaction": {
            "groups_tested": [_group_name(g) for g in result.tested_groups],
            "f": result.statistic,
            "df_num": result.df_num,
            "df_denom": result.df_denom,
            "p_value": result.p_value,
            "reason": localized(result.reason) if result.reason else "",
        },
    }
