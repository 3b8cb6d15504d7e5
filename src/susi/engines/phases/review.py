"""Product review as data: the states of a phase product and the transitions between them.

A product (a knowledge report, an evaluation report …) is written as a draft, submitted for review, and
approved or rejected by the agency. `PRODUCT_REVIEW` declares every allowed transition and who makes it;
nothing else is allowed. A new version of a product's file sends it back to draft from any state
(`NEW_VERSION_STATE`), so a rejected product is approved only after a new draft has been submitted again.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .model import Text


class ProductState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"


class Actor(StrEnum):
    """Who makes a transition: whoever may upload the product, or whoever may review it."""

    CONTRIBUTOR = "contributor"
    REVIEWER = "reviewer"


@dataclass(frozen=True)
class ReviewTransition:
    source: ProductState
    target: ProductState
    actor: Actor
    name: Text


_S = ProductState

PRODUCT_REVIEW: tuple[ReviewTransition, ...] = (
    ReviewTransition(_S.DRAFT, _S.SUBMITTED, Actor.CONTRIBUTOR, Text("Indsend til godkendelse", "Submit")),
    # the agency's own drafts need no separate submission
    ReviewTransition(_S.DRAFT, _S.APPROVED, Actor.REVIEWER, Text("Godkend", "Approve")),
    ReviewTransition(_S.SUBMITTED, _S.APPROVED, Actor.REVIEWER, Text("Godkend", "Approve")),
    ReviewTransition(_S.SUBMITTED, _S.REJECTED, Actor.REVIEWER, Text("Afvis", "Reject")),
    ReviewTransition(
        _S.SUBMITTED, _S.DRAFT, Actor.REVIEWER, Text("Send tilbage som udkast", "Return to draft")
    ),
    ReviewTransition(_S.REJECTED, _S.DRAFT, Actor.REVIEWER, Text("Genåbn som udkast", "Reopen as draft")),
    ReviewTransition(_S.APPROVED, _S.DRAFT, Actor.REVIEWER, Text("Genåbn som udkast", "Reopen as draft")),
)

#: Where a product goes when a new version of its file is uploaded: it must be reviewed again.
NEW_VERSION_STATE = ProductState.DRAFT

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
