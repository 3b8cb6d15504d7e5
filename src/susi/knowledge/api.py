"""JSON API for user involvement, side effects and the gate decisions' knowledge notes (mounted at
/api/knowledge/). The same rules and services as the pages; errors in the API's one shape."""

from __future__ import annotations

from datetime import date, datetime

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from susi.accounts.permissions import require
from susi.outcomes.models import EffectEvaluation
from susi.portfolio.models import GateDecision, Initiative

from . import selectors, services

router = Router(tags=["knowledge"])


class ErrorItem(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: list[ErrorItem]


class InvolvementIn(Schema):
    phase: str
    kind: str
    held_on: date
    title: str
    citizens: int = 0
    relatives: int = 0
    staff: int = 0
    user_organisations: int = 0
    adaptations: list[str] = []
    adaptation_note: str = ""
    learned: str
    changed: str = ""
    criteria: list[str] = []


class InvolvementOut(InvolvementIn):
    id: int
    initiative_id: int


class SideEffectIn(Schema):
    outcome: str
    measured_by: str
    estimate: float
    ci_low: float
    ci_high: float
    higher_is_worse: bool = True
    note: str = ""


class SideEffectOut(SideEffectIn):
    id: int
    evaluation_id: int
    harmful: bool


class NoteIn(Schema):
    spread_now: bool
    audiences: list[str] = []
    learned: str = ""
    for_whom: str = ""
    caveats: str = ""


class NoteOut(NoteIn):
    id: int
    decision_id: int
    initiative_id: int
    phase: str
    decided_at: datetime | None

    @staticmethod
    def resolve_initiative_id(obj) -> int:
        return obj.decision.initiative_id

    @staticmethod
    def resolve_phase(obj) -> str:
        return obj.decision.phase

    @staticmethod
    def resolve_decided_at(obj):
        return obj.decision.decided_at


def _initiative(request, pk: int, action: str) -> Initiative:
    initiative = get_object_or_404(Initiative, pk=pk)
    require(request.user, "portfolio.view_initiative", initiative)
    require(request.user, action, initiative)
    return initiative


@router.get("/initiatives/{pk}/involvement", response=list[InvolvementOut])
def list_involvement(request, pk: int):
    initiative = _initiative(request, pk, "knowledge.view_involvement")
    return list(selectors.involvement_for(request.user, initiative))


@router.post("/initiatives/{pk}/involvement", response={201: InvolvementOut, 403: ErrorOut, 422: ErrorOut})
def create_involvement(request, pk: int, payload: InvolvementIn):
    initiative = _initiative(request, pk, "knowledge.record_involvement")
    return Status(201, services.record_involvement(request.user, initiative, payload.dict()))


@router.get("/initiatives/{pk}/side-effects", response=list[SideEffectOut])
def list_side_effects(request, pk: int):
    initiative = _initiative(request, pk, "knowledge.view_involvement")
    return list(selectors.side_effects_for(initiative))


@router.post(
    "/evaluations/{evaluation_id}/side-effects", response={201: SideEffectOut, 403: ErrorOut, 422: ErrorOut}
)
def create_side_effect(request, evaluation_id: int, payload: SideEffectIn):
    evaluation = get_object_or_404(EffectEvaluation.objects.select_related("initiative"), pk=evaluation_id)
    require(request.user, "portfolio.view_initiative", evaluation.initiative)
    return Status(201, services.record_side_effect(request.user, evaluation, payload.dict()))


@router.get("/notes", response=list[NoteOut])
@paginate(LimitOffsetPagination)
def list_notes(request):
    return selectors.knowledge_notes(request.user)


@router.put("/gate-decisions/{decision_id}/note", response={200: NoteOut, 403: ErrorOut, 422: ErrorOut})
def put_note(request, decision_id: int, payload: NoteIn):
    """The fast-track note of a recorded gate decision (the gate page records it with the decision)."""
    decision = get_object_or_404(GateDecision.objects.select_related("initiative"), pk=decision_id)
    require(request.user, "portfolio.view_initiative", decision.initiative)
    if decision.state != GateDecision.State.RECORDED:
        raise Http404
    answer = services.FastTrack(
        spread_now=payload.spread_now,
        audiences=tuple(payload.audiences),
        learned=payload.learned,
        for_whom=payload.for_whom,
        caveats=payload.caveats,
    )
    return services.record_knowledge_note(request.user, decision, answer)
