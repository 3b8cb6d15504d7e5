"""Wild cluster bootstrap for one OLS coefficient when there are few clusters (e.g. municipalities).

Cluster-robust (CRV1) standard errors rely on many clusters; with fewer than about 30 the t(G−1)
interval is too narrow, most of all when few clusters are treated (MacKinnon & Webb 2017). The wild
cluster restricted bootstrap (WCR, Cameron, Gelbach & Miller 2008) with Webb's six-point weights (Webb
2023) keeps its size with as few as 6-12 clusters. This is the "WCR11" variant of Roodman, MacKinnon,
Nielsen & Webb (2019) ("fast and wild"): the null is imposed on the bootstrap data, and the bootstrap
t uses the same CRV1 variance (factor G/(G−1)·(N−1)/(N−k)) as the original t.

Everything is done on per-cluster sums (k-vectors and k×k matrices), and the bootstrap t is an exact
closed form in the hypothesised value β₀ (numerator and squared denominator are affine and quadratic in
β₀), so the interval is found by inverting the test — the set of β₀ the bootstrap does not reject — at
the cost of a few vector operations per trial value, with all draws at once.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import splu

from susi.engines.text import Text

from .errors import EvaluationError

# Webb's six-point distribution: ±sqrt(1/2), ±1, ±sqrt(3/2), each with probability 1/6.
WEBB_WEIGHTS = np.array([-math.sqrt(1.5), -1.0, -math.sqrt(0.5), math.sqrt(0.5), 1.0, math.sqrt(1.5)])
FEW_CLUSTERS = 30  # below this many clusters the bootstrap replaces the t(G−1) interval
DRAWS = 9999
SEED = 20261201  # fixed, so the same data give the same interval on the page, in the API and the CLI


@dataclass(frozen=True)
class WildBootstrap:
    """The coefficient, its CRV1 SE, the bootstrap-inverted interval and the bootstrap p-value (β = 0)."""

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    clusters: int
    draws: int
    weights: str


@dataclass(frozen=True)
class _Pieces:
    """The bootstrap t for every draw as a closed form in β₀: t*(β₀) = (na − β₀·nb)/sqrt(P − 2β₀Q + β₀²R)."""

    beta: float
    se: float
    na: np.ndarray
    nb: np.ndarray
    p: np.ndarray
    q: np.ndarray
    r: np.ndarray

    def p_value(self, beta0: float) -> float:
        t = (self.beta - beta0) / self.se
        numer = self.na - beta0 * self.nb
        denom2 = np.maximum(self.p - 2.0 * beta0 * self.q + beta0 * beta0 * self.r, 1e-300)
        t_star = numer / np.sqrt(denom2)
        # strictly more extreme; the draw w = ±1 reproduces |t| itself and is not counted, whatever
        # the rounding in its last bit
        return float(np.mean(np.abs(t_star) > abs(t) * (1.0 + 1e-10)))


def _cluster_sums(x: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    out = np.zeros((n_groups, *x.shape[1:]))
    np.add.at(out, groups, x)
    return out


def bootstrap_weights(kind: str, draws: int, n_groups: int, rng: np.random.Generator) -> np.ndarray:
    """A draws × clusters matrix of bootstrap weights ('webb' or 'rademacher')."""
    if kind == "webb":
        return rng.choice(WEBB_WEIGHTS, size=(draws, n_groups))
    if kind == "rademacher":
        return rng.choice(np.array([-1.0, 1.0]), size=(draws, n_groups))
    raise EvaluationError(
        "weights", Text("Ukendte bootstrapvægte.", "The bootstrap weights must be 'webb' or 'rademacher'.")
    )


def _pieces(X: np.ndarray, y: np.ndarray, groups: np.ndarray, column: int, weights: np.ndarray) -> _Pieces:
    n, k = X.shape
    n_groups = int(groups.max()) + 1
    xtx_inv = np.linalg.inv(X.T @ X)
    beta = xtx_inv @ (X.T @ y)
    resid = y - X @ beta
    ssc = n_groups / (n_groups - 1) * (n - 1) / (n - k)
    scores = _cluster_sums(X * resid[:, None], groups, n_groups)  # G × k
    a_j = xtx_inv[column]
    se = math.sqrt(ssc * float(np.sum((scores @ a_j) ** 2)))
    # restricted residuals under β_j = β₀ are affine in β₀: ũ(β₀) = M₁y − β₀·M₁x_j
    others = np.delete(X, column, axis=1)
    m1y = y - others @ np.linalg.lstsq(others, y, rcond=None)[0]
    m1x = X[:, column] - others @ np.linalg.lstsq(others, X[:, column], rcond=None)[0]
    s_a = _cluster_sums(X * m1y[:, None], groups, n_groups)  # scores at β₀ = 0
    s_b = _cluster_sums(X * m1x[:, None], groups, n_groups)  # minus their slope in β₀
    h = _cluster_sums(X[:, :, None] * X[:, None, :], groups, n_groups)  # G × k × k
    q_g = np.einsum("k,gkl->gl", a_j, h)  # a_jᵀ H_g
    c_a, c_b = s_a @ a_j, s_b @ a_j
    d_a, d_b = (weights @ s_a) @ xtx_inv, (weights @ s_b) @ xtx_inv  # δ* = (X'X)⁻¹ Σ_g w_g s_g
    z_a = weights * c_a - d_a @ q_g.T  # draws × G, the bootstrap score of each cluster
    z_b = weights * c_b - d_b @ q_g.T
    return _Pieces(
        beta=float(beta[column]),
        se=se,
        na=weights @ c_a,
        nb=weights @ c_b,
        p=ssc * np.sum(z_a * z_a, axis=1),
        q=ssc * np.sum(z_a * z_b, axis=1),
        r=ssc * np.sum(z_b * z_b, axis=1),
    )


def _limit(pieces: _Pieces, alpha: float, direction: float) -> float:
    """The edge of {β₀ : p(β₀) > α} on one side of the estimate, by bracketing and bisection."""
    inside, step = pieces.beta, pieces.se
    outside = inside + direction * step
    for _ in range(60):
        if pieces.p_value(outside) <= alpha:
            break
        inside, step = outside, step * 2.0
        outside = inside + direction * step
    else:  # pragma: no cover - only with a degenerate design
        return direction * math.inf
    for _ in range(60):
        middle = (inside + outside) / 2.0
        if pieces.p_value(middle) > alpha:
            inside = middle
        else:
            outside = middle
        if abs(outside - inside) <= 1e-7 * pieces.se:
            break
    return (inside + outside) / 2.0


def wild_cluster_bootstrap(
    X: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    column: int,
    *,
    alpha: float = 0.05,
    draws: int = DRAWS,
    seed: int = SEED,
    weights: str = "webb",
) -> WildBootstrap:
    """WCR bootstrap for coefficient ``column`` of OLS ``y ~ X`` with clusters ``groups`` (codes 0..G−1).

    The interval is the set of values the bootstrap test does not reject at level ``alpha``; the p-value
    tests β = 0. ``X`` must include the constant.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    groups = np.asarray(groups)
    n_groups = int(groups.max()) + 1 if len(groups) else 0
    _check_clusters(n_groups)
    rng = np.random.default_rng(seed)
    pieces = _pieces(X, y, groups, column, bootstrap_weights(weights, draws, n_groups, rng))
    return _result(pieces, alpha, n_groups, draws, weights)


def _check_clusters(n_groups: int) -> None:
    if n_groups < 3:
        raise EvaluationError(
            "cluster",
            Text(
                "Der skal være mindst 3 klynger (kommuner) for at beregne en usikkerhed.",
                "At least 3 clusters are needed.",
            ),
        )


def _result(pieces: _Pieces, alpha: float, n_groups: int, draws: int, weights: str) -> WildBootstrap:
    """Invert the bootstrap test into the interval; the p-value tests the value 0."""
    return WildBootstrap(
        estimate=pieces.beta,
        se=pieces.se,
        ci_low=_limit(pieces, alpha, -1.0),
        ci_high=_limit(pieces, alpha, 1.0),
        p_value=pieces.p_value(0.0),
        clusters=n_groups,
        draws=draws,
        weights=weights,
    )


def bootstrap_t_statistics(
    X: np.ndarray, y: np.ndarray, groups: np.ndarray, column: int, weights: np.ndarray, beta0: float = 0.0
) -> tuple[float, np.ndarray]:
    """The original t and the bootstrap t for each row of ``weights`` (draws × clusters), under β = β₀.

    Exposed so the bootstrap can be compared draw by draw with another implementation.
    """
    pieces = _pieces(np.asarray(X, float), np.asarray(y, float), np.asarray(groups), column, weights)
    numer = pieces.na - beta0 * pieces.nb
    denom = np.sqrt(pieces.p - 2 * beta0 * pieces.q + beta0 * beta0 * pieces.r)
    return (pieces.beta - beta0) / pieces.se, numer / denom


def bootstrap_p_value(
    X: np.ndarray, y: np.ndarray, groups: np.ndarray, column: int, weights: np.ndarray, beta0: float = 0.0
) -> float:
    """The bootstrap p-value of β = β₀ with the given weights (draws × clusters), e.g. a full enumeration."""
    pieces = _pieces(np.asarray(X, float), np.asarray(y, float), np.asarray(groups), column, weights)
    return pieces.p_value(beta0)


# --- Staggered adoption: the imputation (two-stage) estimator ---------------------------------------
#
# Gardner's two-stage DiD (``estimators.staggered``) is linear in the outcome: with Z the citizen and
# period dummies, Z₀ their rows for the untreated observations, D the treatment indicator and m = ΣD,
#     β̂ = c'y,   c = D/m − S₀Z₀(Z₀'Z₀)⁻¹Z'D/m            (S₀ keeps the untreated rows)
# and its GMM standard error (what pyfixest's ``did2s`` reports) is sqrt(Σ_g (Σ_{i∈g} c_i e_i)²) with
# e = L y the residuals of both stages, L u = u − Z(Z₀'Z₀)⁻¹Z₀'u₀ − D·c'u. The restricted bootstrap
# imposes a common effect β₀: ũ(β₀) = M_Z(y − β₀D) = M_Z y − β₀·M_Z D, y* = ŷ(β₀) + w_g·ũ. As c'Z = 0,
# c'D = 1, LZ = 0 and LD = 0, the bootstrap t is again (na − β₀·nb)/sqrt(P − 2β₀Q + β₀²R), the same closed
# form as for one OLS coefficient, so the interval and p-value come from the same ``_Pieces``.


@dataclass(frozen=True)
class _TwoWay:
    """Citizen + period dummies with factorised solves for all and for the untreated observations."""

    z: sparse.csr_matrix
    untreated: np.ndarray
    solve_all: Callable[[np.ndarray], np.ndarray]
    solve_untreated: Callable[[np.ndarray], np.ndarray]

    @classmethod
    def build(cls, unit: np.ndarray, time: np.ndarray, treated: np.ndarray) -> _TwoWay:
        n, n_units = len(unit), int(unit.max()) + 1
        later = np.flatnonzero(time > time.min())  # the first period is the reference
        periods = np.unique(time[later], return_inverse=True)[1]
        rows = np.concatenate([np.arange(n), later])
        cols = np.concatenate([unit, n_units + periods])
        width = n_units + (int(periods.max()) + 1 if len(later) else 0)
        z = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, width))
        untreated = (treated == 0).astype(float)
        z0 = sparse.diags(untreated) @ z
        lu_all = splu(sparse.csc_matrix(z.T @ z))
        lu_untreated = splu(sparse.csc_matrix(z0.T @ z0))
        return cls(z, untreated, lu_all.solve, lu_untreated.solve)

    def annihilate(self, v: np.ndarray) -> np.ndarray:
        """M_Z v: the residual of v on the citizen and period effects, over all observations."""
        return v - self.z @ self.solve_all(self.z.T @ v)


def _imputation_pieces(
    unit: np.ndarray,
    time: np.ndarray,
    treated: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    weights: np.ndarray,
) -> _Pieces:
    fe = _TwoWay.build(unit, time, treated)
    d = treated.astype(float)
    m = d.sum()
    c = d / m - fe.untreated * (fe.z @ fe.solve_untreated(fe.z.T @ d)) / m
    onehot = np.zeros((len(y), int(groups.max()) + 1))
    onehot[np.arange(len(y)), groups] = 1.0
    # column h of r_t is L'(c ∘ 1_h): the weights that give cluster h's score Σ_{i∈h} c_i (L u)_i
    v = c[:, None] * onehot
    r_t = v - fe.untreated[:, None] * (fe.z @ fe.solve_untreated(fe.z.T @ v)) - np.outer(c, d @ v)
    a, b = fe.annihilate(y), fe.annihilate(d)
    m_a, m_b = r_t.T @ (a[:, None] * onehot), r_t.T @ (b[:, None] * onehot)  # G × G
    z_a, z_b = weights @ m_a.T, weights @ m_b.T  # draws × G
    return _Pieces(
        beta=float(c @ y),
        se=math.sqrt(float(np.sum((r_t.T @ y) ** 2))),
        na=weights @ (onehot.T @ (c * a)),
        nb=weights @ (onehot.T @ (c * b)),
        p=np.sum(z_a * z_a, axis=1),
        q=np.sum(z_a * z_b, axis=1),
        r=np.sum(z_b * z_b, axis=1),
    )


def _codes(values: np.ndarray) -> np.ndarray:
    return np.unique(np.asarray(values), return_inverse=True)[1]


def imputation_bootstrap(
    unit: np.ndarray,
    time: np.ndarray,
    treated: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    *,
    alpha: float = 0.05,
    draws: int = DRAWS,
    seed: int = SEED,
    weights: str = "webb",
) -> WildBootstrap:
    """WCR bootstrap for the overall ATT of the two-stage (imputation) staggered-adoption estimator.

    ``unit``/``time`` identify the citizen and period of each observation, ``treated`` is 0/1 and
    ``groups`` the clusters (e.g. municipalities). Every citizen and period needs untreated observations
    (``estimators.staggered`` leaves out the rest before calling). The SE is the two-stage GMM one.
    """
    groups = _codes(groups)
    n_groups = int(groups.max()) + 1 if len(groups) else 0
    _check_clusters(n_groups)
    rng = np.random.default_rng(seed)
    pieces = _imputation_pieces(
        _codes(unit),
        _codes(time),
        np.asarray(treated, dtype=float),
        np.asarray(y, dtype=float),
        groups,
        bootstrap_weights(weights, draws, n_groups, rng),
    )
    return _result(pieces, alpha, n_groups, draws, weights)


def imputation_t_statistics(
    unit: np.ndarray,
    time: np.ndarray,
    treated: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    weights: np.ndarray,
    beta0: float = 0.0,
) -> tuple[float, float, np.ndarray]:
    """The ATT, its SE and the bootstrap t for each row of ``weights`` under ATT = β₀ (for checking)."""
    pieces = _imputation_pieces(
        _codes(unit),
        _codes(time),
        np.asarray(treated, dtype=float),
        np.asarray(y, dtype=float),
        _codes(groups),
        weights,
    )
    numer = pieces.na - beta0 * pieces.nb
    denom = np.sqrt(pieces.p - 2 * beta0 * pieces.q + beta0 * beta0 * pieces.r)
    return pieces.beta, pieces.se, numer / denom
