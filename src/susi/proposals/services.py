"""Every write to foundations' proposals. Each function checks permission, asks the workflow
(`engines.phases.proposals`), and writes in one transaction; bad input raises `DomainError` before anything is
written. Taking a proposal into a phase creates the intervention and the initiative through the portfolio's
services, so the entry assessment (a later phase than screening) is judged by the same rules as a gate.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from susi.accounts.permissions import require
from susi.engines import phases
from susi.engines.phases import proposals as flow
from susi.portfolio import services as portfolio_services
from susi.portfolio.models import Area, Initiative, Intervention
from susi.web.api_errors import DomainError
from susi.web.i18n import localized

from .models import Proposal, ProposalDocument

ALLOWED_SUFFIXES = portfolio_services.ALLOWED_PRODUCT_SUFFIXES


def _status_changed(proposal: Proposal) -> None:
    """Called after every change of a proposal's status (in the same transaction): the proposing foundation is
    told the new status; the agency is told when a concept note or a full proposal arrives in its inbox. The
    emails go out only when the transaction commits (notifications.services.notify)."""
    from django.urls import reverse

    from susi.accounts.permissions import agency_staff, proposal_followers
    from susi.engines.text import Text
    from susi.notifications.models import Kind
    from susi.notifications.services import notify

    state = flow.PROPOSAL_STATE_NAMES[flow.ProposalState(proposal.state)]
    url = reverse("proposals:detail", args=[proposal.pk])
    text = Text(
        f"Forslaget »{proposal.title}« har fået status: {state.da.lower()}.",
        f"The proposal “{proposal.title}” now has the status: {state.en.lower()}.",
    )
    notify(proposal_followers(proposal), Kind.PROPOSAL_STATUS, text, url)
    if proposal.state in (flow.ProposalState.CONCEPT_SUBMITTED, flow.ProposalState.FULL_SUBMITTED):
        notify(agency_staff(), Kind.PROPOSAL_STATUS, text, url)


def _move(proposal: Proposal, action: str, actor: flow.ProposalActor, message: str = "") -> str:
    try:
        return flow.proposal_move(proposal.state, action, actor, message).value
    except flow.ProposalMoveRefused as refused:
        raise DomainError(refused.field, localized(refused.message)) from None


def _locked(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().get(pk=proposal.pk)


@transaction.atomic
def submit_concept(user, *, title: str, area: str, concept: str) -> Proposal:
    """A foundation user proposes a project: the concept note (the first stage)."""
    require(user, "proposals.submit")
    if not title.strip():
        raise DomainError("title", _("Forslaget skal have en titel."))
    if area not in Area.values:
        raise DomainError("area", _("Vælg et målgruppeområde."))
    if not concept.strip():
        raise DomainError("concept", _("Skriv idéoplægget."))
    state = flow.proposal_move(flow.ProposalState.NEW, "submit_concept", flow.ProposalActor.FOUNDATION)
    proposal = Proposal.objects.create(
        foundation=user.organisation,
        title=title.strip(),
        area=area,
        concept=concept.strip(),
        state=state.value,
        created_by=user,
    )
    _status_changed(proposal)
    return proposal


@transaction.atomic
def invite(user, proposal: Proposal, *, message: str) -> Proposal:
    require(user, "proposals.decide", proposal)
    proposal = _locked(proposal)
    proposal.state = _move(proposal, "invite", flow.ProposalActor.AGENCY, message)
    proposal.message = message.strip()
    proposal.save()
    _status_changed(proposal)
    return proposal


@transaction.atomic
def decline(user, proposal: Proposal, *, message: str) -> Proposal:
    require(user, "proposals.decide", proposal)
    proposal = _locked(proposal)
    proposal.state = _move(proposal, "decline", flow.ProposalActor.AGENCY, message)
    proposal.message = message.strip()
    proposal.decided_at = timezone.now()
    proposal.save()
    _status_changed(proposal)
    return proposal


def _check_file(file: File) -> str:
    name = getattr(file, "name", "") or ""
    if not name:
        raise DomainError("documents", _("Vælg en fil at uploade."))
    if not name.lower().endswith(ALLOWED_SUFFIXES):
        raise DomainError("documents", _("Filtypen er ikke tilladt. Brug PDF, Word, Excel, CSV eller tekst."))
    if not file.size:
        raise DomainError("documents", _("Filen er tom."))
    if file.size > settings.SUSI_UPLOAD_LIMITS["products"]:
        raise DomainError(
            "documents",
            _("Filen er for stor (højst %(limit)s MB); intet er gemt.")
            % {"limit": settings.SUSI_UPLOAD_LIMITS["products"] // (1024 * 1024)},
        )
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


@transaction.atomic
def submit_full(
    user,
    proposal: Proposal,
    *,
    description: str,
    evidence: str,
    co_funding_dkk: int | Decimal,
    requested_phase: str,
    documents: Iterable[File] = (),
) -> Proposal:
    """The invited foundation's full proposal (the second stage), with its documents."""
    require(user, "proposals.submit", proposal)
    proposal = _locked(proposal)
    state = _move(proposal, "submit_full", flow.ProposalActor.FOUNDATION)
    if not description.strip():
        raise DomainError("description", _("Beskriv projektet."))
    if requested_phase not in {p.value for p in phases.Phase}:
        raise DomainError("requested_phase", _("Vælg den fase, projektet ønsker at gå ind i."))
    if Decimal(co_funding_dkk) < 0:
        raise DomainError("co_funding_dkk", _("Medfinansieringen kan ikke være negativ."))
    checked = [(file, _check_file(file)) for file in documents]
    proposal.description = description.strip()
    proposal.evidence = evidence.strip()
    proposal.co_funding_dkk = Decimal(co_funding_dkk)
    proposal.requested_phase = requested_phase
    proposal.state = state
    proposal.full_submitted_at = timezone.now()
    proposal.save()
    for file, digest in checked:
        ProposalDocument.objects.create(
            proposal=proposal, file=file, name=file.name or "", sha256=digest, uploaded_by=user
        )
    _status_changed(proposal)
    return proposal


@dataclass(frozen=True)
class Acceptance:
    """What the agency decides when it takes a full proposal into a phase."""

    phase: str
    track: str
    programme: str
    start_date: date
    message: str = ""
    entry_assessments: tuple[portfolio_services.AssessmentInput, ...] = ()
    entry_justification: str = ""


@transaction.atomic
def accept(user, proposal: Proposal, decision: Acceptance) -> Initiative:
    """Take the full proposal into any phase: the intervention and the initiative are created (the foundation
    as proposer and funder, so it sees the initiative); after screening only with an entry assessment."""
    require(user, "proposals.decide", proposal)
    proposal = _locked(proposal)
    state = _move(proposal, "accept", flow.ProposalActor.AGENCY, decision.message)
    name = proposal.title
    if Intervention.objects.filter(name__iexact=name).exists():
        name = f"{proposal.title} ({proposal.foundation.name})"
    intervention = Intervention.objects.create(
        name=name,
        area=proposal.area,
        description=proposal.description or proposal.concept,
        proposed_by=proposal.foundation,
    )
    initiative = portfolio_services.create_initiative(
        user,
        intervention=intervention,
        title=proposal.title,
        summary=proposal.concept,
        phase=decision.phase,
        track=decision.track,
        programme=decision.programme,
        area=proposal.area,
        start_date=decision.start_date,
        foundation=proposal.foundation,
        entry_assessments=decision.entry_assessments,
        entry_justification=decision.entry_justification,
    )
    proposal.state = state
    proposal.message = decision.message.strip()
    proposal.initiative = initiative
    proposal.decided_at = timezone.now()
    proposal.save()
    _status_changed(proposal)
    return initiative
