"""Writes for application rounds. Each function is one decision: it checks the permission, asks the workflow
tables in `susi.engines.phases.rounds`, and writes everything in one transaction or nothing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from susi.accounts.permissions import require
from susi.engines.phases import rounds as flow
from susi.web.api_errors import DomainError

from .models import (
    Application,
    ApplicationAttachment,
    Grant,
    Instalment,
    OfferDelivery,
    Participation,
    Review,
    Round,
    RoundCriterion,
    RoundQuestion,
)

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
ATTACHMENT_SUFFIXES = (".pdf", ".docx", ".doc", ".xlsx", ".xls", ".odt", ".txt", ".md", ".csv")


@dataclass(frozen=True)
class CriterionInput:
    name: str
    weight: int
    description: str = ""


@dataclass(frozen=True)
class InstalmentInput:
    due_on: date
    amount: Decimal


def _refuse(exc: flow.MoveRefused, field: str = "state") -> DomainError:
    return DomainError(field, exc.message)


def _money(value, field: str) -> Decimal:
    # forms hand over a Decimal (Danish input is parsed there), the API an int
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(field, _("Skriv et beløb i hele kroner.")) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e13"):
        raise DomainError(field, _("Skriv et beløb i hele kroner mellem 0 og 9.999.999.999.999."))
    return amount.quantize(Decimal(1))


# --- rounds ---------------------------------------------------------------------------------------------


@transaction.atomic
def announce_round(
    user,
    initiative,
    *,
    phase: str,
    title: str,
    text: str,
    opens_at,
    closes_at,
    places: int | None,
    for_municipalities: bool = True,
    for_providers: bool = False,
    pool_amount=0,
    pool_covers: str = "",
    criteria: Sequence[CriterionInput] = (),
    questions: Sequence[str] = (),
    reviewers: Iterable = (),
) -> Round:
    """Create a round as a draft (agency staff); it is announced when it is opened."""
    require(user, "rounds.announce")
    if phase not in {p.value for p in flow.ROUND_PHASES}:
        raise DomainError("phase", _("En runde åbner modning, afprøvning eller udbredelse."))
    if not title.strip() or not text.strip():
        raise DomainError("title", _("Runden skal have en titel og en beskrivelse."))
    if opens_at is None or closes_at is None or closes_at <= opens_at:
        raise DomainError("closes_at", _("Ansøgningsfristen skal ligge efter åbningen."))
    if places is not None and places < 1:
        raise DomainError("places", _("Antal pladser skal være mindst 1 (eller tomt: åben for alle)."))
    if not (for_municipalities or for_providers):
        raise DomainError(
            "for_municipalities", _("Vælg, hvem der kan søge: kommuner og/eller sociale tilbud.")
        )
    criteria = [c for c in criteria if c.name.strip()]
    if not criteria:
        raise DomainError("criteria", _("Offentliggør mindst ét vurderingskriterium med en vægt."))
    if any(c.weight <= 0 for c in criteria):
        raise DomainError("criteria", _("Hvert kriterium skal have en vægt over 0."))
    if sum(c.weight for c in criteria) != 100:
        raise DomainError("criteria", _("Kriteriernes vægte skal tilsammen give 100 %."))
    round_ = Round.objects.create(
        initiative=initiative,
        phase=phase,
        title=title.strip(),
        text=text.strip(),
        opens_at=opens_at,
        closes_at=closes_at,
        places=places,
        for_municipalities=for_municipalities,
        for_providers=for_providers,
        pool_amount=_money(pool_amount, "pool_amount"),
        pool_covers=pool_covers.strip(),
        created_by=user,
    )
    for i, c in enumerate(criteria):
        RoundCriterion.objects.create(
            round=round_, name=c.name.strip(), weight=c.weight, description=c.description.strip(), position=i
        )
    for i, q in enumerate(q for q in questions if q.strip()):
        RoundQuestion.objects.create(round=round_, text=q.strip(), position=i)
    round_.reviewers.set(reviewers)
    return round_


@transaction.atomic
def move_round(user, round_: Round, action: str) -> Round:
    """Open, close or conclude a round. Concluding requires every application to be decided."""
    require(user, "rounds.announce")
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    try:
        target = flow.round_move(round_.state, action)
    except flow.MoveRefused as exc:
        raise _refuse(exc) from None
    if target == flow.RoundState.DECIDED:
        undecided = round_.applications.filter(state__in=[s.value for s in flow.UNDECIDED]).count()
        if undecided:
            raise DomainError(
                "state",
                _("%(n)d ansøgning(er) er ikke afgjort endnu. Afgør dem, før runden afsluttes.")
                % {"n": undecided},
            )
    round_.state = target.value
    round_.save(update_fields=["state"])
    return round_


def close_due_rounds(now=None) -> int:
    """Close every open round whose deadline has passed (the page and the CLI call this; idempotent)."""
    now = now or timezone.now()
    return Round.objects.filter(state=flow.RoundState.OPEN, closes_at__lte=now).update(
        state=flow.RoundState.CLOSED.value
    )


def effective_state(round_: Round, now=None) -> str:
    """An open round past its deadline counts as closed, even before anything has closed it."""
    now = now or timezone.now()
    if round_.state == flow.RoundState.OPEN and now >= round_.closes_at:
        return flow.RoundState.CLOSED.value
    return round_.state


# --- applications ---------------------------------------------------------------------------------------


@transaction.atomic
def save_application(
    user,
    round_: Round,
    *,
    organisation,
    answers: Mapping[str, str],
    target_group_size: int | None = None,
    staff: str = "",
    organisation_setup: str = "",
    partners: str = "",
    data: str = "",
    contact_name: str = "",
    contact_email: str = "",
    amount_requested=0,
    attachments: Sequence = (),
) -> Application:
    """Create or update the organisation's draft application (one per organisation per round)."""
    if organisation is None or organisation.pk != user.organisation_id:
        raise DomainError("organisation", _("Du kan kun søge for din egen organisation."))
    require(user, "rounds.apply", round_)
    if effective_state(round_) != flow.RoundState.OPEN or timezone.now() < round_.opens_at:
        raise DomainError("round", _("Runden er lukket for ansøgninger. Ansøgningsfristen er overskredet."))
    application = (
        Application.objects.select_for_update().filter(round=round_, organisation=organisation).first()
    )
    if application is not None and application.state != flow.ApplicationState.DRAFT:
        raise DomainError("round", _("Din organisation har allerede søgt i denne runde."))
    if target_group_size is not None and target_group_size < 0:
        raise DomainError("target_group_size", _("Målgruppens størrelse kan ikke være negativ."))
    valid_questions = {str(q.pk) for q in round_.questions.all()}
    fields = {
        "answers": {k: str(v).strip() for k, v in answers.items() if k in valid_questions},
        "target_group_size": target_group_size,
        "staff": staff.strip(),
        "organisation_setup": organisation_setup.strip(),
        "partners": partners.strip(),
        "data": data.strip(),
        "contact_name": contact_name.strip(),
        "contact_email": contact_email.strip(),
        "amount_requested": _money(amount_requested or 0, "amount_requested"),
    }
    for upload in attachments:
        _check_attachment(upload)
    if application is None:
        try:
            with transaction.atomic():
                application = Application.objects.create(
                    round=round_, organisation=organisation, created_by=user, **fields
                )
        except IntegrityError:
            raise DomainError("round", _("Din organisation har allerede søgt i denne runde.")) from None
    else:
        for name, value in fields.items():
            setattr(application, name, value)
        application.save()
    for upload in attachments:
        ApplicationAttachment.objects.create(application=application, file=upload)
    return application


def _check_attachment(upload) -> None:
    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith(ATTACHMENT_SUFFIXES):
        raise DomainError(
            "attachments", _("Bilag skal være PDF, Word, Excel, OpenDocument, CSV eller tekst.")
        )
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise DomainError("attachments", _("Et bilag må højst fylde 20 MB."))


def _applicant_move(user, application: Application, action: str) -> Application:
    require(user, "rounds.apply", application)
    application = Application.objects.select_for_update().select_related("round").get(pk=application.pk)
    try:
        target = flow.application_move(
            effective_state(application.round), application.state, action, flow.Actor.APPLICANT
        )
    except flow.MoveRefused as exc:
        raise _refuse(exc) from None
    application.state = target.value
    return application


@transaction.atomic
def submit_application(user, application: Application) -> Application:
    """Submit before the deadline; every question must be answered and a contact given."""
    missing = [
        q.text
        for q in application.round.questions.all()
        if not (application.answers.get(str(q.pk)) or "").strip()
    ]
    if missing:
        raise DomainError(
            "answers", _("Besvar alle spørgsmål, før ansøgningen indsendes: %(q)s") % {"q": missing[0]}
        )
    if not application.contact_name or not application.contact_email:
        raise DomainError("contact_name", _("Angiv en kontaktperson med e-mail."))
    if application.target_group_size is None:
        raise DomainError("target_group_size", _("Angiv målgruppens størrelse hos jer."))
    application = _applicant_move(user, application, "submit")
    application.submitted_at = timezone.now()
    application.save(update_fields=["state", "submitted_at"])
    return application


@transaction.atomic
def withdraw_application(user, application: Application) -> Application:
    application = _applicant_move(user, application, "withdraw")
    application.save(update_fields=["state"])
    return application


def _agency_move(user, application: Application, action: str, permission: str) -> Application:
    require(user, permission, application)
    application = Application.objects.select_for_update().select_related("round").get(pk=application.pk)
    try:
        target = flow.application_move(
            effective_state(application.round), application.state, action, flow.Actor.AGENCY
        )
    except flow.MoveRefused as exc:
        if action in {"accept", "reject"} and application.state == flow.ApplicationState.SUBMITTED:
            raise DomainError("state", _("Ansøgningen skal screenes, før den kan afgøres.")) from None
        raise _refuse(exc) from None
    application.state = target.value
    return application


@transaction.atomic
def screen_application(user, application: Application, *, screened_in: bool, reason: str) -> Application:
    """Screen a submitted application in (to review) or out, with a reason (agency staff, after the deadline)."""
    if not reason.strip():
        raise DomainError("reason", _("Skriv en begrundelse for screeningen."))
    application = _agency_move(
        user, application, "screen_in" if screened_in else "screen_out", "rounds.screen"
    )
    application.screening_reason = reason.strip()
    application.screened_by = user
    application.save(update_fields=["state", "screening_reason", "screened_by"])
    return application


@transaction.atomic
def submit_review(user, application: Application, *, scores: Mapping[str, int], comment: str = "") -> Review:
    """A reviewer's scores (0-5) for every criterion of the round; once per reviewer."""
    require(user, "rounds.review", application)
    application = Application.objects.select_related("round").get(pk=application.pk)
    if application.state != flow.ApplicationState.SCREENED_IN:
        raise DomainError("state", _("Kun ansøgninger, der er screenet ind, kan vurderes."))
    criteria = list(application.round.criteria.all())
    clean: dict[str, int] = {}
    for c in criteria:
        raw = scores.get(str(c.pk))
        try:
            value = int(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise DomainError(
                f"score_{c.pk}", _("Giv en score fra 0 til 5 for »%(c)s«.") % {"c": c.name}
            ) from None
        if not flow.SCORE_MIN <= value <= flow.SCORE_MAX:
            raise DomainError(f"score_{c.pk}", _("Giv en score fra 0 til 5 for »%(c)s«.") % {"c": c.name})
        clean[str(c.pk)] = value
    try:
        with transaction.atomic():
            return Review.objects.create(
                application=application, reviewer=user, scores=clean, comment=comment.strip()
            )
    except IntegrityError:
        raise DomainError("scores", _("Du har allerede vurderet denne ansøgning.")) from None


@transaction.atomic
def determine(
    user,
    application: Application,
    *,
    accept: bool,
    message: str,
    grant_amount=0,
    grant_purpose: str = Grant.Purpose.DOCUMENTATION,
    instalments: Sequence[InstalmentInput] = (),
    today: date | None = None,
) -> Application:
    """Accept or reject a screened-in application with a message to the applicant. Accepting makes the
    organisation a participant of the initiative in the round's phase and creates its grant (within the pool)."""
    if not message.strip():
        raise DomainError("message", _("Skriv en besked til ansøgeren."))
    application = _agency_move(user, application, "accept" if accept else "reject", "rounds.decide")
    round_ = Round.objects.select_for_update().get(pk=application.round_id)
    application.decision_message = message.strip()
    application.decided_by = user
    application.decided_at = timezone.now()
    application.save(update_fields=["state", "decision_message", "decided_by", "decided_at"])
    if not accept:
        return application
    amount = _money(grant_amount or 0, "grant_amount")
    if amount > 0:
        _create_grant(round_, application, amount, grant_purpose, instalments)
    initiative = round_.initiative
    Participation.objects.create(
        initiative=initiative,
        organisation=application.organisation,
        phase=round_.phase,
        from_date=today or timezone.localdate(),
        application=application,
    )
    if application.organisation.is_municipality:
        initiative.municipalities.add(application.organisation)
    else:
        initiative.providers.add(application.organisation)
    return application


def pool_allocated(round_: Round) -> Decimal:
    return Grant.objects.filter(application__round=round_).aggregate(total=Sum("amount"))["total"] or Decimal(
        0
    )


def _create_grant(round_, application, amount: Decimal, purpose: str, instalments: Sequence[InstalmentInput]):
    if purpose not in Grant.Purpose.values:
        raise DomainError("grant_purpose", _("Vælg tilskuddets formål."))
    remaining = round_.pool_amount - pool_allocated(round_)
    if amount > remaining:
        raise DomainError(
            "grant_amount",
            _(
                "Puljen rækker ikke: der er %(left)s kr. tilbage, og tilskuddet er %(amount)s kr. Intet er gemt."
            )
            % {"left": f"{remaining:,.0f}".replace(",", "."), "amount": f"{amount:,.0f}".replace(",", ".")},
        )
    plan = list(instalments) or [InstalmentInput(due_on=timezone.localdate(), amount=amount)]
    if sum((i.amount for i in plan), Decimal(0)) != amount:
        raise DomainError("instalments", _("Raterne skal tilsammen give tilskuddets beløb."))
    grant = Grant.objects.create(application=application, amount=amount, purpose=purpose)
    for i in plan:
        Instalment.objects.create(grant=grant, due_on=i.due_on, amount=_money(i.amount, "instalments"))
    return grant


@transaction.atomic
def mark_instalment_paid(user, instalment: Instalment, paid_on: date) -> Instalment:
    require(user, "rounds.decide")
    instalment.paid_on = paid_on
    instalment.save(update_fields=["paid_on"])
    return instalment


def end_participations(initiative, *, phase: str, on: date) -> int:
    """Close the open participations of `phase` when the initiative leaves it (a gate decision): they took part
    until `on`. Called inside the gate decision's transaction; returns how many were closed."""
    closed = 0
    for participation in Participation.objects.filter(
        initiative=initiative, phase=phase, to_date__isnull=True
    ):
        participation.to_date = max(on, participation.from_date)
        participation.save(update_fields=["to_date"])
        closed += 1
    return closed


@transaction.atomic
def record_offer_delivery(
    user, initiative, *, organisation, offer: str, delivered_on: date, people_trained=None, note: str = ""
) -> OfferDelivery:
    """Log what a participating organisation received of the phase's offers."""
    require(user, "rounds.record_offer")
    if offer not in {o.value for o in flow.Offer}:
        raise DomainError("offer", _("Vælg et tilbud fra fasens liste."))
    if not Participation.objects.filter(initiative=initiative, organisation=organisation).exists():
        raise DomainError("organisation", _("Organisationen deltager ikke i initiativet."))
    return OfferDelivery.objects.create(
        initiative=initiative,
        organisation=organisation,
        offer=offer,
        delivered_on=delivered_on,
        people_trained=people_trained,
        note=note.strip(),
        recorded_by=user,
    )
