"""Reads for the portfolio: the board, an initiative's page, a municipality's page."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from susi.accounts.permissions import visible_initiatives
from susi.engines import phases
from susi.organisations.models import Organisation
from susi.web.i18n import localized

from .models import (
    TRACK_CHOICES,
    Area,
    CriterionAssessment,
    EntryAssessment,
    GateDecision,
    Initiative,
    Product,
    Programme,
    Status,
)

BOARD_FILTERS = ("programme", "area", "track", "municipality", "status", "phase", "q")
CARDS_PER_COLUMN = 60


@dataclass(frozen=True)
class Card:
    """What the board shows of one initiative, prepared once so the template only prints."""

    pk: int
    title: str
    url: str
    meta: str
    municipalities: str
    status: str
    status_label: str
    overdue: bool = False  # in the phase longer than its typical duration (phases.past_typical_duration)


@dataclass(frozen=True)
class BoardColumn:
    phase: phases.PhaseDefinition
    cards: list[Card]
    total: int

    @property
    def hidden(self) -> int:
        return self.total - len(self.cards)


@dataclass(frozen=True)
class PhaseCounts:
    """What a programme manager reports, per phase: started, running, closed (left the phase or stopped)."""

    started: int = 0
    running: int = 0
    closed: int = 0


@dataclass
class Board:
    columns: list[BoardColumn]
    counts: dict[str, dict[str, PhaseCounts]] = field(default_factory=dict)  # programme → phase → counts
    total: int = 0


def filtered_initiatives(user, params) -> QuerySet[Initiative]:
    qs = visible_initiatives(user)
    if params.get("programme"):
        qs = qs.filter(programme=params["programme"])
    if params.get("area"):
        qs = qs.filter(area=params["area"])
    if params.get("track"):
        qs = qs.filter(track=params["track"])
    if params.get("status"):
        qs = qs.filter(status=params["status"])
    if params.get("phase"):
        qs = qs.filter(phase=params["phase"])
    if params.get("municipality"):
        # A subquery, not a join + .distinct(): counting `values_list(...)` over a distinct query collapses
        # equal rows, so eight initiatives in two phases were counted as two.
        qs = qs.filter(
            pk__in=Initiative.municipalities.through.objects.filter(
                organisation__code=params["municipality"]
            ).values("initiative_id")
        )
    if params.get("q"):
        qs = qs.filter(Q(title__icontains=params["q"]) | Q(intervention__name__icontains=params["q"]))
    return qs


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def _cards(rows: list[dict], municipality_names: dict[int, list[str]]) -> list[Card]:
    today = timezone.localdate()
    programme, area, status = _labels(Programme.choices), _labels(Area.choices), _labels(Status.choices)
    track = _labels(TRACK_CHOICES)
    prefix = reverse("portfolio:initiative", args=[0])[:-2]
    cards = []
    for row in rows:
        names = municipality_names.get(row["pk"], [])
        shown = ", ".join(names[:4]) + (f" +{len(names) - 4}" if len(names) > 4 else "")
        cards.append(
            Card(
                pk=row["pk"],
                title=row["title"],
                url=f"{prefix}{row['pk']}/",
                meta=f"{programme[row['programme']]} · {track[row['track']]} · {area[row['area']]}",
                municipalities=shown,
                status=row["status"],
                status_label=status[row["status"]],
                overdue=row["status"] == Status.ACTIVE
                and phases.past_typical_duration(row["phase"], row["phase_started_on"], today),
            )
        )
    return cards


def board(user, params) -> Board:
    qs = filtered_initiatives(user, params)
    limit = None if params.get("phase") else CARDS_PER_COLUMN
    per_phase = dict(qs.order_by().values_list("phase").annotate(n=Count("pk")))
    fields = ("pk", "title", "programme", "track", "area", "status", "phase", "phase_started_on")
    rows_by_phase = {}
    for definition in phases.PHASE_MODEL:
        rows = qs.filter(phase=definition.phase.value).order_by("title").values(*fields)
        rows_by_phase[definition.phase.value] = list(rows[:limit] if limit else rows)
    shown_ids = [row["pk"] for rows in rows_by_phase.values() for row in rows]
    names: dict[int, list[str]] = {}
    for initiative_id, name in (
        Initiative.municipalities.through.objects.filter(initiative_id__in=shown_ids)
        .order_by("organisation__name")
        .values_list("initiative_id", "organisation__name")
    ):
        names.setdefault(initiative_id, []).append(name)
    columns = [
        BoardColumn(d, _cards(rows_by_phase[d.phase.value], names), per_phase.get(d.phase.value, 0))
        for d in phases.PHASE_MODEL
    ]
    return Board(columns=columns, counts=phase_counts(qs), total=sum(per_phase.values()))


def phase_counts(qs: QuerySet[Initiative]) -> dict[str, dict[str, PhaseCounts]]:
    """Started / running / closed per programme and phase.

    running: active initiatives in the phase now; closed: gates recorded out of the phase (continue, skip,
    stop, conclude) plus initiatives stopped or completed in it; started: running + closed + initiatives sent
    back for rework that are still in the phase (counted once, as running).
    """
    # Counted by the database (one row per programme and phase), not by reading every initiative and gate.
    running = Counter(
        {
            (programme, phase): n
            for programme, phase, n in qs.filter(status=Status.ACTIVE)
            .order_by()
            .values_list("programme", "phase")
            .annotate(n=Count("pk"))
        }
    )
    left = Counter(
        {
            (programme, phase): n
            for programme, phase, n in GateDecision.objects.filter(
                initiative__in=qs.values("pk"), state=GateDecision.State.RECORDED
            )
            .exclude(outcome=phases.Outcome.REWORK.value)
            .order_by()
            .values_list("initiative__programme", "phase")
            .annotate(n=Count("pk"))
        }
    )
    result: dict[str, dict[str, PhaseCounts]] = {}
    for programme in Programme.values:
        row = {}
        for definition in phases.PHASE_MODEL:
            key = (programme, definition.phase.value)
            row[definition.phase.value] = PhaseCounts(
                started=running[key] + left[key], running=running[key], closed=left[key]
            )
        if any(c.started for c in row.values()):
            result[programme] = row
    return result


@dataclass(frozen=True)
class TimelineStep:
    phase: phases.PhaseDefinition
    state: str  # done / current / skipped / future / stopped
    decision: GateDecision | None


def initiative_for_page(initiative_id: int) -> Initiative:
    return (
        Initiative.objects.select_related(
            "intervention", "lead", "evaluator", "method_supplier", "foundation"
        )
        .prefetch_related("municipalities", "providers")
        .get(pk=initiative_id)
    )


# The gate history lists criteria in the phase model's order (effect, economy, ...), not alphabetically by key.
_CRITERION_ORDER = Case(
    *(When(criterion=c.value, then=Value(i)) for i, c in enumerate(phases.Criterion)),
    output_field=IntegerField(),
)


def gate_history(initiative: Initiative) -> list[GateDecision]:
    return list(
        initiative.gate_decisions.filter(state=GateDecision.State.RECORDED)
        .select_related("decided_by")
        .prefetch_related(
            Prefetch(
                "assessments",
                queryset=CriterionAssessment.objects.select_related("effect_link__meta_analysis")
                .prefetch_related("products")
                .order_by("scope", _CRITERION_ORDER),
            )
        )
        .order_by("decided_at")
    )


def _target_phase(phase: str, outcome: str) -> str | None:
    target = phases.target_state(phases.Phase(phase), phases.Outcome(outcome))
    return target.phase.value if target is not None else None


def phase_periods(
    initiatives: QuerySet[Initiative], phase: str
) -> dict[int, tuple[datetime | None, datetime | None]]:
    """For each initiative that has been in `phase`, from its recorded gate decisions: when it entered the
    phase (None: it was created in it) and when it left (None: it is still there). An initiative that
    skipped the phase, or has not reached it, is not in the result."""
    decisions: dict[int, list[GateDecision]] = {}
    for decision in GateDecision.objects.filter(
        initiative__in=initiatives, state=GateDecision.State.RECORDED
    ).order_by("decided_at", "created_at"):
        decisions.setdefault(decision.initiative_id, []).append(decision)
    periods = {}
    for initiative_id, current_phase in initiatives.values_list("pk", "phase"):
        history = decisions.get(initiative_id, [])
        first_phase = history[0].phase if history else current_phase
        inside, entered, left = first_phase == phase, None, None
        for decision in history:
            if decision.outcome == phases.Outcome.REWORK.value:
                continue
            when = decision.decided_at or decision.created_at
            target = decision.to_phase or _target_phase(decision.phase, decision.outcome)
            if decision.phase == phase:
                left = when
            elif target == phase:
                inside, entered = True, when
        if inside:
            periods[initiative_id] = (entered, left)
    return periods


def timeline(initiative: Initiative, history: list[GateDecision]) -> list[TimelineStep]:
    left = {}
    skipped: set[str] = set()
    for decision in history:
        if decision.outcome != phases.Outcome.REWORK.value:
            left[decision.phase] = decision
        if decision.outcome == phases.Outcome.SKIP.value:
            target = phases.Phase(decision.to_phase) if decision.to_phase else None
            jumped = phases.skipped_phases(phases.Phase(decision.phase), phases.Outcome.SKIP, target)
            skipped.update(p.value for p in jumped)
    entered = EntryAssessment.objects.filter(initiative=initiative).values_list("phase", flat=True).first()
    if entered:
        # created directly in a later phase: the phases before it were assessed, not gone through
        skipped.update(p.value for p in phases.entry_phases(entered))
    current = phases.phase_index(initiative.phase)
    steps = []
    for definition in phases.PHASE_MODEL:
        value = definition.phase.value
        index = phases.phase_index(value)
        if value in skipped:
            state = "skipped"
        elif value == initiative.phase:
            state = "current" if initiative.status == Status.ACTIVE else initiative.status
        elif index < current:
            state = "done"
        else:
            state = "future"
        steps.append(TimelineStep(definition, state, left.get(value)))
    return steps


def products_by_phase(
    initiative: Initiative,
) -> list[tuple[phases.PhaseDefinition, list[Product], list[str]]]:
    """For each phase reached so far: its products and the required product kinds still missing (unapproved)."""
    products = list(initiative.products.prefetch_related("versions"))
    result = []
    for definition in phases.PHASE_MODEL:
        if phases.phase_index(definition.phase) > phases.phase_index(initiative.phase):
            break
        in_phase = [p for p in products if p.phase == definition.phase.value]
        approved = {p.kind for p in in_phase if p.state == Product.State.APPROVED}
        missing = [
            localized(phases.PRODUCT_NAMES[k])
            for k in definition.required_products
            if k.value not in approved
        ]
        result.append((definition, in_phase, missing))
    return result


def missing_required_products(initiative: Initiative) -> list[phases.ProductKind]:
    approved = set(
        initiative.products.filter(phase=initiative.phase, state=Product.State.APPROVED).values_list(
            "kind", flat=True
        )
    )
    return [k for k in initiative.phase_definition.required_products if k.value not in approved]


def municipality_initiatives(user, municipality: Organisation) -> QuerySet[Initiative]:
    return (
        visible_initiatives(user)
        .filter(municipalities=municipality)
        .select_related("intervention")
        .order_by("phase", "title")
    )


@dataclass(frozen=True)
class PhaseDuration:
    """The current phase's typical duration, and whether the initiative has run past it."""

    typical: phases.Text
    months_in_phase: int
    overdue: bool


def phase_duration(initiative: Initiative) -> PhaseDuration:
    today = timezone.localdate()
    return PhaseDuration(
        typical=initiative.phase_definition.typical_duration,
        months_in_phase=phases.months_between(initiative.phase_started_on, today),
        overdue=initiative.is_active
        and phases.past_typical_duration(initiative.phase, initiative.phase_started_on, today),
    )


def possible_leads() -> QuerySet:
    """The users who may lead an initiative (`portfolio.lead_initiative`)."""
    from susi.accounts.permissions import initiative_leads

    return initiative_leads()
