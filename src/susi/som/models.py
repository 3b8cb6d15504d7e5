"""The SØM knowledge database (target groups, outcomes, consequences, prices, effect studies) and saved
calculations. Data only; the numbers come from `susi.engines.som`.

Every edit of the knowledge database goes through `services` and creates a new `KnowledgeVersion`; each
knowledge row also keeps its full change history (django-simple-history), so the database can be read as
it was at any version (`selectors.knowledge_as_of`). A saved calculation records the version it used and
the complete case it calculated, so an old result can always be reproduced.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from susi.engines.som import areas
from susi.web.i18n import lazy_localized

AREA_CHOICES = [(lab.code, lazy_localized(lab)) for lab in areas.MAIN_AREAS]
COMMITTEE_CHOICES = [(lab.code, lazy_localized(lab)) for lab in areas.COMMITTEES]
AUTHORITY_CHOICES = [(lab.code, lazy_localized(lab)) for lab in areas.AUTHORITIES]
GRADE_CHOICES = [
    (1, _("1 – metaanalyse eller RCT")),
    (2, _("2 – kvasieksperiment eller før/efter med kontrolgruppe")),
    (3, _("3 – før/efter uden kontrolgruppe")),
]


class KnowledgeVersion(models.Model):
    """One edit (or import) of the knowledge database. `number` grows by one with every edit."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    created_at = models.DateTimeField(_("tidspunkt"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("ændring"), max_length=300)
    # The evidence chain (som.chain): which analysis or data a published version came from, who, when.
    provenance = models.JSONField(_("oprindelse"), default=dict, blank=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("version af vidensdatabasen")

    def __str__(self) -> str:
        return f"v{self.number}: {self.note}"


class KnowledgeRow(models.Model):
    """Fields every knowledge row has."""

    source = models.CharField(_("kilde"), max_length=400, blank=True)
    is_illustrative = models.BooleanField(
        _("illustrative tal"),
        default=False,
        help_text=_("Demodata til afprøvning – ikke officielle tal."),
    )

    class Meta:
        abstract = True


class TargetGroup(KnowledgeRow):
    code = models.SlugField(_("kode"), max_length=60, unique=True)
    name = models.CharField(_("navn"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    area = models.CharField(_("hovedområde"), max_length=30, choices=AREA_CHOICES, default="adult_social")
    committee = models.CharField(_("udvalg"), max_length=30, choices=COMMITTEE_CHOICES, default="social")
    user_defined = models.BooleanField(_("brugerdefineret"), default=False)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("oprettet af organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text=_("Udfyldt for en målgruppe, som en kommune selv har defineret."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("målgruppe")
        verbose_name_plural = _("målgrupper")

    def __str__(self) -> str:
        return self.name


class Outcome(KnowledgeRow):
    target_group = models.ForeignKey(TargetGroup, on_delete=models.CASCADE, related_name="outcomes")
    code = models.SlugField(_("kode"), max_length=60)
    name = models.CharField(_("succesmål"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["target_group", "name"]
        constraints = [
            models.UniqueConstraint(fields=["target_group", "code"], name="som_unique_outcome_code")
        ]
        verbose_name = _("succesmål")
        verbose_name_plural = _("succesmål")

    def __str__(self) -> str:
        return self.name


class Price(KnowledgeRow):
    """The price of one unit of a public service, after refunds, split between the authorities. A row with
    an `organisation` is that municipality's own price and overrides the national one in its calculations."""

    service = models.SlugField(_("ydelse (kode)"), max_length=60)
    name = models.CharField(_("ydelse"), max_length=200)
    unit = models.CharField(_("enhed"), max_length=60)
    municipality = models.FloatField(_("kommune (kr. pr. enhed)"), default=0)
    region = models.FloatField(_("region (kr. pr. enhed)"), default=0)
    state = models.FloatField(_("stat (kr. pr. enhed)"), default=0)
    area = models.CharField(_("hovedområde"), max_length=30, choices=AREA_CHOICES)
    committee = models.CharField(_("udvalg"), max_length=30, choices=COMMITTEE_CHOICES, blank=True)
    price_year = models.PositiveSmallIntegerField(_("prisår"))
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("kommunens egen pris"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["service"],
                condition=models.Q(organisation__isnull=True),
                name="som_unique_national_price",
            ),
            models.UniqueConstraint(fields=["service", "organisation"], name="som_unique_municipal_price"),
        ]
        verbose_name = _("pris")
        verbose_name_plural = _("priser")

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"

    @property
    def total(self) -> float:
        return self.municipality + self.region + self.state


class Consequence(KnowledgeRow):
    """Change in one service's use per year for a citizen of the target group who reaches the outcome,
    compared with one who does not (register-based, regression-adjusted; not causal). `year_after_success`
    empty: the same change every year after success."""

    target_group = models.ForeignKey(TargetGroup, on_delete=models.CASCADE, related_name="consequences")
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="consequences")
    service = models.SlugField(_("ydelse (kode)"), max_length=60)
    year_after_success = models.PositiveSmallIntegerField(_("år efter succes"), null=True, blank=True)
    change = models.FloatField(_("ændring pr. år (enheder)"))
    standard_error = models.FloatField(_("standardfejl"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["target_group", "outcome", "service", "year_after_success"]
        constraints = [
            models.UniqueConstraint(
                fields=["outcome", "service", "year_after_success"], name="som_unique_consequence"
            )
        ]
        verbose_name = _("konsekvens")
        verbose_name_plural = _("konsekvenser")

    def __str__(self) -> str:
        return f"{self.outcome}: {self.service} {self.change:+g}"


class EffectStudy(KnowledgeRow):
    """An effect study: the additional share reaching the outcome (success rate) with its standard error."""

    target_group = models.ForeignKey(TargetGroup, on_delete=models.CASCADE, related_name="studies")
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="studies")
    intervention = models.CharField(_("indsats"), max_length=200)
    title = models.CharField(_("studie"), max_length=300)
    year = models.PositiveSmallIntegerField(_("år"), null=True, blank=True)
    grade = models.PositiveSmallIntegerField(_("evidensniveau"), choices=GRADE_CHOICES)
    effect = models.FloatField(_("effekt (ekstra andel med succes)"))
    standard_error = models.FloatField(_("standardfejl"), null=True, blank=True)
    # The evidence chain: a study published from a saved effect evaluation or meta-analysis (som.chain) has a
    # key, so publishing the same again changes nothing and a newer estimate updates it (with history).
    source_key = models.CharField(max_length=100, blank=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["target_group", "outcome", "grade", "-year"]
        verbose_name = _("effektstudie")
        verbose_name_plural = _("effektstudier")

    def __str__(self) -> str:
        return self.title


class TargetGroupSize(models.Model):
    """A municipality's own number of citizens starting per year (the default intake in its calculations)."""

    target_group = models.ForeignKey(TargetGroup, on_delete=models.CASCADE, related_name="sizes")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE)
    citizens_per_year = models.PositiveIntegerField(_("borgere pr. år"))
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["target_group", "organisation"], name="som_unique_group_size")
        ]
        verbose_name = _("målgruppens størrelse i kommunen")

    def __str__(self) -> str:
        return f"{self.target_group}: {self.citizens_per_year} pr. år"


class Calculation(models.Model):
    """A saved SØM calculation: the full case (engine case-file JSON) and its result summary."""

    class Mode(models.TextChoices):
        FULL = "full", _("Fuld beregning")
        QUICK = "quick", _("Budgetøkonomisk skøn")

    name = models.CharField(_("navn"), max_length=200)
    mode = models.CharField(_("type"), max_length=10, choices=Mode.choices, default=Mode.FULL)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="som_calculations"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    municipality = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("beregnet for kommune"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    initiative = models.ForeignKey(
        "portfolio.Initiative",
        verbose_name=_("initiativ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="som_calculations",
    )
    target_group = models.ForeignKey(TargetGroup, null=True, blank=True, on_delete=models.SET_NULL)
    knowledge_version = models.PositiveIntegerField(_("vidensdatabasens version"))
    uses_illustrative_data = models.BooleanField(default=False)
    case = models.JSONField(_("beregningens forudsætninger"))
    draws = models.PositiveIntegerField(_("antal træk"), default=10_000)
    seed = models.BigIntegerField(_("seed"), default=2018)
    result = models.JSONField(_("resultat"))
    # Knowledge pages (issue 13): only a calculation the agency has marked public is shown at /viden/.
    public = models.BooleanField(_("offentlig"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Shared with every user (SØM's erfaringsdatabase, som.sharing): read-only while shared, copied by anyone.
    shared = models.BooleanField(_("delt med alle brugere"), default=False)
    shared_at = models.DateTimeField(_("delt"), null=True, blank=True)
    share_description = models.TextField(_("beskrivelse til andre brugere"), blank=True)
    # Editing a calculation that a recorded gate decision may rest on makes a new version; this points back.
    previous = models.ForeignKey(
        "self",
        verbose_name=_("tidligere version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_versions",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("SØM-beregning")
        verbose_name_plural = _("SØM-beregninger")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("som:calculation", args=[self.pk])
