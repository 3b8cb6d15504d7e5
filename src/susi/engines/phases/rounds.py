"""Application rounds (ansøgningsrunder), declared as data next to the phase model.

A round opens an initiative's next phase to applicants: maturation, testing and dissemination start through
rounds (seeds/002: "Modningsinitiativer igangsættes via en ansøgningsrunde"). The two workflows below say which
states exist, which moves are legal and who makes them; `round_move` and `application_move` walk the tables.
What each phase offers the participating municipalities (seeds/002) is the third table.

Pure Python: the Django app stores rounds and applications and asks these tables before every change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from susi.engines.errors import EngineError
from susi.engines.text import Text

from .model import Phase


class Actor(StrEnum):
    AGENCY = "agency"  # agency staff (or an administrator)
    APPLICANT = "applicant"  # a user of the applying organisation
    REVIEWER = "reviewer"  # an assigned reviewer (agency staff or a steering-group member)


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    actor: Actor
    name: Text


class RoundState(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    DECIDED = "decided"


ROUND_STATE_NAMES: dict[RoundState, Text] = {
    RoundState.DRAFT: Text("Kladde", "Draft"),
    RoundState.OPEN: Text("Åben", "Open"),
    RoundState.CLOSED: Text("Lukket for ansøgninger", "Closed for applications"),
    RoundState.DECIDED: Text("Afgjort", "Decided"),
}

ROUND_WORKFLOW: tuple[Transition, ...] = (
    Transition("open", RoundState.DRAFT, RoundState.OPEN, Actor.AGENCY, Text("Åbn runden", "Open the round")),
    Transition(
        "close", RoundState.OPEN, RoundState.CLOSED, Actor.AGENCY, Text("Luk runden", "Close the round")
    ),
    Transition(
        "decide",
        RoundState.CLOSED,
        RoundState.DECIDED,
        Actor.AGENCY,
        Text("Afslut runden", "Conclude the round"),
    ),
)


class ApplicationState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    SCREENED_IN = "screened_in"
    SCREENED_OUT = "screened_out"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


APPLICATION_STATE_NAMES: dict[ApplicationState, Text] = {
    ApplicationState.DRAFT: Text("Kladde", "Draft"),
    ApplicationState.SUBMITTED: Text("Indsendt", "Submitted"),
    ApplicationState.WITHDRAWN: Text("Trukket tilbage", "Withdrawn"),
    ApplicationState.SCREENED_IN: Text("Går videre til vurdering", "Screened in for review"),
    ApplicationState.SCREENED_OUT: Text("Sorteret fra", "Screened out"),
    ApplicationState.ACCEPTED: Text("Optaget", "Accepted"),
    ApplicationState.REJECTED: Text("Ikke optaget", "Not accepted"),
}

_A = ApplicationState
APPLICATION_WORKFLOW: tuple[Transition, ...] = (
    Transition("submit", _A.DRAFT, _A.SUBMITTED, Actor.APPLICANT, Text("Indsend", "Submit")),
    Transition("withdraw", _A.DRAFT, _A.WITHDRAWN, Actor.APPLICANT, Text("Træk tilbage", "Withdraw")),
    Transition("withdraw", _A.SUBMITTED, _A.WITHDRAWN, Actor.APPLICANT, Text("Træk tilbage", "Withdraw")),
    Transition(
        "screen_in", _A.SUBMITTED, _A.SCREENED_IN, Actor.AGENCY, Text("Videre til vurdering", "Screen in")
    ),
    Transition("screen_out", _A.SUBMITTED, _A.SCREENED_OUT, Actor.AGENCY, Text("Sortér fra", "Screen out")),
    Transition("accept", _A.SCREENED_IN, _A.ACCEPTED, Actor.AGENCY, Text("Optag", "Accept")),
    Transition("reject", _A.SCREENED_IN, _A.REJECTED, Actor.AGENCY, Text("Afvis", "Reject")),
)

# While a round is in this state, these application moves are possible (a closed round takes no submission).
MOVES_BY_ROUND_STATE: dict[RoundState, frozenset[str]] = {
    RoundState.DRAFT: frozenset(),
    RoundState.OPEN: frozenset({"submit", "withdraw"}),
    RoundState.CLOSED: frozenset({"withdraw", "screen_in", "screen_out", "accept", "reject"}),
    RoundState.DECIDED: frozenset(),
}

# Applications still in these states when a round is concluded would be left undecided: not allowed.
UNDECIDED: frozenset[ApplicationState] = frozenset({_A.SUBMITTED, _A.SCREENED_IN})
# An organisation's application in these states "counts" as an applicant for demand (applicants per place).
APPLIED: frozenset[ApplicationState] = frozenset(
    {_A.SUBMITTED, _A.SCREENED_IN, _A.SCREENED_OUT, _A.ACCEPTED, _A.REJECTED}
)


class MoveRefused(EngineError):
    """The move is not in the workflow; `message` (and `reason`) says why in Danish and English."""

    def __init__(self, reason: Text):
        super().__init__("state", reason, "move_refused")

    @property
    def reason(self) -> Text:
        return self.message


def _find(workflow: Sequence[Transition], state: str, action: str) -> Transition | None:
    return next((t for t in workflow if t.source == state and t.action == action), None)


def round_move(state: str, action: str) -> RoundState:
    """The round's state after `action`, or MoveRefused."""
    transition = _find(ROUND_WORKFLOW, state, action)
    if transition is None:
        raise MoveRefused(
            Text(
                f"Runden kan ikke »{action}« i tilstanden »{ROUND_STATE_NAMES[RoundState(state)].da}«.",
                f"The round cannot '{action}' while '{ROUND_STATE_NAMES[RoundState(state)].en}'.",
            )
        )
    return RoundState(transition.target)


def application_move(round_state: str, state: str, action: str, actor: Actor) -> ApplicationState:
    """The application's state after `action` by `actor`, given the round's state; or MoveRefused."""
    if action == "submit" and round_state != RoundState.OPEN:
        raise MoveRefused(
            Text(
                "Runden er lukket for ansøgninger. Ansøgningsfristen er overskredet.",
                "The round is closed for applications. The deadline has passed.",
            )
        )
    transition = _find(APPLICATION_WORKFLOW, state, action)
    if transition is None or transition.actor is not actor:
        name = APPLICATION_STATE_NAMES[ApplicationState(state)]
        raise MoveRefused(
            Text(
                f"Det kan ikke lade sig gøre, når ansøgningen er »{name.da}«.",
                f"That is not possible while the application is '{name.en}'.",
            )
        )
    if action not in MOVES_BY_ROUND_STATE[RoundState(round_state)]:
        raise MoveRefused(
            Text(
                f"Det kan ikke lade sig gøre, mens runden er »{ROUND_STATE_NAMES[RoundState(round_state)].da}«.",
                f"That is not possible while the round is '{ROUND_STATE_NAMES[RoundState(round_state)].en}'.",
            )
        )
    return ApplicationState(transition.target)


# --- reviews ------------------------------------------------------------------------------------------

SCORE_MIN, SCORE_MAX = 0, 5


def weighted_score(
    scores_by_reviewer: Sequence[Mapping[int, float]], weights: Mapping[int, float]
) -> float | None:
    """An application's score: each criterion's mean over the reviewers, weighted by the published weights
    (weights need not sum to 100; they are normalised). None before any review."""
    if not scores_by_reviewer or not weights:
        return None
    total_weight = float(sum(weights.values()))
    if total_weight <= 0:
        return None
    score = 0.0
    for criterion, weight in weights.items():
        given = [s[criterion] for s in scores_by_reviewer if criterion in s]
        if given:
            score += weight * (sum(given) / len(given))
    return score / total_weight


def ranking(scores: Mapping[int, float | None]) -> list[tuple[int, float | None, int | None]]:
    """(application id, score, rank) from best to worst; unscored applications last, without a rank.
    Equal scores share a rank (1, 2, 2, 4)."""
    scored = sorted(((k, v) for k, v in scores.items() if v is not None), key=lambda kv: (-kv[1], kv[0]))
    result: list[tuple[int, float | None, int | None]] = []
    for position, (key, value) in enumerate(scored, start=1):
        rank = result[-1][2] if result and result[-1][1] == value else position
        result.append((key, value, rank))
    result.extend((k, None, None) for k, v in sorted(scores.items()) if v is None)
    return result


def applicants_per_place(applicants: int, places: int | None) -> float | None:
    """Oversubscription: applicants per place (None when the round is open to all)."""
    if not places:
        return None
    return applicants / places


# --- what each phase offers the participating municipalities (seeds/002) -----------------------------


class Offer(StrEnum):
    PROCESS_SUPPORT = "process_support"
    EVALUATION_SUPPORT = "evaluation_support"
    GRANT = "grant"
    COMPETENCE = "competence"
    IMPLEMENTATION_SUPPORT = "implementation_support"
    SOM_COURSE = "som_course"


OFFER_NAMES: dict[Offer, Text] = {
    Offer.PROCESS_SUPPORT: Text("Processtøtte", "Process support"),
    Offer.EVALUATION_SUPPORT: Text(
        "Støtte i forbindelse med evaluering/data", "Support with evaluation and data"
    ),
    Offer.GRANT: Text(
        "Evt. økonomisk tilskud fra pulje til udviklingsarbejdet", "Possibly a grant from a pool for the work"
    ),
    Offer.COMPETENCE: Text("Kompetenceudvikling", "Competence development"),
    Offer.IMPLEMENTATION_SUPPORT: Text("Implementeringsstøtte", "Implementation support"),
    Offer.SOM_COURSE: Text(
        "Uddannelse i Den Socialøkonomiske Investeringsmodel (SØM)", "Training in the SØM investment model"
    ),
}

# The leaflet's "Tilbud til kommunerne i fasen er som udgangspunkt" (seeds/002), phase by phase.
PHASE_OFFERS: dict[Phase, tuple[Offer, ...]] = {
    Phase.SCREENING: (),
    Phase.MATURATION: (
        Offer.PROCESS_SUPPORT,
        Offer.EVALUATION_SUPPORT,
        Offer.GRANT,
        Offer.COMPETENCE,
        Offer.SOM_COURSE,
    ),
    Phase.TESTING: (
        Offer.PROCESS_SUPPORT,
        Offer.EVALUATION_SUPPORT,
        Offer.GRANT,
        Offer.COMPETENCE,
        Offer.SOM_COURSE,
    ),
    Phase.DISSEMINATION: (Offer.COMPETENCE, Offer.IMPLEMENTATION_SUPPORT, Offer.SOM_COURSE),
}

# Rounds open a phase after screening; screening itself starts from the agency's own assessment.
ROUND_PHASES: tuple[Phase, ...] = (Phase.MATURATION, Phase.TESTING, Phase.DISSEMINATION)
