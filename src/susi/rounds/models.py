"""Application rounds, applications, reviews, participation per phase, grants with instalments, and the log of
what the participating organisations received. The workflows themselves are data in
`susi.engines.phases.rounds`; the choices here are derived from them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from susi.engines.phases import rounds as flow
from susi.organisations.models import Organisation
from susi.portfolio.models import PHASE_CHOICES
from susi.web.i18n import lazy_localized

ROUND_STATE_CHOICES = [(s.value, lazy_localized(flow.ROUND_STATE_NAMES[s])) for s in flow.RoundState]
APPLICATION_STATE_CHOICES = [
    (s.value, lazy_localized(flow.APPLICATION_STATE_NAMES[s])) for s in flow.ApplicationState
]
OFFER_CHOICES = [(o.value, lazy_localized(flow.OFFER_NAMES[o])) for o in flow.Offer]
ROUND_PHASE_CHOICES = [(p, name) for p, name in PHASE_CHOICES if p in {x.value for x in flow.ROUND_PHASES}]


class Round(models.Model):
    """An application round (ansøgningsrunde) that opens an initiative's phase to applicants."""

    initiative = models.ForeignKey(
        "portfolio.Initiative", verbose_name=_("initiativ"), on_delete=models.PROTECT, related_name="rounds"
    )
    phase = models.CharField(_("fase"), max_length=20, choices=ROUND_PHASE_CHOICES)
    title = models.CharField(_("titel"), max_length=250)
    text = models.TextField(_("beskrivelse af runden"))
    for_municipalities = models.BooleanField(_("kommuner kan søge"), default=True)
    for_providers = models.BooleanField(_("sociale tilbud kan søge"), default=False)
    places = models.PositiveIntegerField(
        _("antal pladser"), null=True, blank=True, help_text=_("Tomt: åben for alle (typisk ved udbredelse).")
    )
    opens_at = models.DateTimeField(_("åbner"))
    closes_at = models.DateTimeField(_("ansøgningsfrist"))
    state = models.CharField(
        _("status"), max_length=20, choices=ROUND_STATE_CHOICES, default=flow.RoundState.DRAFT.value
    )
    pool_amount = models.DecimalField(_("puljens beløb (kr.)"), max_digits=14, decimal_places=0, default=0)
    pool_covers = models.CharField(_("puljen dækker"), max_length=300, blank=True)
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("bedømmere"), blank=True, related_name="review_rounds"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-closes_at", "pk"]
        verbose_name = _("ansøgningsrunde")
        verbose_name_plural = _("ansøgningsrunder")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open_now(self) -> bool:
        return self.state == flow.RoundState.OPEN and self.opens_at <= timezone.now() < self.closes_at

    @property
    def offers(self):
        return [lazy_localized(flow.OFFER_NAMES[o]) for o in flow.PHASE_OFFERS[flow.Phase(self.phase)]]


class RoundCriterion(models.Model):
    """A published assessment criterion with its weight."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("kriterium"), max_length=200)
    description = models.CharField(_("forklaring"), max_length=500, blank=True)
    weight = models.PositiveIntegerField(_("vægt (%)"))
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["round", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight} %)"


class RoundQuestion(models.Model):
    """A question every applicant must answer."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("spørgsmål"), max_length=500)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["round", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class Application(models.Model):
    """One organisation's application to one round."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="applications")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("ansøger"), on_delete=models.PROTECT, related_name="applications"
    )
    state = models.CharField(
        _("status"),
        max_length=20,
        choices=APPLICATION_STATE_CHOICES,
        default=flow.ApplicationState.DRAFT.value,
    )
    answers = models.JSONField(_("svar"), default=dict, blank=True)  # {question id (str): answer}
    target_group_size = models.PositiveIntegerField(
        _("målgruppens størrelse (borgere)"), null=True, blank=True
    )
    staff = models.TextField(_("medarbejdere"), blank=True)
    organisation_setup = models.TextField(_("organisering og ledelse"), blank=True)
    partners = models.TextField(_("samarbejdspartnere"), blank=True)
    data = models.TextField(_("data og dokumentation"), blank=True)
    contact_name = models.CharField(_("kontaktperson"), max_length=200, blank=True)
    contact_email = models.EmailField(_("kontaktpersonens e-mail"), blank=True)
    amount_requested = models.DecimalField(
        _("ansøgt beløb (kr.)"), max_digits=14, decimal_places=0, default=0
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    screening_reason = models.TextField(_("begrundelse for screening"), blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decision_message = models.TextField(_("besked til ansøgeren"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "organisation__name"]
        verbose_name = _("ansøgning")
        verbose_name_plural = _("ansøgninger")
        constraints = [
            models.UniqueConstraint(fields=["round", "organisation"], name="one_application_per_organisation")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.round}"

    @property
    def initiative(self):
        return self.round.initiative


def attachment_upload_to(instance: ApplicationAttachment, filename: str) -> str:
    return f"applications/{instance.application.round_id}/{instance.application_id}/{filename}"


class ApplicationAttachment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("bilag"), upload_to=attachment_upload_to)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]


class Review(models.Model):
    """One reviewer's scores (0-5 per criterion) and comment on one screened-in application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scores = models.JSONField(default=dict)  # {criterion id (str): score}
    comment = models.TextField(_("kommentar"), blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="one_review_per_reviewer")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.application}"


class Participation(models.Model):
    """An organisation's participation in an initiative in one phase, from/to; the whole history stays."""

    initiative = models.ForeignKey(
        "portfolio.Initiative", on_delete=models.CASCADE, related_name="participations"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="participations")
    phase = models.CharField(_("fase"), max_length=20, choices=PHASE_CHOICES)
    from_date = models.DateField(_("fra"))
    to_date = models.DateField(_("til"), null=True, blank=True)
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="participation"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["initiative", "phase", "organisation__name"]
        verbose_name = _("deltagelse")
        verbose_name_plural = _("deltagelser")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "organisation", "phase"], name="one_participation_per_phase"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_phase_display()}"


class Grant(models.Model):
    """Money from a round's pool to an accepted applicant, paid in instalments."""

    class Purpose(models.TextChoices):
        DEVELOPMENT = "development", _("Udviklingsarbejde")
        DOCUMENTATION = "documentation", _("Kompensation for dokumentationsarbejde")

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="grant")
    amount = models.DecimalField(_("beløb (kr.)"), max_digits=14, decimal_places=0)
    purpose = models.CharField(_("formål"), max_length=20, choices=Purpose.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["application__round", "application__organisation__name"]
        verbose_name = _("tilskud")
        verbose_name_plural = _("tilskud")

    def __str__(self) -> str:
        return f"{self.application.organisation}: {self.amount} kr."

    @property
    def initiative(self):
        return self.application.round.initiative

    @property
    def organisation_id(self) -> int:
        return self.application.organisation_id


class Instalment(models.Model):
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="instalments")
    due_on = models.DateField(_("forfalder"))
    amount = models.DecimalField(_("beløb (kr.)"), max_digits=14, decimal_places=0)
    paid_on = models.DateField(_("udbetalt"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["grant", "due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.due_on}: {self.amount} kr."


class OfferDelivery(models.Model):
    """What a participating organisation received of the phase's offers (e.g. a SØM course: date, people)."""

    initiative = models.ForeignKey("portfolio.Initiative", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="offer_deliveries")
    offer = models.CharField(_("tilbud"), max_length=30, choices=OFFER_CHOICES)
    delivered_on = models.DateField(_("dato"))
    people_trained = models.PositiveIntegerField(_("antal deltagere"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-delivered_on", "pk"]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_offer_display()} · {self.delivered_on}"
