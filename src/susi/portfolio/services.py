"""Every write to the portfolio. Each function checks permission, validates, and writes in one transaction.

Bad input raises `DomainError` (field + Danish message) or `GateDecisionRefused` before anything is written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from susi.accounts.permissions import can, proposing_organisation, require
from susi.engines import phases
from susi.engines.errors import EngineError
from susi.engines.phases.suggestions import Suggestion
from susi.engines.text import Text
from susi.web.api_errors import DomainError
from susi.web.i18n import localized

from .models import (
    CriterionAssessment,
    EntryAssessment,
    EntryCriterionAssessment,
    GateDecision,
    Initiative,
    Intervention,
    Product,
    ProductVersion,
    Recommendation,
    Status,
)

ALLOWED_PRODUCT_SUFFIXES = (
    ".pdf",
    ".docx",
    ".doc",
    ".xlsx",
    ".xls",
    ".odt",
    ".ods",
    ".pptx",
    ".csv",
    ".txt",
    ".md",
)


@dataclass(frozen=True)
class AssessmentInput:
    criterion: str
    rating: str
    justification: str
    evidence: str = ""
    product_ids: tuple[int, ...] = ()
    # Why the rating differs from the platform's suggestion (required at recording when it does).
    override_justification: str = ""
    # for a skipped phase or an entry assessment: the phase the criterion is assessed against ("" at the gate,
    # or for a skip over exactly one phase)
    phase: str = ""


class GateDecisionRefused(EngineError):
    """The phase engine refused the decision; `problems` say why (each a `Text`); the API answers 422."""

    def __init__(self, problems: tuple[phases.Problem, ...]):
        self._carry(problems, None)

    @property
    def messages(self) -> list[str]:
        """In the active language."""
        return [localized(p.message) for p in self.problems]


# --- interventions and initiatives ---------------------------------------------------------------------


@transaction.atomic
def create_intervention(
    user, *, name: str, area: str, description: str = "", target_group: str = ""
) -> Intervention:
    require(user, "portfolio.create_intervention")
    name = name.strip()
    if not name:
        raise DomainError("name", _("Indsatsen skal have et navn."))
    if Intervention.objects.filter(name__iexact=name).exists():
        raise DomainError("name", _("Der findes allerede en indsats med det navn."))
    proposed_by = proposing_organisation(user)
    return Intervention.objects.create(
        name=name, area=area, description=description, target_group=target_group, proposed_by=proposed_by
    )


@transaction.atomic
def create_initiative(
    user,
    *,
    intervention: Intervention,
    title: str,
    phase: str,
    track: str,
    programme: str,
    area: str,
    start_date: date,
    end_date: date | None = None,
    budget_dkk: int = 0,
    municipalities: Iterable = (),
    providers: Iterable = (),
    evaluator=None,
    method_supplier=None,
    foundation=None,
    lead=None,
    summary: str = "",
    entry_assessments: Iterable[AssessmentInput] = (),
    entry_justification: str = "",
) -> Initiative:
    """Create an initiative; one that starts after screening needs an entry assessment (`phases.judge_entry`)."""
    require(user, "portfolio.create_initiative")
    entry_assessments = list(entry_assessments)
    verdict = judge_entry(phase, track, entry_assessments, entry_justification)
    if not verdict.allowed:
        raise GateDecisionRefused(verdict.problems)
    if end_date and end_date < start_date:
        raise DomainError("end_date", _("Slutdatoen ligger før startdatoen."))
    if budget_dkk < 0:
        raise DomainError("budget_dkk", _("Budgettet kan ikke være negativt."))
    initiative = Initiative.objects.create(
        intervention=intervention,
        title=title.strip(),
        summary=summary,
        phase=phases.Phase(phase).value,
        track=phases.Track(track).value,
        programme=programme,
        area=area,
        start_date=start_date,
        end_date=end_date,
        phase_started_on=start_date,
        budget_dkk=budget_dkk,
        evaluator=evaluator,
        method_supplier=method_supplier,
        foundation=foundation,
        lead=lead or (user if can(user, "portfolio.lead_initiative") else None),
    )
    initiative.municipalities.set(municipalities)
    initiative.providers.set(providers)
    if phases.needs_entry_assessment(phase):
        _store_entry(user, initiative, entry_assessments, entry_justification)
    return initiative


def judge_entry(
    phase: str, track: str, assessments: Iterable[AssessmentInput], justification: str
) -> phases.Verdict:
    """Ask the phase engine whether an initiative may start in `phase`; writes nothing."""
    try:
        entry_phase, entry_track = phases.Phase(phase), phases.Track(track)
    except ValueError:
        raise DomainError("phase", _("Ukendt fase eller spor.")) from None
    return phases.judge_entry(
        phases.EntryProposal(entry_phase, entry_track, _engine_skipped(assessments), justification)
    )


def _store_entry(
    user, initiative: Initiative, items: Iterable[AssessmentInput], justification: str
) -> EntryAssessment:
    entry = EntryAssessment.objects.create(
        initiative=initiative,
        phase=initiative.phase,
        track=initiative.track,
        justification=justification.strip(),
        decided_by=user,
    )
    for item in items:
        if item.rating and item.phase:
            EntryCriterionAssessment.objects.create(
                entry=entry,
                phase=phases.Phase(item.phase).value,
                criterion=phases.Criterion(item.criterion).value,
                rating=phases.Rating(item.rating).value,
                justification=item.justification.strip(),
                evidence=item.evidence.strip(),
            )
    return entry


# --- products ------------------------------------------------------------------------------------------


@transaction.atomic
def upload_product_version(
    user, initiative: Initiative, *, kind: str, title: str, file: UploadedFile, note: str = ""
) -> ProductVersion:
    """Add a new version of the product of `kind` in the initiative's current phase (creating the product)."""
    require(user, "portfolio.upload_product", initiative)
    kind = phases.ProductKind(kind).value
    if file is None or not getattr(file, "name", ""):
        raise DomainError("file", _("Vælg en fil at uploade."))
    if not file.name.lower().endswith(ALLOWED_PRODUCT_SUFFIXES):
        raise DomainError("file", _("Filtypen er ikke tilladt. Brug PDF, Word, Excel, CSV eller tekst."))
    if file.size == 0:
        raise DomainError("file", _("Filen er tom."))
    if file.size > settings.SUSI_UPLOAD_LIMITS["products"]:
        raise DomainError(
            "file",
            _("Filen er for stor (højst %(limit)s MB); intet er gemt.")
            % {"limit": settings.SUSI_UPLOAD_LIMITS["products"] // (1024 * 1024)},
        )
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    product = _product_for_upload(initiative, kind, title.strip())
    last = product.versions.order_by("-number").first()
    if last and last.sha256 == digest.hexdigest():
        raise DomainError("file", _("Filen er identisk med den seneste version; der er ikke gemt noget."))
    version = ProductVersion.objects.create(
        product=product,
        number=(last.number + 1) if last else 1,
        file=file,
        sha256=digest.hexdigest(),
        note=note,
        uploaded_by=user,
    )
    product.state = phases.NEW_VERSION_STATE.value  # a new version must be reviewed again
    product.save()
    return version


def _product_for_upload(initiative: Initiative, kind: str, title: str) -> Product:
    """The product a file is a new version of: the one of this kind and phase with the same title (any case),
    or without a title the most recent one of the kind. A new title starts a new product; it never renames one."""
    same_kind = Product.objects.select_for_update().filter(
        initiative=initiative, phase=initiative.phase, kind=kind
    )
    existing = same_kind.filter(title__iexact=title).first() if title else same_kind.order_by("-pk").first()
    if existing is not None:
        return existing
    return Product.objects.create(
        initiative=initiative,
        phase=initiative.phase,
        kind=kind,
        title=title or localized(phases.PRODUCT_NAMES[phases.ProductKind(kind)]),
    )


def _state_label(state: str) -> str:
    return str(dict(Product.State.choices).get(state, state))


@transaction.atomic
def set_product_state(user, product: Product, state: str) -> Product:
    """Move a product along the declared review workflow (`phases.PRODUCT_REVIEW`)."""
    try:
        new = Product.State(state)
        transition = phases.review_transition(product.state, new)
    except (ValueError, phases.ReviewRefused):
        submitting = state == Product.State.SUBMITTED
        require(
            user, "portfolio.upload_product" if submitting else "portfolio.review_product", product.initiative
        )
        raise DomainError(
            "state",
            _("Et produkt med status »%(old)s« kan ikke få status »%(new)s«.")
            % {"old": product.get_state_display(), "new": _state_label(state)},
        ) from None
    if transition.actor is phases.Actor.CONTRIBUTOR:
        require(user, "portfolio.upload_product", product.initiative)
    else:
        require(user, "portfolio.review_product", product.initiative)
    if not product.versions.exists():
        raise DomainError("state", _("Produktet har ingen fil endnu."))
    product.state = new
    product.save(update_fields=["state", "updated_at"])
    if new == Product.State.SUBMITTED:
        _notify_product_submitted(product)
    return product


def _notify_product_submitted(product: Product) -> None:
    """A submitted product awaits review: tell the initiative's lead, or the agency's staff if it has none."""
    from susi.accounts.permissions import agency_staff
    from susi.notifications.models import Kind
    from susi.notifications.services import notify

    initiative = product.initiative
    reviewers = [initiative.lead] if initiative.lead_id else list(agency_staff())
    text = Text(
        f"»{product.title}« i »{initiative.title}« er indsendt og venter på din vurdering.",
        f"“{product.title}” in “{initiative.title}” has been submitted and awaits your review.",
    )
    notify(
        reviewers,
        Kind.PRODUCT_REVIEW,
        text,
        reverse("portfolio:initiative", args=[initiative.pk]) + "#products",
    )


def notify_overdue_phases(today: date | None = None) -> int:
    """Tell the lead (or, without one, the agency's staff) of each active initiative that has run past its
    phase's typical duration — once per phase: an initiative already told since it entered the phase is left
    alone, so a daily run (`susi notifications overdue`, cron or a systemd timer) repeats nothing. Returns how
    many initiatives were reported."""
    from susi.accounts.permissions import agency_staff
    from susi.notifications.models import Kind, Notification
    from susi.notifications.services import notify

    today = today or timezone.localdate()
    reported = 0
    active = Initiative.objects.filter(status=Status.ACTIVE).select_related("lead")
    for initiative in active:
        if not phases.past_typical_duration(initiative.phase, initiative.phase_started_on, today):
            continue
        url = reverse("portfolio:initiative", args=[initiative.pk])
        told = Notification.objects.filter(
            kind=Kind.PHASE_OVERDUE, url=url, created_at__date__gte=initiative.phase_started_on
        )
        if told.exists():
            continue
        typical = initiative.phase_definition.typical_duration
        months = phases.months_between(initiative.phase_started_on, today)
        text = Text(
            f"»{initiative.title}« har været i {initiative.phase_definition.name.da.lower()} i {months} måneder; "
            f"typisk varer fasen {typical.da.lower()}.",
            f"“{initiative.title}” has been in {initiative.phase_definition.name.en.lower()} for {months} months; "
            f"the phase typically lasts {typical.en.lower()}.",
        )
        notify(
            [initiative.lead] if initiative.lead_id else list(agency_staff()), Kind.PHASE_OVERDUE, text, url
        )
        reported += 1
    return reported


# --- gates ---------------------------------------------------------------------------------------------


def approved_products(initiative: Initiative) -> frozenset[phases.ProductKind]:
    kinds = Product.objects.filter(
        initiative=initiative, phase=initiative.phase, state=Product.State.APPROVED
    ).values_list("kind", flat=True)
    return frozenset(phases.ProductKind(k) for k in kinds)


def _engine_assessments(items: Iterable[AssessmentInput]) -> dict[phases.Criterion, phases.Assessment]:
    result = {}
    for item in items:
        if not item.rating:
            continue  # an unrated criterion counts as unassessed
        criterion = phases.Criterion(item.criterion)
        result[criterion] = phases.Assessment(
            criterion=criterion,
            rating=phases.Rating(item.rating),
            justification=item.justification,
            evidence=tuple(line for line in item.evidence.splitlines() if line.strip()),
        )
    return result


def _engine_skipped(
    items: Iterable[AssessmentInput],
) -> dict[tuple[phases.Phase, phases.Criterion] | phases.Criterion, phases.Assessment]:
    """Skipped-phase (or entry) assessments keyed by (phase, criterion); a plain criterion without a phase."""
    result: dict[tuple[phases.Phase, phases.Criterion] | phases.Criterion, phases.Assessment] = {}
    for item in items:
        for criterion, assessment in _engine_assessments([item]).items():
            key = (phases.Phase(item.phase), criterion) if item.phase else criterion
            result[key] = assessment
    return result


@dataclass(frozen=True)
class TrackChoice:
    """The track chosen at a gate (kept or changed) and why; required when it changes."""

    track: str = ""
    reason: str = ""


def judge_gate(
    initiative: Initiative,
    *,
    outcome: str,
    justification: str,
    assessments: Iterable[AssessmentInput],
    skipped_assessments: Iterable[AssessmentInput] = (),
    target_phase: str = "",
    track: TrackChoice = TrackChoice(),
) -> phases.Verdict:
    """Ask the phase engine whether this decision is allowed now; writes nothing."""
    try:
        target = phases.Phase(target_phase) if target_phase else None
        new_track = phases.Track(track.track) if track.track else None
    except ValueError:
        raise DomainError("target_phase", _("Ukendt fase eller spor.")) from None
    proposal = phases.GateProposal(
        phase=phases.Phase(initiative.phase),
        track=phases.Track(initiative.track),
        outcome=phases.Outcome(outcome),
        assessments=_engine_assessments(assessments),
        approved_products=approved_products(initiative),
        justification=justification,
        skipped_assessments=_engine_skipped(skipped_assessments),
        status=phases.Status(initiative.status),
        target=target if outcome == phases.Outcome.SKIP.value else None,
        new_track=new_track,
        track_reason=track.reason,
    )
    return phases.judge(proposal)


def _store_assessments(
    decision: GateDecision,
    scope: str,
    items: Iterable[AssessmentInput],
    suggestions: Mapping[str, Suggestion] | None = None,
) -> None:
    decision.assessments.filter(scope=scope).delete()
    for item in items:
        if not item.rating:
            continue  # an assessment is stored once it has a rating
        suggestion = (suggestions or {}).get(item.criterion)
        suggested = suggestion.rating.value if suggestion and suggestion.rating else ""
        assessment = CriterionAssessment.objects.create(
            decision=decision,
            scope=scope,
            skipped_phase=phases.Phase(item.phase).value if item.phase else "",
            criterion=phases.Criterion(item.criterion).value,
            rating=phases.Rating(item.rating).value,
            justification=item.justification.strip(),
            evidence=item.evidence.strip(),
            suggested_rating=suggested,
            suggestion=suggestion.to_json() if suggestion else {},
            override_justification=(
                item.override_justification.strip() if suggested and suggested != item.rating else ""
            ),
        )
        if item.product_ids:
            assessment.products.set(
                Product.objects.filter(initiative=decision.initiative, pk__in=item.product_ids)
            )


def _gate_suggestions(initiative: Initiative) -> dict[str, Suggestion]:
    from .suggestions import suggestions_by_criterion

    return suggestions_by_criterion(initiative)


def _check_overrides(items: Iterable[AssessmentInput], suggestions: Mapping[str, Suggestion]) -> None:
    """A rating other than the platform's suggestion needs a written reason; refused (nothing written) if not."""
    for item in items:
        suggestion = suggestions.get(item.criterion)
        if suggestion is None or suggestion.rating is None or not item.rating:
            continue
        if item.rating != suggestion.rating.value and not item.override_justification.strip():
            name = localized(phases.CRITERION_NAMES[phases.Criterion(item.criterion)])
            raise DomainError(
                f"assessments:{item.criterion}",
                _(
                    "Din vurdering af »%(name)s« afviger fra platformens forslag (%(suggested)s). Skriv, "
                    "hvorfor du vurderer anderledes; intet er gemt."
                )
                % {"name": name, "suggested": localized(phases.RATING_NAMES[suggestion.rating]).lower()},
            )


def current_draft(initiative: Initiative) -> GateDecision | None:
    return initiative.gate_decisions.filter(state=GateDecision.State.DRAFT).first()


@transaction.atomic
def save_gate_draft(
    user,
    initiative: Initiative,
    *,
    outcome: str = "",
    justification: str = "",
    assessments: Iterable[AssessmentInput] = (),
    skipped_assessments: Iterable[AssessmentInput] = (),
) -> GateDecision:
    """Keep the assessment being prepared, criterion by criterion, without deciding anything."""
    require(user, "portfolio.prepare_gate", initiative)
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if not initiative.is_active:
        raise DomainError(
            "status", _("Initiativet er stoppet eller afsluttet; der kan ikke forberedes en faseovergang.")
        )
    if outcome:
        phases.Outcome(outcome)
    draft = current_draft(initiative) or GateDecision(
        initiative=initiative, phase=initiative.phase, track=initiative.track, prepared_by=user
    )
    draft.outcome = outcome
    draft.justification = justification
    draft.save()
    _store_assessments(draft, CriterionAssessment.Scope.GATE, assessments, _gate_suggestions(initiative))
    _store_assessments(draft, CriterionAssessment.Scope.SKIPPED, skipped_assessments)
    return draft


@transaction.atomic
def record_gate_decision(
    user,
    initiative: Initiative,
    *,
    outcome: str,
    justification: str,
    assessments: Iterable[AssessmentInput],
    skipped_assessments: Iterable[AssessmentInput] = (),
    decided_on: date | None = None,
    effect_meta_analysis_id: int | None = None,
    expected_sequence: int | None = None,
    target_phase: str = "",
    track: TrackChoice = TrackChoice(),
    prototype_id: int | None = None,
    on_recorded: Callable[[GateDecision], object] | None = None,
) -> GateDecision:
    """Record the gate decision and move the initiative on, back, or stop it — or refuse and change nothing.

    `expected_sequence` is the decision's number as the decider saw it (`next_gate_sequence` when the form was
    shown): if another decision was recorded since, this one is refused, so two identical decisions record one.
    `on_recorded` (hook) is called with the recorded decision inside the same transaction: what it writes is
    saved with the decision, and if it raises nothing is recorded (the knowledge app's fast-track note).
    """
    require(user, "portfolio.record_gate", initiative)
    assessments, skipped_assessments = list(assessments), list(skipped_assessments)
    initiative = _locked(initiative)
    sequence = _next_gate_sequence(initiative)
    if expected_sequence is not None and expected_sequence != sequence:
        raise GateAlreadyDecided("outcome", _already_decided_message())
    try:
        phases.Outcome(outcome)
    except ValueError:
        raise DomainError("outcome", _("Vælg en beslutning.")) from None
    verdict = judge_gate(
        initiative,
        outcome=outcome,
        justification=justification,
        assessments=assessments,
        skipped_assessments=skipped_assessments,
        target_phase=target_phase,
        track=track,
    )
    if not verdict.allowed or verdict.new_state is None:
        raise GateDecisionRefused(verdict.problems)
    suggestions = _gate_suggestions(initiative)
    _check_overrides(assessments, suggestions)
    prototype = _prototype(initiative, prototype_id)

    decision = current_draft(initiative) or GateDecision(initiative=initiative, prepared_by=user)
    decision.phase = initiative.phase
    decision.track = initiative.track
    decision.state = GateDecision.State.RECORDED
    decision.outcome = outcome
    decision.to_phase = verdict.new_state.phase.value
    decision.justification = justification.strip()
    decision.decided_by = user
    decision.decided_at = timezone.now()
    decision.sequence = sequence
    new_track = (verdict.new_track or phases.Track(initiative.track)).value
    decision.new_track = new_track if new_track != initiative.track or track.reason.strip() else ""
    decision.track_reason = track.reason.strip()
    decision.prototype = prototype
    try:
        with transaction.atomic():
            decision.save()
    except IntegrityError:
        # Another transaction recorded this initiative's decision number `sequence` after we read the state
        # (where the database takes no row lock, e.g. SQLite): that decision stands, this one records nothing.
        raise GateAlreadyDecided("outcome", _already_decided_message()) from None
    _store_assessments(decision, CriterionAssessment.Scope.GATE, assessments, suggestions)
    _store_assessments(decision, CriterionAssessment.Scope.SKIPPED, skipped_assessments)
    if effect_meta_analysis_id:
        _link_effect_evidence(decision, effect_meta_analysis_id)

    new_phase, new_status = verdict.new_state.phase.value, verdict.new_state.status.value
    if new_phase != initiative.phase or new_status != initiative.status:
        # whoever took part in the phase that ends took part until this decision (the history stays)
        from susi.rounds.services import end_participations

        end_participations(initiative, phase=initiative.phase, on=decided_on or timezone.localdate())
    if new_phase != initiative.phase:
        initiative.phase_started_on = decided_on or timezone.localdate()
    initiative.phase = new_phase
    initiative.status = Status(new_status)
    initiative.track = new_track
    initiative.save()
    _notify_gate_decision(initiative, decision)
    # --- hook (issue 13): the fast-track knowledge note, written in this transaction ---
    if on_recorded is not None:
        on_recorded(decision)
    return decision


def _prototype(initiative: Initiative, prototype_id: int | None) -> Product | None:
    """The screening prototype the decision records: a product of the initiative's current phase."""
    if not prototype_id:
        return None
    product = Product.objects.filter(pk=prototype_id, initiative=initiative, phase=initiative.phase).first()
    if product is None:
        raise DomainError("prototype", _("Prototypen skal være et af fasens produkter."))
    return product


def _notify_gate_decision(initiative: Initiative, decision: GateDecision) -> None:
    """Tell the initiative's participants and its lead (not the decider) what was decided at the gate."""
    from susi.accounts.permissions import participating_users
    from susi.notifications.models import Kind
    from susi.notifications.services import notify

    phase = phases.definition(decision.phase).name
    outcome = phases.OUTCOME_NAMES[phases.Outcome(decision.outcome)]
    text = Text(
        f"Beslutning ved faseovergangen efter {phase.da.lower()} for »{initiative.title}«: {outcome.da.lower()}.",
        f"Decision at the gate after {phase.en.lower()} for “{initiative.title}”: {outcome.en.lower()}.",
    )
    users = participating_users(initiative).exclude(pk=decision.decided_by_id)
    notify(users, Kind.GATE_DECISION, text, reverse("portfolio:initiative", args=[initiative.pk]))


class GateAlreadyDecided(DomainError):
    """Someone recorded a decision on this initiative after the decider saw it; nothing was written."""


def _already_decided_message() -> str:
    return _(
        "En anden beslutning om denne faseovergang er netop blevet truffet. Se initiativets aktuelle fase, "
        "før du beslutter igen."
    )


def _locked(initiative: Initiative) -> Initiative:
    """The initiative re-read under a row lock (PostgreSQL), so concurrent gate decisions take turns."""
    return Initiative.objects.select_for_update().get(pk=initiative.pk)


def _next_gate_sequence(initiative: Initiative) -> int:
    return initiative.gate_decisions.filter(state=GateDecision.State.RECORDED).count() + 1


def next_gate_sequence(initiative: Initiative) -> int:
    """The number the initiative's next recorded gate decision will get (the gate form carries it)."""
    return _next_gate_sequence(initiative)


def _link_effect_evidence(decision: GateDecision, meta_analysis_id: int) -> None:
    """Let the effect criterion cite a saved meta-analysis (the evidence app owns the link)."""
    from susi.evidence import services as evidence_services

    assessment = decision.assessments.filter(
        scope=CriterionAssessment.Scope.GATE, criterion=phases.Criterion.EFFECT.value
    ).first()
    if assessment is not None:
        evidence_services.link_effect_criterion_by_id(assessment, meta_analysis_id)


# --- recommendations -------------------------------------------------------------------------------------


@transaction.atomic
def add_recommendation(user, initiative: Initiative, *, stance: str, text: str) -> Recommendation:
    require(user, "portfolio.recommend", initiative)
    if stance not in Recommendation.Stance.values:
        raise DomainError("stance", _("Vælg en anbefaling."))
    if not text.strip():
        raise DomainError("text", _("Skriv en begrundelse for anbefalingen."))
    return Recommendation.objects.create(initiative=initiative, author=user, stance=stance, text=text.strip())


def assessment_inputs_from_mapping(data: Mapping[str, Mapping[str, str]]) -> list[AssessmentInput]:
    """{criterion or "phase:criterion": {rating, justification, evidence}} → inputs (used by the API); unknown
    names are refused."""
    result = []
    for key, values in data.items():
        phase, _sep, criterion = key.rpartition(":")
        if criterion not in {c.value for c in phases.Criterion} or (
            phase and phase not in {p.value for p in phases.Phase}
        ):
            raise DomainError(f"assessments.{key}", _("Ukendt kriterium: %(name)s.") % {"name": key})
        rating = values.get("rating", "")
        if rating and rating not in {r.value for r in phases.Rating}:
            raise DomainError(
                f"assessments.{key}.rating", _("Ukendt vurdering: %(name)s.") % {"name": rating}
            )
        result.append(
            AssessmentInput(
                criterion=criterion,
                rating=rating,
                justification=values.get("justification", ""),
                evidence=values.get("evidence", ""),
                override_justification=values.get("override_justification", ""),
                phase=phase,
            )
        )
    return result


# --- editing an initiative's details ---------------------------------------------------------------------

#: What agency staff may change on an initiative after it is created. Phase, track and status are not here:
#: they move only through a recorded gate decision (`record_gate_decision`).
EDITABLE_FIELDS = (
    "title",
    "summary",
    "start_date",
    "end_date",
    "lead",
    "evaluator",
    "method_supplier",
    "foundation",
    "municipalities",
    "providers",
)
_PARTICIPANT_KIND = {
    "evaluator": "evaluator",
    "method_supplier": "method_supplier",
    "foundation": "foundation",
    "municipalities": "municipality",
    "providers": "provider",
}


def _check_edit(initiative: Initiative, changes: Mapping) -> None:
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise DomainError(
            unknown[0],
            _("%(field)s kan ikke rettes her: fase, spor og status ændres kun ved en faseovergang.")
            % {"field": unknown[0]},
        )
    if "title" in changes and not str(changes["title"] or "").strip():
        raise DomainError("title", _("Initiativet skal have en titel."))
    start = changes.get("start_date", initiative.start_date)
    end = changes.get("end_date", initiative.end_date)
    if start is None:
        raise DomainError("start_date", _("Initiativet skal have en startdato."))
    if end and end < start:
        raise DomainError("end_date", _("Slutdatoen ligger før startdatoen."))
    lead = changes.get("lead")
    if lead is not None and not can(lead, "portfolio.lead_initiative"):
        raise DomainError("lead", _("Den ansvarlige skal være en medarbejder i styrelsen."))
    for field, kind in _PARTICIPANT_KIND.items():
        value = changes.get(field)
        organisations = [] if value is None else (list(value) if field.endswith("s") else [value])
        if any(o.kind != kind for o in organisations):
            raise DomainError(field, _("Organisationen har ikke den rigtige type til feltet."))


def _set_participants(initiative: Initiative, field: str, organisations, today: date) -> None:
    """Municipalities and providers added outside a round take part from today; removed ones until today."""
    from susi.rounds.models import Participation

    manager = getattr(initiative, field)
    before = set(manager.values_list("pk", flat=True))
    after = {o.pk for o in organisations}
    for org_id in after - before:
        Participation.objects.create(
            initiative=initiative, organisation_id=org_id, phase=initiative.phase, from_date=today
        )
    for participation in Participation.objects.filter(
        initiative=initiative, organisation_id__in=before - after, to_date__isnull=True
    ):
        participation.to_date = max(today, participation.from_date)
        participation.save(update_fields=["to_date"])
    manager.set(organisations)


@transaction.atomic
def edit_initiative(user, initiative: Initiative, **changes) -> Initiative:
    """Change an initiative's details (`EDITABLE_FIELDS`); never its phase, track or status. Every change is in
    the initiative's history (django-simple-history, with the participants); bad input changes nothing."""
    require(user, "portfolio.edit_initiative", initiative)
    _check_edit(initiative, changes)
    initiative = _locked(initiative)
    scalars = [f for f in changes if f not in ("municipalities", "providers")]
    for field in scalars:
        value = changes[field]
        setattr(initiative, field, value.strip() if isinstance(value, str) else value)
    if scalars:
        initiative.save(update_fields=[*scalars, "updated_at"])
    today = timezone.localdate()
    for field in ("municipalities", "providers"):
        if field in changes:
            _set_participants(initiative, field, list(changes[field]), today)
    return initiative
