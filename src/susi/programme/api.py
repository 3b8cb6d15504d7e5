"""JSON API for programmes, their money, prioritisation rounds, recommendations and decisions — the rules of
the pages (`programme.*` in the rules module)."""

from __future__ import annotations

from datetime import date, datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from susi.accounts.permissions import require
from susi.portfolio.models import Initiative

from . import selectors, services
from .models import Candidate, PrioritisationRound, Programme, ProgrammeYear

router = Router(tags=["programme"])


class ErrorItem(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: list[ErrorItem]


class YearOut(Schema):
    year: int
    frame_dkk: int
    committed_dkk: int
    spent_dkk: int
    remaining_dkk: int


class PhaseCountOut(Schema):
    phase: str
    prioritised: int
    closed: int


class ProgrammeOut(Schema):
    code: str
    name: str
    prioritised: int
    closed: int


class ProgrammeDetailOut(ProgrammeOut):
    years: list[YearOut]
    phases: list[PhaseCountOut]


class FrameIn(Schema):
    year: int
    frame_dkk: int


class AllocationIn(Schema):
    year: int
    initiative_id: int
    amount_dkk: int
    note: str = ""


class AllocationOut(Schema):
    id: int
    year: int
    initiative_id: int | None
    title: str
    amount_dkk: int


class RecommendationOut(Schema):
    member: str
    recommends: bool
    justification: str


class DecisionOut(Schema):
    approved: bool
    amount_dkk: int
    note: str
    decided_at: datetime


class CandidateOut(Schema):
    id: int
    kind: str
    title: str
    initiative_id: int | None
    proposal_reference: str
    requested_dkk: int
    recommended: int
    not_recommended: int
    recommendations: list[RecommendationOut]
    decision: DecisionOut | None


class RoundOut(Schema):
    id: int
    programme: str
    year: int
    title: str
    state: str
    recommend_by: date | None


class RoundDetailOut(RoundOut):
    candidates: list[CandidateOut]


class CandidateIn(Schema):
    kind: str
    initiative_id: int | None = None
    title: str = ""
    description: str = ""
    requested_dkk: int = 0
    proposal_reference: str = ""


class RoundIn(Schema):
    year: int
    title: str
    recommend_by: date | None = None
    candidates: list[CandidateIn] = []


class RecommendationIn(Schema):
    recommends: bool
    justification: str


class DecisionIn(Schema):
    approved: bool
    amount_dkk: int = 0
    note: str = ""


def _programme_out(programme: Programme, detail: bool = False) -> dict:
    counts = selectors.programme_counts(selectors.programme_initiatives(programme))
    c = counts[0] if counts else None
    out: dict = {
        "code": programme.code,
        "name": str(programme),
        "prioritised": c.prioritised if c else 0,
        "closed": c.closed if c else 0,
    }
    if detail:
        out["years"] = [
            {
                "year": y.year,
                "frame_dkk": int(y.frame),
                "committed_dkk": int(y.committed),
                "spent_dkk": int(y.spent),
                "remaining_dkk": int(y.remaining),
            }
            for y in selectors.money(programme)
        ]
        out["phases"] = [
            {"phase": p.phase.phase.value, "prioritised": p.prioritised, "closed": p.closed}
            for p in (c.phases if c else [])
        ]
    return out


def _candidate_out(summary: selectors.CandidateSummary) -> dict:
    c, d = summary.candidate, summary.decision
    return {
        "id": c.pk,
        "kind": c.kind,
        "title": c.title,
        "initiative_id": c.initiative_id,
        "proposal_reference": c.proposal_reference,
        "requested_dkk": int(c.requested_dkk),
        "recommended": summary.recommended,
        "not_recommended": summary.not_recommended,
        "recommendations": [
            {"member": r.member.username, "recommends": r.recommends, "justification": r.justification}
            for r in summary.recommendations
        ],
        "decision": None
        if d is None
        else {
            "approved": d.approved,
            "amount_dkk": int(d.amount_dkk),
            "note": d.note,
            "decided_at": d.decided_at,
        },
    }


def _round_out(round_: PrioritisationRound, detail: bool = False) -> dict:
    out: dict = {
        "id": round_.pk,
        "programme": round_.programme_year.programme.code,
        "year": round_.programme_year.year,
        "title": round_.title,
        "state": round_.state,
        "recommend_by": round_.recommend_by,
    }
    if detail:
        out["candidates"] = [_candidate_out(s) for s in selectors.candidate_summaries(round_)]
    return out


def _get_programme(request, code: str) -> Programme:
    require(request.user, "programme.view")
    return get_object_or_404(Programme, code=code)


def _year(programme: Programme, year: int) -> ProgrammeYear:
    return get_object_or_404(ProgrammeYear, programme=programme, year=year)


@router.get("/programmes", response=list[ProgrammeOut])
def list_programmes(request):
    require(request.user, "programme.view")
    return [_programme_out(p) for p in Programme.objects.all()]


@router.get("/programmes/{code}", response=ProgrammeDetailOut)
def get_programme(request, code: str):
    return _programme_out(_get_programme(request, code), detail=True)


@router.put("/programmes/{code}/frames", response={200: YearOut, 403: ErrorOut, 422: ErrorOut})
def set_frame(request, code: str, payload: FrameIn):
    programme = _get_programme(request, code)
    services.set_frame(request.user, programme, year=payload.year, frame_dkk=payload.frame_dkk)
    return next(y for y in _programme_out(programme, detail=True)["years"] if y["year"] == payload.year)


@router.post("/programmes/{code}/allocations", response={201: AllocationOut, 403: ErrorOut, 422: ErrorOut})
def allocate(request, code: str, payload: AllocationIn):
    programme = _get_programme(request, code)
    require(request.user, "programme.manage")
    initiative = get_object_or_404(Initiative, pk=payload.initiative_id)
    allocation = services.allocate(
        request.user,
        _year(programme, payload.year),
        amount_dkk=payload.amount_dkk,
        initiative=initiative,
        note=payload.note,
    )
    return Status(
        201,
        {
            "id": allocation.pk,
            "year": payload.year,
            "initiative_id": allocation.initiative_id,
            "title": allocation.title,
            "amount_dkk": int(allocation.amount_dkk),
        },
    )


@router.get("/prioritisation-rounds", response=list[RoundOut])
def list_rounds(request, programme: str = ""):
    require(request.user, "programme.view")
    rounds = PrioritisationRound.objects.select_related("programme_year__programme")
    if programme:
        rounds = rounds.filter(programme_year__programme__code=programme)
    return [_round_out(r) for r in rounds]


@router.get("/prioritisation-rounds/{pk}", response=RoundDetailOut)
def get_round(request, pk: int):
    require(request.user, "programme.view")
    return _round_out(get_object_or_404(PrioritisationRound, pk=pk), detail=True)


@router.post(
    "/programmes/{code}/prioritisation-rounds", response={201: RoundDetailOut, 403: ErrorOut, 422: ErrorOut}
)
def open_round(request, code: str, payload: RoundIn):
    programme = _get_programme(request, code)
    require(request.user, "programme.manage")
    candidates = [
        services.CandidateInput(
            kind=c.kind,
            initiative=get_object_or_404(Initiative, pk=c.initiative_id) if c.initiative_id else None,
            title=c.title,
            description=c.description,
            requested_dkk=c.requested_dkk,
            proposal_reference=c.proposal_reference,
        )
        for c in payload.candidates
    ]
    round_ = services.open_round(
        request.user,
        _year(programme, payload.year),
        title=payload.title,
        recommend_by=payload.recommend_by,
        candidates=candidates,
    )
    return Status(201, _round_out(round_, detail=True))


def _candidate(request, pk: int) -> Candidate:
    require(request.user, "programme.view")
    return get_object_or_404(Candidate.objects.select_related("round"), pk=pk)


@router.post(
    "/prioritisation-candidates/{pk}/recommendations",
    response={201: RecommendationOut, 403: ErrorOut, 422: ErrorOut},
)
def recommend(request, pk: int, payload: RecommendationIn):
    r = services.recommend(
        request.user,
        _candidate(request, pk),
        recommends=payload.recommends,
        justification=payload.justification,
    )
    return Status(
        201, {"member": r.member.username, "recommends": r.recommends, "justification": r.justification}
    )


@router.post(
    "/prioritisation-candidates/{pk}/decision", response={201: DecisionOut, 403: ErrorOut, 422: ErrorOut}
)
def decide(request, pk: int, payload: DecisionIn):
    d = services.record_decision(
        request.user,
        _candidate(request, pk),
        approved=payload.approved,
        amount_dkk=payload.amount_dkk,
        note=payload.note,
    )
    return Status(
        201,
        {"approved": d.approved, "amount_dkk": int(d.amount_dkk), "note": d.note, "decided_at": d.decided_at},
    )
