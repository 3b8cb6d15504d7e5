"""JSON API for foundations' proposals — the same rules and services as the pages. Documents are uploaded on the
page (multipart); the API reads and moves proposals."""

from __future__ import annotations

from datetime import date, datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from susi.accounts.permissions import require
from susi.engines.phases import proposals as flow
from susi.portfolio.services import assessment_inputs_from_mapping
from susi.web.api_errors import DomainError

from . import selectors, services
from .models import Proposal

router = Router(tags=["proposals"])


class ErrorItem(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: list[ErrorItem]


class ProposalOut(Schema):
    id: int
    title: str
    foundation_id: int
    area: str
    state: str
    concept: str
    description: str
    evidence: str
    co_funding_dkk: int
    requested_phase: str
    message: str
    initiative_id: int | None
    submitted_at: datetime
    documents: list[str]

    @staticmethod
    def resolve_co_funding_dkk(obj: Proposal) -> int:
        return int(obj.co_funding_dkk)

    @staticmethod
    def resolve_documents(obj: Proposal) -> list[str]:
        return [d.name for d in obj.documents.all()]


class ConceptIn(Schema):
    title: str
    area: str
    concept: str


class FullIn(Schema):
    description: str
    evidence: str = ""
    co_funding_dkk: int = 0
    requested_phase: str


class MessageIn(Schema):
    message: str


class EntryIO(Schema):
    rating: str = ""
    justification: str = ""
    evidence: str = ""


class AcceptIn(Schema):
    phase: str
    track: str = "track1"
    programme: str
    start_date: date
    message: str = ""
    # required after screening: {"<earlier phase>:<criterion>": {rating, justification}}
    entry_assessments: dict[str, EntryIO] = Field(default_factory=dict)
    entry_justification: str = ""


def _proposal(request, pk: int) -> Proposal:
    proposal = Proposal.objects.filter(pk=pk).first()
    if proposal is None:
        raise Http404
    require(request.user, "proposals.view_proposal", proposal)
    return proposal


@router.get("/proposals", response=list[ProposalOut])
@paginate(LimitOffsetPagination)
def list_proposals(request, state: str = ""):
    require(request.user, "proposals.view_list")
    if state and state != "waiting" and state not in {s.value for s in flow.ProposalState}:
        raise DomainError("state", _("Ukendt status: %(state)s.") % {"state": state[:50]})
    return selectors.proposals_for(request.user, state).prefetch_related("documents").order_by("pk")


@router.get("/proposals/{pk}", response=ProposalOut)
def get_proposal(request, pk: int):
    return _proposal(request, pk)


@router.post("/proposals", response={201: ProposalOut, 403: ErrorOut, 422: ErrorOut})
def submit_concept(request, payload: ConceptIn):
    return Status(201, services.submit_concept(request.user, **payload.dict()))


@router.post("/proposals/{pk}/full", response={200: ProposalOut, 403: ErrorOut, 422: ErrorOut})
def submit_full(request, pk: int, payload: FullIn):
    return services.submit_full(request.user, _proposal(request, pk), **payload.dict())


@router.post("/proposals/{pk}/invite", response={200: ProposalOut, 403: ErrorOut, 422: ErrorOut})
def invite(request, pk: int, payload: MessageIn):
    return services.invite(request.user, _proposal(request, pk), message=payload.message)


@router.post("/proposals/{pk}/decline", response={200: ProposalOut, 403: ErrorOut, 422: ErrorOut})
def decline(request, pk: int, payload: MessageIn):
    return services.decline(request.user, _proposal(request, pk), message=payload.message)


@router.post("/proposals/{pk}/accept", response={200: ProposalOut, 403: ErrorOut, 422: ErrorOut})
def accept(request, pk: int, payload: AcceptIn):
    proposal = _proposal(request, pk)
    require(request.user, "proposals.decide", proposal)
    data = payload.dict()
    decision = services.Acceptance(
        phase=data["phase"],
        track=data["track"],
        programme=data["programme"],
        start_date=data["start_date"],
        message=data["message"],
        entry_assessments=tuple(assessment_inputs_from_mapping(data["entry_assessments"])),
        entry_justification=data["entry_justification"],
    )
    services.accept(request.user, proposal, decision)
    proposal.refresh_from_db()
    return proposal
