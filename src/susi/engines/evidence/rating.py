"""The evidence rating of an intervention on one outcome: a transparent rule, shown with its reasons.

Learned from three public rating systems (their published criteria, not their text):

- **Blueprints for Healthy Youth Development** (US): *Promising* needs one RCT or two quasi-experiments of good
  quality; *Model* needs two RCTs, or one RCT and one quasi-experiment, and sustained effects; impact must be
  positive and no study may show harm.
- **EIF Guidebook** (UK): level 2 preliminary evidence (a pre/post or weaker comparison), level 3 one rigorous
  RCT/QED with a positive impact, level 4 at least two rigorous studies; a negative impact is flagged.
- **Ungsinn** (Norway): levels run from theoretically founded through documented and probably effective to
  effective, the last requiring rigorous effect studies in Nordic conditions.

What we take: design carries most weight (SØM's own grade 1-3), replication lifts a rating, high risk of bias
removes a study from the count, a pooled effect must exclude "no effect" in the good direction, any sign of
harm is shown first, and context matters (the top level asks for a Danish or Nordic study, as Ungsinn).

The rule (first level whose conditions hold):

| level | label (da)                | conditions |
|-------|---------------------------|------------|
| HARM  | Tegn på skadelig virkning | the pooled CI lies wholly on the harmful side, with ≥ 1 grade 1-2 study not at high risk of bias |
| A     | Dokumenteret virkning     | ≥ 2 grade-1 studies not at high risk of bias; pooled CI wholly on the good side; ≥ 1 of them Danish/Nordic |
| B     | Sandsynlig virkning       | pooled CI wholly on the good side and (≥ 1 grade-1 or ≥ 2 grade-2 studies not at high risk of bias) |
| C     | Lovende                   | pooled estimate on the good side (CI may include no effect), or only grade-3/high-risk studies with a good-side CI |
| D     | Utilstrækkelig viden      | none of the above (no studies, no pooled result, or an estimate on the harmful side without a clear CI) |

A pooled result is needed for HARM, A, B and C: without one (no meta-analysis) the level is D.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum

from susi.engines.text import Text

NORDIC = frozenset({"DK", "SE", "NO", "FI", "IS", "FO", "GL", "AX"})


class Design(StrEnum):
    META_ANALYSIS = "meta_analysis"
    RCT = "rct"
    QUASI_EXPERIMENT = "quasi_experiment"
    BEFORE_AFTER_CONTROL = "before_after_control"
    BEFORE_AFTER = "before_after"
    OTHER = "other"


DESIGN_LABELS: dict[Design, Text] = {
    Design.META_ANALYSIS: Text("Metaanalyse / systematisk review", "Meta-analysis / systematic review"),
    Design.RCT: Text("Randomiseret kontrolleret forsøg (RCT)", "Randomised controlled trial (RCT)"),
    Design.QUASI_EXPERIMENT: Text(
        "Kvasieksperiment med konstrueret kontrolgruppe", "Quasi-experiment with a constructed control group"
    ),
    Design.BEFORE_AFTER_CONTROL: Text(
        "Før/efter-måling med kontrolgruppe", "Before/after with a control group"
    ),
    Design.BEFORE_AFTER: Text("Før/efter-måling uden kontrolgruppe", "Before/after without a control group"),
    Design.OTHER: Text(
        "Andet design (fx kvalitativt eller casestudie)", "Other design (e.g. qualitative or case study)"
    ),
}


class Grade(IntEnum):
    """SØM's grading of effect studies in its knowledge database."""

    ONE = 1  # meta-analysis or RCT
    TWO = 2  # quasi-experiment with constructed control, or before/after with control
    THREE = 3  # before/after without control


def som_grade(design: Design | str) -> Grade | None:
    """The SØM grade a design earns; None for designs SØM does not grade (qualitative, case studies)."""
    d = Design(design)
    if d in (Design.META_ANALYSIS, Design.RCT):
        return Grade.ONE
    if d in (Design.QUASI_EXPERIMENT, Design.BEFORE_AFTER_CONTROL):
        return Grade.TWO
    if d is Design.BEFORE_AFTER:
        return Grade.THREE
    return None


class RiskOfBias(StrEnum):
    LOW = "low"
    SOME = "some"
    HIGH = "high"


class Level(StrEnum):
    HARM = "HARM"
    A = "A"
    B = "B"
    C = "C"
    D = "D"


LEVEL_LABELS: dict[Level, Text] = {
    Level.HARM: Text("Tegn på skadelig virkning", "Signs of harmful effect"),
    Level.A: Text("Dokumenteret virkning", "Documented effect"),
    Level.B: Text("Sandsynlig virkning", "Probable effect"),
    Level.C: Text("Lovende", "Promising"),
    Level.D: Text("Utilstrækkelig viden", "Insufficient knowledge"),
}


@dataclass(frozen=True)
class StudyEvidence:
    label: str
    grade: Grade | None
    risk_of_bias: RiskOfBias
    country: str  # ISO 3166-1 alpha-2


@dataclass(frozen=True)
class PooledEffect:
    """The pooled effect on the analysed scale, where 0 means no effect."""

    estimate: float
    ci_low: float
    ci_high: float
    higher_is_better: bool


@dataclass(frozen=True)
class Reason:
    text: Text
    met: bool


@dataclass(frozen=True)
class EvidenceRating:
    level: Level
    reasons: tuple[Reason, ...]

    @property
    def label(self) -> Text:
        return LEVEL_LABELS[self.level]

    @property
    def summary(self) -> Text:
        met = [r.text for r in self.reasons if r.met]
        return Text(
            f"{self.label.da}: "
            + ("; ".join(t.da for t in met) if met else "ingen af kriterierne er opfyldt")
            + ".",
            f"{self.label.en}: "
            + ("; ".join(t.en for t in met) if met else "none of the criteria is met")
            + ".",
        )


def rate(studies: Sequence[StudyEvidence], pooled: PooledEffect | None) -> EvidenceRating:
    usable = [s for s in studies if s.risk_of_bias is not RiskOfBias.HIGH]
    g1 = [s for s in usable if s.grade is Grade.ONE]
    g2 = [s for s in usable if s.grade is Grade.TWO]
    nordic_g1 = [s for s in g1 if s.country.upper() in NORDIC]
    n_high = len(studies) - len(usable)

    good_side = harm_side = estimate_good = False
    if pooled is not None:
        sign = 1.0 if pooled.higher_is_better else -1.0
        lo, hi = sorted((sign * pooled.ci_low, sign * pooled.ci_high))
        good_side = lo > 0
        harm_side = hi < 0
        estimate_good = sign * pooled.estimate > 0

    reasons = [
        Reason(
            Text(
                f"{len(studies)} studie(r) i alt, heraf {n_high} med høj risiko for bias (tæller ikke med)",
                f"{len(studies)} stud(y/ies) in all, {n_high} of them at high risk of bias (not counted)",
            ),
            True,
        ),
        Reason(
            Text(
                f"{len(g1)} studie(r) af SØM-niveau 1 (metaanalyse eller RCT) uden høj risiko for bias",
                f"{len(g1)} stud(y/ies) of SØM grade 1 (meta-analysis or RCT) without high risk of bias",
            ),
            len(g1) > 0,
        ),
        Reason(
            Text(
                f"{len(g2)} studie(r) af SØM-niveau 2 (kvasieksperiment / kontrolgruppe)",
                f"{len(g2)} stud(y/ies) of SØM grade 2 (quasi-experiment / control group)",
            ),
            len(g2) > 0,
        ),
        Reason(
            Text(
                "mindst ét niveau 1-studie er gennemført i Danmark eller Norden"
                if nordic_g1
                else "intet niveau 1-studie er gennemført i Danmark eller Norden",
                "at least one grade-1 study was done in Denmark or the Nordic countries"
                if nordic_g1
                else "no grade-1 study was done in Denmark or the Nordic countries",
            ),
            bool(nordic_g1),
        ),
    ]
    if pooled is None:
        reasons.append(
            Reason(
                Text(
                    "der er ingen samlet effekt (metaanalyse) at vurdere",
                    "there is no pooled effect (meta-analysis) to assess",
                ),
                False,
            )
        )
    else:
        reasons.append(
            Reason(
                Text(
                    "konfidensintervallet for den samlede effekt ligger helt på den gode side af 'ingen effekt'",
                    "the confidence interval of the pooled effect lies wholly on the good side of 'no effect'",
                ),
                good_side,
            )
        )
        reasons.append(
            Reason(
                Text(
                    "den samlede effekt peger i den gode retning",
                    "the pooled effect points in the good direction",
                ),
                estimate_good,
            )
        )
        reasons.append(
            Reason(
                Text(
                    "konfidensintervallet ligger helt på den skadelige side af 'ingen effekt'",
                    "the confidence interval lies wholly on the harmful side of 'no effect'",
                ),
                harm_side,
            )
        )

    if harm_side and (g1 or g2):
        level = Level.HARM
    elif good_side and len(g1) >= 2 and nordic_g1:
        level = Level.A
    elif good_side and (len(g1) >= 1 or len(g2) >= 2):
        level = Level.B
    elif estimate_good:
        level = Level.C
    else:
        level = Level.D
    return EvidenceRating(level, tuple(reasons))
