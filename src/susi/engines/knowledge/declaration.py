"""The knowledge declaration (vidensdeklaration) of an intervention, graded A-D on five dimensions.

The national knowledge portal describes every intervention on five dimensions: target group, method,
implementation, effect and economy. Here each dimension is graded from the platform's own data by declared
rules (`GRADING`): a grade is reached when every one of its conditions holds, the best grade reached wins,
and D (no conditions) is where every intervention starts. The reasons shown beside a grade are the
conditions of the grade reached (all met) and those of the next better grade (the unmet ones say what is
missing). The rules judge the knowledge at hand, not the intervention's worth.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from susi.engines.text import Text


class Dimension(StrEnum):
    TARGET_GROUP = "target_group"
    METHOD = "method"
    IMPLEMENTATION = "implementation"
    EFFECT = "effect"
    ECONOMY = "economy"


DIMENSION_NAMES: dict[Dimension, Text] = {
    Dimension.TARGET_GROUP: Text("Målgruppe", "Target group"),
    Dimension.METHOD: Text("Metode", "Method"),
    Dimension.IMPLEMENTATION: Text("Implementering", "Implementation"),
    Dimension.EFFECT: Text("Effekt", "Effect"),
    Dimension.ECONOMY: Text("Økonomi", "Economy"),
}


class Grade(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"


GRADE_MEANINGS: dict[Grade, Text] = {
    Grade.A: Text("Stærk viden", "Strong knowledge"),
    Grade.B: Text("Moderat viden", "Moderate knowledge"),
    Grade.C: Text("Begrænset viden", "Limited knowledge"),
    Grade.D: Text("Ingen eller sparsom viden", "No or scarce knowledge"),
}

PHASE_ORDER = ("screening", "maturation", "testing", "dissemination")


@dataclass(frozen=True)
class Facts:
    """What the platform knows about one intervention, as plain values (no citizen-level data)."""

    target_group_described: bool = False
    involvement_activities: int = 0  # recorded user-involvement activities
    involvement_changes: int = 0  # activities that changed the intervention
    method_described: bool = False
    final_description_approved: bool = False
    phase_reached: str = "screening"  # the furthest phase any initiative of the intervention reached
    fidelity_share: float | None = None  # share of intended core components delivered (reportable only)
    fidelity_adequate_share: float | None = None  # share of reportable municipalities with adequate fidelity
    evidence_level: str | None = None  # the evidence rating (A-D, HARM) of the newest meta-analysis
    effect_favourable: bool = False  # its pooled 95 % CI lies on the favourable side of no effect
    harmful_side_effects: int = 0  # recorded side effects whose CI excludes no harm
    public_calculations: int = 0  # SØM calculations the agency has marked public
    probability_positive: float | None = None  # P(net present value >= 0) of the newest public calculation
    present_value: float | None = None  # its net present value (kr.)
    cost_assessment_approved: bool = False

    @property
    def phase_index(self) -> int:
        return PHASE_ORDER.index(self.phase_reached) if self.phase_reached in PHASE_ORDER else 0


@dataclass(frozen=True)
class Condition:
    text: Text
    test: Callable[[Facts], bool]


@dataclass(frozen=True)
class Reason:
    text: Text
    met: bool
    grade: Grade  # the grade whose condition this is


@dataclass(frozen=True)
class DimensionGrade:
    dimension: Dimension
    grade: Grade
    reasons: tuple[Reason, ...]

    @property
    def name(self) -> Text:
        return DIMENSION_NAMES[self.dimension]

    @property
    def meaning(self) -> Text:
        return GRADE_MEANINGS[self.grade]


def _c(da: str, en: str, test: Callable[[Facts], bool]) -> Condition:
    return Condition(Text(da, en), test)


DESCRIBED_TARGET = _c(
    "Målgruppen er beskrevet", "The target group is described", lambda f: f.target_group_described
)
ANY_INVOLVEMENT = _c(
    "Brugerne er inddraget i udviklingen",
    "Users took part in the development",
    lambda f: f.involvement_activities > 0,
)
INVOLVEMENT_CHANGED = _c(
    "Brugernes input har ændret indsatsen",
    "Users' input changed the intervention",
    lambda f: f.involvement_changes > 0,
)
TESTED = _c(
    "Indsatsen er nået til afprøvning eller udbredelse",
    "The intervention reached testing or dissemination",
    lambda f: f.phase_index >= 2,
)
MATURED = _c(
    "Indsatsen er nået mindst til modning",
    "The intervention reached at least maturation",
    lambda f: f.phase_index >= 1,
)
METHOD_DESCRIBED = _c("Indsatsen er beskrevet", "The intervention is described", lambda f: f.method_described)
FINAL_DESCRIPTION = _c(
    "Den endelige indsatsbeskrivelse er godkendt",
    "The final intervention description is approved",
    lambda f: f.final_description_approved,
)
FIDELITY_HIGH = _c(
    "Mindst 80 % af kerneelementerne er leveret som tilsigtet",
    "At least 80 % of the core components were delivered as intended",
    lambda f: f.fidelity_share is not None and f.fidelity_share >= 0.8,
)
FIDELITY_MOST_ADEQUATE = _c(
    "Mindst 80 % af kommunerne leverer indsatsen som tilsigtet",
    "At least 80 % of the municipalities deliver the intervention as intended",
    lambda f: f.fidelity_adequate_share is not None and f.fidelity_adequate_share >= 0.8,
)
FIDELITY_SOME = _c(
    "Mindst 60 % af kerneelementerne er leveret som tilsigtet",
    "At least 60 % of the core components were delivered as intended",
    lambda f: f.fidelity_share is not None and f.fidelity_share >= 0.6,
)
EVIDENCE_A = _c("Evidensvurderingen er A", "The evidence rating is A", lambda f: f.evidence_level == "A")
EVIDENCE_AB = _c(
    "Evidensvurderingen er A eller B",
    "The evidence rating is A or B",
    lambda f: f.evidence_level in {"A", "B"},
)
EVIDENCE_ANY = _c(
    "Der er en evidensvurdering (A-C)",
    "There is an evidence rating (A-C)",
    lambda f: f.evidence_level in {"A", "B", "C"},
)
FAVOURABLE = _c(
    "Den samlede effekt er til gavn for borgerne (95 %-konfidensintervallet)",
    "The pooled effect favours the citizens (95 % confidence interval)",
    lambda f: f.effect_favourable,
)
NO_HARM = _c(
    "Ingen påviste skadelige bivirkninger",
    "No harmful side effects found",
    lambda f: f.harmful_side_effects == 0 and f.evidence_level != "HARM",
)
PUBLIC_CALCULATION = _c(
    "Der er en offentliggjort SØM-beregning",
    "There is a published SØM calculation",
    lambda f: f.public_calculations > 0,
)
LIKELY_POSITIVE = _c(
    "Mindst 80 % sandsynlighed for et positivt budgetøkonomisk nettoresultat",
    "At least 80 % probability of a positive net budget result",
    lambda f: f.probability_positive is not None and f.probability_positive >= 0.8,
)
PROBABLY_POSITIVE = _c(
    "Mindst 50 % sandsynlighed for et positivt budgetøkonomisk nettoresultat",
    "At least 50 % probability of a positive net budget result",
    lambda f: (
        (f.probability_positive if f.probability_positive is not None else -1) >= 0.5
        or (f.probability_positive is None and f.present_value is not None and f.present_value >= 0)
    ),
)
COSTS_KNOWN = _c(
    "Omkostningerne er kendt (godkendt omkostningsvurdering eller offentliggjort beregning)",
    "The costs are known (approved cost assessment or published calculation)",
    lambda f: f.cost_assessment_approved or f.public_calculations > 0,
)

#: dimension → the grades A, B, C with the conditions each needs (D needs none). Read from the top.
GRADING: dict[Dimension, tuple[tuple[Grade, tuple[Condition, ...]], ...]] = {
    Dimension.TARGET_GROUP: (
        (Grade.A, (DESCRIBED_TARGET, INVOLVEMENT_CHANGED, TESTED)),
        (Grade.B, (DESCRIBED_TARGET, ANY_INVOLVEMENT)),
        (Grade.C, (DESCRIBED_TARGET,)),
    ),
    Dimension.METHOD: (
        (Grade.A, (FINAL_DESCRIPTION, TESTED)),
        (Grade.B, (METHOD_DESCRIBED, MATURED)),
        (Grade.C, (METHOD_DESCRIBED,)),
    ),
    Dimension.IMPLEMENTATION: (
        (Grade.A, (FIDELITY_HIGH, FIDELITY_MOST_ADEQUATE)),
        (Grade.B, (FIDELITY_SOME,)),
        (Grade.C, (MATURED,)),
    ),
    Dimension.EFFECT: (
        (Grade.A, (EVIDENCE_A, FAVOURABLE, NO_HARM)),
        (Grade.B, (EVIDENCE_AB, FAVOURABLE, NO_HARM)),
        (Grade.C, (EVIDENCE_ANY,)),
    ),
    Dimension.ECONOMY: (
        (Grade.A, (PUBLIC_CALCULATION, LIKELY_POSITIVE)),
        (Grade.B, (PUBLIC_CALCULATION, PROBABLY_POSITIVE)),
        (Grade.C, (COSTS_KNOWN,)),
    ),
}


def grade(dimension: Dimension, facts: Facts) -> DimensionGrade:
    """The best grade whose conditions all hold, with the reasons (see the module docstring)."""
    ladder = GRADING[dimension]
    for index, (candidate, conditions) in enumerate(ladder):
        if all(c.test(facts) for c in conditions):
            reasons = [Reason(c.text, True, candidate) for c in conditions]
            if index > 0:
                better, needs = ladder[index - 1]
                reasons += [Reason(c.text, False, better) for c in needs if not c.test(facts)]
            return DimensionGrade(dimension, candidate, tuple(reasons))
    worst_named, needs = ladder[-1]
    missing = tuple(Reason(c.text, False, worst_named) for c in needs if not c.test(facts))
    return DimensionGrade(dimension, Grade.D, missing)


def declare(facts: Facts) -> tuple[DimensionGrade, ...]:
    """All five dimensions, in the portal's order."""
    return tuple(grade(d, facts) for d in Dimension)


#: The parts of a public knowledge page the agency may choose to publish (besides the five dimensions).
class Section(StrEnum):
    HISTORY = "history"
    EVIDENCE = "evidence"
    ECONOMY = "economy"
    FIDELITY = "fidelity"
    INVOLVEMENT = "involvement"
    NOTES = "notes"


SECTION_NAMES: dict[Section, Text] = {
    Section.HISTORY: Text("Faser og faseovergange", "Phases and gates"),
    Section.EVIDENCE: Text("Evidens og samlet effekt", "Evidence and pooled effect"),
    Section.ECONOMY: Text("Investeringspotentiale (SØM)", "Investment potential (SØM)"),
    Section.FIDELITY: Text("Implementering og troskab", "Implementation and fidelity"),
    Section.INVOLVEMENT: Text("Brugerinddragelse", "User involvement"),
    Section.NOTES: Text("Ny viden fra faseovergangene", "New knowledge from the gates"),
}
