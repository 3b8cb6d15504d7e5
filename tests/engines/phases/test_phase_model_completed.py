"""The completed phase model: skips over several phases, entry assessments, track changes and product review,
property-tested together — no sequence of decisions reaches an illegal state."""

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from susi.engines import phases as p
from susi.engines.phases.rules import assessments_for, passes

PHASES = list(p.Phase)
ratings = st.sampled_from(list(p.Rating))
justifications = st.sampled_from(["", "Begrundet"])


def met(*criteria, justification="Dokumenteret"):
    return {c: p.Assessment(c, p.Rating.MET, justification) for c in (criteria or p.Criterion)}


def met_for(*phases_):
    return {
        (phase, c): p.Assessment(c, p.Rating.MET, "Dokumenteret") for phase in phases_ for c in p.Criterion
    }


@st.composite
def keyed_assessments(draw):
    """Assessments keyed by (phase, criterion) for any phase, some missing, some unjustified."""
    result = {}
    for phase in PHASES:
        for criterion in p.Criterion:
            if draw(st.booleans()):
                result[(phase, criterion)] = p.Assessment(criterion, draw(ratings), draw(justifications))
    return result


@st.composite
def plain_assessments(draw):
    return {
        c: p.Assessment(c, draw(ratings), draw(justifications)) for c in p.Criterion if draw(st.booleans())
    }


gate_steps = st.fixed_dictionaries(
    {
        "kind": st.just("gate"),
        "outcome": st.sampled_from(list(p.Outcome)),
        "target": st.one_of(st.none(), st.sampled_from(PHASES)),
        "assessments": plain_assessments(),
        "skipped": keyed_assessments(),
        "justification": justifications,
        "new_track": st.one_of(st.none(), st.sampled_from(list(p.Track))),
        "track_reason": justifications,
    }
)
product_steps = st.fixed_dictionaries(
    {
        "kind": st.just("product"),
        "product": st.sampled_from(list(p.ProductKind)),
        "target": st.sampled_from(list(p.ProductState)),
        "new_version": st.booleans(),
    }
)
steps = st.lists(st.one_of(gate_steps, product_steps), max_size=25)


def _gate(state, track, products, step):
    proposal = p.GateProposal(
        phase=state.phase,
        track=track,
        outcome=step["outcome"],
        assessments=step["assessments"],
        approved_products=frozenset(k for k, s in products.items() if s is p.ProductState.APPROVED),
        justification=step["justification"],
        skipped_assessments=step["skipped"],
        status=state.status,
        target=step["target"],
        new_track=step["new_track"],
        track_reason=step["track_reason"],
    )
    return proposal, p.judge(proposal)


def _check_gate(before, track, proposal, verdict):
    """What every allowed decision must satisfy."""
    after = verdict.new_state
    assert before.status is p.Status.ACTIVE
    jump = p.phase_index(after.phase) - p.phase_index(before.phase)
    assert jump >= 0
    if after.phase != before.phase:
        assert after.status is p.Status.ACTIVE
        assert set(p.definition(before.phase).required_products) <= proposal.approved_products
    if jump >= 2:  # a skip: every jumped phase's criteria pass, by the same standard as a gate
        assert proposal.outcome is p.Outcome.SKIP and proposal.justification.strip()
        jumped = p.PHASE_ORDER[p.phase_index(before.phase) + 1 : p.phase_index(after.phase)]
        for phase in jumped:
            own = assessments_for(phase, proposal.skipped_assessments, len(jumped) == 1)
            for criterion in p.definition(phase).gate_criteria:
                assert own[criterion].justification.strip()
                assert passes(track, criterion, own[criterion].rating)
    if verdict.new_track is not track:
        assert proposal.track_reason.strip()
        assert proposal.outcome not in (p.Outcome.STOP, p.Outcome.CONCLUDE)
    if after.status is p.Status.COMPLETED:
        assert after.phase is p.Phase.DISSEMINATION


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(list(p.Track)), st.sampled_from(PHASES), steps)
def test_no_sequence_of_gates_skips_tracks_and_product_moves_reaches_an_illegal_state(track, start, sequence):
    state, products = p.State(start), {}
    for step in sequence:
        if step["kind"] == "product":
            kind, old = step["product"], products.get(step["product"])
            if step["new_version"]:
                products[kind] = p.NEW_VERSION_STATE
            elif old is not None:
                with contextlib.suppress(p.ReviewRefused):
                    transition = p.review_transition(old, step["target"])
                    assert transition in p.DECLARATION.product_review
                    products[kind] = transition.target
            continue
        proposal, verdict = _gate(state, track, products, step)
        if not verdict.allowed:
            assert verdict.new_state is None and verdict.problems
            assert all(problem.message.da and problem.message.en for problem in verdict.problems)
            with pytest.raises(p.GateRefused):
                p.apply(state, proposal)
            continue
        _check_gate(state, track, proposal, verdict)
        assert p.apply(state, proposal) == verdict.new_state
        if verdict.new_state.phase != state.phase:
            products = {}  # a new phase starts with no products
        state, track = verdict.new_state, verdict.new_track
    if state.status is not p.Status.ACTIVE:
        for outcome in p.Outcome:
            assert not p.judge(p.GateProposal(state.phase, track, outcome, status=state.status)).allowed


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PHASES), st.sampled_from(list(p.Track)), keyed_assessments(), justifications)
def test_an_entry_assessment_is_allowed_only_when_every_earlier_phase_is_met(phase, track, assessments, why):
    verdict = p.judge_entry(p.EntryProposal(phase, track, assessments, why))
    earlier = p.entry_phases(phase)
    assert earlier == p.PHASE_ORDER[: p.phase_index(phase)]
    expected = (not earlier or bool(why.strip())) and all(
        (e, c) in assessments
        and assessments[(e, c)].justification.strip()
        and passes(track, c, assessments[(e, c)].rating)
        for e in earlier
        for c in p.definition(e).gate_criteria
    )
    assert verdict.allowed is expected
    if verdict.allowed:
        assert verdict.new_state == p.State(phase)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(PHASES), st.sampled_from(PHASES), keyed_assessments(), st.sampled_from(list(p.Track)))
def test_a_skip_and_the_entry_into_its_target_weigh_the_same_jumped_phases(start, target, assessments, track):
    """The entry assessment reuses the gate's rules: a skip from screening into a phase passes the jumped-phase
    criteria exactly when an entry into that phase with screening's criteria also met does."""
    if start is not p.Phase.SCREENING or target not in p.skip_targets(start):
        return
    gate = p.judge(
        p.GateProposal(
            p.Phase.SCREENING,
            track,
            p.Outcome.SKIP,
            assessments=met(),
            approved_products=frozenset(p.ProductKind),
            justification="Fordi",
            skipped_assessments=assessments,
            target=target,
        )
    )
    entry_assessments = {**assessments, **met_for(p.Phase.SCREENING)}
    entry = p.judge_entry(p.EntryProposal(target, track, entry_assessments, "Fordi"))
    assert gate.allowed is entry.allowed


ALL_PRODUCTS = frozenset(p.ProductKind)


def _skip_to_dissemination(skipped):
    return p.judge(
        p.GateProposal(
            p.Phase.SCREENING,
            p.Track.ONE,
            p.Outcome.SKIP,
            assessments=met(),
            approved_products=ALL_PRODUCTS,
            justification="Fondens egne effektstudier",
            skipped_assessments=skipped,
            target=p.Phase.DISSEMINATION,
        )
    )


def test_a_skip_over_two_phases_without_the_later_phases_criteria_is_refused():
    only_maturation = met_for(p.Phase.MATURATION)
    refused = _skip_to_dissemination(only_maturation)
    assert not refused.allowed and refused.new_state is None
    fields = {problem.field for problem in refused.problems}
    assert fields == {f"skipped_assessments:testing:{c.value}" for c in p.Criterion}
    assert "(afprøvning) er ikke vurderet" in refused.problems[0].message.da

    testing_not_met = {
        **only_maturation,
        **{(p.Phase.TESTING, c): p.Assessment(c, p.Rating.MET, "ok") for c in p.Criterion},
        (p.Phase.TESTING, p.Criterion.EFFECT): p.Assessment(
            p.Criterion.EFFECT, p.Rating.NOT_MET, "Ingen RCT"
        ),
    }
    refused = _skip_to_dissemination(testing_not_met)
    assert [problem.field for problem in refused.problems] == ["skipped_assessments:testing:effect"]


def test_a_skip_over_two_phases_with_both_met_reaches_dissemination():
    allowed = _skip_to_dissemination(met_for(p.Phase.MATURATION, p.Phase.TESTING))
    assert allowed.allowed and allowed.new_state == p.State(p.Phase.DISSEMINATION)
    assert p.skipped_phases(p.Phase.SCREENING, p.Outcome.SKIP, p.Phase.DISSEMINATION) == (
        p.Phase.MATURATION,
        p.Phase.TESTING,
    )


def test_skip_targets_are_the_phases_after_the_next():
    assert p.skip_targets(p.Phase.SCREENING) == (p.Phase.TESTING, p.Phase.DISSEMINATION)
    assert p.skip_targets(p.Phase.MATURATION) == (p.Phase.DISSEMINATION,)
    assert p.skip_targets(p.Phase.TESTING) == ()
    # a "skip" to the next phase is not a skip
    verdict = _skip_to_dissemination({})
    wrong = p.judge(
        p.GateProposal(
            p.Phase.SCREENING,
            p.Track.ONE,
            p.Outcome.SKIP,
            met(),
            ALL_PRODUCTS,
            "x",
            {},
            target=p.Phase.MATURATION,
        )
    )
    assert "outcome_not_possible" in {problem.code for problem in wrong.problems}
    assert not verdict.allowed


def test_a_track_change_needs_a_reason_and_a_gate_that_goes_on():
    base = dict(assessments=met(), approved_products=ALL_PRODUCTS, new_track=p.Track.TWO)
    unjustified = p.judge(p.GateProposal(p.Phase.SCREENING, p.Track.ONE, p.Outcome.CONTINUE, **base))
    assert [problem.field for problem in unjustified.problems] == ["track_reason"]
    changed = p.judge(
        p.GateProposal(
            p.Phase.SCREENING, p.Track.ONE, p.Outcome.CONTINUE, **base, track_reason="Lokal variation"
        )
    )
    assert changed.allowed and changed.new_track is p.Track.TWO
    stopped = p.judge(
        p.GateProposal(
            p.Phase.SCREENING, p.Track.ONE, p.Outcome.STOP, **base, justification="x", track_reason="y"
        )
    )
    assert "track_change_not_possible" in {problem.code for problem in stopped.problems}


def test_entry_into_screening_needs_nothing_and_into_dissemination_needs_three_phases():
    assert p.judge_entry(p.EntryProposal(p.Phase.SCREENING, p.Track.ONE)).allowed
    assert not p.needs_entry_assessment(p.Phase.SCREENING)
    refused = p.judge_entry(p.EntryProposal(p.Phase.DISSEMINATION, p.Track.ONE, {}, ""))
    assert len(refused.problems) == 1 + 3 * 5
    allowed = p.judge_entry(
        p.EntryProposal(
            p.Phase.DISSEMINATION,
            p.Track.ONE,
            met_for(p.Phase.SCREENING, p.Phase.MATURATION, p.Phase.TESTING),
            "Fondens dokumentation",
        )
    )
    assert allowed.allowed and allowed.new_state == p.State(p.Phase.DISSEMINATION)


def test_the_one_declaration_holds_phases_durations_and_product_review():
    assert p.DECLARATION.phases is p.PHASE_MODEL
    assert p.DECLARATION.product_review is p.PRODUCT_REVIEW
    months = {d.phase: d.typical_months for d in p.PHASE_MODEL}
    assert months == {
        p.Phase.SCREENING: 12,
        p.Phase.MATURATION: 48,
        p.Phase.TESTING: 60,
        p.Phase.DISSEMINATION: None,
    }
    assert all(d.duration_source for d in p.PHASE_MODEL)
    assert p.ProductKind.PROTOTYPE in {r.kind for r in p.definition(p.Phase.SCREENING).products}
    assert p.ProductKind.PROTOTYPE not in p.definition(p.Phase.SCREENING).required_products
