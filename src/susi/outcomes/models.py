"""Citizens (pseudonymised), enrolments, measurements, imports, evaluations and the access log.

The shape follows tracker systems such as DHIS2: a citizen is *enrolled* in an initiative at a
municipality, and *measured* on instruments at occasions (baseline, follow-ups).

A CPR number never reaches these tables: it is turned into a keyed pseudonym at the edge
(`susi.outcomes.pseudonyms`). Citizen-level tables carry no change history on purpose: an
erased citizen must be gone, not kept in a history table.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Arm(models.TextChoices):
    INTERVENTION = "intervention", _("Indsats")
    COMPARISON = "comparison", _("Sammenligning")
    WAITLIST = "waitlist", _("Venteliste")


class Sex(models.TextChoices):
    FEMALE = "F", _("Kvinde")
    MALE = "M", _("Mand")


class Citizen(models.Model):
    """One person, known only by a keyed pseudonym. Only what analysis needs is kept."""

    pseudonym = models.CharField(_("pseudonym"), max_length=64, unique=True)
    birth_year = models.PositiveSmallIntegerField(_("fødselsår"), null=True, blank=True)
    sex = models.CharField(_("køn"), max_length=1, choices=Sex.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("borger")
        verbose_name_plural = _("borgere")

    def __str__(self) -> str:
        return self.short_pseudonym

    @property
    def short_pseudonym(self) -> str:
        """The first 12 characters: enough to tell citizens apart on a page."""
        return self.pseudonym[:12]


class Instrument(models.Model):
    """A measuring instrument (a questionnaire score, a yes/no outcome, a count)."""

    class Kind(models.TextChoices):
        CONTINUOUS = "continuous", _("Skala")
        BINARY = "binary", _("Ja/nej")

    code = models.SlugField(_("kode"), max_length=60, unique=True)
    name = models.CharField(_("navn"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.CONTINUOUS)
    higher_is_better = models.BooleanField(_("højere er bedre"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("måleredskab")
        verbose_name_plural = _("måleredskaber")

    def __str__(self) -> str:
        return self.name


class Occasion(models.Model):
    """A measuring occasion: baseline (number 0) or follow-up 1, 2, ... (the engine's 'followup_<n>')."""

    number = models.PositiveSmallIntegerField(_("nummer"), unique=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("måletidspunkt")
        verbose_name_plural = _("måletidspunkter")

    def __str__(self) -> str:
        return self.label

    @property
    def code(self) -> str:
        """The engine's name for this occasion."""
        return "baseline" if self.number == 0 else f"followup_{self.number}"

    @property
    def label(self) -> str:
        if self.number == 0:
            return str(_("Baseline"))
        return str(_("Opfølgning %(number)s") % {"number": self.number})


class ImportBatch(models.Model):
    """One uploaded file: validated into a preview first, then imported all or nothing."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Til gennemsyn")
        INVALID = "invalid", _("Afvist (fejl i filen)")
        IMPORTED = "imported", _("Importeret")
        UNCHANGED = "unchanged", _("Allerede importeret, intet ændret")
        DISCARDED = "discarded", _("Kasseret")

    initiative = models.ForeignKey("portfolio.Initiative", on_delete=models.CASCADE, related_name="+")
    # None when the file names each row's municipality (an evaluator's file covering several).
    municipality = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    file_name = models.CharField(_("filnavn"), max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEW)
    rows_total = models.PositiveIntegerField(default=0)
    rows_new = models.PositiveIntegerField(default=0)
    rows_changed = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    # The row-by-row report: a list of {"row", "field", "message"}; never holds a CPR number.
    report = models.JSONField(default=list, blank=True)
    # The validated, pseudonymised rows wait here between preview and import (see services).
    staged_file = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("importer")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class Enrolment(models.Model):
    """A citizen's participation in an initiative at one municipality, in one arm.

    The same citizen may have an enrolment in the same initiative at another municipality (a move): a
    municipality only ever sees and checks its own, so an import cannot reveal another's citizens.
    """

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="enrolments")
    initiative = models.ForeignKey(
        "portfolio.Initiative", on_delete=models.CASCADE, related_name="enrolments"
    )
    municipality = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="enrolments"
    )
    arm = models.CharField(_("gruppe"), max_length=20, choices=Arm.choices)
    start = models.DateField(_("start"))
    end = models.DateField(_("slut"), null=True, blank=True)
    batch = models.ForeignKey(ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            # One per citizen, initiative and municipality: a citizen who moves may be enrolled by the new
            # municipality too, and an import never tells one municipality about another's enrolment.
            models.UniqueConstraint(
                fields=["citizen", "initiative", "municipality"],
                name="outcomes_one_enrolment_per_initiative_municipality",
            )
        ]
        indexes = [models.Index(fields=["initiative", "municipality"])]
        verbose_name = _("forløb")
        verbose_name_plural = _("forløb")

    def __str__(self) -> str:
        return f"{self.citizen} i {self.initiative_id} ({self.arm})"


class Measurement(models.Model):
    """One value on one instrument at one occasion. Unique, so a re-import changes nothing."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="measurements")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    occasion = models.ForeignKey(Occasion, on_delete=models.PROTECT, related_name="+")
    value = models.FloatField(_("værdi"))
    measured_on = models.DateField(_("måledato"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "instrument", "occasion"], name="outcomes_one_value_per_occasion"
            )
        ]
        verbose_name = _("måling")
        verbose_name_plural = _("målinger")

    def __str__(self) -> str:
        return f"{self.instrument_id}@{self.occasion_id}={self.value}"


class DeliveryRecord(models.Model):
    """Implementation fidelity: whether a core component was delivered to one citizen as intended."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="deliveries")
    component = models.CharField(_("kerneelement"), max_length=200)
    intended = models.FloatField(_("planlagt"), default=1.0)
    delivered = models.FloatField(_("leveret"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "component"], name="outcomes_one_delivery_record")
        ]
        verbose_name = _("leveranceregistrering")
        verbose_name_plural = _("leveranceregistreringer")

    def __str__(self) -> str:
        return f"{self.component}: {self.delivered}/{self.intended}"


class AdoptionWave(models.Model):
    """When a municipality began offering the intervention (staggered adoption).

    Periods are occasion numbers: in a staggered design every occasion is a calendar period shared by
    all municipalities (0 = the first). ``treated_from`` empty = never (a comparison municipality).
    """

    initiative = models.ForeignKey("portfolio.Initiative", on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    treated_from = models.PositiveSmallIntegerField(
        _("tilbyder indsatsen fra periode"), null=True, blank=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "municipality"], name="outcomes_one_wave_per_municipality"
            )
        ]
        verbose_name = _("opstartsbølge")
        verbose_name_plural = _("opstartsbølger")

    def __str__(self) -> str:
        return f"{self.municipality_id}: {self.treated_from}"


class EffectEvaluation(models.Model):
    """A saved effect estimate with its method and inputs, ready for the evidence base and SØM."""

    initiative = models.ForeignKey("portfolio.Initiative", on_delete=models.CASCADE, related_name="+")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    occasion = models.ForeignKey(Occasion, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("metode"), max_length=40)
    estimate = models.FloatField(_("effekt"))
    ci_low = models.FloatField()
    ci_high = models.FloatField()
    p_value = models.FloatField(null=True, blank=True)
    n_treated = models.PositiveIntegerField()
    n_control = models.PositiveIntegerField()
    effect_size = models.FloatField(_("effektstørrelse"), null=True, blank=True)
    effect_size_se = models.FloatField(null=True, blank=True)
    effect_size_kind = models.CharField(max_length=20, blank=True)
    som_success_rate = models.FloatField(_("succesrate til SØM"), null=True, blank=True)
    inputs = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("effektevaluering")
        verbose_name_plural = _("effektevalueringer")

    def __str__(self) -> str:
        return f"{self.method}: {self.estimate:.3g} [{self.ci_low:.3g}; {self.ci_high:.3g}]"

    @property
    def method_label(self) -> str:
        """The design's name as the estimate page shows it (the saved-estimates table's "Metode" column)."""
        from susi.web.i18n import localized

        from .evaluation import DESIGN_LABELS

        return localized(DESIGN_LABELS[self.method]) if self.method in DESIGN_LABELS else self.method


class RegisterOutcome(models.Model):
    """Aggregated register follow-up: one outcome in one year after start, enrolled vs comparison."""

    initiative = models.ForeignKey("portfolio.Initiative", on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(_("udfald"), max_length=60)
    year = models.PositiveSmallIntegerField(_("år efter start"))
    n_enrolled = models.PositiveIntegerField()
    n_comparison = models.PositiveIntegerField()
    # None where a figure rests on fewer than 5 citizens (the small-cell rule).
    mean_enrolled = models.FloatField(null=True, blank=True)
    mean_comparison = models.FloatField(null=True, blank=True)
    difference = models.FloatField(null=True, blank=True)
    se = models.FloatField(null=True, blank=True)
    ci_low = models.FloatField(null=True, blank=True)
    ci_high = models.FloatField(null=True, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "outcome", "year"], name="outcomes_one_register_outcome"
            )
        ]
        ordering = ["outcome", "year"]
        verbose_name = _("registeropfølgning")
        verbose_name_plural = _("registeropfølgninger")

    def __str__(self) -> str:
        return f"{self.outcome} år {self.year}: {self.difference}"


class AccessLog(models.Model):
    """Who read, exported, imported or erased which citizen-level data, and when."""

    class Action(models.TextChoices):
        VIEW = "view", _("Visning")
        EXPORT = "export", _("Eksport")
        IMPORT = "import", _("Import")
        ERASE = "erase", _("Sletning")
        API = "api", _("API-opslag")
        LOOKUP = "lookup", _("CPR-opslag")
        REGISTER = "register", _("Registeropfølgning")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    username = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    what = models.CharField(max_length=255)
    initiative = models.ForeignKey(
        "portfolio.Initiative", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    municipality = models.ForeignKey(
        "organisations.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    citizen_ids = models.JSONField(default=list, blank=True)
    citizen_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("adgangslog")
        verbose_name_plural = _("adgangslog")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.what}"


class PseudonymKeyFingerprint(models.Model):
    """The fingerprint of the key (chain) the stored pseudonyms were made with: one row.

    Not the key: ``engines.evaluation.cpr.key_fingerprint`` tells whether a key is the right one and gives
    nothing away. A key whose fingerprint differs is refused (see ``pseudonyms.get_keys``).
    """

    fingerprint = models.CharField(max_length=64)
    generations = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("pseudonymnøglens fingeraftryk")
        verbose_name_plural = _("pseudonymnøglens fingeraftryk")

    def __str__(self) -> str:
        return f"{self.fingerprint[:12]}… ({self.generations})"


class SharedPseudonymSpace(models.Model):
    """Initiatives whose evaluation data share one pseudonym space, where a legal basis allows following a
    person across them (e.g. the agency's monitoring of an intervention from testing into dissemination).

    Without a row an initiative has its own space (``initiative:<id>``), so an evaluator cannot link a person
    across initiatives. A space can only be chosen while the initiative holds no citizen data: existing
    pseudonyms cannot be moved between spaces without the CPR numbers.
    """

    initiative = models.OneToOneField(
        "portfolio.Initiative", on_delete=models.CASCADE, related_name="+", verbose_name=_("initiativ")
    )
    name = models.SlugField(_("fælles pseudonymrum"), max_length=50)
    legal_basis = models.TextField(_("hjemmel"), help_text=_("Den hjemmel, der tillader samkøringen."))

    class Meta:
        verbose_name = _("fælles pseudonymrum")
        verbose_name_plural = _("fælles pseudonymrum")

    def __str__(self) -> str:
        return f"{self.name}: {self.initiative_id}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.initiative_id and Enrolment.objects.filter(initiative_id=self.initiative_id).exists():
            raise ValidationError(_("Initiativet har allerede borgerdata; pseudonymrummet kan ikke ændres."))


class FeedbackResponse(models.Model):
    """A citizen's feedback at one follow-up on a feedback instrument (``engines.evaluation.feedback``):
    who answered (the citizen, a relative, staff on the citizen's behalf) and in which format.

    Citizen-level, like a measurement: no change history (an erased citizen must be gone), deleted with the
    enrolment, read only by those who may read the citizen's data.
    """

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="feedback")
    instrument = models.CharField(_("feedbackskema"), max_length=60)
    occasion = models.ForeignKey(Occasion, on_delete=models.PROTECT, related_name="+")
    respondent = models.CharField(_("besvaret af"), max_length=20)
    format = models.CharField(_("form"), max_length=20)
    given_on = models.DateField(_("dato"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "instrument", "occasion"], name="outcomes_one_feedback_per_occasion"
            )
        ]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self) -> str:
        return f"{self.instrument}@{self.occasion_id} ({self.respondent})"


class FeedbackAnswer(models.Model):
    """One answer: a scale value, or a free text (personal data: never in an aggregate, every read logged)."""

    response = models.ForeignKey(FeedbackResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(_("spørgsmål"), max_length=40)
    value = models.FloatField(_("værdi"), null=True, blank=True)
    text = models.TextField(_("fritekst"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="outcomes_one_answer_per_question")
        ]
        verbose_name = _("feedbacksvar")
        verbose_name_plural = _("feedbacksvar")

    def __str__(self) -> str:
        return f"{self.question}={self.value}" if self.value is not None else self.question
