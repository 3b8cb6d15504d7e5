"""Reads for the programmes: money per year, the counts a programme manager reports, prioritisation summaries."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import ExtractYear

from susi.engines import phases
from susi.portfolio.models import Initiative, Status
from susi.portfolio.models import Programme as ProgrammeLabel
from susi.rounds.models import Instalment

from .models import (
    Allocation,
    Candidate,
    Decision,
    PrioritisationRound,
    Programme,
    ProgrammeYear,
    Recommendation,
)


@dataclass(frozen=True)
class YearMoney:
    """One programme year: its frame, what is committed (allocations), spent (grant instalments paid that
    year to the programme's initiatives) and what remains to commit (frame − committed)."""

    programme_year: ProgrammeYear
    frame: Decimal
    committed: Decimal
    spent: Decimal

    @property
    def year(self) -> int:
        return self.programme_year.year

    @property
    def remaining(self) -> Decimal:
        return self.frame - self.committed


def spent_by_year(programme: Programme) -> dict[int, Decimal]:
    """Grant instalments paid to the programme's initiatives, by the year they were paid (rounds app)."""
    rows = (
        Instalment.objects.filter(
            paid_on__isnull=False, grant__application__round__initiative__programme=programme.code
        )
        .annotate(year=ExtractYear("paid_on"))
        .values("year")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {row["year"]: row["total"] or Decimal(0) for row in rows}


def money(programme: Programme) -> list[YearMoney]:
    committed = dict(
        Allocation.objects.filter(programme_year__programme=programme)
        .values("programme_year")
        .annotate(total=Sum("amount_dkk"))
        .values_list("programme_year", "total")
        .order_by()
    )
    spent = spent_by_year(programme)
    return [
        YearMoney(
            programme_year=py,
            frame=py.frame_dkk,
            committed=committed.get(py.pk) or Decimal(0),
            spent=spent.get(py.year, Decimal(0)),
        )
        for py in programme.years.order_by("year")
    ]


def allocations(programme: Programme) -> QuerySet[Allocation]:
    return (
        Allocation.objects.filter(programme_year__programme=programme)
        .select_related("programme_year", "initiative", "decision")
        .order_by("programme_year__year", "created_at")
    )


@dataclass(frozen=True)
class PhaseCount:
    phase: phases.PhaseDefinition
    prioritised: int
    closed: int


@dataclass
class ProgrammeCount:
    """ "Prioriteret 44, heraf afsluttet 14": the programme's initiatives, and those no longer running (completed
    or stopped), in total and per phase (the phase they are in, or ended in)."""

    code: str
    label: str
    prioritised: int = 0
    closed: int = 0
    phases: list[PhaseCount] = field(default_factory=list)


def programme_counts(initiatives: QuerySet[Initiative]) -> list[ProgrammeCount]:
    """Counts per programme and phase over `initiatives` (e.g. the board's filtered, permitted initiatives)."""
    total: Counter = Counter()
    closed: Counter = Counter()
    # Counted by the database (one row per programme, phase and status), not by reading every initiative.
    grouped = initiatives.order_by().values_list("programme", "phase", "status").annotate(n=Count("pk"))
    for programme, phase, status, n in grouped:
        total[(programme, phase)] += n
        if status != Status.ACTIVE:
            closed[(programme, phase)] += n
    result = []
    for code, label in ProgrammeLabel.choices:
        counts = ProgrammeCount(code=code, label=str(label))
        for definition in phases.PHASE_MODEL:
            key = (code, definition.phase.value)
            counts.phases.append(PhaseCount(definition, total[key], closed[key]))
            counts.prioritised += total[key]
            counts.closed += closed[key]
        if counts.prioritised:
            result.append(counts)
    return result


def programme_initiatives(programme: Programme) -> QuerySet[Initiative]:
    return Initiative.objects.filter(programme=programme.code)


# --- prioritisation -----------------------------------------------------------------------------------


@dataclass
class CandidateSummary:
    candidate: Candidate
    recommended: int
    not_recommended: int
    recommendations: list[Recommendation]
    decision: Decision | None
    own: Recommendation | None = None  # the reader's own recommendation, if any


def candidate_summaries(round_: PrioritisationRound, user=None) -> list[CandidateSummary]:
    candidates = round_.candidates.select_related("initiative", "decision").prefetch_related(
        "recommendations__member"
    )
    result = []
    for candidate in candidates:
        recs = list(candidate.recommendations.all())
        yes = sum(1 for r in recs if r.recommends)
        result.append(
            CandidateSummary(
                candidate=candidate,
                recommended=yes,
                not_recommended=len(recs) - yes,
                recommendations=recs,
                decision=getattr(candidate, "decision", None),
                own=next((r for r in recs if user is not None and r.member_id == user.pk), None),
            )
        )
    return result


def rounds_for(programme: Programme) -> QuerySet[PrioritisationRound]:
    return PrioritisationRound.objects.filter(programme_year__programme=programme).select_related(
        "programme_year__programme"
    )


def gate_prioritisation(initiative: Initiative) -> list[CandidateSummary]:
    """The steering group's recommendations on the initiative in prioritisation rounds, newest round first:
    shown on the gate page when the gate that follows is prepared."""
    summaries = []
    candidates = (
        Candidate.objects.filter(initiative=initiative)
        .select_related("round__programme_year__programme", "decision")
        .prefetch_related("recommendations__member")
        .order_by("-round__programme_year__year", "-round__opened_at")
    )
    for candidate in candidates:
        recs = list(candidate.recommendations.all())
        yes = sum(1 for r in recs if r.recommends)
        summaries.append(
            CandidateSummary(candidate, yes, len(recs) - yes, recs, getattr(candidate, "decision", None))
        )
    return summaries
