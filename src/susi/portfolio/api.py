"""JSON API for interventions, initiatives, products and gate decisions — the same rules as the pages."""

from __future__ import annotations

from datetime import date, datetime

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from susi.accounts.permissions import require

from . import selectors, services
from .models import GateDecision, Initiative, Intervention, Product

router = Router(tags=["portfolio"])


class ErrorItem(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: list[ErrorItem]


class InterventionOut(Schema):
    id: int
    name: str
    description: str
    area: str
    target_group: str


class InterventionIn(Schema):
    name: str
    area: str
    description: str = ""
    target_group: str = ""


class OrganisationRef(Schema):
    id: int
    name: str
    code: str


class InitiativeOut(Schema):
    id: int
    title: str
    intervention_id: int
    phase: str
    track: str
    programme: str
    area: str
    status: str
    start_date: date
    end_date: date | None
    phase_started_on: date
    budget_dkk: int
    evaluator_id: int | None
    municipalities: list[OrganisationRef]

    @staticmethod
    def resolve_municipalities(obj: Initiative) -> list[dict]:
        return [{"id": m.pk, "name": m.name, "code": m.code} for m in obj.municipalities.all()]

    @staticmethod
    def resolve_budget_dkk(obj: Initiative) -> int:
        return int(obj.budget_dkk)


class InitiativeIn(Schema):
    intervention_id: int
    title: str
    phase: str
    track: str
    programme: str
    area: str
    start_date: date
    end_date: date | None = None
    budget_dkk: int = 0
    municipality_codes: list[str] = []
    evaluator_id: int | None = None


class ProductOut(Schema):
    id: int
    phase: str
    kind: str
    title: str
    state: str
    versions: int

    @staticmethod
    def resolve_versions(obj: Product) -> int:
        return obj.versions.count()


class ProductStateIn(Schema):
    state: str


class AssessmentIO(Schema):
    rating: str = ""
    justification: str = ""
    evidence: str = ""
    # required when the rating differs from the platform's suggestion (the gate refuses otherwise)
    override_justification: str = ""


class AssessmentOut(AssessmentIO):
    criterion: str
    scope: str
    suggested_rating: str = ""
    suggestion: dict = Field(default_factory=dict)


class GateDecisionOut(Schema):
    id: int
    phase: str
    track: str
    outcome: str
    to_phase: str
    justification: str
    decided_by: str | None
    decided_at: datetime | None
    sequence: int | None = None
    assessments: list[AssessmentOut]

    @staticmethod
    def resolve_decided_by(obj: GateDecision) -> str | None:
        return obj.decided_by.username if obj.decided_by else None

    @staticmethod
    def resolve_assessments(obj: GateDecision) -> list[dict]:
        return [
            {
                "criterion": a.criterion,
                "scope": a.scope,
                "rating": a.rating,
                "justification": a.justification,
                "evidence": a.evidence,
                "override_justification": a.override_justification,
                "suggested_rating": a.suggested_rating,
                "suggestion": a.suggestion,
            }
            for a in obj.assessments.all()
        ]


class GateDecisionIn(Schema):
    outcome: str
    justification: str = ""
    assessments: dict[str, AssessmentIO] = Field(default_factory=dict)
    skipped_assessments: dict[str, AssessmentIO] = Field(default_factory=dict)
    # Optional: the decision's number as the client saw it (the count of recorded decisions + 1); a decision
    # recorded by someone else in the meantime makes this one fail with 422 instead of deciding twice.
    expected_sequence: int | None = None


def _initiative(request, pk: int) -> Initiative:
    initiative = get_object_or_404(Initiative, pk=pk)
    require(request.user, "portfolio.view_initiative", initiative)
    return initiative


@router.get("/interventions", response=list[InterventionOut])
@paginate(LimitOffsetPagination)
def list_interventions(request):
    require(request.user, "portfolio.view_board")
    return Intervention.objects.all()


@router.post("/interventions", response={201: InterventionOut, 403: ErrorOut, 422: ErrorOut})
def create_intervention(request, payload: InterventionIn):
    return Status(201, services.create_intervention(request.user, **payload.dict()))


@router.get("/initiatives", response=list[InitiativeOut])
@paginate(LimitOffsetPagination)
def list_initiatives(
    request,
    phase: str = "",
    programme: str = "",
    area: str = "",
    track: str = "",
    status: str = "",
    municipality: str = "",
):
    require(request.user, "portfolio.view_board")
    params = {
        "phase": phase,
        "programme": programme,
        "area": area,
        "track": track,
        "status": status,
        "municipality": municipality,
    }
    return (
        selectors.filtered_initiatives(request.user, params).prefetch_related("municipalities").order_by("pk")
    )


@router.post("/initiatives", response={201: InitiativeOut, 403: ErrorOut, 422: ErrorOut})
def create_initiative(request, payload: InitiativeIn):
    from susi.organisations.models import Organisation

    require(request.user, "portfolio.create_initiative")
    data = payload.dict()
    intervention = get_object_or_404(Intervention, pk=data.pop("intervention_id"))
    codes = data.pop("municipality_codes")
    municipalities = list(Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY, code__in=codes))
    if len(municipalities) != len(set(codes)):
        found = {m.code for m in municipalities}
        missing = ", ".join(sorted(set(codes) - found))
        raise services.DomainError(
            "municipality_codes", _("Ukendt kommunenummer: %(codes)s.") % {"codes": missing}
        )
    evaluator_id = data.pop("evaluator_id")
    evaluator = get_object_or_404(Organisation, pk=evaluator_id, kind="evaluator") if evaluator_id else None
    initiative = services.create_initiative(
        request.user, intervention=intervention, municipalities=municipalities, evaluator=evaluator, **data
    )
    return Status(201, initiative)


@router.get("/initiatives/{pk}", response=InitiativeOut)
def get_initiative(request, pk: int):
    return _initiative(request, pk)


@router.get("/initiatives/{pk}/products", response=list[ProductOut])
def list_products(request, pk: int):
    return _initiative(request, pk).products.all()


@router.post(
    "/initiatives/{pk}/products/{product_id}/state", response={200: ProductOut, 403: ErrorOut, 422: ErrorOut}
)
def set_product_state(request, pk: int, product_id: int, payload: ProductStateIn):
    initiative = _initiative(request, pk)
    product = get_object_or_404(Product, pk=product_id, initiative=initiative)
    if payload.state not in Product.State.values:
        raise services.DomainError("state", _("Ukendt status."))
    return services.set_product_state(request.user, product, payload.state)


@router.get("/initiatives/{pk}/gate-decisions", response=list[GateDecisionOut])
def list_gate_decisions(request, pk: int):
    return selectors.gate_history(_initiative(request, pk))


@router.post(
    "/initiatives/{pk}/gate-decisions", response={201: GateDecisionOut, 403: ErrorOut, 422: ErrorOut}
)
def record_gate_decision(request, pk: int, payload: GateDecisionIn):
    initiative = _initiative(request, pk)
    decision = services.record_gate_decision(
        request.user,
        initiative,
        outcome=payload.outcome,
        justification=payload.justification,
        assessments=services.assessment_inputs_from_mapping(
            {k: v.dict() for k, v in payload.assessments.items()}
        ),
        skipped_assessments=services.assessment_inputs_from_mapping(
            {k: v.dict() for k, v in payload.skipped_assessments.items()}
        ),
        expected_sequence=payload.expected_sequence,
    )
    # a GateDecisionRefused (an engine error carrying every problem) is answered 422 by the API's error handler
    return Status(201, decision)
