"""Foundations' proposals (fondes forslag), declared as data next to the phase model and the rounds.

SUSI 2.0 (seeds/003): foundations are invited to propose their own development projects, which can be taken
into the programmes — even straight into dissemination. A proposal has two stages: a concept note, and — if the
agency invites one — a full proposal with documents, the evidence it has, co-funding offered and the phase it
asks to enter. The agency declines at either stage, or accepts the full proposal into a phase (after screening
only with an entry assessment: `rules.judge_entry`). `PROPOSAL_WORKFLOW` says which moves are legal and who
makes them; `proposal_move` walks it. Pure Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from susi.engines.errors import EngineError
from susi.engines.text import Text


class ProposalActor(StrEnum):
    FOUNDATION = "foundation"  # a user of the proposing foundation
    AGENCY = "agency"  # agency staff (or an administrator)


class ProposalState(StrEnum):
    NEW = "new"  # not stored: the state before the concept note is submitted
    CONCEPT_SUBMITTED = "concept_submitted"
    INVITED = "invited"
    FULL_SUBMITTED = "full_submitted"
    ACCEPTED = "accepted"
    DECLINED = "declined"


PROPOSAL_STATE_NAMES: dict[ProposalState, Text] = {
    ProposalState.NEW: Text("Ny", "New"),
    ProposalState.CONCEPT_SUBMITTED: Text("Idéoplæg indsendt", "Concept note submitted"),
    ProposalState.INVITED: Text("Inviteret til fuldt forslag", "Invited to a full proposal"),
    ProposalState.FULL_SUBMITTED: Text("Fuldt forslag indsendt", "Full proposal submitted"),
    ProposalState.ACCEPTED: Text("Optaget i en fase", "Accepted into a phase"),
    ProposalState.DECLINED: Text("Afvist", "Declined"),
}


@dataclass(frozen=True)
class ProposalTransition:
    action: str
    source: ProposalState
    target: ProposalState
    actor: ProposalActor
    name: Text
    needs_message: bool = False  # the agency writes to the foundation why


_P, _F, _A = ProposalState, ProposalActor.FOUNDATION, ProposalActor.AGENCY

PROPOSAL_WORKFLOW: tuple[ProposalTransition, ...] = (
    ProposalTransition(
        "submit_concept", _P.NEW, _P.CONCEPT_SUBMITTED, _F, Text("Indsend idéoplæg", "Submit concept note")
    ),
    ProposalTransition(
        "invite",
        _P.CONCEPT_SUBMITTED,
        _P.INVITED,
        _A,
        Text("Invitér til fuldt forslag", "Invite a full proposal"),
        needs_message=True,
    ),
    ProposalTransition(
        "decline", _P.CONCEPT_SUBMITTED, _P.DECLINED, _A, Text("Afvis", "Decline"), needs_message=True
    ),
    ProposalTransition(
        "submit_full",
        _P.INVITED,
        _P.FULL_SUBMITTED,
        _F,
        Text("Indsend fuldt forslag", "Submit full proposal"),
    ),
    ProposalTransition(
        "decline", _P.FULL_SUBMITTED, _P.DECLINED, _A, Text("Afvis", "Decline"), needs_message=True
    ),
    ProposalTransition(
        "accept", _P.FULL_SUBMITTED, _P.ACCEPTED, _A, Text("Optag i en fase", "Accept into a phase")
    ),
)

#: States in which the proposal waits for the agency (the inbox's default view).
AWAITING_AGENCY: frozenset[ProposalState] = frozenset({_P.CONCEPT_SUBMITTED, _P.FULL_SUBMITTED})
FINAL: frozenset[ProposalState] = frozenset({_P.ACCEPTED, _P.DECLINED})


class ProposalMoveRefused(EngineError):
    """The move is not in the workflow (or the message it needs is missing)."""

    def __init__(self, reason: Text, field: str = "state"):
        super().__init__(field, reason, "proposal_move_refused")


def proposal_transition(state: str, action: str, actor: ProposalActor) -> ProposalTransition:
    """The declared transition for `action` by `actor` from `state`, or ProposalMoveRefused."""
    current = ProposalState(state)
    for transition in PROPOSAL_WORKFLOW:
        if transition.source is current and transition.action == action and transition.actor is actor:
            return transition
    name = PROPOSAL_STATE_NAMES[current]
    raise ProposalMoveRefused(
        Text(
            f"Det kan ikke lade sig gøre, mens forslaget har status »{name.da}«.",
            f"That is not possible while the proposal is '{name.en}'.",
        )
    )


def proposal_move(state: str, action: str, actor: ProposalActor, message: str = "") -> ProposalState:
    """The proposal's state after `action` by `actor`; refused without the message the move needs."""
    transition = proposal_transition(state, action, actor)
    if transition.needs_message and not message.strip():
        raise ProposalMoveRefused(
            Text("Skriv en besked til fonden.", "Write a message to the foundation."), field="message"
        )
    return transition.target


def actions_from(state: str, actor: ProposalActor) -> tuple[str, ...]:
    return tuple(t.action for t in PROPOSAL_WORKFLOW if t.source == state and t.actor is actor)
