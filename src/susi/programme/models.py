"""The development and investment programmes (UIP): their yearly frames, what is committed from them, and the
prioritisation rounds in which the steering group recommends and the minister decides.

A programme is one of the portfolio's programme labels (`portfolio.models.Programme`, e.g. ``uip_adults``):
an initiative belongs to the programme whose `code` is its `programme`. Money is in whole kroner.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from susi.portfolio.models import Programme as ProgrammeLabel


class Programme(models.Model):
    """UIP Voksne, UIP Børn og unge: a programme with a frame per year."""

    code = models.CharField(_("program"), max_length=20, choices=ProgrammeLabel.choices, unique=True)
    description = models.TextField(_("beskrivelse"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("program")
        verbose_name_plural = _("programmer")

    def __str__(self) -> str:
        return str(self.get_code_display())


class ProgrammeYear(models.Model):
    """A programme's frame (ramme) for one year: what may be committed to initiatives that year."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="years")
    year = models.PositiveIntegerField(_("år"))
    frame_dkk = models.DecimalField(_("ramme (kr.)"), max_digits=14, decimal_places=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "year"]
        verbose_name = _("programår")
        verbose_name_plural = _("programår")
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="one_frame_per_programme_year")
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.year}"


class Allocation(models.Model):
    """Money committed (disponeret) from a programme year: to an initiative, or to an approved candidate that is
    not an initiative yet (a foundation's proposal)."""

    programme_year = models.ForeignKey(ProgrammeYear, on_delete=models.PROTECT, related_name="allocations")
    initiative = models.ForeignKey(
        "portfolio.Initiative",
        verbose_name=_("initiativ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocations",
    )
    title = models.CharField(_("formål"), max_length=250, blank=True)
    amount_dkk = models.DecimalField(_("beløb (kr.)"), max_digits=14, decimal_places=0)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme_year", "created_at"]
        verbose_name = _("disponering")
        verbose_name_plural = _("disponeringer")

    def __str__(self) -> str:
        return f"{self.initiative or self.title}: {self.amount_dkk} kr."


class PrioritisationRound(models.Model):
    """A prioritisation round (prioriteringsrunde) for one programme year."""

    class State(models.TextChoices):
        OPEN = "open", _("Åben for anbefalinger")
        CLOSED = "closed", _("Afsluttet")

    programme_year = models.ForeignKey(ProgrammeYear, on_delete=models.PROTECT, related_name="rounds")
    title = models.CharField(_("titel"), max_length=250)
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.OPEN)
    recommend_by = models.DateField(_("anbefalinger senest"), null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-programme_year__year", "title"]
        verbose_name = _("prioriteringsrunde")
        verbose_name_plural = _("prioriteringsrunder")

    def __str__(self) -> str:
        return self.title


class Candidate(models.Model):
    """What a prioritisation round decides on: a new screening, an initiative's next phase, or a foundation's
    proposal (referred to by `proposal_reference` until the proposal is an initiative)."""

    class Kind(models.TextChoices):
        NEW_SCREENING = "new_screening", _("Ny screening")
        NEXT_PHASE = "next_phase", _("Næste fase")
        PROPOSAL = "proposal", _("Forslag fra en fond")

    round = models.ForeignKey(PrioritisationRound, on_delete=models.CASCADE, related_name="candidates")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    initiative = models.ForeignKey(
        "portfolio.Initiative",
        verbose_name=_("initiativ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="prioritisation_candidacies",
    )
    # the hook for foundations' proposals: "<app_label>.<Model>:<pk>" of the proposal (or a reference text)
    proposal_reference = models.CharField(_("forslagets reference"), max_length=100, blank=True)
    title = models.CharField(_("titel"), max_length=250)
    description = models.TextField(_("beskrivelse"), blank=True)
    requested_dkk = models.DecimalField(_("ansøgt beløb (kr.)"), max_digits=14, decimal_places=0, default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "title"]
        verbose_name = _("kandidat")
        verbose_name_plural = _("kandidater")

    def __str__(self) -> str:
        return self.title


class Recommendation(models.Model):
    """One steering-group member's recommendation on one candidate, with the justification."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="recommendations")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recommends = models.BooleanField(_("anbefaler"))
    justification = models.TextField(_("begrundelse"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["candidate", "created_at"]
        verbose_name = _("anbefaling")
        verbose_name_plural = _("anbefalinger")
        constraints = [
            models.UniqueConstraint(fields=["candidate", "member"], name="one_recommendation_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.candidate}"


class Decision(models.Model):
    """The minister's decision on a candidate, recorded by agency staff. Recorded once; never changed."""

    candidate = models.OneToOneField(Candidate, on_delete=models.PROTECT, related_name="decision")
    approved = models.BooleanField(_("godkendt"))
    amount_dkk = models.DecimalField(_("beløb (kr.)"), max_digits=14, decimal_places=0, default=0)
    note = models.TextField(_("note"), blank=True)
    allocation = models.OneToOneField(
        Allocation, on_delete=models.PROTECT, null=True, blank=True, related_name="decision"
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("beslutning")
        verbose_name_plural = _("beslutninger")

    def __str__(self) -> str:
        return f"{self.candidate}: {self.approved}"
