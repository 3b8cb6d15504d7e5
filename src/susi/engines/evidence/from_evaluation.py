"""A saved effect evaluation (the evaluation engine's estimate on the platform's own citizen data) as a study
of the evidence base: which effect measure, which yi/vi, which design and so which SØM grade.

Declared as data, so one place says how an estimation method counts as a study design:

| evaluation method                          | design (default)                      | SØM grade |
|--------------------------------------------|---------------------------------------|-----------|
| rct_means, rct_proportions                 | RCT                                   | 1         |
| ancova                                     | before/after with a control group     | 2         |
| did, twfe, staggered                       | before/after with a control group     | 2         |
| psm, survival                              | quasi-experiment (constructed control) | 2         |

ANCOVA is the usual analysis of a randomised trial too; the estimate does not know how the groups were made,
so the default is the weaker design and the person adding the study may say it was randomised.

The effect measure follows the outcome:

| saved estimate (metafor name)     | study measure | yi, vi |
|-----------------------------------|---------------|--------|
| binary with the 2×2 counts        | RR            | log risk ratio from the counts (metafor `escalc("RR")`) |
| RD (difference in shares)         | RD            | the difference and its squared standard error |
| OR (from a logistic model)        | OR            | log odds ratio and its variance |
| MD with a pooled SD               | SMD           | Hedges' g (`EffectEstimate.to_smd`) and its variance |
| MD without an SD                  | MD            | the difference and its squared standard error |
| SMD                               | SMD           | as given |
| HR (Cox)                          | GEN           | log hazard ratio and its variance |
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from susi.engines.text import Text

from .effect_sizes import log_risk_ratio
from .errors import EvidenceInputError
from .rating import Design, Grade, som_grade

#: The design an estimation method counts as by default (see the module's table).
METHOD_DESIGN: dict[str, Design] = {
    "rct_means": Design.RCT,
    "rct_proportions": Design.RCT,
    "ancova": Design.BEFORE_AFTER_CONTROL,
    "did": Design.BEFORE_AFTER_CONTROL,
    "twfe": Design.BEFORE_AFTER_CONTROL,
    "staggered": Design.BEFORE_AFTER_CONTROL,
    "psm": Design.QUASI_EXPERIMENT,
    "survival": Design.QUASI_EXPERIMENT,
}


@dataclass(frozen=True)
class Counts:
    """A binary outcome's 2×2 table at the follow-up: events and group sizes (metafor's ai, n1i, ci, n2i)."""

    ai: float
    n1i: float
    ci: float
    n2i: float


@dataclass(frozen=True)
class StudyEffect:
    """What the evidence base stores for one evaluation: the measure, yi, vi and (for RR) the 2×2 table."""

    measure: str
    yi: float
    vi: float
    counts: Counts | None = None

    @property
    def se(self) -> float:
        return math.sqrt(self.vi)


def design_for(method: str, override: str | None = None) -> Design:
    """The study design of an evaluation method, or the one the person adding it names."""
    if override:
        try:
            return Design(override)
        except ValueError:
            raise EvidenceInputError(
                "design",
                Text("Vælg et af evidensbasens designs.", "Choose one of the evidence base's designs."),
            ) from None
    return METHOD_DESIGN.get(method, Design.OTHER)


def grade_for(design: Design) -> Grade | None:
    """The SØM grade (1-3) the design earns (None: SØM does not grade it)."""
    return som_grade(design)


def _check(yi: float | None, vi: float | None) -> tuple[float, float]:
    if yi is None or vi is None or not math.isfinite(yi) or not math.isfinite(vi) or vi <= 0:
        raise EvidenceInputError(
            "effect_size",
            Text(
                "Evalueringen har ingen brugbar effektstørrelse (yi og en positiv varians vi).",
                "The evaluation has no usable effect size (yi and a positive variance vi).",
            ),
        )
    return float(yi), float(vi)


def study_effect(
    kind: str,
    yi: float | None,
    vi: float | None,
    *,
    smd: tuple[float, float] | None = None,
    counts: Counts | None = None,
) -> StudyEffect:
    """The study measure and yi/vi of a saved estimate of measure `kind` (see the module's table).

    `smd` is the estimate's Hedges' g and its variance where the evaluation engine could standardise it;
    `counts` the 2×2 table of a binary outcome where it was kept."""
    kind = (kind or "").upper()
    if counts is not None and kind in ("RD", "OR"):
        table = log_risk_ratio([counts.ai], [counts.n1i - counts.ai], [counts.ci], [counts.n2i - counts.ci])
        return StudyEffect("RR", float(table.yi[0]), float(table.vi[0]), counts)
    if kind == "MD" and smd is not None:
        g, v = _check(*smd)
        return StudyEffect("SMD", g, v)
    if kind in ("MD", "SMD", "RD", "OR"):
        y, v = _check(yi, vi)
        return StudyEffect(kind, y, v)
    if kind == "HR":
        y, v = _check(yi, vi)
        return StudyEffect("GEN", y, v)
    raise EvidenceInputError(
        "effect_size_kind",
        Text(
            f"Effektmålet '{kind}' kan ikke føres over til evidensbasen.",
            f"The effect measure '{kind}' cannot be carried into the evidence base.",
        ),
    )
