"""Interventions, the initiatives that develop them phase by phase, their products and their gate decisions.

The phase model itself (phases, criteria, products, legal moves) is data in `susi.engines.phases`; the choices
here are derived from it so that the two can never disagree.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from susi.engines import phases
from susi.organisations.models import Organisation
from susi.web.i18n import lazy_localized


def _choices(enum, names) -> list[tuple[str, str]]:
    return [(member.value, lazy_localized(names[member])) for member in enum]


PHASE_CHOICES = [(d.phase.value, lazy_localized(d.name)) for d in phases.PHASE_MODEL]
TRACK_CHOICES = _choices(phases.Track, phases.TRACK_NAMES)
CRITERION_CHOICES = _choices(phases.Criterion, phases.CRITERION_NAMES)
RATING_CHOICES = _choices(phases.Rating, phases.RATING_NAMES)
OUTCOME_CHOICES = _choices(phases.Outcome, phases.OUTCOME_NAMES)
PRODUCT_KIND_CHOICES = _choices(phases.ProductKind, phases.PRODUCT_NAMES)


class Area(models.TextChoices):
    """Target-group area (målgruppeområde)."""

    CHILDREN = "children", _("Børn og unge")
    ADULTS = "adults", _("Voksne")
    DISABILITY = "disability", _("Handicap")


class Programme(models.TextChoices):
    """The development and investment programmes (UIP) that fund initiatives."""

    UIP_ADULTS = "uip_adults", _("UIP Voksne")
    UIP_CHILDREN = "uip_children", _("UIP Børn og unge")
    FOUNDATION = "foundation", _("Fondsfinansieret")


class Status(models.TextChoices):
    ACTIVE = phases.Status.ACTIVE.value, _("I gang")
    STOPPED = phases.Status.STOPPED.value, _("Stoppet")
    COMPLETED = phases.Status.COMPLETED.value, _("Afsluttet")


class Intervention(models.Model):
    """A social intervention (indsats): what is developed, across all its phases."""

    name = models.CharField(_("navn"), max_length=200, unique=True)
    description = models.TextField(_("beskrivelse"), blank=True)
    area = models.CharField(_("målgruppeområde"), max_length=20, choices=Area.choices)
    target_group = models.CharField(_("målgruppe"), max_length=300, blank=True)
    proposed_by = models.ForeignKey(
        Organisation,
        verbose_name=_("foreslået af"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposed_interventions",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("indsats")
        verbose_name_plural = _("indsatser")

    def __str__(self) -> str:
        return self.name


class Initiative(models.Model):
    """An intervention's development work (initiativ), moving through the phases gate by gate."""

    intervention = models.ForeignKey(
        Intervention, verbose_name=_("indsats"), on_delete=models.PROTECT, related_name="initiatives"
    )
    title = models.CharField(_("titel"), max_length=250)
    summary = models.TextField(_("resumé"), blank=True)
    phase = models.CharField(_("fase"), max_length=20, choices=PHASE_CHOICES, db_index=True)
    track = models.CharField(_("spor"), max_length=10, choices=TRACK_CHOICES, default=phases.Track.ONE.value)
    programme = models.CharField(_("program"), max_length=20, choices=Programme.choices)
    area = models.CharField(_("målgruppeområde"), max_length=20, choices=Area.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    start_date = models.DateField(_("startdato"))
    end_date = models.DateField(_("forventet slutdato"), null=True, blank=True)
    phase_started_on = models.DateField(_("fasen startede"))
    budget_dkk = models.DecimalField(_("budget (kr.)"), max_digits=14, decimal_places=0, default=0)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ansvarlig i styrelsen"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_initiatives",
    )
    municipalities = models.ManyToManyField(
        Organisation,
        verbose_name=_("deltagende kommuner"),
        blank=True,
        related_name="municipal_initiatives",
        limit_choices_to={"kind": Organisation.Kind.MUNICIPALITY},
    )
    providers = models.ManyToManyField(
        Organisation,
        verbose_name=_("sociale tilbud"),
        blank=True,
        related_name="provider_initiatives",
        limit_choices_to={"kind": Organisation.Kind.PROVIDER},
    )
    evaluator = models.ForeignKey(
        Organisation,
        verbose_name=_("evaluator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evaluated_initiatives",
        limit_choices_to={"kind": Organisation.Kind.EVALUATOR},
    )
    method_supplier = models.ForeignKey(
        Organisation,
        verbose_name=_("metodeleverandør"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supplied_initiatives",
        limit_choices_to={"kind": Organisation.Kind.METHOD_SUPPLIER},
    )
    foundation = models.ForeignKey(
        Organisation,
        verbose_name=_("fond"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="funded_initiatives",
        limit_choices_to={"kind": Organisation.Kind.FOUNDATION},
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[municipalities, providers])

    class Meta:
        ordering = ["title"]
        verbose_name = _("initiativ")
        verbose_name_plural = _("initiativer")
        indexes = [models.Index(fields=["phase", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def phase_definition(self) -> phases.PhaseDefinition:
        return phases.definition(self.phase)

    @property
    def is_active(self) -> bool:
        return self.status == Status.ACTIVE


def product_upload_to(instance: "ProductVersion", filename: str) -> str:
    return f"products/{instance.product.initiative_id}/{instance.product_id}/v{instance.number}/{filename}"


class Product(models.Model):
    """A deliverable of a phase (produkt): a knowledge report, an evaluation report, ..."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Udkast")
        SUBMITTED = "submitted", _("Indsendt")
        APPROVED = "approved", _("Godkendt")
        REJECTED = "rejected", _("Afvist")

    initiative = models.ForeignKey(
        Initiative, verbose_name=_("initiativ"), on_delete=models.CASCADE, related_name="products"
    )
    phase = models.CharField(_("fase"), max_length=20, choices=PHASE_CHOICES)
    kind = models.CharField(_("type"), max_length=40, choices=PRODUCT_KIND_CHOICES)
    title = models.CharField(_("titel"), max_length=250)
    state = models.CharField(_("status"), max_length=20, choices=State.choices, default=State.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["initiative", "phase", "kind"]
        verbose_name = _("produkt")
        verbose_name_plural = _("produkter")

    def __str__(self) -> str:
        return self.title

    @property
    def latest_version(self) -> "ProductVersion | None":
        return self.versions.order_by("-number").first()

    @property
    def review_choices(self) -> list[tuple[str, str]]:
        """The states a reviewer may move this product to, by the declared workflow (`PRODUCT_REVIEW`)."""
        labels = dict(self.State.choices)
        return [
            (t.target.value, str(labels[t.target.value]))
            for t in phases.transitions_from(self.state)
            if t.actor is phases.Actor.REVIEWER
        ]


class ProductVersion(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("fil"), upload_to=product_upload_to)
    sha256 = models.CharField(max_length=64)
    note = models.CharField(_("note"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["product", "-number"]
        constraints = [models.UniqueConstraint(fields=["product", "number"], name="unique_product_version")]

    def __str__(self) -> str:
        return f"{self.product} v{self.number}"


class GateDecision(models.Model):
    """A gate (faseovergang): the assessment is prepared as a draft, then recorded with its outcome."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Under forberedelse")
        RECORDED = "recorded", _("Truffet")

    initiative = models.ForeignKey(
        Initiative, verbose_name=_("initiativ"), on_delete=models.CASCADE, related_name="gate_decisions"
    )
    phase = models.CharField(_("fase"), max_length=20, choices=PHASE_CHOICES)
    track = models.CharField(_("spor"), max_length=10, choices=TRACK_CHOICES)
    state = models.CharField(_("status"), max_length=20, choices=State.choices, default=State.DRAFT)
    outcome = models.CharField(_("beslutning"), max_length=20, choices=OUTCOME_CHOICES, blank=True)
    to_phase = models.CharField(_("ny fase"), max_length=20, choices=PHASE_CHOICES, blank=True)
    justification = models.TextField(_("begrundelse"), blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="prepared_gate_decisions"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recorded_gate_decisions",
    )
    decided_at = models.DateTimeField(_("besluttet"), null=True, blank=True)
    # 1, 2, 3 … among the initiative's recorded decisions; empty for a draft. Unique per initiative, so two
    # identical decisions made from the same state (a double click, two people at once) record one.
    sequence = models.PositiveIntegerField(_("nummer"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["initiative", "-decided_at", "-created_at"]
        verbose_name = _("faseovergang")
        verbose_name_plural = _("faseovergange")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative"], condition=models.Q(state="draft"), name="one_draft_gate_per_initiative"
            ),
            models.UniqueConstraint(fields=["initiative", "sequence"], name="one_recorded_gate_per_sequence"),
        ]

    def __str__(self) -> str:
        return f"{self.initiative} — {self.get_phase_display()}"


class CriterionAssessment(models.Model):
    """One criterion's rating at a gate, with its justification and the evidence it rests on."""

    class Scope(models.TextChoices):
        GATE = "gate", _("Denne fase")
        SKIPPED = "skipped", _("Den oversprungne fase")

    decision = models.ForeignKey(GateDecision, on_delete=models.CASCADE, related_name="assessments")
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.GATE)
    criterion = models.CharField(_("kriterium"), max_length=30, choices=CRITERION_CHOICES)
    rating = models.CharField(_("vurdering"), max_length=20, choices=RATING_CHOICES)
    justification = models.TextField(_("begrundelse"))
    evidence = models.TextField(_("dokumentation (links)"), blank=True)
    products = models.ManyToManyField(Product, verbose_name=_("produkter"), blank=True, related_name="+")
    # What the platform suggested when the assessment was saved (engines/phases/suggestions.py): the rating
    # (empty: no suggestion) and the whole suggestion with its numbers; and why the person chose otherwise.
    suggested_rating = models.CharField(
        _("foreslået vurdering"), max_length=20, choices=RATING_CHOICES, blank=True
    )
    suggestion = models.JSONField(_("platformens forslag"), default=dict, blank=True)
    override_justification = models.TextField(_("begrundelse for at afvige fra forslaget"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["decision", "scope", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "scope", "criterion"], name="one_assessment_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_criterion_display()}: {self.get_rating_display()}"

    @property
    def differs_from_suggestion(self) -> bool:
        return bool(self.suggested_rating) and self.rating != self.suggested_rating

    @property
    def evidence_links(self) -> list[str]:
        return [line.strip() for line in self.evidence.splitlines() if line.strip()]


class Recommendation(models.Model):
    """A steering-group member's recommendation on an initiative."""

    class Stance(models.TextChoices):
        FOR = "for", _("Anbefaler")
        AGAINST = "against", _("Anbefaler ikke")
        NEUTRAL = "neutral", _("Ingen anbefaling")

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="recommendations")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    stance = models.CharField(_("anbefaling"), max_length=10, choices=Stance.choices)
    text = models.TextField(_("begrundelse"))
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("anbefaling")
        verbose_name_plural = _("anbefalinger")

    def __str__(self) -> str:
        return f"{self.get_stance_display()} — {self.initiative}"
