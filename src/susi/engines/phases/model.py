"""The SUSI phase model as data: one declarative definition a reader can take in at a glance.

Source: the agency's leaflet "Sociale indsatser, der virker" (shared/seeds/002) and SUSI 2.0 (seeds/003).
Everything the gate rules need — phases, their order, the criteria to continue after each one, the products
each phase must deliver and how each product is reviewed, the five gate criteria, the two tracks, each phase's
typical duration — is written here once, in Danish and English, and bundled in `DECLARATION`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from susi.engines.text import Text


class Phase(StrEnum):
    SCREENING = "screening"
    MATURATION = "maturation"
    TESTING = "testing"
    DISSEMINATION = "dissemination"


class Track(StrEnum):
    """Track 1: carried out the same way everywhere. Track 2: local variation (SUSI 2.0)."""

    ONE = "track1"
    TWO = "track2"


class Criterion(StrEnum):
    """The five criteria weighed at every gate."""

    EFFECT = "effect"
    ECONOMY = "economy"
    IMPLEMENTATION = "implementation"
    DEMAND = "demand"
    REALISTIC_OPERATION = "realistic_operation"


class Rating(StrEnum):
    MET = "met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"
    NOT_RELEVANT = "not_relevant"


class Outcome(StrEnum):
    """The legal moves at a gate."""

    CONTINUE = "continue"  # to the next phase
    SKIP = "skip"  # past the next phase, when its criteria are already met
    REWORK = "rework"  # back for more work in the same phase
    STOP = "stop"  # the intervention is not developed further
    CONCLUDE = "conclude"  # dissemination is finished: the initiative closes as completed


class ProductKind(StrEnum):
    KNOWLEDGE_REPORT = "knowledge_report"
    PRELIMINARY_DESCRIPTION = "preliminary_description"
    FINAL_DESCRIPTION = "final_description"
    EVALUATION_REPORT = "evaluation_report"
    COST_ASSESSMENT = "cost_assessment"
    EFFECT_EVALUATION = "effect_evaluation"
    SOM_CALCULATION = "som_calculation"
    MONITORING_REPORT = "monitoring_report"
    PROTOTYPE = "prototype"  # SUSI 2.0: screening develops a prototype of the new intervention (seeds/003)


@dataclass(frozen=True)
class ContinueCriterion:
    """One line of "criteria to continue" and the gate criterion it belongs to."""

    criterion: Criterion
    text: Text


@dataclass(frozen=True)
class ProductRequirement:
    kind: ProductKind
    required: bool  # False: "where possible" (the SØM calculation in maturation and testing)


@dataclass(frozen=True)
class PhaseDefinition:
    phase: Phase
    name: Text
    purpose: Text
    typical_duration: Text
    products: tuple[ProductRequirement, ...]
    continue_criteria: tuple[ContinueCriterion, ...]
    # The upper end of the typical duration in months (None: ongoing, never "running late") and where the figure
    # comes from. An initiative in the phase for longer is flagged on the board.
    typical_months: int | None = None
    duration_source: str = ""

    @property
    def required_products(self) -> tuple[ProductKind, ...]:
        return tuple(p.kind for p in self.products if p.required)

    @property
    def gate_criteria(self) -> tuple[Criterion, ...]:
        """Every gate weighs all five criteria; dissemination, which has no later phase, has no gate to weigh.

        A criterion none of the phase's continue-lines names may be rated "not relevant", with a reason.
        """
        return tuple(Criterion) if self.continue_criteria else ()

    def continue_lines(self, criterion: Criterion) -> tuple[Text, ...]:
        return tuple(c.text for c in self.continue_criteria if c.criterion is criterion)


PRODUCT_NAMES: dict[ProductKind, Text] = {
    ProductKind.KNOWLEDGE_REPORT: Text("Vidensrapport", "Knowledge report"),
    ProductKind.PRELIMINARY_DESCRIPTION: Text("Foreløbig indsatsbeskrivelse", "Preliminary description"),
    ProductKind.FINAL_DESCRIPTION: Text("Endelig indsatsbeskrivelse", "Final intervention description"),
    ProductKind.EVALUATION_REPORT: Text("Evalueringsrapport", "Evaluation report"),
    ProductKind.COST_ASSESSMENT: Text("Omkostningsvurdering", "Cost assessment"),
    ProductKind.EFFECT_EVALUATION: Text("Effektevaluering", "Effect evaluation"),
    ProductKind.SOM_CALCULATION: Text("SØM-beregning", "SØM calculation"),
    ProductKind.MONITORING_REPORT: Text("Monitoreringsrapport", "Monitoring report"),
    ProductKind.PROTOTYPE: Text("Prototype", "Prototype"),
}

CRITERION_NAMES: dict[Criterion, Text] = {
    Criterion.EFFECT: Text("Virkning", "Effect"),
    Criterion.ECONOMY: Text("Økonomi", "Economy"),
    Criterion.IMPLEMENTATION: Text("Implementering", "Implementation"),
    Criterion.DEMAND: Text("Efterspørgsel", "Demand"),
    Criterion.REALISTIC_OPERATION: Text("Realistisk drift", "Realistic operation"),
}

RATING_NAMES: dict[Rating, Text] = {
    Rating.MET: Text("Opfyldt", "Met"),
    Rating.PARTLY_MET: Text("Delvist opfyldt", "Partly met"),
    Rating.NOT_MET: Text("Ikke opfyldt", "Not met"),
    Rating.NOT_RELEVANT: Text("Ikke relevant", "Not relevant"),
}

OUTCOME_NAMES: dict[Outcome, Text] = {
    Outcome.CONTINUE: Text("Fortsæt til næste fase", "Continue to the next phase"),
    Outcome.SKIP: Text("Spring en eller flere faser over", "Skip one or more phases"),
    Outcome.REWORK: Text("Tilbage til mere arbejde", "Back for more work"),
    Outcome.STOP: Text("Stop", "Stop"),
    Outcome.CONCLUDE: Text("Afslut udbredelsen", "Conclude dissemination"),
}

TRACK_NAMES: dict[Track, Text] = {
    Track.ONE: Text("Spor 1", "Track 1"),
    Track.TWO: Text("Spor 2", "Track 2"),
}

_E, _EC, _I, _D, _R = (
    Criterion.EFFECT,
    Criterion.ECONOMY,
    Criterion.IMPLEMENTATION,
    Criterion.DEMAND,
    Criterion.REALISTIC_OPERATION,
)
_P = ProductKind

PHASE_MODEL: tuple[PhaseDefinition, ...] = (
    PhaseDefinition(
        phase=Phase.SCREENING,
        name=Text("Screening", "Screening"),
        purpose=Text(
            "Styrelsen identificerer det sociale problem og afdækker viden, før udviklingen sættes i gang.",
            "The agency identifies the social problem and maps knowledge before development starts.",
        ),
        typical_duration=Text("Under et år", "Less than a year"),
        typical_months=12,
        duration_source="assumption: the seeds give no figure for screening; the agency's practice is under a year",
        products=(
            ProductRequirement(_P.KNOWLEDGE_REPORT, True),
            ProductRequirement(_P.PRELIMINARY_DESCRIPTION, True),
            # recorded at the screening gate with the track choice (seeds/003); not a condition to move on
            ProductRequirement(_P.PROTOTYPE, False),
        ),
        continue_criteria=(
            ContinueCriterion(_E, Text("Fagligt velbegrundet", "Professionally well-founded")),
            ContinueCriterion(
                _R, Text("Realistisk i både afprøvning og drift", "Realistic both to test and to run")
            ),
            ContinueCriterion(_D, Text("Efterspurgt", "In demand")),
        ),
    ),
    PhaseDefinition(
        phase=Phase.MATURATION,
        name=Text("Modning", "Maturation"),
        purpose=Text(
            "3-5 kommuner videreudvikler den foreløbige beskrivelse, til indsatsen er klar til afprøvning.",
            "3-5 municipalities develop the preliminary description until the intervention is ready to test.",
        ),
        typical_duration=Text("3-4 år", "3-4 years"),
        typical_months=48,
        duration_source="seeds/002: 'over en periode på tre til fire år'",
        products=(
            ProductRequirement(_P.FINAL_DESCRIPTION, True),
            ProductRequirement(_P.EVALUATION_REPORT, True),
            ProductRequirement(_P.COST_ASSESSMENT, True),
            ProductRequirement(_P.SOM_CALCULATION, False),
        ),
        continue_criteria=(
            ContinueCriterion(_I, Text("Færdigudviklet og defineret", "Fully developed and defined")),
            ContinueCriterion(_I, Text("Succesfuldt implementeret", "Successfully implemented")),
            ContinueCriterion(_E, Text("Viser lovende resultater", "Shows promising results")),
            ContinueCriterion(_EC, Text("Ikke urealistisk dyr", "Not unrealistically expensive")),
            ContinueCriterion(_D, Text("Accepteret og efterspurgt", "Accepted and in demand")),
        ),
    ),
    PhaseDefinition(
        phase=Phase.TESTING,
        name=Text("Afprøvning", "Testing"),
        purpose=Text(
            "Den færdigudviklede indsats afprøves ensartet for at vise, om den virker og kan betale sig.",
            "The finished intervention is tested uniformly to show whether it works and pays off.",
        ),
        typical_duration=Text("3-5 år", "3-5 years"),
        typical_months=60,
        duration_source="seeds/002: 'Afprøvningsfasen varer typisk tre til fem år'",
        products=(
            ProductRequirement(_P.EFFECT_EVALUATION, True),
            ProductRequirement(_P.SOM_CALCULATION, False),
        ),
        continue_criteria=(
            ContinueCriterion(_I, Text("Implementeret som forudsat", "Implemented as intended")),
            ContinueCriterion(
                _EC,
                Text(
                    "Rimeligt forhold mellem omkostninger, effekt og økonomiske konsekvenser",
                    "Reasonable relation between costs, effect and economic consequences",
                ),
            ),
            ContinueCriterion(_E, Text("Positiv effekt for borgerne", "Positive effect for citizens")),
            ContinueCriterion(_D, Text("Efterspurgt", "In demand")),
            ContinueCriterion(_R, Text("Realistisk driftsperspektiv", "Realistic to run")),
        ),
    ),
    PhaseDefinition(
        phase=Phase.DISSEMINATION,
        name=Text("Udbredelse", "Dissemination"),
        purpose=Text(
            "Den dokumenterede indsats udbredes til alle interesserede kommuner, og den fortsatte effekt følges.",
            "The documented intervention spreads to every interested municipality; continued effect is monitored.",
        ),
        typical_duration=Text("Løbende", "Ongoing"),
        typical_months=None,
        duration_source="seeds/002: dissemination continues while the effect is monitored",
        products=(ProductRequirement(_P.MONITORING_REPORT, True),),
        continue_criteria=(),
    ),
)

PHASE_ORDER: tuple[Phase, ...] = tuple(d.phase for d in PHASE_MODEL)
_BY_PHASE = {d.phase: d for d in PHASE_MODEL}


def definition(phase: Phase | str) -> PhaseDefinition:
    return _BY_PHASE[Phase(phase)]


def next_phase(phase: Phase | str, steps: int = 1) -> Phase | None:
    index = PHASE_ORDER.index(Phase(phase)) + steps
    return PHASE_ORDER[index] if index < len(PHASE_ORDER) else None


def phase_index(phase: Phase | str) -> int:
    return PHASE_ORDER.index(Phase(phase))


def months_between(start: date, end: date) -> int:
    """Whole months from `start` to `end` (0 when `end` is not after `start`)."""
    months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    return max(months, 0)


def past_typical_duration(phase: Phase | str, started: date, today: date) -> bool:
    """The initiative has been in `phase` longer than the upper end of its typical duration."""
    limit = definition(phase).typical_months
    return limit is not None and months_between(started, today) >= limit and today > started


# --- product review: the states of a phase product and the transitions between them -------------------------
# A product is written as a draft, submitted for review, and approved or rejected by the agency. Every allowed
# transition and who makes it is declared here; nothing else is allowed. A new version of a product's file sends
# it back to draft from any state (`NEW_VERSION_STATE`), so a rejected product is approved only after a new draft.


class ProductState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"


class Actor(StrEnum):
    """Who makes a review transition: whoever may upload the product, or whoever may review it."""

    CONTRIBUTOR = "contributor"
    REVIEWER = "reviewer"


@dataclass(frozen=True)
class ReviewTransition:
    source: ProductState
    target: ProductState
    actor: Actor
    name: Text


_S = ProductState

PRODUCT_REVIEW: tuple[ReviewTransition, ...] = (
    ReviewTransition(_S.DRAFT, _S.SUBMITTED, Actor.CONTRIBUTOR, Text("Indsend til godkendelse", "Submit")),
    # the agency's own drafts need no separate submission
    ReviewTransition(_S.DRAFT, _S.APPROVED, Actor.REVIEWER, Text("Godkend", "Approve")),
    ReviewTransition(_S.SUBMITTED, _S.APPROVED, Actor.REVIEWER, Text("Godkend", "Approve")),
    ReviewTransition(_S.SUBMITTED, _S.REJECTED, Actor.REVIEWER, Text("Afvis", "Reject")),
    ReviewTransition(
        _S.SUBMITTED, _S.DRAFT, Actor.REVIEWER, Text("Send tilbage som udkast", "Return to draft")
    ),
    ReviewTransition(_S.REJECTED, _S.DRAFT, Actor.REVIEWER, Text("Genåbn som udkast", "Reopen as draft")),
    ReviewTransition(_S.APPROVED, _S.DRAFT, Actor.REVIEWER, Text("Genåbn som udkast", "Reopen as draft")),
)

#: Where a product goes when a new version of its file is uploaded: it must be reviewed again.
NEW_VERSION_STATE = ProductState.DRAFT


@dataclass(frozen=True)
class Declaration:
    """The one declarative definition: the phases (with products, criteria, durations) and product review."""

    phases: tuple[PhaseDefinition, ...]
    product_review: tuple[ReviewTransition, ...]
    new_version_state: ProductState
    tracks: tuple[Track, ...]
    criteria: tuple[Criterion, ...]


DECLARATION = Declaration(
    phases=PHASE_MODEL,
    product_review=PRODUCT_REVIEW,
    new_version_state=NEW_VERSION_STATE,
    tracks=tuple(Track),
    criteria=tuple(Criterion),
)
