"""Effect sizes and their sampling variances, named as R's metafor names them.

Each function mirrors one `metafor::escalc(measure=...)` call:

| here                  | metafor                                   | input                          |
|-----------------------|-------------------------------------------|--------------------------------|
| `log_risk_ratio`      | `escalc("RR", ai, bi, ci, di)`            | 2×2 counts                     |
| `log_odds_ratio`      | `escalc("OR", ai, bi, ci, di)`            | 2×2 counts                     |
| `risk_difference`     | `escalc("RD", ai, bi, ci, di)`            | 2×2 counts                     |
| `standardized_mean_difference` | `escalc("SMD", m1i, sd1i, n1i, m2i, sd2i, n2i)` | means, SDs, sizes |
| `mean_difference`     | `escalc("MD", m1i, sd1i, n1i, m2i, sd2i, n2i)`  | means, SDs, sizes        |
| `log_ratio_of_means`  | `escalc("ROM", m1i, sd1i, n1i, m2i, sd2i, n2i)` | means, SDs, sizes (metafor ≥ 5.0: bias-corrected) |
| `correlation`         | `escalc("COR", ri, ni)`                   | a correlation and its sample size |
| `fisher_z`            | `escalc("ZCOR", ri, ni)`                  | a correlation and its sample size |
| `proportion`          | `escalc("PR" / "PLO" / "PAS" / "PFT", xi, ni)` | events and sample size (one group) |
| `generic`             | `rma(yi, vi)` with `measure="GEN"`        | an effect and its variance     |

The 2×2 table is `ai` events / `bi` non-events in the treated group, `ci` events / `di` non-events in the
control group. As in metafor, the group sizes may be given instead of the non-events: `ai, n1i, ci, n2i`
(then `bi = n1i - ai`, `di = n2i - ci`; given both, they must agree).

Zero cells, as metafor handles them by default (`add=1/2, to="only0", drop00=FALSE`): a table with at least
one zero cell gets 1/2 added to *all four* of its cells; tables without a zero are left alone; a table with
no events (or no non-events) in both groups is kept, with the same 1/2 added. `EffectSizes.adjusted` says
which studies were adjusted so a page can say so.

statsmodels has `effectsize_smd` and `effectsize_2proportions`; we do not use them here because they
differ from metafor on purpose: `effectsize_smd` uses the approximate small-sample correction
1 - 3/(4·df - 1) and the unbiased variance, where metafor uses the exact gamma-function correction and the
large-sample variance; `effectsize_2proportions` corrects zero cells by clipping or by adding to every
study, not only to tables with a zero. The differences are small but would break the metafor pins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import gammaln

from susi.engines.text import Text

from .errors import EvidenceInputError

FloatArray = NDArray[np.float64]

#: What metafor adds to every cell of a 2×2 table that has a zero cell (its `add=1/2`).
ZERO_CELL_ADD = 0.5


class Measure(StrEnum):
    RR = "RR"
    OR = "OR"
    RD = "RD"
    SMD = "SMD"
    MD = "MD"
    ROM = "ROM"
    COR = "COR"
    ZCOR = "ZCOR"
    PR = "PR"
    PLO = "PLO"
    PAS = "PAS"
    PFT = "PFT"
    GEN = "GEN"


#: Columns each measure needs, in metafor's names.
REQUIRED_COLUMNS: dict[Measure, tuple[str, ...]] = {
    Measure.RR: ("ai", "bi", "ci", "di"),
    Measure.OR: ("ai", "bi", "ci", "di"),
    Measure.RD: ("ai", "bi", "ci", "di"),
    Measure.SMD: ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"),
    Measure.MD: ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"),
    Measure.ROM: ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"),
    Measure.COR: ("ri", "ni"),
    Measure.ZCOR: ("ri", "ni"),
    Measure.PR: ("xi", "ni"),
    Measure.PLO: ("xi", "ni"),
    Measure.PAS: ("xi", "ni"),
    Measure.PFT: ("xi", "ni"),
    Measure.GEN: ("yi", "vi"),
}

#: Measures computed from a 2×2 table, which also accept the group sizes instead of the non-events.
TWO_BY_TWO = frozenset({Measure.RR, Measure.OR, Measure.RD})
#: The alternative columns of a 2×2 table (metafor's ``ai, n1i, ci, n2i``).
GROUP_SIZE_COLUMNS = ("ai", "n1i", "ci", "n2i")

#: Names of the measures, for pages and messages.
MEASURE_LABELS: dict[Measure, Text] = {
    Measure.RR: Text("log relativ risiko (log RR)", "log risk ratio (log RR)"),
    Measure.OR: Text("log odds ratio (log OR)", "log odds ratio (log OR)"),
    Measure.RD: Text("risikoforskel (RD)", "risk difference (RD)"),
    Measure.SMD: Text("standardiseret middelforskel (Hedges' g)", "standardised mean difference (Hedges' g)"),
    Measure.MD: Text("middelforskel (MD)", "mean difference (MD)"),
    Measure.ROM: Text("log forhold mellem gennemsnit (log ROM)", "log ratio of means (log ROM)"),
    Measure.COR: Text("korrelation (r)", "correlation (r)"),
    Measure.ZCOR: Text("Fisher-z-transformeret korrelation", "Fisher z-transformed correlation"),
    Measure.PR: Text("andel (rå)", "proportion (raw)"),
    Measure.PLO: Text("andel på logit-skala (log odds)", "proportion on the logit scale (log odds)"),
    Measure.PAS: Text(
        "andel, arcsin-kvadratrod-transformeret", "proportion, arcsine square root transformed"
    ),
    Measure.PFT: Text(
        "andel, Freeman–Tukey dobbelt-arcsin-transformeret",
        "proportion, Freeman–Tukey double arcsine transformed",
    ),
    Measure.GEN: Text("effekt angivet direkte (yi, vi)", "effect given directly (yi, vi)"),
}

#: Measures analysed on the log scale (shown back-transformed with exp on pages).
LOG_SCALE = frozenset({Measure.RR, Measure.OR, Measure.ROM})


@dataclass(frozen=True)
class EffectSizes:
    """Observed effects `yi` with sampling variances `vi`, one per study."""

    measure: Measure
    yi: FloatArray
    vi: FloatArray
    labels: tuple[str, ...]
    adjusted: tuple[bool, ...] = field(default=())

    @property
    def k(self) -> int:
        return int(self.yi.shape[0])

    @property
    def sei(self) -> FloatArray:
        return np.sqrt(self.vi)


def _as_array(values: ArrayLike, name: str) -> FloatArray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise EvidenceInputError(
            name,
            Text(f"Kolonnen '{name}' må kun indeholde tal.", f"Column '{name}' must contain numbers only."),
        ) from exc
    if arr.ndim != 1:
        arr = arr.reshape(-1)
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        row = int(bad[0]) + 1
        raise EvidenceInputError(
            name,
            Text(
                f"Kolonnen '{name}' mangler et tal for studie nr. {row}.",
                f"Column '{name}' has a missing or non-numeric value for study {row}",
            ),
            row=row,
        )
    return arr


def _check_nonnegative(arr: FloatArray, name: str) -> None:
    bad = np.flatnonzero(arr < 0)
    if bad.size:
        row = int(bad[0]) + 1
        raise EvidenceInputError(
            name,
            Text(
                f"Kolonnen '{name}' kan ikke være negativ (studie nr. {row}).",
                f"Column '{name}' cannot be negative (study {row}).",
            ),
            row=row,
        )


def _check_positive(arr: FloatArray, name: str, what_da: str) -> None:
    bad = np.flatnonzero(arr <= 0)
    if bad.size:
        row = int(bad[0]) + 1
        raise EvidenceInputError(
            name,
            Text(
                f"{what_da} i kolonnen '{name}' skal være større end 0 (studie nr. {row}).",
                f"column '{name}' must be greater than 0 (study {row}).",
            ),
            row=row,
        )


def _labels(labels: Sequence[str] | None, k: int) -> tuple[str, ...]:
    if labels is None:
        return tuple(str(i + 1) for i in range(k))
    if len(labels) != k:
        raise EvidenceInputError(
            "study", Text("Der skal være én studieetiket pr. studie.", "There must be one label per study.")
        )
    return tuple(str(x) for x in labels)


def _same_length(*arrays: FloatArray) -> int:
    lengths = {a.shape[0] for a in arrays}
    if len(lengths) != 1:
        raise EvidenceInputError(
            "data",
            Text(
                "Alle kolonner skal have lige mange rækker.", "All columns must have the same number of rows."
            ),
        )
    return lengths.pop()


def _two_by_two(
    ai: ArrayLike, bi: ArrayLike, ci: ArrayLike, di: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, NDArray[np.bool_]]:
    a, b, c, d = (_as_array(x, n) for x, n in ((ai, "ai"), (bi, "bi"), (ci, "ci"), (di, "di")))
    _same_length(a, b, c, d)
    for arr, name in ((a, "ai"), (b, "bi"), (c, "ci"), (d, "di")):
        _check_nonnegative(arr, name)
    n1, n2 = a + b, c + d
    for arr, name in ((n1, "ai+bi"), (n2, "ci+di")):
        bad = np.flatnonzero(arr <= 0)
        if bad.size:
            row = int(bad[0]) + 1
            raise EvidenceInputError(
                name,
                Text(
                    f"En gruppe har ingen deltagere (studie nr. {row}).",
                    f"A group has no participants (study {row}).",
                ),
                row=row,
            )
    zero = (a == 0) | (b == 0) | (c == 0) | (d == 0)
    add = np.where(zero, ZERO_CELL_ADD, 0.0)
    return a + add, b + add, c + add, d + add, zero


def log_risk_ratio(
    ai: ArrayLike, bi: ArrayLike, ci: ArrayLike, di: ArrayLike, labels: Sequence[str] | None = None
) -> EffectSizes:
    """log RR = log((ai/n1i)/(ci/n2i)); vi = 1/ai - 1/n1i + 1/ci - 1/n2i."""
    a, b, c, d, zero = _two_by_two(ai, bi, ci, di)
    n1, n2 = a + b, c + d
    yi = np.log((a / n1) / (c / n2))
    vi = 1 / a - 1 / n1 + 1 / c - 1 / n2
    return EffectSizes(Measure.RR, yi, vi, _labels(labels, yi.shape[0]), tuple(bool(z) for z in zero))


def log_odds_ratio(
    ai: ArrayLike, bi: ArrayLike, ci: ArrayLike, di: ArrayLike, labels: Sequence[str] | None = None
) -> EffectSizes:
    """log OR = log(ai·di / (bi·ci)); vi = 1/ai + 1/bi + 1/ci + 1/di (Woolf)."""
    a, b, c, d, zero = _two_by_two(ai, bi, ci, di)
    yi = np.log((a * d) / (b * c))
    vi = 1 / a + 1 / b + 1 / c + 1 / d
    return EffectSizes(Measure.OR, yi, vi, _labels(labels, yi.shape[0]), tuple(bool(z) for z in zero))


def risk_difference(
    ai: ArrayLike, bi: ArrayLike, ci: ArrayLike, di: ArrayLike, labels: Sequence[str] | None = None
) -> EffectSizes:
    """RD = ai/n1i - ci/n2i; vi = p1(1-p1)/n1i + p2(1-p2)/n2i (metafor's large-sample `vtype="LS"`)."""
    a, b, c, d, zero = _two_by_two(ai, bi, ci, di)
    n1, n2 = a + b, c + d
    p1, p2 = a / n1, c / n2
    yi = p1 - p2
    vi = p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2
    return EffectSizes(Measure.RD, yi, vi, _labels(labels, yi.shape[0]), tuple(bool(z) for z in zero))


def _means(
    m1i: ArrayLike, sd1i: ArrayLike, n1i: ArrayLike, m2i: ArrayLike, sd2i: ArrayLike, n2i: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    m1, s1, n1, m2, s2, n2 = (
        _as_array(x, n)
        for x, n in ((m1i, "m1i"), (sd1i, "sd1i"), (n1i, "n1i"), (m2i, "m2i"), (sd2i, "sd2i"), (n2i, "n2i"))
    )
    _same_length(m1, s1, n1, m2, s2, n2)
    _check_positive(s1, "sd1i", "Standardafvigelsen")
    _check_positive(s2, "sd2i", "Standardafvigelsen")
    _check_positive(n1, "n1i", "Gruppestørrelsen")
    _check_positive(n2, "n2i", "Gruppestørrelsen")
    return m1, s1, n1, m2, s2, n2


def hedges_correction(df: FloatArray) -> FloatArray:
    """Exact small-sample bias correction c(m) = Γ(m/2) / (√(m/2) Γ((m-1)/2)), as metafor's `.cmicalc`."""
    return np.exp(gammaln(df / 2) - 0.5 * np.log(df / 2) - gammaln((df - 1) / 2))


def standardized_mean_difference(
    m1i: ArrayLike,
    sd1i: ArrayLike,
    n1i: ArrayLike,
    m2i: ArrayLike,
    sd2i: ArrayLike,
    n2i: ArrayLike,
    labels: Sequence[str] | None = None,
) -> EffectSizes:
    """Hedges' g: c(m)·(m1i - m2i)/s_pooled with m = n1i + n2i - 2; vi = 1/n1i + 1/n2i + g²/(2(n1i + n2i))."""
    m1, s1, n1, m2, s2, n2 = _means(m1i, sd1i, n1i, m2i, sd2i, n2i)
    df = n1 + n2 - 2
    bad = np.flatnonzero(df < 2)
    if bad.size:
        row = int(bad[0]) + 1
        raise EvidenceInputError(
            "n1i",
            Text(
                f"Hedges' g kræver mindst 4 deltagere i alt (studie nr. {row}).",
                f"Hedges' g needs at least 4 participants in all (study {row}).",
            ),
            row=row,
        )
    sp = np.sqrt(((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / df)
    yi = hedges_correction(df) * (m1 - m2) / sp
    vi = 1 / n1 + 1 / n2 + yi**2 / (2 * (n1 + n2))
    return EffectSizes(Measure.SMD, yi, vi, _labels(labels, yi.shape[0]), (False,) * yi.shape[0])


def mean_difference(
    m1i: ArrayLike,
    sd1i: ArrayLike,
    n1i: ArrayLike,
    m2i: ArrayLike,
    sd2i: ArrayLike,
    n2i: ArrayLike,
    labels: Sequence[str] | None = None,
) -> EffectSizes:
    """MD = m1i - m2i; vi = sd1i²/n1i + sd2i²/n2i (no equal-variance assumption; metafor's default)."""
    m1, s1, n1, m2, s2, n2 = _means(m1i, sd1i, n1i, m2i, sd2i, n2i)
    yi = m1 - m2
    vi = s1**2 / n1 + s2**2 / n2
    return EffectSizes(Measure.MD, yi, vi, _labels(labels, yi.shape[0]), (False,) * yi.shape[0])


def log_ratio_of_means(
    m1i: ArrayLike,
    sd1i: ArrayLike,
    n1i: ArrayLike,
    m2i: ArrayLike,
    sd2i: ArrayLike,
    n2i: ArrayLike,
    labels: Sequence[str] | None = None,
    *,
    correct: bool = True,
) -> EffectSizes:
    """log ROM = log(m1i/m2i) + ½(sd1i²/(n1i·m1i²) − sd2i²/(n2i·m2i²)); vi = sd1i²/(n1i·m1i²) + sd2i²/(n2i·m2i²).

    The bias correction (Lajeunesse 2015, eq. 8) is metafor's default since 5.0-1; ``correct=False`` gives
    the plain log ratio of metafor before 5.0 (and ``escalc(..., correct=FALSE)``). Both means must be
    positive (a ratio of means is for ratio-scale outcomes such as counts or costs).
    """
    m1, s1, n1, m2, s2, n2 = _means(m1i, sd1i, n1i, m2i, sd2i, n2i)
    _check_positive(m1, "m1i", "Gennemsnittet")
    _check_positive(m2, "m2i", "Gennemsnittet")
    v1, v2 = s1**2 / (n1 * m1**2), s2**2 / (n2 * m2**2)
    yi = np.log(m1 / m2) + (0.5 * (v1 - v2) if correct else 0.0)
    vi = v1 + v2
    return EffectSizes(Measure.ROM, yi, vi, _labels(labels, yi.shape[0]), (False,) * yi.shape[0])


def _correlations(ri: ArrayLike, ni: ArrayLike, minimum_n: int) -> tuple[FloatArray, FloatArray]:
    r = _as_array(ri, "ri")
    n = _as_array(ni, "ni")
    _same_length(r, n)
    bad = np.flatnonzero((r <= -1) | (r >= 1))
    if bad.size:
        row = int(bad[0]) + 1
        raise EvidenceInputError(
            "ri",
            Text(
                f"En korrelation skal ligge mellem -1 og 1 (studie nr. {row}).",
                f"A correlation must lie strictly between -1 and 1 (study {row}).",
            ),
            row=row,
        )
    bad = np.flatnonzero(n <= minimum_n)
    if bad.size:
        row = int(bad[0]) + 1
        raise EvidenceInputError(
            "ni",
            Text(
                f"Stikprøvestørrelsen skal være over {minimum_n} (studie nr. {row}).",
                f"The sample size must be above {minimum_n} (study {row}).",
            ),
            row=row,
        )
    return r, n


def correlation(ri: ArrayLike, ni: ArrayLike, labels: Sequence[str] | None = None) -> EffectSizes:
    """COR: yi = ri; vi = (1 − ri²)²/(ni − 1) (metafor's large-sample ``vtype="LS"``)."""
    r, n = _correlations(ri, ni, minimum_n=1)
    vi = (1 - r**2) ** 2 / (n - 1)
    return EffectSizes(Measure.COR, r.copy(), vi, _labels(labels, r.shape[0]), (False,) * r.shape[0])


def fisher_z(ri: ArrayLike, ni: ArrayLike, labels: Sequence[str] | None = None) -> EffectSizes:
    """ZCOR: yi = atanh(ri) = ½·log((1 + ri)/(1 − ri)); vi = 1/(ni − 3) (metafor needs ni > 3)."""
    r, n = _correlations(ri, ni, minimum_n=3)
    yi = np.arctanh(r)
    vi = 1 / (n - 3)
    return EffectSizes(Measure.ZCOR, yi, vi, _labels(labels, r.shape[0]), (False,) * r.shape[0])


def proportion(
    measure: Measure | str, xi: ArrayLike, ni: ArrayLike, labels: Sequence[str] | None = None
) -> EffectSizes:
    """A single group's proportion xi/ni on metafor's scales (``escalc("PR" | "PLO" | "PAS" | "PFT", xi, ni)``).

    - PR:  yi = p, vi = p(1 − p)/ni;
    - PLO: yi = log(p/(1 − p)), vi = 1/xi + 1/(ni − xi);
    - PAS: yi = asin(√p), vi = 1/(4ni);
    - PFT: yi = ½(asin(√(xi/(ni + 1))) + asin(√((xi + 1)/(ni + 1)))), vi = 1/(4ni + 2).

    Zero cells as metafor: for PR and PLO a study with no events (or only events) gets 1/2 added to the
    events and to the non-events (``add=1/2, to="only0"``); PAS and PFT are defined at 0 and 1 and are
    left alone (metafor sets ``add=0`` for them).
    """
    m = Measure(str(measure).upper())
    if m not in (Measure.PR, Measure.PLO, Measure.PAS, Measure.PFT):
        raise EvidenceInputError(
            "measure",
            Text(f"{m.value} er ikke et mål for en andel.", f"{m.value} is not a measure of a proportion."),
        )
    x = _as_array(xi, "xi")
    n = _as_array(ni, "ni")
    _same_length(x, n)
    _check_nonnegative(x, "xi")
    _check_positive(n, "ni", "Stikprøvestørrelsen")
    bad = np.flatnonzero(x > n)
    if bad.size:
        row = int(bad[0]) + 1
        raise EvidenceInputError(
            "xi",
            Text(
                f"Der er flere hændelser (xi) end deltagere (ni) i studie nr. {row}.",
                f"There are more events (xi) than participants (ni) in study {row}.",
            ),
            row=row,
        )
    zero = np.zeros(x.shape, dtype=bool)
    if m in (Measure.PR, Measure.PLO):
        zero = (x == 0) | (x == n)
        add = np.where(zero, ZERO_CELL_ADD, 0.0)
        x, n = x + add, n + 2 * add
    p = x / n
    if m is Measure.PR:
        yi, vi = p, p * (1 - p) / n
    elif m is Measure.PLO:
        yi, vi = np.log(p / (1 - p)), 1 / x + 1 / (n - x)
    elif m is Measure.PAS:
        yi, vi = np.arcsin(np.sqrt(p)), 1 / (4 * n)
    else:
        yi = 0.5 * (np.arcsin(np.sqrt(x / (n + 1))) + np.arcsin(np.sqrt((x + 1) / (n + 1))))
        vi = 1 / (4 * n + 2)
    return EffectSizes(m, yi, vi, _labels(labels, yi.shape[0]), tuple(bool(z) for z in zero))


def _raw(values: ArrayLike, name: str) -> FloatArray:
    """A column as floats, empty cells (NaN) allowed; the measure's own checks name any gap later."""
    try:
        return np.asarray(values, dtype=float).reshape(-1)
    except (TypeError, ValueError) as exc:
        raise EvidenceInputError(
            name,
            Text(f"Kolonnen '{name}' må kun indeholde tal.", f"Column '{name}' must contain numbers only."),
        ) from exc


def _non_events(columns: dict[str, ArrayLike]) -> dict[str, ArrayLike]:
    """``bi``/``di`` from the group sizes ``n1i``/``n2i`` where they are given instead (metafor's rule).

    A study may give either; where it gives both, they must agree (``n1i = ai + bi``).
    """
    out = dict(columns)
    for events, non_events, size in (("ai", "bi", "n1i"), ("ci", "di", "n2i")):
        if size not in columns or events not in columns:
            continue
        derived = _raw(columns[size], size) - _raw(columns[events], events)
        if non_events in columns:
            given = _raw(columns[non_events], non_events)
            _same_length(given, derived)
            bad = np.flatnonzero(np.isfinite(given) & np.isfinite(derived) & (given != derived))
            if bad.size:
                row = int(bad[0]) + 1
                raise EvidenceInputError(
                    size,
                    Text(
                        f"'{size}' er ikke '{events}' + '{non_events}' i studie nr. {row}.",
                        f"'{size}' is not '{events}' + '{non_events}' in study {row}.",
                    ),
                    row=row,
                )
            derived = np.where(np.isnan(given), derived, given)
        bad = np.flatnonzero(np.nan_to_num(derived, nan=0.0) < 0)
        if bad.size:
            row = int(bad[0]) + 1
            raise EvidenceInputError(
                events,
                Text(
                    f"Der er flere hændelser ('{events}') end deltagere ('{size}') i studie nr. {row}.",
                    f"There are more events ('{events}') than participants ('{size}') in study {row}.",
                ),
                row=row,
            )
        out[non_events] = derived
    return out


def generic(yi: ArrayLike, vi: ArrayLike, labels: Sequence[str] | None = None) -> EffectSizes:
    """An effect `yi` with its sampling variance `vi` given directly (metafor's `measure="GEN"`)."""
    y = _as_array(yi, "yi")
    v = _as_array(vi, "vi")
    _same_length(y, v)
    bad = np.flatnonzero(v < 0)
    if bad.size:
        row = int(bad[0]) + 1
        raise EvidenceInputError(
            "vi",
            Text(
                f"En variens (vi) kan ikke være negativ (studie nr. {row}).",
                f"A sampling variance cannot be negative (study {row}).",
            ),
            row=row,
        )
    bad = np.flatnonzero(v == 0)
    if bad.size:
        row = int(bad[0]) + 1
        raise EvidenceInputError(
            "vi",
            Text(
                f"En variens (vi) på 0 giver studiet uendelig vægt (studie nr. {row}).",
                f"A sampling variance of 0 gives the study infinite weight (study {row}).",
            ),
            row=row,
        )
    return EffectSizes(Measure.GEN, y, v, _labels(labels, y.shape[0]), (False,) * y.shape[0])


def compute(
    measure: Measure | str, columns: dict[str, ArrayLike], labels: Sequence[str] | None = None
) -> EffectSizes:
    """Effect sizes for `measure` from a mapping of metafor-named columns; checks that each column exists."""
    try:
        m = Measure(str(measure).upper())
    except ValueError as exc:
        raise EvidenceInputError(
            "measure",
            Text(
                f"Ukendt effektmål '{measure}'; brug et af {', '.join(x.value for x in Measure)}.",
                f"Unknown measure '{measure}'; use one of {', '.join(x.value for x in Measure)}",
            ),
        ) from exc
    if m in TWO_BY_TWO:
        columns = _non_events(columns)
    missing = [c for c in REQUIRED_COLUMNS[m] if c not in columns]
    if missing:
        raise EvidenceInputError(
            missing[0],
            Text(
                f"Effektmålet {m.value} kræver kolonnen/kolonnerne {', '.join(missing)}.",
                f"Measure {m.value} needs the column(s) {', '.join(missing)}",
            ),
        )
    c = [columns[name] for name in REQUIRED_COLUMNS[m]]
    if m is Measure.RR:
        return log_risk_ratio(c[0], c[1], c[2], c[3], labels=labels)
    if m is Measure.OR:
        return log_odds_ratio(c[0], c[1], c[2], c[3], labels=labels)
    if m is Measure.RD:
        return risk_difference(c[0], c[1], c[2], c[3], labels=labels)
    if m is Measure.SMD:
        return standardized_mean_difference(c[0], c[1], c[2], c[3], c[4], c[5], labels=labels)
    if m is Measure.MD:
        return mean_difference(c[0], c[1], c[2], c[3], c[4], c[5], labels=labels)
    if m is Measure.ROM:
        return log_ratio_of_means(c[0], c[1], c[2], c[3], c[4], c[5], labels=labels)
    if m is Measure.COR:
        return correlation(c[0], c[1], labels=labels)
    if m is Measure.ZCOR:
        return fisher_z(c[0], c[1], labels=labels)
    if m in (Measure.PR, Measure.PLO, Measure.PAS, Measure.PFT):
        return proportion(m, c[0], c[1], labels=labels)
    return generic(c[0], c[1], labels=labels)
