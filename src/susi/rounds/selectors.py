"""Reads for application rounds: open rounds for a user, a round's applications with their ranking, what a
reviewer may see, grants and the pool, and the demand a round shows for the next gate (efterspørgsel)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from susi.accounts.permissions import can, visible_applications, visible_grants, visible_rounds
from susi.engines.phases import rounds as flow

from .models import Application, Grant, Participation, Review, Round
from .services import effective_state, pool_allocated


def open_rounds(user) -> QuerySet[Round]:
    """Rounds taking applications now, that the user's kind of organisation may apply to."""
    now = timezone.now()
    qs = visible_rounds(user).filter(state=flow.RoundState.OPEN, opens_at__lte=now, closes_at__gt=now)
    org = getattr(user, "organisation", None)
    if org is not None and org.kind == "municipality":
        qs = qs.filter(for_municipalities=True)
    elif org is not None and org.kind == "provider":
        qs = qs.filter(for_providers=True)
    return qs.select_related("initiative__intervention").order_by("closes_at")


def round_list(user) -> QuerySet[Round]:
    return (
        visible_rounds(user)
        .select_related("initiative__intervention")
        .annotate(
            n_applications=Count(
                "applications", filter=Q(applications__state__in=[s.value for s in flow.APPLIED])
            )
        )
    )


@dataclass(frozen=True)
class RankedApplication:
    application: Application
    score: float | None
    rank: int | None
    n_reviews: int


def ranked_applications(round_: Round) -> list[RankedApplication]:
    """Every submitted application with its weighted score (criterion means over reviewers × weights)."""
    applications = list(
        round_.applications.exclude(state__in=[flow.ApplicationState.DRAFT, flow.ApplicationState.WITHDRAWN])
        .select_related("organisation")
        .prefetch_related("reviews")
    )
    weights = {c.pk: float(c.weight) for c in round_.criteria.all()}
    scores = {
        a.pk: flow.weighted_score(
            [{int(k): float(v) for k, v in r.scores.items()} for r in a.reviews.all()], weights
        )
        for a in applications
    }
    by_pk = {a.pk: a for a in applications}
    return [
        RankedApplication(by_pk[pk], score, rank, len(by_pk[pk].reviews.all()))
        for pk, score, rank in flow.ranking(scores)
    ]


def reviews_visible_to(user, application: Application) -> list[Review]:
    """A reviewer sees the others' scores only after submitting their own; agency staff see them all."""
    reviews = list(application.reviews.select_related("reviewer"))
    if can(user, "rounds.screen"):
        return reviews
    if any(r.reviewer_id == user.pk for r in reviews):
        return reviews
    return []


def own_application(user, round_: Round) -> Application | None:
    if user.organisation_id is None:
        return None
    return round_.applications.filter(organisation_id=user.organisation_id).first()


def applications_for(user) -> QuerySet[Application]:
    return visible_applications(user).select_related("round__initiative", "organisation")


@dataclass(frozen=True)
class Pool:
    amount: Decimal
    allocated: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.allocated


def pool(round_: Round) -> Pool:
    return Pool(round_.pool_amount, pool_allocated(round_))


def grants_for(user, organisation=None) -> QuerySet[Grant]:
    qs = visible_grants(user).select_related("application__round__initiative", "application__organisation")
    if organisation is not None:
        qs = qs.filter(application__organisation=organisation)
    return qs.prefetch_related("instalments").annotate(
        paid=Sum("instalments__amount", filter=Q(instalments__paid_on__isnull=False))
    )


def participations(initiative) -> QuerySet[Participation]:
    return initiative.participations.select_related("organisation", "application")


def participations_of(organisation) -> QuerySet[Participation]:
    return organisation.participations.select_related("initiative")


@dataclass(frozen=True)
class RoundDemand:
    """What a round says about demand (efterspørgsel) for the next gate."""

    round: Round
    applicants: int
    places: int | None
    per_place: float | None
    accepted: int
    target_group_sizes: list[tuple[str, int]]  # participating (accepted) organisations' own target groups

    @property
    def target_group_total(self) -> int:
        return sum(n for _name, n in self.target_group_sizes)


def demand(initiative) -> list[RoundDemand]:
    """Applicants per place and the accepted organisations' target-group sizes, round by round."""
    result = []
    for round_ in initiative.rounds.exclude(state=flow.RoundState.DRAFT).order_by("closes_at"):
        applied = round_.applications.filter(state__in=[s.value for s in flow.APPLIED]).select_related(
            "organisation"
        )
        applied = list(applied)
        accepted = [a for a in applied if a.state == flow.ApplicationState.ACCEPTED]
        result.append(
            RoundDemand(
                round=round_,
                applicants=len(applied),
                places=round_.places,
                per_place=flow.applicants_per_place(len(applied), round_.places),
                accepted=len(accepted),
                target_group_sizes=[
                    (str(a.organisation), a.target_group_size)
                    for a in accepted
                    if a.target_group_size is not None
                ],
            )
        )
    return result


def state_of(round_: Round) -> str:
    return effective_state(round_)
