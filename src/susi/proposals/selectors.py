"""Reads for foundations' proposals: the foundation's own list, the agency's inbox, candidates for prioritisation."""

from __future__ import annotations

from django.db.models import QuerySet

from susi.accounts.permissions import visible_proposals
from susi.engines.phases import proposals as flow

from .models import Proposal

INBOX_FILTERS = ("state",)


def proposals_for(user, state: str = "") -> QuerySet[Proposal]:
    """The proposals `user` may see (a foundation: its own; the agency: all), optionally in one state.

    `state` may be a state or "waiting" (those awaiting the agency: the inbox's default)."""
    qs = visible_proposals(user).select_related("foundation", "initiative")
    if state == "waiting":
        return qs.filter(state__in=[s.value for s in flow.AWAITING_AGENCY])
    if state in {s.value for s in flow.ProposalState}:
        return qs.filter(state=state)
    return qs


def proposals_for_prioritisation(year: int) -> QuerySet[Proposal]:
    """Candidates for a prioritisation round of programme year `year`: full proposals awaiting the agency's
    decision, submitted up to and including that year (the prioritisation feature lists them)."""
    return (
        Proposal.objects.filter(
            state=flow.ProposalState.FULL_SUBMITTED.value, full_submitted_at__year__lte=year
        )
        .select_related("foundation")
        .order_by("full_submitted_at")
    )
