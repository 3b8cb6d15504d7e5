"""The small-cell rule: no figure from fewer than 5 citizens is shown or exported."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
