"""JSON API for application rounds, applications, reviews, determinations and grants — the rules of the pages."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from susi.accounts.permissions import can, require, visible_applications, visible_rounds
from susi.engines.phases import rounds as flow
from susi.portfolio.models import Initiative

from . import services
from .models import Application, Round

router = Router(tags=["rounds"])


class ErrorItem(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: list[ErrorItem]


class CriterionOut(Schema):
    id: int
    name: str
    weight: int


class QuestionOut(Schema):
    id: int
    text: str


class RoundOut(Schema):
    id: int
    initiative_id: int
    phase: str
    title: str
    text: str
    state: str
    places: int | None
    opens_at: datetime
    closes_at: datetime
    for_municipalities: bool
    for_providers: bool
    pool_amount: int
    pool_covers: str
    criteria: list[CriterionOut]
    questions: list[QuestionOut]
    applicants: int

    @staticmethod
    def resolve_state(obj: Round) -> str:
        return services.effective_state(obj)

    @staticmethod
    def resolve_pool_amount(obj: Round) -> int:
        return int(obj.pool_amount)

    @staticmethod
    def resolve_criteria(obj: Round) -> list[dict]:
        return [{"id": c.pk, "name": c.name, "weight": c.weight} for c in obj.criteria.all()]

    @staticmethod
    def resolve_questions(obj: Round) -> list[dict]:
        return [{"id": q.pk, "text": q.text} for q in obj.questions.all()]

    @staticmethod
    def resolve_applicants(obj: Round) -> int:
        return obj.applications.filter(state__in=[st.value for st in flow.APPLIED]).count()


class CriterionIn(Schema):
    name: str
    weight: int
    description: str = ""


class RoundIn(Schema):
    initiative_id: int
    phase: str
    title: str
    text: str
    opens_at: datetime
    closes_at: datetime
    places: int | None = None
    for_municipalities: bool = True
    for_providers: bool = False
    pool_amount: int = 0
    pool_covers: str = ""
    criteria: list[CriterionIn]
    questions: list[str] = []


class RoundMoveIn(Schema):
    action: str  # open, close, decide


class InstalmentOut(Schema):
    due_on: date
    amount: int
    paid_on: date | None

    @staticmethod
    def resolve_amount(obj) -> int:
        return int(obj.amount)


class GrantOut(Schema):
    id: int
    amount: int
    purpose: str
    instalments: list[InstalmentOut]

    @staticmethod
    def resolve_amount(obj) -> int:
        return int(obj.amount)

    @staticmethod
    def resolve_instalments(obj) -> list:
        return list(obj.instalments.all())


class ApplicationOut(Schema):
    id: int
    round_id: int
    organisation_id: int
    organisation: str
    state: str
    answers: dict[str, str]
    target_group_size: int | None
    amount_requested: int
    submitted_at: datetime | None
    decision_message: str
    grant: GrantOut | None

    @staticmethod
    def resolve_organisation(obj: Application) -> str:
        return str(obj.organisation)

    @staticmethod
    def resolve_amount_requested(obj: Application) -> int:
        return int(obj.amount_requested)

    @staticmethod
    def resolve_grant(obj: Application):
        return getattr(obj, "grant", None)


class ApplicationIn(Schema):
    answers: dict[str, str] = {}
    target_group_size: int | None = None
    staff: str = ""
    organisation_setup: str = ""
    partners: str = ""
    data: str = ""
    contact_name: str = ""
    contact_email: str = ""
    amount_requested: int = 0
    submit: bool = False


class ScreeningIn(Schema):
    screened_in: bool
    reason: str


class ReviewIn(Schema):
    scores: dict[str, int]
    comment: str = ""


class InstalmentIn(Schema):
    due_on: date
    amount: int


class DeterminationIn(Schema):
    accept: bool
    message: str
    grant_amount: int = 0
    grant_purpose: str = "documentation"
    instalments: list[InstalmentIn] = []


def _round(request, pk: int) -> Round:
    round_ = get_object_or_404(visible_rounds(request.user), pk=pk)
    return round_


def _application(request, pk: int) -> Application:
    application = get_object_or_404(Application.objects.select_related("round", "organisation"), pk=pk)
    if not (
        can(request.user, "rounds.view_application", application)
        or can(request.user, "rounds.review", application)
    ):
        raise Http404
    return application


@router.get("/rounds", response=list[RoundOut])
@paginate(LimitOffsetPagination)
def list_rounds(request, state: Literal["", "draft", "open", "closed", "decided"] = ""):
    require(request.user, "rounds.view_round")
    qs = visible_rounds(request.user).prefetch_related("criteria", "questions")
    return qs.filter(state=state) if state else qs


@router.post("/rounds", response={201: RoundOut, 403: ErrorOut, 422: ErrorOut})
def create_round(request, payload: RoundIn):
    require(request.user, "rounds.announce")
    data = payload.dict()
    initiative = get_object_or_404(Initiative, pk=data.pop("initiative_id"))
    criteria = [services.CriterionInput(**c) for c in data.pop("criteria")]
    return Status(201, services.announce_round(request.user, initiative, criteria=criteria, **data))


@router.get("/rounds/{pk}", response=RoundOut)
def get_round(request, pk: int):
    return _round(request, pk)


@router.post("/rounds/{pk}/state", response={200: RoundOut, 403: ErrorOut, 422: ErrorOut})
def move_round(request, pk: int, payload: RoundMoveIn):
    return services.move_round(request.user, _round(request, pk), payload.action)


@router.get("/rounds/{pk}/applications", response=list[ApplicationOut])
@paginate(LimitOffsetPagination)
def list_applications(request, pk: int):
    """Agency staff and steering members see every application; an applicant only its own."""
    round_ = _round(request, pk)
    return visible_applications(request.user).filter(round=round_).select_related("organisation")


@router.post("/rounds/{pk}/applications", response={201: ApplicationOut, 403: ErrorOut, 422: ErrorOut})
def apply(request, pk: int, payload: ApplicationIn):
    """Save (and with `submit`, submit) the user's own organisation's application."""
    round_ = _round(request, pk)
    data = payload.dict()
    submit = data.pop("submit")
    application = services.save_application(
        request.user, round_, organisation=request.user.organisation, **data
    )
    if submit:
        application = services.submit_application(request.user, application)
    return Status(201, application)


@router.get("/applications/{pk}", response=ApplicationOut)
def get_application(request, pk: int):
    return _application(request, pk)


@router.post("/applications/{pk}/withdraw", response={200: ApplicationOut, 403: ErrorOut, 422: ErrorOut})
def withdraw(request, pk: int):
    return services.withdraw_application(request.user, _application(request, pk))


@router.post("/applications/{pk}/screening", response={200: ApplicationOut, 403: ErrorOut, 422: ErrorOut})
def screen(request, pk: int, payload: ScreeningIn):
    return services.screen_application(request.user, _application(request, pk), **payload.dict())


@router.post("/applications/{pk}/reviews", response={201: dict, 403: ErrorOut, 422: ErrorOut})
def review(request, pk: int, payload: ReviewIn):
    created = services.submit_review(request.user, _application(request, pk), **payload.dict())
    return Status(201, {"id": created.pk, "scores": created.scores})


@router.post("/applications/{pk}/determination", response={200: ApplicationOut, 403: ErrorOut, 422: ErrorOut})
def determination(request, pk: int, payload: DeterminationIn):
    data = payload.dict()
    instalments = [
        services.InstalmentInput(due_on=i["due_on"], amount=Decimal(i["amount"]))
        for i in data.pop("instalments")
    ]
    return services.determine(request.user, _application(request, pk), instalments=instalments, **data)
