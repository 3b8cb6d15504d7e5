"""Product review: walking the workflow declared in `model.py` (`PRODUCT_REVIEW`, part of `DECLARATION`).

A product (a knowledge report, an evaluation report …) is written as a draft, submitted for review, and
approved or rejected by the agency. Only the declared transitions are allowed; a new version of a product's
file sends it back to `NEW_VERSION_STATE`.
"""

from __future__ import annotations

from .model import (
    NEW_VERSION_STATE,
    PRODUCT_REVIEW,
    Actor,
    ProductState,
    ReviewTransition,
)

__all__ = [
    "NEW_VERSION_STATE",
    "PRODUCT_REVIEW",
    "Actor",
    "ProductState",
    "ReviewRefused",
    "ReviewTransition",
    "review_transition",
    "transitions_from",
]

_BY_EDGE = {(t.source, t.target): t for t in PRODUCT_REVIEW}


class ReviewRefused(ValueError):
    """The transition is not in `PRODUCT_REVIEW`."""

    def __init__(self, source: ProductState, target: ProductState):
        self.source, self.target = source, target
        super().__init__(f"A product cannot go from {source.value} to {target.value}.")


def review_transition(source: ProductState | str, target: ProductState | str) -> ReviewTransition:
    """The declared transition from `source` to `target`, or `ReviewRefused`."""
    edge = (ProductState(source), ProductState(target))
    try:
        return _BY_EDGE[edge]
    except KeyError:
        raise ReviewRefused(*edge) from None


def transitions_from(source: ProductState | str) -> tuple[ReviewTransition, ...]:
    return tuple(t for t in PRODUCT_REVIEW if t.source is ProductState(source))
