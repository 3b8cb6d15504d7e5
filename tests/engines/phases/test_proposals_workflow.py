"""The foundations' proposal workflow as data: legal moves only, whatever the sequence."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from susi.engines.phases import proposals as flow

S = flow.ProposalState
ACTIONS = sorted({t.action for t in flow.PROPOSAL_WORKFLOW} | {"withdraw", "reopen"})

# The legal graph, written out by hand.
LEGAL = {
    S.NEW: {S.CONCEPT_SUBMITTED},
    S.CONCEPT_SUBMITTED: {S.INVITED, S.DECLINED},
    S.INVITED: {S.FULL_SUBMITTED},
    S.FULL_SUBMITTED: {S.ACCEPTED, S.DECLINED},
    S.ACCEPTED: set(),
    S.DECLINED: set(),
}
FOUNDATION_MOVES = {"submit_concept", "submit_full"}


@settings(deadline=None, max_examples=300)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(ACTIONS), st.sampled_from(list(flow.ProposalActor)), st.sampled_from(["", "Tak"])
        ),
        max_size=20,
    )
)
def test_no_sequence_of_moves_reaches_an_illegal_state(steps):
    state = S.NEW
    for action, actor, message in steps:
        try:
            new = flow.proposal_move(state, action, actor, message)
        except flow.ProposalMoveRefused as refused:
            assert refused.message.da and refused.message.en
            continue
        assert new in LEGAL[state], (state, action, new)
        assert (actor is flow.ProposalActor.FOUNDATION) is (action in FOUNDATION_MOVES)
        if action in {"invite", "decline"}:
            assert message.strip(), "the agency always tells the foundation why"
        state = new
    assert state in LEGAL
    if state in flow.FINAL:
        for action in ACTIONS:
            for actor in flow.ProposalActor:
                with pytest.raises(flow.ProposalMoveRefused):
                    flow.proposal_move(state, action, actor, "x")


def test_the_two_stages_end_in_acceptance():
    state = S.NEW
    for action, actor in (
        ("submit_concept", flow.ProposalActor.FOUNDATION),
        ("invite", flow.ProposalActor.AGENCY),
        ("submit_full", flow.ProposalActor.FOUNDATION),
        ("accept", flow.ProposalActor.AGENCY),
    ):
        state = flow.proposal_move(state, action, actor, "Velkommen")
    assert state is S.ACCEPTED


def test_a_foundation_cannot_accept_its_own_proposal_and_a_decline_needs_a_message():
    with pytest.raises(flow.ProposalMoveRefused):
        flow.proposal_move(S.FULL_SUBMITTED, "accept", flow.ProposalActor.FOUNDATION)
    with pytest.raises(flow.ProposalMoveRefused) as refused:
        flow.proposal_move(S.CONCEPT_SUBMITTED, "decline", flow.ProposalActor.AGENCY, " ")
    assert refused.value.field == "message"
    assert "besked til fonden" in refused.value.message.da
