"""Meta-analysis: fixed and random effects, meta-regression on one moderator, subgroups, influence, Egger.

One weighted-least-squares core (`_fit`) serves every model, the way `metafor::rma.uni` does: an
intercept-only model is the meta-analysis, an intercept plus one column is the meta-regression, an intercept
plus group dummies is the test for subgroup differences, and an intercept plus the standard errors is Egger's
regression test. The estimators of the between-study variance τ² are written once, for a general design
matrix X, so a pin on one model checks them all.

Estimators (metafor's `method=`):

- ``FE``   τ² = 0 (metafor calls it "EE"/"FE": the common-effect model).
- ``DL``   DerSimonian–Laird, the method-of-moments estimator: (Q − (k − p)) / tr(P₀), truncated at 0.
- ``REML`` restricted maximum likelihood, Fisher scoring from the DL value with step halving at the
           boundary, tolerance 1e-10 (metafor: threshold 1e-5 on the *change*, so agreement is ~1e-5 or better).
- ``PM``   Paule–Mandel: the τ² at which the generalised Q equals its expectation k − p (root by Brent).

Inference (metafor's `test=`): ``z`` uses the normal distribution; Hartung–Knapp (``test="knha"``) scales
the covariance of the coefficients by s² = Σ wᵢ(yᵢ − xᵢb)² / (k − p) and uses t with k − p degrees of
freedom. Like metafor (and unlike the "modified" variant), s² is not truncated at 1.

Heterogeneity as metafor reports it: Q with k − p degrees of freedom; for random-effects models
I² = τ² / (τ² + s²) and H² = (τ² + s²)/s² with the "typical" sampling variance s² = (k − p)/tr(P₀); for the
fixed-effect model I² = (Q − (k − p))/Q and H² = Q/(k − p). The confidence interval for τ² is the Q-profile
interval (metafor's `confint()` default), and I², H² intervals follow from its ends.

statsmodels' `combine_effects` covers FE, DL, PM and the Hartung–Knapp scale for an intercept-only model;
it has neither REML nor moderators, and it reports I² from Q rather than from τ² (so its I² differs from
metafor's for PM). We keep our own core for that reason and check it against `combine_effects` in the tests
where both apply; Egger's classical ``lm`` variant is a plain weighted regression and is fitted with
statsmodels' WLS.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, stats

from susi.engines.text import Text

from .effect_sizes import EffectSizes
from .errors import EvidenceInputError

FloatArray = NDArray[np.float64]

REML_TOLERANCE = 1e-10
REML_MAX_ITERATIONS = 1000


class Method(StrEnum):
    FE = "FE"
    DL = "DL"
    REML = "REML"
    PM = "PM"


METHOD_LABELS: dict[Method, Text] = {
    Method.FE: Text("fixed effect (fælles effekt)", "fixed effect (common effect)"),
    Method.DL: Text("random effects, DerSimonian–Laird", "random effects, DerSimonian–Laird"),
    Method.REML: Text("random effects, REML", "random effects, REML"),
    Method.PM: Text("random effects, Paule–Mandel", "random effects, Paule–Mandel"),
}


def _method(method: Method | str) -> Method:
    try:
        return Method(str(method).upper())
    except ValueError as exc:
        raise EvidenceInputError(
            "method",
            Text(
                f"Ukendt metode '{method}'; brug FE, DL, REML eller PM.",
                f"Unknown method '{method}'; use FE, DL, REML or PM.",
            ),
        ) from exc


def _check_level(level: float) -> None:
    if not 0 < level < 1:
        raise EvidenceInputError(
            "level",
            Text(
                "Konfidensniveauet skal ligge mellem 0 og 1.",
                "The confidence level must lie between 0 and 1.",
            ),
        )


# ---------------------------------------------------------------------------------------------------------
# The weighted-least-squares core
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Projection:
    """Everything about P = W − W X (XᵀWX)⁻¹ XᵀW that the estimators need, in O(k·p²)."""

    w: FloatArray
    beta: FloatArray
    cov_unscaled: FloatArray  # (XᵀWX)⁻¹
    py: FloatArray  # P y
    tr_p: float
    tr_pp: float
    ypy: float  # yᵀ P y, the generalised Q


def _project(y: FloatArray, v: FloatArray, x: FloatArray, tau2: float) -> _Projection:
    w = 1.0 / (v + tau2)
    a = x * w[:, None]  # W X
    xtwx = x.T @ a
    m: FloatArray = np.asarray(np.linalg.inv(xtwx), dtype=np.float64)
    beta = m @ (a.T @ y)
    resid = y - x @ beta
    py = w * resid
    ata = a.T @ a
    tr_p = float(w.sum() - np.trace(m @ ata))
    a_w_a = a.T @ (a * w[:, None])
    tr_pp = float((w**2).sum() - 2 * np.trace(m @ a_w_a) + np.trace(m @ ata @ m @ ata))
    ypy = float(np.dot(w * resid, resid))
    return _Projection(w=w, beta=beta, cov_unscaled=m, py=py, tr_p=tr_p, tr_pp=tr_pp, ypy=ypy)


def _tau2_dl(y: FloatArray, v: FloatArray, x: FloatArray) -> float:
    k, p = x.shape
    p0 = _project(y, v, x, 0.0)
    return max(0.0, (p0.ypy - (k - p)) / p0.tr_p)


def _tau2_reml(y: FloatArray, v: FloatArray, x: FloatArray) -> tuple[float, bool]:
    tau2 = _tau2_dl(y, v, x)
    for _ in range(REML_MAX_ITERATIONS):
        pr = _project(y, v, x, tau2)
        step = (float(np.dot(pr.py, pr.py)) - pr.tr_p) / pr.tr_pp
        new = tau2 + step
        while new < 0:
            step /= 2
            new = tau2 + step
            if abs(step) < REML_TOLERANCE:
                new = 0.0
                break
        if abs(new - tau2) < REML_TOLERANCE:
            return new, True
        tau2 = new
    return tau2, False


def _gen_q(y: FloatArray, v: FloatArray, x: FloatArray, tau2: float) -> float:
    return _project(y, v, x, tau2).ypy


def _root_of_q(y: FloatArray, v: FloatArray, x: FloatArray, target: float) -> float:
    """Smallest τ² ≥ 0 with generalised Q(τ²) = target (Q is decreasing); 0 when Q(0) is already below."""
    if _gen_q(y, v, x, 0.0) <= target:
        return 0.0
    hi = max(1.0, float(np.var(y)) * 10 + float(v.max()))
    while _gen_q(y, v, x, hi) > target:
        hi *= 10
        if hi > 1e12:
            break
    return float(optimize.brentq(lambda t: _gen_q(y, v, x, t) - target, 0.0, hi, xtol=1e-12, rtol=1e-12))


def _tau2_pm(y: FloatArray, v: FloatArray, x: FloatArray) -> float:
    k, p = x.shape
    return _root_of_q(y, v, x, float(k - p))


def _estimate_tau2(y: FloatArray, v: FloatArray, x: FloatArray, method: Method) -> tuple[float, bool]:
    if method is Method.FE:
        return 0.0, True
    if method is Method.DL:
        return _tau2_dl(y, v, x), True
    if method is Method.PM:
        return _tau2_pm(y, v, x), True
    return _tau2_reml(y, v, x)


@dataclass(frozen=True)
class _Fit:
    method: Method
    hk: bool
    level: float
    k: int
    p: int
    beta: FloatArray
    cov: FloatArray
    se: FloatArray
    stat: FloatArray
    pval: FloatArray
    ci_low: FloatArray
    ci_high: FloatArray
    crit: float
    df: int | None
    tau2: float
    converged: bool
    q: float
    q_p: float
    s2_typical: float
    i2: float
    h2: float
    weights: FloatArray


def _fit(y: FloatArray, v: FloatArray, x: FloatArray, method: Method, hk: bool, level: float) -> _Fit:
    k, p = x.shape
    tau2, converged = _estimate_tau2(y, v, x, method)
    pr = _project(y, v, x, tau2)
    cov = pr.cov_unscaled
    df: int | None = None
    if hk:
        s2 = pr.ypy / (k - p)
        cov = cov * s2
        df = k - p
        crit = float(stats.t.ppf(1 - (1 - level) / 2, df))
    else:
        crit = float(stats.norm.ppf(1 - (1 - level) / 2))
    se = np.sqrt(np.diag(cov))
    stat = pr.beta / se
    pval = 2 * stats.t.sf(np.abs(stat), df) if df is not None else 2 * stats.norm.sf(np.abs(stat))
    p0 = _project(y, v, x, 0.0)
    q = p0.ypy
    q_df = k - p
    q_p = float(stats.chi2.sf(q, q_df)) if q_df > 0 else float("nan")
    s2_typical = q_df / p0.tr_p if p0.tr_p > 0 else float("nan")
    if method is Method.FE:
        i2 = max(0.0, 100 * (q - q_df) / q) if q > 0 else 0.0
        h2 = q / q_df if q_df > 0 else float("nan")
    else:
        i2 = 100 * tau2 / (tau2 + s2_typical)
        h2 = (tau2 + s2_typical) / s2_typical
    return _Fit(
        method=method,
        hk=hk,
        level=level,
        k=k,
        p=p,
        beta=pr.beta,
        cov=cov,
        se=se,
        stat=stat,
        pval=pval,
        ci_low=pr.beta - crit * se,
        ci_high=pr.beta + crit * se,
        crit=crit,
        df=df,
        tau2=tau2,
        converged=converged,
        q=q,
        q_p=q_p,
        s2_typical=s2_typical,
        i2=i2,
        h2=h2,
        weights=100 * pr.w / pr.w.sum(),
    )


def _tau2_confint(y: FloatArray, v: FloatArray, x: FloatArray, level: float) -> tuple[float, float]:
    """Q-profile interval for τ² (Viechtbauer 2007): where Q(τ²) crosses the χ²_{k−p} quantiles."""
    k, p = x.shape
    df = k - p
    alpha = 1 - level
    lower = _root_of_q(y, v, x, float(stats.chi2.ppf(1 - alpha / 2, df)))
    upper = _root_of_q(y, v, x, float(stats.chi2.ppf(alpha / 2, df)))
    return lower, upper


def _inputs(effects: EffectSizes, min_k: int = 2) -> tuple[FloatArray, FloatArray]:
    y = np.asarray(effects.yi, dtype=float)
    v = np.asarray(effects.vi, dtype=float)
    if y.shape[0] < min_k:
        raise EvidenceInputError(
            "studies",
            Text(
                f"En metaanalyse kræver mindst {min_k} studier; der er {y.shape[0]}.",
                f"A meta-analysis needs at least {min_k} studies; got {y.shape[0]}",
            ),
        )
    if np.any(v <= 0) or not np.all(np.isfinite(v)):
        raise EvidenceInputError(
            "vi",
            Text(
                "Alle varianser (vi) skal være positive tal.",
                "Every sampling variance must be a positive number.",
            ),
        )
    if not np.all(np.isfinite(y)):
        raise EvidenceInputError(
            "yi", Text("Alle effekter (yi) skal være tal.", "Every effect must be a number.")
        )
    return y, v


# ---------------------------------------------------------------------------------------------------------
# Public results
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MetaAnalysis:
    """An intercept-only meta-analysis, with metafor's names in the comments."""

    effects: EffectSizes
    method: Method
    hk: bool
    level: float
    k: int
    estimate: float  # b
    se: float  # se
    stat: float  # zval (or tval with HK)
    pval: float
    ci_low: float  # ci.lb
    ci_high: float  # ci.ub
    df: int | None  # t degrees of freedom with HK, else None
    tau2: float
    tau2_ci: tuple[float, float] | None  # confint(res)$random["tau^2", ]
    i2: float  # percent, as metafor
    i2_ci: tuple[float, float] | None
    h2: float
    h2_ci: tuple[float, float] | None
    q: float  # QE
    q_df: int
    q_p: float  # QEp
    pi_low: float  # predict(res)$pi.lb
    pi_high: float  # predict(res)$pi.ub
    weights: tuple[float, ...]  # weights(res), percent
    converged: bool

    @property
    def tau(self) -> float:
        return float(np.sqrt(self.tau2))

    def as_dict(self) -> dict[str, object]:
        """The numbers the CLI prints and the database stores (plain floats, no arrays)."""
        return {
            "measure": self.effects.measure.value,
            "method": self.method.value,
            "hk": self.hk,
            "level": self.level,
            "k": self.k,
            "estimate": self.estimate,
            "se": self.se,
            "stat": self.stat,
            "pval": self.pval,
            "df": self.df,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "tau2": self.tau2,
            "tau2_ci_low": self.tau2_ci[0] if self.tau2_ci else None,
            "tau2_ci_high": self.tau2_ci[1] if self.tau2_ci else None,
            "i2": self.i2,
            "i2_ci_low": self.i2_ci[0] if self.i2_ci else None,
            "i2_ci_high": self.i2_ci[1] if self.i2_ci else None,
            "h2": self.h2,
            "q": self.q,
            "q_df": self.q_df,
            "q_p": self.q_p,
            "pi_low": self.pi_low,
            "pi_high": self.pi_high,
            "converged": self.converged,
        }


def meta_analysis(
    effects: EffectSizes, method: Method | str = Method.REML, hk: bool = False, level: float = 0.95
) -> MetaAnalysis:
    """metafor's `rma(yi, vi, method=method, test="knha" if hk else "z")` plus `confint()` and `predict()`."""
    m = _method(method)
    _check_level(level)
    y, v = _inputs(effects)
    x = np.ones((y.shape[0], 1))
    f = _fit(y, v, x, m, hk, level)
    est, se = float(f.beta[0]), float(f.se[0])
    half = f.crit * float(np.sqrt(se**2 + f.tau2))
    tau2_ci = i2_ci = h2_ci = None
    if m is not Method.FE:
        lo, hi = _tau2_confint(y, v, x, level)
        tau2_ci = (lo, hi)
        s2 = f.s2_typical
        i2_ci = (100 * lo / (lo + s2), 100 * hi / (hi + s2))
        h2_ci = ((lo + s2) / s2, (hi + s2) / s2)
    return MetaAnalysis(
        effects=effects,
        method=m,
        hk=hk,
        level=level,
        k=f.k,
        estimate=est,
        se=se,
        stat=float(f.stat[0]),
        pval=float(f.pval[0]),
        ci_low=float(f.ci_low[0]),
        ci_high=float(f.ci_high[0]),
        df=f.df,
        tau2=f.tau2,
        tau2_ci=tau2_ci,
        i2=f.i2,
        i2_ci=i2_ci,
        h2=f.h2,
        h2_ci=h2_ci,
        q=f.q,
        q_df=f.k - f.p,
        q_p=f.q_p,
        pi_low=est - half,
        pi_high=est + half,
        weights=tuple(float(w) for w in f.weights),
        converged=f.converged,
    )


@dataclass(frozen=True)
class Coefficient:
    name: str
    estimate: float
    se: float
    stat: float
    pval: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class MetaRegression:
    """A mixed-effects meta-regression on one numeric moderator (metafor: `rma(yi, vi, mods = ~ x)`)."""

    moderator: str
    method: Method
    hk: bool
    level: float
    k: int
    coefficients: tuple[Coefficient, Coefficient]
    cov: tuple[tuple[float, float], tuple[float, float]]
    tau2: float  # residual heterogeneity
    i2: float
    h2: float
    r2: float | None  # percent of τ² accounted for (metafor's pseudo-R², truncated at 0)
    qe: float  # residual heterogeneity test QE, df k − 2
    qe_p: float
    qm: float  # omnibus test of the moderator (χ²₁, or F(1, k − 2) with HK)
    qm_p: float
    df: int | None
    crit: float
    x: tuple[float, ...]

    def predict(self, value: float) -> tuple[float, float, float, float]:
        """Predicted average effect at `value` with its se and confidence interval (metafor `predict`)."""
        b0, b1 = self.coefficients[0].estimate, self.coefficients[1].estimate
        xv = np.array([1.0, value])
        cov = np.array(self.cov)
        pred = b0 + b1 * value
        se = float(np.sqrt(xv @ cov @ xv))
        return pred, se, pred - self.crit * se, pred + self.crit * se


def _pseudo_r2(y: FloatArray, v: FloatArray, m: Method, tau2_fit: float) -> float | None:
    """metafor's R²: the share of the intercept-only τ² the moderators account for (none for a fixed effect)."""
    if m is Method.FE:
        return None
    tau2_re, _ = _estimate_tau2(y, v, np.ones((y.shape[0], 1)), m)
    return max(0.0, 100 * (tau2_re - tau2_fit) / tau2_re) if tau2_re > 0 else 0.0


def _coefficients(f: _Fit, labels: Sequence[str]) -> tuple[Coefficient, ...]:
    """One `Coefficient` per column of the fitted model `f`, named by `labels`."""
    return tuple(
        Coefficient(
            label,
            float(f.beta[i]),
            float(f.se[i]),
            float(f.stat[i]),
            float(f.pval[i]),
            float(f.ci_low[i]),
            float(f.ci_high[i]),
        )
        for i, label in enumerate(labels)
    )


def meta_regression(
    effects: EffectSizes,
    moderator: ArrayLike,
    name: str = "moderator",
    method: Method | str = Method.REML,
    hk: bool = False,
    level: float = 0.95,
) -> MetaRegression:
    m = _method(method)
    _check_level(level)
    y, v = _inputs(effects, min_k=3)
    try:
        mod = np.asarray(moderator, dtype=float)
    except (TypeError, ValueError) as exc:
        raise EvidenceInputError(
            name, Text(f"Moderatoren '{name}' skal være et tal.", f"The moderator '{name}' must be numeric.")
        ) from exc
    if mod.shape != y.shape or not np.all(np.isfinite(mod)):
        raise EvidenceInputError(
            name,
            Text(
                f"Moderatoren '{name}' skal have et tal for hvert studie.",
                f"The moderator '{name}' needs a number for every study.",
            ),
        )
    if np.ptp(mod) == 0:
        raise EvidenceInputError(
            name,
            Text(
                f"Moderatoren '{name}' har samme værdi i alle studier.",
                f"The moderator '{name}' has the same value in every study.",
            ),
        )
    x = np.column_stack([np.ones_like(mod), mod])
    f = _fit(y, v, x, m, hk, level)
    stat1 = float(f.stat[1])
    if hk:
        qm = stat1**2
        qm_p = float(stats.f.sf(qm, 1, f.k - 2))
    else:
        qm = stat1**2
        qm_p = float(stats.chi2.sf(qm, 1))
    r2 = _pseudo_r2(y, v, m, f.tau2)
    coefs = _coefficients(f, ("intercept", name))
    return MetaRegression(
        moderator=name,
        method=m,
        hk=hk,
        level=level,
        k=f.k,
        coefficients=(coefs[0], coefs[1]),
        cov=((float(f.cov[0, 0]), float(f.cov[0, 1])), (float(f.cov[1, 0]), float(f.cov[1, 1]))),
        tau2=f.tau2,
        i2=f.i2,
        h2=f.h2,
        r2=r2,
        qe=f.q,
        qe_p=f.q_p,
        qm=qm,
        qm_p=qm_p,
        df=f.df,
        crit=f.crit,
        x=tuple(float(t) for t in mod),
    )


@dataclass(frozen=True)
class MultiRegression:
    """A mixed-effects meta-regression on several moderators (metafor: `rma(yi, vi, mods = ~ x1 + x2)`)."""

    moderators: tuple[str, ...]
    method: Method
    hk: bool
    level: float
    k: int
    coefficients: tuple[Coefficient, ...]  # the intercept first, then one per moderator
    tau2: float  # residual heterogeneity
    i2: float
    h2: float
    r2: float | None
    qe: float  # residual heterogeneity, df k − p
    qe_df: int
    qe_p: float
    qm: float  # omnibus test of all moderators (χ² on m df, or F(m, k − p) with HK)
    qm_df: int
    qm_p: float

    def as_dict(self) -> dict[str, object]:
        return {
            "moderators": list(self.moderators),
            "method": self.method.value,
            "hk": self.hk,
            "level": self.level,
            "k": self.k,
            "coefficients": [asdict(c) for c in self.coefficients],
            "tau2": self.tau2,
            "i2": self.i2,
            "h2": self.h2,
            "r2": self.r2,
            "qe": self.qe,
            "qe_df": self.qe_df,
            "qe_p": self.qe_p,
            "qm": self.qm,
            "qm_df": self.qm_df,
            "qm_p": self.qm_p,
        }


def meta_regression_multi(
    effects: EffectSizes,
    moderators: Mapping[str, ArrayLike],
    method: Method | str = Method.REML,
    hk: bool = False,
    level: float = 0.95,
) -> MultiRegression:
    """Meta-regression on one or more numeric moderators with metafor's omnibus test of all of them.

    The same fit as `meta_regression` (which stays for the one-moderator pages and their `predict`), with a
    design matrix [1, x1, ..., xm]; QM is the Wald test that every moderator coefficient is 0
    (metafor's "Test of Moderators"), R² as metafor's pseudo-R² against the model without moderators.
    """
    m = _method(method)
    _check_level(level)
    names = tuple(moderators)
    if not names:
        raise EvidenceInputError(
            "moderators", Text("Vælg mindst én moderator.", "Choose at least one moderator.")
        )
    y, v = _inputs(effects, min_k=len(names) + 2)
    columns = [np.ones_like(y)]
    for name in names:
        try:
            col = np.asarray(moderators[name], dtype=float)
        except (TypeError, ValueError) as exc:
            raise EvidenceInputError(
                name,
                Text(f"Moderatoren '{name}' skal være et tal.", f"The moderator '{name}' must be a number."),
            ) from exc
        if col.shape != y.shape or not np.all(np.isfinite(col)):
            raise EvidenceInputError(
                name,
                Text(
                    f"Moderatoren '{name}' skal have et tal for hvert studie.",
                    f"The moderator '{name}' needs a number for every study.",
                ),
            )
        columns.append(col)
    x = np.column_stack(columns)
    if np.linalg.matrix_rank(x) < x.shape[1]:
        raise EvidenceInputError(
            "moderators",
            Text(
                "Moderatorerne er konstante eller overlapper hinanden (kollinearitet).",
                "The moderators are constant or overlap each other (collinearity).",
            ),
        )
    f = _fit(y, v, x, m, hk, level)
    idx = list(range(1, x.shape[1]))
    b = f.beta[idx]
    wald = float(b @ np.linalg.solve(f.cov[np.ix_(idx, idx)], b))
    if hk:
        qm, qm_p = wald / len(idx), float(stats.f.sf(wald / len(idx), len(idx), f.k - f.p))
    else:
        qm, qm_p = wald, float(stats.chi2.sf(wald, len(idx)))
    r2 = _pseudo_r2(y, v, m, f.tau2)
    coefs = _coefficients(f, ("intercept", *names))
    return MultiRegression(
        moderators=names,
        method=m,
        hk=hk,
        level=level,
        k=f.k,
        coefficients=coefs,
        tau2=f.tau2,
        i2=f.i2,
        h2=f.h2,
        r2=r2,
        qe=f.q,
        qe_df=f.k - f.p,
        qe_p=f.q_p,
        qm=qm,
        qm_df=len(idx),
        qm_p=qm_p,
    )


@dataclass(frozen=True)
class Subgroup:
    name: str
    k: int
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    tau2: float
    i2: float
    pooled: bool  # False when the group holds a single study (shown as that study's own result)


@dataclass(frozen=True)
class SubgroupAnalysis:
    groups: tuple[Subgroup, ...]
    qm: float  # test for subgroup differences (metafor: rma(yi, vi, mods = ~ factor(group)))
    qm_df: int
    qm_p: float
    method: Method
    hk: bool


def subgroups(
    effects: EffectSizes,
    groups: Sequence[str],
    method: Method | str = Method.REML,
    hk: bool = False,
    level: float = 0.95,
) -> SubgroupAnalysis:
    """One meta-analysis per group and a moderator test of whether the groups differ.

    The between-group test fits one mixed-effects model with a dummy per group (a common τ² across groups),
    as `rma(yi, vi, mods = ~ factor(group))` does; it is a Wald-type χ² (or F with HK) on g − 1 df.
    """
    m = _method(method)
    y, v = _inputs(effects, min_k=2)
    labels = [str(g) for g in groups]
    if len(labels) != y.shape[0]:
        raise EvidenceInputError(
            "group", Text("Hvert studie skal have en gruppe.", "Every study needs a group.")
        )
    names = sorted(set(labels))
    if len(names) < 2:
        raise EvidenceInputError(
            "group",
            Text(
                "En subgruppeanalyse kræver mindst to grupper.",
                "Subgroup analysis needs at least two groups.",
            ),
        )
    out = []
    crit = float(stats.norm.ppf(1 - (1 - level) / 2))
    for name in names:
        idx = np.array([lab == name for lab in labels])
        sub = EffectSizes(
            effects.measure,
            y[idx],
            v[idx],
            tuple(lab for lab, keep in zip(effects.labels, idx, strict=True) if keep),
        )
        if sub.k >= 2:
            ma = meta_analysis(sub, m, hk, level)
            out.append(Subgroup(name, sub.k, ma.estimate, ma.se, ma.ci_low, ma.ci_high, ma.tau2, ma.i2, True))
        else:
            yi, se = float(sub.yi[0]), float(np.sqrt(sub.vi[0]))
            out.append(Subgroup(name, 1, yi, se, yi - crit * se, yi + crit * se, 0.0, 0.0, False))
    g = len(names)
    if y.shape[0] <= g:
        qm, qm_p = float("nan"), float("nan")
    else:
        x = np.column_stack(
            [np.ones_like(y)] + [np.array([lab == n for lab in labels], float) for n in names[1:]]
        )
        qm, qm_p = moderator_test(effects, x, list(range(1, g)), m, hk)
    return SubgroupAnalysis(tuple(out), qm, g - 1, qm_p, m, hk)


def moderator_test(
    effects: EffectSizes,
    design: ArrayLike,
    columns: Sequence[int],
    method: Method | str = Method.REML,
    hk: bool = False,
) -> tuple[float, float]:
    """Omnibus test that the coefficients of `columns` of the design matrix are all 0 (metafor:
    `anova(res, btt=columns + 1)`): Wald χ² on m df, or with Hartung–Knapp F = Wald/m on (m, k − p) df."""
    y, v = _inputs(effects, min_k=2)
    x = np.asarray(design, dtype=float)
    k, p = x.shape
    if k <= p or np.linalg.matrix_rank(x) < p:
        raise EvidenceInputError(
            "design",
            Text(
                "For få studier (eller moderatorer, der overlapper) til denne model.",
                "Too few studies (or collinear moderators) for this model.",
            ),
        )
    f = _fit(y, v, x, _method(method), hk, 0.95)
    idx = list(columns)
    b = f.beta[idx]
    wald = float(b @ np.linalg.solve(f.cov[np.ix_(idx, idx)], b))
    if hk:
        return wald / len(idx), float(stats.f.sf(wald / len(idx), len(idx), k - p))
    return wald, float(stats.chi2.sf(wald, len(idx)))


@dataclass(frozen=True)
class LeaveOneOut:
    """metafor's `leave1out(res)`: the meta-analysis refitted without each study in turn."""

    label: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    q: float
    q_p: float
    tau2: float
    i2: float
    h2: float


def leave_one_out(
    effects: EffectSizes, method: Method | str = Method.REML, hk: bool = False, level: float = 0.95
) -> tuple[LeaveOneOut, ...]:
    y, v = _inputs(effects, min_k=3)
    m = _method(method)
    rows = []
    for i in range(y.shape[0]):
        keep = np.arange(y.shape[0]) != i
        x = np.ones((int(keep.sum()), 1))
        f = _fit(y[keep], v[keep], x, m, hk, level)
        rows.append(
            LeaveOneOut(
                effects.labels[i],
                float(f.beta[0]),
                float(f.se[0]),
                float(f.ci_low[0]),
                float(f.ci_high[0]),
                f.q,
                f.q_p,
                f.tau2,
                f.i2,
                f.h2,
            )
        )
    return tuple(rows)


@dataclass(frozen=True)
class EggerTest:
    """Egger's regression test for funnel-plot asymmetry (metafor's `regtest`, predictor "sei")."""

    model: str  # "rma" (metafor's default: a meta-regression on sei) or "lm" (Egger's original WLS)
    stat: float  # zval (or t)
    pval: float
    df: int | None
    limit_estimate: float  # the intercept: the effect as sei → 0
    limit_ci: tuple[float, float]


def egger_test(
    effects: EffectSizes, method: Method | str = Method.REML, hk: bool = False, model: str = "rma"
) -> EggerTest:
    y, v = _inputs(effects, min_k=3)
    sei = np.sqrt(v)
    x = np.column_stack([np.ones_like(y), sei])
    if model == "lm":
        import statsmodels.api as sm

        res = sm.WLS(y, x, weights=1 / v).fit()
        ci = res.conf_int()
        return EggerTest(
            "lm",
            float(res.tvalues[1]),
            float(res.pvalues[1]),
            int(res.df_resid),
            float(res.params[0]),
            (float(ci[0, 0]), float(ci[0, 1])),
        )
    if model != "rma":
        raise EvidenceInputError(
            "model", Text("Modellen skal være 'rma' eller 'lm'.", "Model must be 'rma' or 'lm'.")
        )
    f = _fit(y, v, x, _method(method), hk, 0.95)
    return EggerTest(
        "rma",
        float(f.stat[1]),
        float(f.pval[1]),
        f.df,
        float(f.beta[0]),
        (float(f.ci_low[0]), float(f.ci_high[0])),
    )
