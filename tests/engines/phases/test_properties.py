"""Property tests: no sequence of decisions reaches an illegal state; a stopped initiative never advances."""

import contextlib

from hypothesis import given, settings
from hypothesis import strategies as st

from susi.engines import phases as p

ratings = st.sampled_from(list(p.Rating))
maybe_assessment = st.one_of(
    st.none(),
    st.builds(
        lambda c, r, j: p.Assessment(c, r, j),
        st.just(None),
        ratings,
        st.sampled_from(["", "Begrundet"]),
    ),
)


@st.composite
def assessment_maps(draw):
    result = {}
    for criterion in p.Criterion:
        a = draw(maybe_assessment)
        if a is not None:
            result[criterion] = p.Assessment(criterion, a.rating, a.justification)
    return result


decisions = st.fixed_dictionaries(
    {
        "outcome": st.sampled_from(list(p.Outcome)),
        "assessments": assessment_maps(),
        "skipped": assessment_maps(),
        "products": st.frozensets(st.sampled_from(list(p.ProductKind))),
        "justification": st.sampled_from(["", "Fordi"]),
    }
)


def run(track, start_phase, steps):
    state = p.State(start_phase)
    history = [state]
    for d in steps:
        proposal = p.GateProposal(
            phase=state.phase,
            track=track,
            outcome=d["outcome"],
            assessments=d["assessments"],
            approved_products=d["products"],
            justification=d["justification"],
            skipped_assessments=d["skipped"],
            status=state.status,
        )
        with contextlib.suppress(p.GateRefused):
            state = p.apply(state, proposal)
        history.append(state)
    return history


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(list(p.Track)), st.sampled_from(list(p.Phase)), st.lists(decisions, max_size=12))
def test_no_sequence_reaches_an_illegal_state(track, start, steps):
    history = run(track, start, steps)
    for before, after in zip(history, history[1:], strict=False):
        # phases only move forward, by at most two steps (one skipped phase)
        assert 0 <= p.phase_index(after.phase) - p.phase_index(before.phase) <= 2
        # a stopped or completed initiative never changes again
        if before.status is not p.Status.ACTIVE:
            assert after == before
        # only dissemination can be completed
        if after.status is p.Status.COMPLETED:
            assert after.phase is p.Phase.DISSEMINATION
        # a phase change always comes with the active status
        if after.phase != before.phase:
            assert after.status is p.Status.ACTIVE


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(list(p.Track)), st.sampled_from(list(p.Phase)), st.lists(decisions, max_size=8))
def test_a_stopped_initiative_never_advances(track, phase, steps):
    history = run(track, phase, [{**steps[0], "outcome": p.Outcome.STOP}] + steps[1:] if steps else [])
    stopped = [s for s in history if s.status is p.Status.STOPPED]
    if stopped:
        first = history.index(stopped[0])
        assert all(s == stopped[0] for s in history[first:])


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(list(p.Phase)), decisions)
def test_advancing_implies_every_required_product_and_criterion(phase, d):
    proposal = p.GateProposal(
        phase=phase,
        track=p.Track.ONE,
        outcome=d["outcome"],
        assessments=d["assessments"],
        approved_products=d["products"],
        justification=d["justification"],
        skipped_assessments=d["skipped"],
    )
    verdict = p.judge(proposal)
    if verdict.allowed and verdict.new_state.phase != phase:
        definition = p.definition(phase)
        assert set(definition.required_products) <= d["products"]
        for criterion in definition.gate_criteria:
            a = d["assessments"][criterion]
            assert a.justification.strip()
            assert a.rating in (p.Rating.MET, p.Rating.NOT_RELEVANT)
