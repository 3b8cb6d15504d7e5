"""User involvement, side effects, fast-track knowledge notes and public knowledge pages (issue 13).

Participants in involvement activities are counts per group, never names. A knowledge note belongs to one
gate decision; a side effect to one saved effect evaluation; a publication says what of an intervention the
public may read at /viden/.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from susi.engines import knowledge as engine
from susi.engines import phases
from susi.web.i18n import lazy_localized

PHASE_CHOICES = [(d.phase.value, lazy_localized(d.name)) for d in phases.PHASE_MODEL]
KIND_CHOICES = [(k.value, lazy_localized(name)) for k, name in engine.KIND_NAMES.items()]
ADAPTATION_CHOICES = [(a.value, lazy_localized(name)) for a, name in engine.ADAPTATION_NAMES.items()]
CRITERION_CHOICES = [(c.value, lazy_localized(phases.CRITERION_NAMES[c])) for c in phases.Criterion]
SECTION_CHOICES = [(s.value, lazy_localized(name)) for s, name in engine.SECTION_NAMES.items()]


class Audience(models.TextChoices):
    MUNICIPALITIES = "municipalities", _("Kommuner")
    PROVIDERS = "providers", _("Sociale tilbud")
    CIVIL_SOCIETY = "civil_society", _("Civilsamfund")


class InvolvementActivity(models.Model):
    """One activity in which users took part in developing the intervention, and what it changed."""

    initiative = models.ForeignKey(
        "portfolio.Initiative",
        verbose_name=_("initiativ"),
        on_delete=models.CASCADE,
        related_name="involvement_activities",
    )
    phase = models.CharField(_("fase"), max_length=20, choices=PHASE_CHOICES)
    kind = models.CharField(_("form"), max_length=30, choices=KIND_CHOICES)
    held_on = models.DateField(_("dato"))
    title = models.CharField(_("titel"), max_length=200)
    citizens = models.PositiveIntegerField(_("borgere"), default=0)
    relatives = models.PositiveIntegerField(_("pårørende"), default=0)
    staff = models.PositiveIntegerField(_("medarbejdere"), default=0)
    user_organisations = models.PositiveIntegerField(_("brugerorganisationer"), default=0)
    adaptations = models.JSONField(_("tilpasninger"), default=list, blank=True)
    adaptation_note = models.CharField(_("andre tilpasninger"), max_length=300, blank=True)
    learned = models.TextField(_("hvad vi lærte"))
    changed = models.TextField(_("hvad der blev ændret i indsatsen"), blank=True)
    criteria = models.JSONField(_("belyser kriterierne"), default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["initiative", "-held_on", "-pk"]
        verbose_name = _("inddragelsesaktivitet")
        verbose_name_plural = _("inddragelsesaktiviteter")

    def __str__(self) -> str:
        return self.title

    @property
    def participants(self) -> int:
        return self.citizens + self.relatives + self.staff + self.user_organisations


class SideEffect(models.Model):
    """An adverse outcome measured in an effect evaluation (bivirkning), with its estimate and interval."""

    evaluation = models.ForeignKey(
        "outcomes.EffectEvaluation",
        verbose_name=_("effektevaluering"),
        on_delete=models.CASCADE,
        related_name="side_effects",
    )
    outcome = models.CharField(_("uønsket udfald"), max_length=200)
    measured_by = models.CharField(_("hvordan det er målt"), max_length=300)
    estimate = models.FloatField(_("estimat"))
    ci_low = models.FloatField(_("95 %-konfidensinterval, nedre"))
    ci_high = models.FloatField(_("95 %-konfidensinterval, øvre"))
    higher_is_worse = models.BooleanField(_("højere værdi er værre"), default=True)
    note = models.TextField(_("bemærkning"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["evaluation", "outcome"]
        verbose_name = _("bivirkning")
        verbose_name_plural = _("bivirkninger")

    def __str__(self) -> str:
        return self.outcome

    @property
    def harmful(self) -> bool:
        """The whole interval lies on the harmful side of no difference (0)."""
        return self.ci_low > 0 if self.higher_is_worse else self.ci_high < 0


class KnowledgeNote(models.Model):
    """The fast track for knowledge (fast track for viden): decided with every gate decision."""

    decision = models.OneToOneField(
        "portfolio.GateDecision",
        verbose_name=_("faseovergang"),
        on_delete=models.CASCADE,
        related_name="knowledge_note",
    )
    spread_now = models.BooleanField(_("udbred viden nu"))
    audiences = models.JSONField(_("målgrupper for viden"), default=list, blank=True)
    learned = models.TextField(_("hvad vi har lært"), blank=True)
    for_whom = models.CharField(_("for hvem"), max_length=300, blank=True)
    caveats = models.TextField(_("forbehold"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("vidensnotat")
        verbose_name_plural = _("vidensnotater")

    def __str__(self) -> str:
        return str(self.decision)

    @property
    def initiative(self):
        return self.decision.initiative

    def audience_labels(self) -> list[str]:
        labels = dict(Audience.choices)
        return [str(labels[a]) for a in self.audiences if a in labels]


class Publication(models.Model):
    """What the public may read about an intervention at /viden/ (the agency decides)."""

    intervention = models.OneToOneField(
        "portfolio.Intervention",
        verbose_name=_("indsats"),
        on_delete=models.CASCADE,
        related_name="publication",
    )
    published = models.BooleanField(_("offentliggjort"), default=False)
    sections = models.JSONField(_("afsnit"), default=list, blank=True)
    summary = models.TextField(_("kort beskrivelse til offentligheden"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["intervention__name"]
        verbose_name = _("offentliggørelse")
        verbose_name_plural = _("offentliggørelser")

    def __str__(self) -> str:
        return str(self.intervention)

    def shows(self, section: str) -> bool:
        return self.published and section in self.sections
