"""Every write to the programmes: frames, commitments, prioritisation rounds, recommendations, decisions.

Each function checks the permission, validates, and writes in one transaction or not at all. A commitment
beyond a programme year's frame is refused with a Danish message saying the frame, what is committed already
and what is left (`FrameExceeded`); nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from susi.accounts.permissions import require, steering_members
from susi.engines.text import Text
from susi.portfolio.models import Initiative
from susi.web.api_errors import DomainError
from susi.web.formatting import kr

from .models import (
    Allocation,
    Candidate,
    Decision,
    PrioritisationRound,
    Programme,
    ProgrammeYear,
    Recommendation,
)


class FrameExceeded(DomainError):
    """A commitment would take a programme year past its frame; nothing was written."""


@dataclass(frozen=True)
class CandidateInput:
    kind: str
    initiative: Initiative | None = None
    title: str = ""
    description: str = ""
    requested_dkk: Decimal | int = 0
    proposal_reference: str = ""


def candidate_from_proposal(proposal) -> CandidateInput:
    """A foundation's full proposal as a candidate of a prioritisation round (referred to by its id)."""
    return CandidateInput(
        kind=Candidate.Kind.PROPOSAL,
        title=proposal.title,
        description=proposal.description[:2000],
        proposal_reference=f"proposals.Proposal:{proposal.pk}",
    )


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0))
    except (InvalidOperation, ValueError):
        raise DomainError(field, _("Skriv beløbet som et helt antal kroner.")) from None
    if not amount.is_finite() or amount != amount.to_integral_value():
        raise DomainError(field, _("Skriv beløbet som et helt antal kroner."))
    if amount < 0:
        raise DomainError(field, _("Beløbet kan ikke være negativt."))
    if amount >= Decimal(10) ** 14:
        raise DomainError(field, _("Beløbet er for stort."))
    return amount


def committed(programme_year: ProgrammeYear) -> Decimal:
    """What is committed (disponeret) from the programme year: the sum of its allocations."""
    total = Allocation.objects.filter(programme_year=programme_year).aggregate(total=Sum("amount_dkk"))[
        "total"
    ]
    return total or Decimal(0)


# --- frames and commitments ------------------------------------------------------------------------------


@transaction.atomic
def set_frame(user, programme: Programme, *, year: int, frame_dkk) -> ProgrammeYear:
    """Set (or change) a programme's frame for a year; never below what is committed from it already."""
    require(user, "programme.manage")
    frame = _money(frame_dkk, "frame_dkk")
    if not 2000 <= int(year) <= 2100:
        raise DomainError("year", _("Skriv et år mellem 2000 og 2100."))
    existing = ProgrammeYear.objects.select_for_update().filter(programme=programme, year=year).first()
    if existing is None:
        return ProgrammeYear.objects.create(programme=programme, year=year, frame_dkk=frame)
    already = committed(existing)
    if frame < already:
        raise FrameExceeded(
            "frame_dkk",
            _(
                "Der er allerede disponeret %(committed)s af rammen for %(year)s; rammen kan ikke være mindre. Intet er gemt."
            )
            % {"committed": kr(already), "year": year},
        )
    existing.frame_dkk = frame
    existing.save(update_fields=["frame_dkk"])
    return existing


def _check_frame(programme_year: ProgrammeYear, amount: Decimal, field: str) -> None:
    already = committed(programme_year)
    if already + amount > programme_year.frame_dkk:
        left = max(programme_year.frame_dkk - already, Decimal(0))
        raise FrameExceeded(
            field,
            _(
                "Rammen for %(year)s er %(frame)s; der er allerede disponeret %(committed)s, så der er "
                "%(left)s tilbage, og %(amount)s kan ikke disponeres. Intet er gemt."
            )
            % {
                "year": programme_year.year,
                "frame": kr(programme_year.frame_dkk),
                "committed": kr(already),
                "left": kr(left),
                "amount": kr(amount),
            },
        )


def _create_allocation(
    user, programme_year, *, amount, initiative=None, title="", note="", field="amount_dkk"
):
    locked = ProgrammeYear.objects.select_for_update().select_related("programme").get(pk=programme_year.pk)
    if amount <= 0:
        raise DomainError(field, _("Beløbet skal være større end 0 kr."))
    if initiative is not None and initiative.programme != locked.programme.code:
        raise DomainError(
            "initiative",
            _("Initiativet hører ikke til %(programme)s.") % {"programme": locked.programme},
        )
    if initiative is None and not title.strip():
        raise DomainError("title", _("Skriv, hvad beløbet disponeres til."))
    _check_frame(locked, amount, field)
    return Allocation.objects.create(
        programme_year=locked,
        initiative=initiative,
        title=(title or (initiative.title if initiative else "")).strip()[:250],
        amount_dkk=amount,
        note=note.strip()[:500],
        created_by=user,
    )


@transaction.atomic
def allocate(
    user, programme_year: ProgrammeYear, *, amount_dkk, initiative=None, title: str = "", note: str = ""
):
    """Commit part of a programme year's frame to an initiative (refused past the frame)."""
    require(user, "programme.manage")
    amount = _money(amount_dkk, "amount_dkk")
    return _create_allocation(
        user, programme_year, amount=amount, initiative=initiative, title=title, note=note
    )


# --- prioritisation rounds ------------------------------------------------------------------------------


def round_url(round_: PrioritisationRound) -> str:
    return reverse("programme:round", args=[round_.pk])


@transaction.atomic
def open_round(
    user,
    programme_year: ProgrammeYear,
    *,
    title: str,
    recommend_by: date | None = None,
    candidates: Sequence[CandidateInput] = (),
) -> PrioritisationRound:
    """Open a prioritisation round for a programme year with its candidates; the steering group is asked."""
    from susi.notifications.models import Kind
    from susi.notifications.services import notify

    require(user, "programme.manage")
    if not title.strip():
        raise DomainError("title", _("Giv runden en titel."))
    round_ = PrioritisationRound.objects.create(
        programme_year=programme_year, title=title.strip(), recommend_by=recommend_by, opened_by=user
    )
    for candidate in candidates:
        _add_candidate(round_, candidate)
    when = f" {recommend_by:%d.%m.%Y}" if recommend_by else ""
    text = Text(
        f"Din anbefaling er ønsket i prioriteringsrunden »{round_.title}«"
        + (f" senest{when}." if when else "."),
        f"Your recommendation is requested in the prioritisation round “{round_.title}”"
        + (f" by{when}." if when else "."),
    )
    notify(steering_members(), Kind.RECOMMENDATION_REQUESTED, text, round_url(round_))
    return round_


def _open(round_: PrioritisationRound, field: str = "round") -> None:
    if round_.state != PrioritisationRound.State.OPEN:
        raise DomainError(field, _("Prioriteringsrunden er afsluttet; intet er gemt."))


def _add_candidate(round_: PrioritisationRound, data: CandidateInput) -> Candidate:
    if data.kind not in Candidate.Kind.values:
        raise DomainError(
            "kind", _("Vælg, om kandidaten er en ny screening, en næste fase eller et forslag.")
        )
    initiative = data.initiative
    if data.kind == Candidate.Kind.NEXT_PHASE and initiative is None:
        raise DomainError("initiative", _("Vælg det initiativ, hvis næste fase skal prioriteres."))
    if data.kind == Candidate.Kind.PROPOSAL and initiative is None and not data.proposal_reference.strip():
        raise DomainError("proposal_reference", _("Angiv hvilket forslag kandidaten er."))
    if initiative is not None and initiative.programme != round_.programme_year.programme.code:
        raise DomainError(
            "initiative",
            _("Initiativet »%(title)s« hører ikke til programmet.") % {"title": initiative.title},
        )
    title = (data.title or (initiative.title if initiative else "")).strip()
    if not title:
        raise DomainError("title", _("Giv kandidaten en titel."))
    return Candidate.objects.create(
        round=round_,
        kind=data.kind,
        initiative=initiative,
        proposal_reference=data.proposal_reference.strip()[:100],
        title=title[:250],
        description=data.description.strip(),
        requested_dkk=_money(data.requested_dkk, "requested_dkk"),
    )


@transaction.atomic
def add_candidate(user, round_: PrioritisationRound, data: CandidateInput) -> Candidate:
    """Add a candidate to an open round (the proposals feature calls this with kind "proposal")."""
    require(user, "programme.manage")
    _open(round_)
    return _add_candidate(round_, data)


@transaction.atomic
def recommend(user, candidate: Candidate, *, recommends: bool, justification: str) -> Recommendation:
    """A steering-group member recommends a candidate or not, with a justification (a second call revises it)."""
    require(user, "programme.recommend", candidate)
    _open(candidate.round)
    if not justification.strip():
        raise DomainError("justification", _("Skriv en begrundelse for anbefalingen."))
    if Decision.objects.filter(candidate=candidate).exists():
        raise DomainError("candidate", _("Der er allerede truffet beslutning om kandidaten; intet er gemt."))
    recommendation, _created = Recommendation.objects.update_or_create(
        candidate=candidate,
        member=user,
        defaults={"recommends": bool(recommends), "justification": justification.strip()},
    )
    return recommendation


@transaction.atomic
def record_decision(user, candidate: Candidate, *, approved: bool, amount_dkk=0, note: str = "") -> Decision:
    """Record the minister's decision on a candidate. An approval commits its amount from the round's programme
    year (refused past the frame); a decision is recorded once and never changed."""
    require(user, "programme.decide", candidate)
    candidate = (
        Candidate.objects.select_for_update()
        .select_related("round__programme_year__programme")
        .get(pk=candidate.pk)
    )
    if Decision.objects.filter(candidate=candidate).exists():
        raise DomainError("candidate", _("Der er allerede truffet beslutning om kandidaten; intet er gemt."))
    amount = _money(amount_dkk, "amount_dkk")
    allocation = None
    if approved:
        allocation = _create_allocation(
            user,
            candidate.round.programme_year,
            amount=amount,
            initiative=candidate.initiative,
            title=candidate.title,
            note=_("Godkendt i »%(round)s«") % {"round": candidate.round.title},
        )
    return Decision.objects.create(
        candidate=candidate,
        approved=bool(approved),
        amount_dkk=amount if approved else Decimal(0),
        note=note.strip(),
        allocation=allocation,
        decided_by=user,
    )


@transaction.atomic
def close_round(user, round_: PrioritisationRound) -> PrioritisationRound:
    require(user, "programme.manage")
    _open(round_)
    round_.state = PrioritisationRound.State.CLOSED
    round_.save(update_fields=["state"])
    return round_


def ensure_programmes() -> list[Programme]:
    """The two UIP programmes exist (created once; their names come from the portfolio's labels)."""
    return [Programme.objects.get_or_create(code=code)[0] for code in ("uip_adults", "uip_children")]


def candidates_from_initiatives(
    initiatives: Iterable, kind: str = Candidate.Kind.NEXT_PHASE
) -> list[CandidateInput]:
    return [CandidateInput(kind=kind, initiative=i) for i in initiatives]
