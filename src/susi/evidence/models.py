"""The evidence register: effect studies, saved meta-analyses with their rating, gate links, and
promising-practice self-assessments. Data only; the numbers come from `susi.engines.evidence`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from susi.engines.evidence.effect_sizes import MEASURE_LABELS, Measure
from susi.engines.evidence.meta import METHOD_LABELS, Method
from susi.engines.evidence.rating import DESIGN_LABELS, LEVEL_LABELS, Design, Level, RiskOfBias
from susi.engines.text import Text
from susi.web.i18n import lazy_localized


def _choice(code: str, label: Text) -> Text:
    return Text(f"{code} – {label.da}", f"{code} – {label.en}")


#: The measures a study in the register can be stored with (its fields are the 2×2 counts, the means and SDs,
#: and yi/vi). The engine, the `susi evidence` command and the API also compute ROM, COR, ZCOR, PR, PLO, PAS
#: and PFT; such a study is registered with its yi and vi (measure GEN).
REGISTER_MEASURES = (Measure.RR, Measure.OR, Measure.RD, Measure.SMD, Measure.MD, Measure.GEN)
MEASURE_CHOICES = [(m.value, lazy_localized(_choice(m.value, MEASURE_LABELS[m]))) for m in REGISTER_MEASURES]
METHOD_CHOICES = [(m.value, lazy_localized(_choice(m.value, METHOD_LABELS[m]))) for m in Method]
DESIGN_CHOICES = [(d.value, lazy_localized(DESIGN_LABELS[d])) for d in Design]
LEVEL_CHOICES = [(lv.value, lazy_localized(LEVEL_LABELS[lv])) for lv in Level]
GRADE_CHOICES = [
    (1, _("1 – metaanalyse eller RCT")),
    (2, _("2 – kvasieksperiment eller før/efter med kontrolgruppe")),
    (3, _("3 – før/efter uden kontrolgruppe")),
]
RISK_OF_BIAS_CHOICES = [
    (RiskOfBias.LOW.value, _("Lav")),
    (RiskOfBias.SOME.value, _("Nogen")),
    (RiskOfBias.HIGH.value, _("Høj")),
]

#: The numeric fields of a study, in metafor's names (the engine's REQUIRED_COLUMNS say which a measure needs).
DATA_FIELDS = ("ai", "bi", "ci", "di", "m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i", "yi", "vi")


class Study(models.Model):
    """One effect study of an intervention on one outcome, with the numbers a meta-analysis needs."""

    intervention = models.ForeignKey(
        "portfolio.Intervention", verbose_name=_("indsats"), on_delete=models.PROTECT, related_name="studies"
    )
    outcome = models.CharField(_("udfaldsmål"), max_length=200, help_text=_("Fx 'Ophør af hjemløshed'."))
    label = models.CharField(_("studie"), max_length=200, help_text=_("Fx 'Jensen m.fl. 2021'."))
    citation = models.TextField(_("reference"), blank=True)
    year = models.PositiveSmallIntegerField(_("år"), null=True, blank=True)
    design = models.CharField(_("design"), max_length=30, choices=DESIGN_CHOICES)
    grade = models.PositiveSmallIntegerField(
        _("SØM-evidensniveau"), choices=GRADE_CHOICES, null=True, blank=True
    )
    risk_of_bias = models.CharField(
        _("risiko for bias"), max_length=10, choices=RISK_OF_BIAS_CHOICES, default=RiskOfBias.SOME.value
    )
    risk_of_bias_notes = models.TextField(_("noter om risiko for bias"), blank=True)
    country = models.CharField(_("land (ISO-kode)"), max_length=2, default="DK")
    target_group = models.CharField(_("målgruppe"), max_length=300, blank=True)
    setting = models.CharField(_("kontekst / setting"), max_length=300, blank=True)
    measure = models.CharField(_("effektmål"), max_length=3, choices=MEASURE_CHOICES)
    ai = models.FloatField(_("ai (hændelser, indsats)"), null=True, blank=True)
    bi = models.FloatField(_("bi (ikke-hændelser, indsats)"), null=True, blank=True)
    ci = models.FloatField(_("ci (hændelser, kontrol)"), null=True, blank=True)
    di = models.FloatField(_("di (ikke-hændelser, kontrol)"), null=True, blank=True)
    m1i = models.FloatField(_("m1i (gennemsnit, indsats)"), null=True, blank=True)
    sd1i = models.FloatField(_("sd1i (standardafvigelse, indsats)"), null=True, blank=True)
    n1i = models.FloatField(_("n1i (antal, indsats)"), null=True, blank=True)
    m2i = models.FloatField(_("m2i (gennemsnit, kontrol)"), null=True, blank=True)
    sd2i = models.FloatField(_("sd2i (standardafvigelse, kontrol)"), null=True, blank=True)
    n2i = models.FloatField(_("n2i (antal, kontrol)"), null=True, blank=True)
    yi = models.FloatField(_("yi (effekt)"), null=True, blank=True)
    vi = models.FloatField(_("vi (variens)"), null=True, blank=True)
    subgroup = models.CharField(_("subgruppe"), max_length=100, blank=True)
    moderator = models.FloatField(_("moderator (tal)"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The evidence chain (evidence.chain): a study made from the platform's own saved effect evaluation.
    # `source_key` names the evaluation's initiative, instrument and follow-up, so a newer estimate of the same
    # updates this study (with history) instead of adding a second one; `provenance` says which, by whom, when.
    source_evaluation = models.ForeignKey(
        "outcomes.EffectEvaluation",
        verbose_name=_("fra effektevaluering"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_key = models.CharField(max_length=100, blank=True, db_index=True)
    provenance = models.JSONField(_("oprindelse"), default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("effektstudie")
        verbose_name_plural = _("effektstudier")
        ordering = ["intervention__name", "outcome", "year", "label"]
        indexes = [models.Index(fields=["intervention", "outcome", "measure"])]

    def __str__(self) -> str:
        return f"{self.label} ({self.outcome})"

    def data(self) -> dict[str, float | None]:
        return {f: getattr(self, f) for f in DATA_FIELDS}


class MetaAnalysis(models.Model):
    """A saved meta-analysis: which studies, how, the result, and the evidence rating it supports."""

    intervention = models.ForeignKey(
        "portfolio.Intervention",
        verbose_name=_("indsats"),
        on_delete=models.PROTECT,
        related_name="meta_analyses",
    )
    outcome = models.CharField(_("udfaldsmål"), max_length=200)
    title = models.CharField(_("titel"), max_length=250)
    measure = models.CharField(_("effektmål"), max_length=3, choices=MEASURE_CHOICES)
    method = models.CharField(_("metode"), max_length=4, choices=METHOD_CHOICES)
    hk = models.BooleanField(_("Hartung–Knapp-justering"), default=False)
    higher_is_better = models.BooleanField(_("højere værdi er bedre"), default=True)
    studies = models.ManyToManyField(Study, verbose_name=_("studier"), related_name="meta_analyses")
    result = models.JSONField(_("resultat"))
    rating_level = models.CharField(_("evidensvurdering"), max_length=4, choices=LEVEL_CHOICES)
    rating_reasons = models.JSONField(_("begrundelse for vurderingen"), default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[studies])

    class Meta:
        verbose_name = _("metaanalyse")
        verbose_name_plural = _("metaanalyser")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.title} – {self.get_rating_level_display()}"

    def get_absolute_url(self) -> str:
        return reverse("evidence:meta_detail", args=[self.pk])

    @property
    def reasons(self) -> list[tuple[Text, bool]]:
        """The stored reasons of the rating as (Text, met); rows saved before the English was stored show Danish."""
        return [(Text(r["text"], r.get("text_en") or r["text"]), bool(r["met"])) for r in self.rating_reasons]


class EffectCriterionLink(models.Model):
    """A gate's effect criterion cites a saved meta-analysis and its rating."""

    assessment = models.OneToOneField(
        "portfolio.CriterionAssessment", on_delete=models.CASCADE, related_name="effect_link"
    )
    meta_analysis = models.ForeignKey(MetaAnalysis, on_delete=models.PROTECT, related_name="criterion_links")
    linked_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kobling mellem virkningskriterium og metaanalyse")

    def __str__(self) -> str:
        return f"{self.assessment} → {self.meta_analysis}"


class PracticeAssessment(models.Model):
    """A municipality's or provider's self-assessment of a practice it runs, on the 11 elements."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="practice_assessments",
    )
    intervention = models.ForeignKey(
        "portfolio.Intervention",
        verbose_name=_("indsats (hvis den findes i porteføljen)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practice_assessments",
    )
    practice_name = models.CharField(_("praksissens navn"), max_length=200)
    description = models.TextField(_("kort beskrivelse"), blank=True)
    answers = models.JSONField(_("svar"), default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("selvevaluering af lovende praksis")
        verbose_name_plural = _("selvevalueringer af lovende praksis")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.practice_name} ({self.organisation})"

    def get_absolute_url(self) -> str:
        return reverse("evidence:practice_detail", args=[self.pk])
