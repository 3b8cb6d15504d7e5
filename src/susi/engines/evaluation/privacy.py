"""The small-cell rule: no figure from fewer than 5 citizens is shown or exported."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TypeVar

import pandas as pd

SMALL_CELL_THRESHOLD = 5

K = TypeVar("K")


def is_reportable(n: int | None, threshold: int = SMALL_CELL_THRESHOLD) -> bool:
    """True when a figure built from ``n`` citizens may be shown (0 is shown: it reveals no one)."""
    return n is not None and (n == 0 or n >= threshold)


def suppress_small(
    counts: Mapping[K, int] | pd.Series | Sequence[int], threshold: int = SMALL_CELL_THRESHOLD
) -> dict[K, int | None] | pd.Series | list[int | None]:
    """Replace every count between 1 and ``threshold - 1`` by None (a Series gets ``pd.NA``).

    Keeps the shape: a mapping gives a dict with the same keys, a Series a nullable Series with the same
    index, a sequence a list.
    """
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    if isinstance(counts, pd.Series):
        out = counts.astype("Int64")
        return out.mask((out > 0) & (out < threshold))
    if isinstance(counts, Mapping):
        return {k: (v if is_reportable(v, threshold) else None) for k, v in counts.items()}
    return [v if is_reportable(v, threshold) else None for v in counts]


def protect_total(
    parts: Mapping[K, int],
    total: int | None = None,
    *,
    hidden: Collection[K] = (),
    threshold: int = SMALL_CELL_THRESHOLD,
) -> tuple[dict[K, int | None], int | None]:
    """Complementary suppression for one additive relation ``total = sum(parts)``.

    A count between 1 and ``threshold - 1`` is withheld (primary suppression). When the total is shown,
    the withheld cells' sum is ``total - shown parts``; so while that sum is between 1 and
    ``threshold - 1`` (a single small cell, or a small group, could be worked out by subtraction) the
    smallest shown non-zero part is withheld too (a zero only when no other part is left), and when no
    part is left the total is withheld. ``hidden`` parts are never shown but take part in the relation
    (e.g. "not followed up" = enrolled − followed up). Example: total 8, comparison 5, waitlist 0 →
    intervention 3 is withheld, so comparison is withheld as well (8 − 0 = 3 + 5).

    Returns the parts (withheld as None, ``hidden`` ones left out) and the total (None when withheld).
    """
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    hidden_keys = set(hidden)
    withheld = {k for k, v in parts.items() if k in hidden_keys or not is_reportable(v, threshold)}
    total_shown = total is not None and is_reportable(total, threshold)
    if total_shown:
        while True:
            withheld_sum = sum(parts[k] for k in withheld)
            if withheld_sum == 0 or withheld_sum >= threshold:
                break
            candidates = [k for k in parts if k not in withheld]
            if not candidates:
                total_shown = False
                break
            withheld.add(min(candidates, key=lambda k: (parts[k] == 0, parts[k])))
    shown = {k: (None if k in withheld else v) for k, v in parts.items() if k not in hidden_keys}
    return shown, (total if total_shown else None)


def suppress_nested_counts(ns: Sequence[int], threshold: int = SMALL_CELL_THRESHOLD) -> list[bool]:
    """Which of a sequence of nested groups (each a subset or superset of the others) must be withheld.

    A mean over ``n_t`` people shown beside a mean over ``n_s`` people of a larger group gives, by
    subtraction of the sums, the mean of the ``n_s - n_t`` people in between: when that is between 1
    and ``threshold - 1``, or ``n_t`` itself is small, group ``t`` is withheld (register follow-up:
    the people followed in year t+1 are among those followed in year t).
    """
    out: list[bool] = []
    shown: list[int] = []
    for n in ns:
        small = n == 0 or not is_reportable(n, threshold)
        derivable = any(0 < abs(m - n) < threshold for m in shown)
        withhold = small or derivable
        out.append(withhold)
        if not withhold:
            shown.append(n)
    return out
