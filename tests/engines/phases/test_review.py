"""The product review workflow: the declared transitions, written out by hand, and property tests that no
sequence of review actions and new versions reaches a state the workflow does not allow."""

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from susi.engines import phases as p

D, S, A, R = p.ProductState.DRAFT, p.ProductState.SUBMITTED, p.ProductState.APPROVED, p.ProductState.REJECTED
C, RV = p.Actor.CONTRIBUTOR, p.Actor.REVIEWER

# The specification: (from, to) → who may make the move. Everything else is refused.
EXPECTED = {
    (D, S): C,
    (D, A): RV,
    (S, A): RV,
    (S, R): RV,
    (S, D): RV,
    (R, D): RV,
    (A, D): RV,
}


def test_the_declared_transitions_are_exactly_the_specification():
    assert {(t.source, t.target): t.actor for t in p.PRODUCT_REVIEW} == EXPECTED
    assert len(p.PRODUCT_REVIEW) == len(EXPECTED), "each transition declared once"
    assert p.NEW_VERSION_STATE is D


@pytest.mark.parametrize("source", list(p.ProductState))
@pytest.mark.parametrize("target", list(p.ProductState))
def test_every_pair_is_allowed_or_refused_by_the_table(source, target):
    if (source, target) in EXPECTED:
        assert p.review_transition(source, target).actor is EXPECTED[(source, target)]
    else:
        with pytest.raises(p.ReviewRefused):
            p.review_transition(source, target)


def test_a_rejected_product_is_never_approved_directly():
    with pytest.raises(p.ReviewRefused):
        p.review_transition(R, A)
    assert {t.target for t in p.transitions_from(R)} == {D}


# an action: a review move to a state, or a new version of the file
actions = st.lists(st.one_of(st.sampled_from(list(p.ProductState)), st.just("new_version")), max_size=40)


def run(steps):
    state, path = D, [D]
    for step in steps:
        if step == "new_version":
            state = p.NEW_VERSION_STATE
        else:
            with contextlib.suppress(p.ReviewRefused):
                state = p.review_transition(state, step).target
        path.append(state)
    return path


@settings(max_examples=400)
@given(actions)
def test_no_sequence_of_actions_leaves_the_workflow(steps):
    path = run(steps)
    for step, before, after in zip(steps, path[:-1], path[1:], strict=True):
        if before is after:
            continue
        if step == "new_version":
            assert after is p.NEW_VERSION_STATE
        else:
            assert (before, after) in EXPECTED  # only a declared transition changes the state


@settings(max_examples=400)
@given(actions)
def test_approval_follows_a_draft_or_a_submission_never_a_rejection(steps):
    path = run(steps)
    for before, after in zip(path, path[1:], strict=False):
        if after is A and before is not A:
            assert before in (D, S)
    # after a rejection, the product is approved again only once it has been back to draft
    for i, state in enumerate(path):
        if state is R:
            later = path[i + 1 :]
            if A in later:
                assert D in later[: later.index(A)]


@settings(max_examples=200)
@given(st.sampled_from(list(p.ProductState)), st.text(max_size=12))
def test_unknown_states_are_refused_not_crashed(source, target):
    if target in {s.value for s in p.ProductState}:
        return
    with pytest.raises(ValueError):
        p.review_transition(source, target)
