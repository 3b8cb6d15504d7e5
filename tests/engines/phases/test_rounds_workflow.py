"""The application-round workflows as data: legal moves only, whatever the sequence; scores and ranking by hand."""

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from susi.engines.phases import Phase
from susi.engines.phases import rounds as flow

A = flow.ApplicationState
ROUND_ACTIONS = [t.action for t in flow.ROUND_WORKFLOW] + ["reopen", "draft"]
APP_ACTIONS = sorted({t.action for t in flow.APPLICATION_WORKFLOW} | {"approve", "unreject"})
ACTORS = list(flow.Actor)

# Which application states may follow which: the legal graph, written out by hand.
LEGAL = {
    A.DRAFT: {A.SUBMITTED, A.WITHDRAWN},
    A.SUBMITTED: {A.WITHDRAWN, A.SCREENED_IN, A.SCREENED_OUT},
    A.SCREENED_IN: {A.ACCEPTED, A.REJECTED},
    A.WITHDRAWN: set(),
    A.SCREENED_OUT: set(),
    A.ACCEPTED: set(),
    A.REJECTED: set(),
}


@settings(deadline=None, max_examples=300)
@given(
    st.lists(
        st.tuples(st.sampled_from(ROUND_ACTIONS), st.sampled_from(APP_ACTIONS), st.sampled_from(ACTORS)),
        max_size=25,
    )
)
def test_no_sequence_of_moves_reaches_an_illegal_state(steps):
    round_state, app_state = flow.RoundState.DRAFT, A.DRAFT
    for round_action, app_action, actor in steps:
        with contextlib.suppress(flow.MoveRefused):
            round_state = flow.round_move(round_state, round_action)
        try:
            new = flow.application_move(round_state, app_state, app_action, actor)
        except flow.MoveRefused as refused:
            assert refused.reason.da and refused.reason.en
            continue
        assert new in LEGAL[app_state], (app_state, app_action, new)
        if app_action == "submit":
            assert round_state == flow.RoundState.OPEN, "only an open round takes applications"
        if app_action in {"screen_in", "screen_out", "accept", "reject"}:
            assert actor is flow.Actor.AGENCY and round_state == flow.RoundState.CLOSED
        app_state = new


def test_round_goes_draft_open_closed_decided_and_never_back():
    state = flow.RoundState.DRAFT
    for action, expected in (("open", "open"), ("close", "closed"), ("decide", "decided")):
        state = flow.round_move(state, action)
        assert state == expected
    for action in ("open", "close", "decide"):
        with pytest.raises(flow.MoveRefused):
            flow.round_move(state, action)


def test_a_closed_round_takes_no_application_with_a_danish_reason():
    with pytest.raises(flow.MoveRefused) as refused:
        flow.application_move("closed", "draft", "submit", flow.Actor.APPLICANT)
    assert "lukket for ansøgninger" in refused.value.reason.da
    assert "closed for applications" in refused.value.reason.en


def test_deciding_needs_screening_first():
    with pytest.raises(flow.MoveRefused):
        flow.application_move("closed", "submitted", "accept", flow.Actor.AGENCY)
    assert flow.application_move("closed", "screened_in", "accept", flow.Actor.AGENCY) == A.ACCEPTED


def test_weighted_score_by_hand():
    # Two reviewers, criteria 1 (weight 40) and 2 (weight 60):
    # criterion 1 mean (4+2)/2 = 3; criterion 2 mean (5+3)/2 = 4; (40*3 + 60*4)/100 = 3.6
    scores = [{1: 4, 2: 5}, {1: 2, 2: 3}]
    assert flow.weighted_score(scores, {1: 40, 2: 60}) == pytest.approx(3.6)
    assert flow.weighted_score([], {1: 40}) is None


def test_ranking_shares_ranks_on_ties_and_puts_unscored_last():
    assert flow.ranking({10: 3.0, 11: 4.5, 12: 3.0, 13: None, 14: 1.0}) == [
        (11, 4.5, 1),
        (10, 3.0, 2),
        (12, 3.0, 2),
        (14, 1.0, 4),
        (13, None, None),
    ]


def test_applicants_per_place():
    assert flow.applicants_per_place(9, 4) == 2.25
    assert flow.applicants_per_place(9, None) is None


def test_every_round_phase_offers_what_the_leaflet_lists():
    # seeds/002: maturation and testing offer five things, dissemination three; screening has no round.
    assert len(flow.PHASE_OFFERS[Phase.MATURATION]) == 5
    assert len(flow.PHASE_OFFERS[Phase.TESTING]) == 5
    assert flow.PHASE_OFFERS[Phase.DISSEMINATION] == (
        flow.Offer.COMPETENCE,
        flow.Offer.IMPLEMENTATION_SUPPORT,
        flow.Offer.SOM_COURSE,
    )
    assert Phase.SCREENING not in flow.ROUND_PHASES
    assert all(flow.OFFER_NAMES[o].da and flow.OFFER_NAMES[o].en for o in flow.Offer)
