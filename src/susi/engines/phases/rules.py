"""The rules that judge a proposed gate decision.

`judge(proposal)` says whether the decision is allowed and, if not, every reason why (in Danish and English).
`apply(state, proposal)` returns the initiative's next state or raises `GateRefused`.

The rules, in words (docs/developers/phase-rules.md has the reasoning):
1. Only an active initiative has a gate. A stopped or completed one never moves again.
2. Every gate weighs all five criteria; each must be assessed, with a written justification.
3. Continue, skip and conclude need every required product of the phase approved.
4. Continue and skip need every assessed criterion to be *met* (or *not relevant*, justified). *Not met* never
   passes. *Partly met* passes only in track 2, and only for effect, economy and implementation — the
   criteria SUSI 2.0 says are fundamentally harder to document for interventions carried out with local
   variation (seeds/003). Demand and realistic operation must be met in both tracks.
5. Skip needs a written justification and an assessment, by the same standard, of the criteria of every phase
   it jumps over: the knowledge at hand must already meet the later phase's criteria.
6. Every decision but a plain continue needs a written justification. Rework keeps the phase; stop ends
   the initiative; conclude closes it as completed.
7. Conclude is only for dissemination, which has no later phase; continue and skip are not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from susi.engines.errors import EngineError, Problem

from .model import (
    CRITERION_NAMES,
    PRODUCT_NAMES,
    Criterion,
    Outcome,
    Phase,
    ProductKind,
    Rating,
    Text,
    Track,
    definition,
    next_phase,
)


class Status(StrEnum):
    ACTIVE = "active"
    STOPPED = "stopped"
    COMPLETED = "completed"


# Rule 4: the criteria that track 2 may pass as "partly met".
TRACK_TWO_FLEXIBLE: frozenset[Criterion] = frozenset(
    {Criterion.EFFECT, Criterion.ECONOMY, Criterion.IMPLEMENTATION}
)
PASSING: frozenset[Rating] = frozenset({Rating.MET, Rating.NOT_RELEVANT})


@dataclass(frozen=True)
class Assessment:
    criterion: Criterion
    rating: Rating
    justification: str
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class State:
    phase: Phase
    status: Status = Status.ACTIVE


@dataclass(frozen=True)
class GateProposal:
    phase: Phase
    track: Track
    outcome: Outcome
    assessments: Mapping[Criterion, Assessment] = field(default_factory=dict)
    approved_products: frozenset[ProductKind] = frozenset()
    justification: str = ""
    # For a skip: the assessments of the criteria of each phase jumped over.
    skipped_assessments: Mapping[Criterion, Assessment] = field(default_factory=dict)
    status: Status = Status.ACTIVE


@dataclass(frozen=True)
class Verdict:
    proposal: GateProposal
    problems: tuple[Problem, ...]
    new_state: State | None

    @property
    def allowed(self) -> bool:
        return not self.problems


class GateRefused(EngineError):
    """The decision is not allowed; `problems` (from the verdict) say every reason why."""

    def __init__(self, verdict: Verdict):
        self.verdict = verdict
        self._carry(verdict.problems, None)


def passes(track: Track, criterion: Criterion, rating: Rating) -> bool:
    if rating in PASSING:
        return True
    return track is Track.TWO and rating is Rating.PARTLY_MET and criterion in TRACK_TWO_FLEXIBLE


def target_state(phase: Phase, outcome: Outcome) -> State | None:
    """Where an outcome leads from a phase, or None when the outcome does not exist there."""
    if outcome is Outcome.CONTINUE:
        nxt = next_phase(phase)
        return State(nxt) if nxt else None
    if outcome is Outcome.SKIP:
        nxt = next_phase(phase, 2)
        return State(nxt) if nxt else None
    if outcome is Outcome.REWORK:
        return State(phase)
    if outcome is Outcome.STOP:
        return State(phase, Status.STOPPED)
    if outcome is Outcome.CONCLUDE:
        return State(phase, Status.COMPLETED) if next_phase(phase) is None else None
    raise AssertionError(outcome)


def skipped_phases(phase: Phase, outcome: Outcome) -> tuple[Phase, ...]:
    if outcome is not Outcome.SKIP:
        return ()
    nxt = next_phase(phase)
    return (nxt,) if nxt else ()


def judge(proposal: GateProposal) -> Verdict:
    problems: list[Problem] = []
    add = problems.append
    phase, outcome, track = Phase(proposal.phase), Outcome(proposal.outcome), Track(proposal.track)
    if proposal.status is not Status.ACTIVE:
        add(
            Problem(
                "not_active",
                "status",
                Text(
                    "Initiativet er stoppet eller afsluttet og kan ikke passere flere faseovergange.",
                    "The initiative is stopped or completed and cannot pass any more gates.",
                ),
            )
        )
        return Verdict(proposal, tuple(problems), None)

    target = target_state(phase, outcome)
    if target is None:
        add(
            Problem(
                "outcome_not_possible",
                "outcome",
                Text(
                    f"Beslutningen er ikke mulig efter fasen {definition(phase).name.da.lower()}.",
                    f"That decision is not possible after the {definition(phase).name.en.lower()} phase.",
                ),
            )
        )

    _check_assessments(problems, phase, track, proposal.assessments, outcome, "assessments")

    if outcome in (Outcome.CONTINUE, Outcome.SKIP, Outcome.CONCLUDE):
        for kind in definition(phase).required_products:
            if kind not in proposal.approved_products:
                name = PRODUCT_NAMES[kind]
                add(
                    Problem(
                        "missing_product",
                        f"product:{kind.value}",
                        Text(
                            f"Produktet »{name.da}« mangler eller er ikke godkendt.",
                            f"The product “{name.en}” is missing or not approved.",
                        ),
                    )
                )

    if outcome is not Outcome.CONTINUE and not proposal.justification.strip():
        add(
            Problem(
                "missing_justification",
                "justification",
                Text(
                    "Beslutningen skal begrundes: skriv en begrundelse.",
                    "The decision needs a written justification.",
                ),
            )
        )

    for skipped in skipped_phases(phase, outcome):
        _check_assessments(
            problems, skipped, track, proposal.skipped_assessments, outcome, "skipped_assessments"
        )

    return Verdict(proposal, tuple(problems), target if not problems else None)


def _check_assessments(
    problems: list[Problem],
    phase: Phase,
    track: Track,
    assessments: Mapping[Criterion, Assessment],
    outcome: Outcome,
    field_prefix: str,
) -> None:
    must_pass = outcome in (Outcome.CONTINUE, Outcome.SKIP)
    phase_name = definition(phase).name
    for criterion in definition(phase).gate_criteria:
        name = CRITERION_NAMES[criterion]
        where = f"{field_prefix}:{criterion.value}"
        assessment = assessments.get(criterion)
        if assessment is None:
            problems.append(
                Problem(
                    "unassessed",
                    where,
                    Text(
                        f"Kriteriet »{name.da}« ({phase_name.da.lower()}) er ikke vurderet.",
                        f"The criterion “{name.en}” ({phase_name.en.lower()}) has not been assessed.",
                    ),
                )
            )
            continue
        if not assessment.justification.strip():
            problems.append(
                Problem(
                    "unjustified",
                    where,
                    Text(
                        f"Vurderingen af »{name.da}« mangler en begrundelse.",
                        f"The assessment of “{name.en}” needs a justification.",
                    ),
                )
            )
        if must_pass and not passes(track, criterion, Rating(assessment.rating)):
            if Rating(assessment.rating) is Rating.PARTLY_MET:
                da = f"»{name.da}« er kun delvist opfyldt; det er kun nok i spor 2 for virkning, økonomi og implementering."
                en = f"“{name.en}” is only partly met; that suffices only in track 2 for effect, economy and implementation."
            else:
                da = f"»{name.da}« er ikke opfyldt, så indsatsen kan ikke gå videre."
                en = f"“{name.en}” is not met, so the intervention cannot move on."
            problems.append(Problem("criterion_not_met", where, Text(da, en)))


def apply(state: State, proposal: GateProposal) -> State:
    """The state after an allowed decision; raises GateRefused (changing nothing) otherwise."""
    if Phase(proposal.phase) is not state.phase or proposal.status is not state.status:
        proposal = GateProposal(
            phase=state.phase,
            track=proposal.track,
            outcome=proposal.outcome,
            assessments=proposal.assessments,
            approved_products=proposal.approved_products,
            justification=proposal.justification,
            skipped_assessments=proposal.skipped_assessments,
            status=state.status,
        )
    verdict = judge(proposal)
    if not verdict.allowed or verdict.new_state is None:
        raise GateRefused(verdict)
    return verdict.new_state


def possible_outcomes(phase: Phase) -> tuple[Outcome, ...]:
    return tuple(o for o in Outcome if target_state(phase, o) is not None)
