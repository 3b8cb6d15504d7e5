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
5. Skip jumps one or more phases to a target phase (default: the phase after next) and needs a written
   justification and an assessment, by the same standard, of the criteria of EVERY phase it jumps over
   (`skipped_assessments`, keyed by (phase, criterion)): the knowledge at hand must already meet each later
   phase's criteria.
6. Every decision but a plain continue needs a written justification. Rework keeps the phase; stop ends
   the initiative; conclude closes it as completed.
7. Conclude is only for dissemination, which has no later phase; continue and skip are not.
8. The track changes only at a gate that keeps the initiative going (continue, skip, rework), and only with a
   written reason; the decision records the new track and the reason.
9. An entry assessment (`judge_entry`) lets an initiative start directly in a later phase: the five criteria are
   assessed against every phase before the entry phase, by the same rules as a skip (2, 4, 5 — it *is* a skip
   from before screening, without products).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
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
    phase_index,
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


#: A skipped phase's criterion. A plain `Criterion` key is also read, for a skip over exactly one phase.
SkippedKey = tuple[Phase, Criterion]


@dataclass(frozen=True)
class GateProposal:
    phase: Phase
    track: Track
    outcome: Outcome
    assessments: Mapping[Criterion, Assessment] = field(default_factory=dict)
    approved_products: frozenset[ProductKind] = frozenset()
    justification: str = ""
    # For a skip: the assessments of the criteria of each phase jumped over, keyed by (phase, criterion).
    skipped_assessments: Mapping[SkippedKey | Criterion, Assessment] = field(default_factory=dict)
    status: Status = Status.ACTIVE
    # For a skip: the phase it leads to (None: the phase after next).
    target: Phase | None = None
    # A track change (rule 8): the new track and the reason. None: the track stays.
    new_track: Track | None = None
    track_reason: str = ""


@dataclass(frozen=True)
class Verdict:
    proposal: GateProposal | EntryProposal
    problems: tuple[Problem, ...]
    new_state: State | None
    new_track: Track | None = None

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


def skip_targets(phase: Phase) -> tuple[Phase, ...]:
    """The phases a skip from `phase` may lead to: any phase after the next one."""
    index = phase_index(phase)
    return tuple(p for p in Phase if phase_index(p) >= index + 2)


def target_state(phase: Phase, outcome: Outcome, target: Phase | None = None) -> State | None:
    """Where an outcome leads from a phase, or None when the outcome does not exist there."""
    if outcome is Outcome.CONTINUE:
        nxt = next_phase(phase)
        return State(nxt) if nxt else None
    if outcome is Outcome.SKIP:
        nxt = next_phase(phase, 2) if target is None else Phase(target)
        return State(nxt) if nxt in skip_targets(phase) else None
    if outcome is Outcome.REWORK:
        return State(phase)
    if outcome is Outcome.STOP:
        return State(phase, Status.STOPPED)
    if outcome is Outcome.CONCLUDE:
        return State(phase, Status.COMPLETED) if next_phase(phase) is None else None
    raise AssertionError(outcome)


def skipped_phases(phase: Phase, outcome: Outcome, target: Phase | None = None) -> tuple[Phase, ...]:
    """The phases a skip jumps over: every phase strictly between `phase` and the target."""
    if outcome is not Outcome.SKIP:
        return ()
    state = target_state(phase, outcome, target)
    if state is None:
        nxt = next_phase(phase)
        return (nxt,) if nxt else ()
    return tuple(p for p in Phase if phase_index(phase) < phase_index(p) < phase_index(state.phase))


def assessments_for(
    phase: Phase, skipped: Mapping[SkippedKey | Criterion, Assessment], only_one: bool
) -> dict[Criterion, Assessment]:
    """The assessments of one jumped-over phase's criteria (plain criterion keys only for a one-phase jump)."""
    result: dict[Criterion, Assessment] = {}
    for key, assessment in skipped.items():
        if isinstance(key, tuple):
            if Phase(key[0]) is phase:
                result[Criterion(key[1])] = assessment
        elif only_one:
            result.setdefault(Criterion(key), assessment)
    return result


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

    target = target_state(phase, outcome, proposal.target)
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

    jumped = skipped_phases(phase, outcome, proposal.target)
    for skipped in jumped:
        own = assessments_for(skipped, proposal.skipped_assessments, len(jumped) == 1)
        prefix = "skipped_assessments" if len(jumped) == 1 else f"skipped_assessments:{skipped.value}"
        _check_assessments(problems, skipped, track, own, outcome, prefix)

    new_track = _check_track_change(problems, proposal, outcome, track)
    ok = not problems
    return Verdict(proposal, tuple(problems), target if ok else None, new_track if ok else None)


def _check_track_change(
    problems: list[Problem], proposal: GateProposal, outcome: Outcome, track: Track
) -> Track:
    """Rule 8: the track the initiative has after the decision (the same one unless it changes, with a reason)."""
    if proposal.new_track is None or Track(proposal.new_track) is track:
        return track
    if outcome in (Outcome.STOP, Outcome.CONCLUDE):
        problems.append(
            Problem(
                "track_change_not_possible",
                "new_track",
                Text(
                    "Sporet kan kun skiftes ved en beslutning, der fører indsatsen videre eller tilbage til mere arbejde.",
                    "The track can change only with a decision that keeps the intervention going.",
                ),
            )
        )
    if not proposal.track_reason.strip():
        problems.append(
            Problem(
                "track_change_unjustified",
                "track_reason",
                Text(
                    "Et skift af spor skal begrundes: skriv hvorfor.",
                    "A change of track needs a written reason.",
                ),
            )
        )
    return Track(proposal.new_track)


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
        proposal = replace(proposal, phase=state.phase, status=state.status)
    verdict = judge(proposal)
    if not verdict.allowed or verdict.new_state is None:
        raise GateRefused(verdict)
    return verdict.new_state


def possible_outcomes(phase: Phase) -> tuple[Outcome, ...]:
    return tuple(o for o in Outcome if target_state(phase, o) is not None)


# --- entry assessment (rule 9) -----------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryProposal:
    """An initiative that starts directly in `phase`: every phase before it is assessed, as by a skip."""

    phase: Phase
    track: Track
    assessments: Mapping[SkippedKey | Criterion, Assessment] = field(default_factory=dict)
    justification: str = ""


def entry_phases(phase: Phase | str) -> tuple[Phase, ...]:
    """The phases an initiative entering in `phase` has not gone through (whose criteria it must meet)."""
    return tuple(p for p in Phase if phase_index(p) < phase_index(phase))


def needs_entry_assessment(phase: Phase | str) -> bool:
    return bool(entry_phases(phase))


def judge_entry(proposal: EntryProposal) -> Verdict:
    """Whether an initiative may start in `proposal.phase`, by the rules of a skip from before screening."""
    problems: list[Problem] = []
    phase, track = Phase(proposal.phase), Track(proposal.track)
    jumped = entry_phases(phase)
    if jumped and not proposal.justification.strip():
        problems.append(
            Problem(
                "missing_justification",
                "justification",
                Text(
                    "En start i en senere fase skal begrundes: skriv en begrundelse.",
                    "Starting in a later phase needs a written justification.",
                ),
            )
        )
    for earlier in jumped:
        own = assessments_for(earlier, proposal.assessments, False)
        _check_assessments(problems, earlier, track, own, Outcome.SKIP, f"entry_assessments:{earlier.value}")
    ok = not problems
    return Verdict(proposal, tuple(problems), State(phase) if ok else None, track if ok else None)
