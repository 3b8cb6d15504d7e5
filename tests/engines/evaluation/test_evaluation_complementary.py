"""Complementary suppression: no count under 5 can be worked out by subtraction from what is shown."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from susi.engines.evaluation.privacy import protect_total, suppress_nested_counts


def test_the_issue_example_total_8_comparison_5_waitlist_0():
    parts, total = protect_total({"intervention": 3, "comparison": 5, "waitlist": 0}, 8)
    # 8 - 5 - 0 = 3 would give the withheld intervention count away: comparison is withheld too.
    assert parts == {"intervention": None, "comparison": None, "waitlist": 0} and total == 8


def test_completed_is_not_enrolled_minus_active():
    parts, total = protect_total({"active": 9, "completed": 3}, 12)
    assert parts == {"active": None, "completed": None} and total == 12


def test_a_hidden_part_is_protected_like_a_shown_one():
    # followed up 9 of 12: "not followed up" (3) is never shown, but 12 - 9 would give it away.
    parts, total = protect_total({"followed": 9, "not_followed": 3}, 12, hidden={"not_followed"})
    assert parts == {"followed": None} and total == 12
    parts, total = protect_total({"followed": 7, "not_followed": 5}, 12, hidden={"not_followed"})
    assert parts == {"followed": 7} and total == 12


def test_nothing_small_means_nothing_withheld_and_a_small_total_is_withheld():
    assert protect_total({"a": 5, "b": 0, "c": 7}, 12) == ({"a": 5, "b": 0, "c": 7}, 12)
    assert protect_total({"a": 3, "b": 0}, 3) == ({"a": None, "b": 0}, None)


def test_the_total_goes_when_no_part_is_left_to_withhold():
    # Two small parts summing to 4: each is <= 4, a small group; no other part: the total is withheld.
    assert protect_total({"a": 1, "b": 3}, 4) == ({"a": None, "b": None}, None)
    assert protect_total({"a": 2, "b": 0}, 7) == ({"a": None, "b": None}, None)


def _derivable_small(parts: dict[str, int], shown: dict[str, int | None], total: int | None) -> bool:
    """Can an attacker who sees ``shown`` and ``total`` pin a withheld cell (or group) to 1-4 people?"""
    withheld = [k for k, v in shown.items() if v is None] + [k for k in parts if k not in shown]
    if total is None or not withheld:
        return False
    rest = total - sum(v for v in shown.values() if v is not None)
    return 0 < rest < 5


@settings(deadline=None, max_examples=400)
@given(st.dictionaries(st.sampled_from("abcdef"), st.integers(0, 30), min_size=1, max_size=6), st.booleans())
def test_no_small_cell_or_group_is_derivable(parts, hide_one):
    hidden = {sorted(parts)[0]} if hide_one else set()
    total = sum(parts.values())
    shown, shown_total = protect_total(parts, total, hidden=hidden)
    assert not _derivable_small(parts, shown, shown_total)
    for k, v in shown.items():
        assert v is None or v == parts[k]
        assert v is None or v == 0 or v >= 5
    assert shown_total in (None, total)


@settings(deadline=None, max_examples=300)
@given(st.lists(st.integers(0, 40), min_size=1, max_size=10))
def test_nested_groups_leave_no_small_difference_between_shown_ones(ns):
    withheld = suppress_nested_counts(ns)
    shown = [n for n, w in zip(ns, withheld, strict=True) if not w]
    assert all(n >= 5 for n in shown)
    assert all(a == b or abs(a - b) >= 5 for a in shown for b in shown)


def test_register_years_with_a_drop_of_1_to_4_people():
    # 40 people followed in year 1, 38 in year 2 (2 people's mean by subtraction), 30 in year 3.
    assert suppress_nested_counts([40, 38, 30, 3]) == [False, True, False, True]
