"""Forms of the evidence pages. They only parse; the rules live in services and the engine."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from susi.engines.evidence import practice as practice_engine
from susi.engines.evidence.rating import RiskOfBias
from susi.portfolio.models import Intervention
from susi.web.i18n import lazy_localized

from .models import DESIGN_CHOICES, MEASURE_CHOICES, METHOD_CHOICES, RISK_OF_BIAS_CHOICES, Study


class StudyForm(forms.ModelForm):
    class Meta:
        model = Study
        fields = [
            "intervention",
            "outcome",
            "label",
            "year",
            "citation",
            "design",
            "grade",
            "risk_of_bias",
            "risk_of_bias_notes",
            "country",
            "target_group",
            "setting",
            "measure",
            "ai",
            "bi",
            "ci",
            "di",
            "m1i",
            "sd1i",
            "n1i",
            "m2i",
            "sd2i",
            "n2i",
            "yi",
            "vi",
            "subgroup",
            "moderator",
        ]
        widgets = {
            "citation": forms.Textarea(attrs={"rows": 2}),
            "risk_of_bias_notes": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "grade": _("Tomt: udledes af designet."),
            "measure": _(
                "2×2-tabel (ai–di) for RR, OR og RD; gennemsnit, SD og antal for SMD og MD; yi og vi for GEN."
            ),
        }


OUTCOME_WIDGET = forms.TextInput(attrs={"list": "outcome-options", "autocomplete": "off"})


class ImportForm(forms.Form):
    intervention = forms.ModelChoiceField(label=_("Indsats"), queryset=Intervention.objects.order_by("name"))
    outcome = forms.CharField(label=_("Udfaldsmål"), max_length=200, widget=OUTCOME_WIDGET)
    measure = forms.ChoiceField(label=_("Effektmål"), choices=MEASURE_CHOICES)
    file = forms.FileField(
        label=_("Fil (CSV eller Excel)"),
        help_text=_(
            "Kolonner navngivet som i metafor: ai, bi, ci, di (RR/OR/RD); m1i, sd1i, n1i, m2i, sd2i, n2i "
            "(SMD/MD); yi, vi (GEN). Valgfrit: study, year, design, grade, risk_of_bias, country, subgroup, "
            "moderator."
        ),
    )
    design = forms.ChoiceField(label=_("Design (når filen ikke angiver det)"), choices=DESIGN_CHOICES)
    risk_of_bias = forms.ChoiceField(
        label=_("Risiko for bias (når filen ikke angiver det)"),
        choices=RISK_OF_BIAS_CHOICES,
        initial=RiskOfBias.SOME.value,
    )
    country = forms.CharField(label=_("Land (når filen ikke angiver det)"), initial="DK", max_length=2)


class MetaForm(forms.Form):
    intervention = forms.ModelChoiceField(label=_("Indsats"), queryset=Intervention.objects.order_by("name"))
    outcome = forms.CharField(label=_("Udfaldsmål"), max_length=200, widget=OUTCOME_WIDGET)
    measure = forms.ChoiceField(label=_("Effektmål"), choices=MEASURE_CHOICES)
    method = forms.ChoiceField(label=_("Metode"), choices=METHOD_CHOICES, initial="REML")
    hk = forms.BooleanField(label=_("Hartung–Knapp-justering"), required=False)
    higher_is_better = forms.TypedChoiceField(
        label=_("Hvilken retning er god?"),
        choices=[("1", _("Højere værdi er bedre")), ("0", _("Lavere værdi er bedre"))],
        coerce=lambda v: v == "1",
        initial="1",
    )


class SuccessRateForm(forms.Form):
    baseline_percent = forms.FloatField(
        label=_("Andel, der i dag (nuværende praksis) når udfaldet (%)"), min_value=0.01, max_value=99.99
    )
    desirable = forms.TypedChoiceField(
        label=_("Er udfaldet ønskeligt?"),
        choices=[("1", _("Ja – flere er bedre (fx ophør af hjemløshed)")), ("0", _("Nej – færre er bedre"))],
        coerce=lambda v: v == "1",
        initial="1",
    )
    interval = forms.ChoiceField(
        label=_("Usikkerhed"),
        choices=[
            ("confidence", _("Konfidensinterval for den gennemsnitlige effekt")),
            ("prediction", _("Prædiktionsinterval for effekten i en ny kommune")),
        ],
        initial="prediction",
    )


class PracticeForm(forms.Form):
    practice_name = forms.CharField(label=_("Praksissens navn"), max_length=200)
    description = forms.CharField(
        label=_("Kort beskrivelse"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    intervention = forms.ModelChoiceField(
        label=_("Indsats i porteføljen (valgfri)"),
        queryset=Intervention.objects.order_by("name"),
        required=False,
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"] = forms.ModelChoiceField(
                label=_("Organisation"), queryset=organisations
            )
        self.sections = []
        choices = [(str(k), lazy_localized(v)) for k, v in practice_engine.SCALE.items()]
        for element in practice_engine.ELEMENTS:
            keys = []
            for i, statement in enumerate(element.statements, start=1):
                key = f"{element.key}_{i}"
                self.fields[key] = forms.ChoiceField(
                    label=lazy_localized(statement), choices=choices, widget=forms.RadioSelect, required=False
                )
                keys.append(key)
            self.sections.append((element, keys))

    def answers(self) -> dict[str, str]:
        return {k: self.cleaned_data.get(k, "") for k in practice_engine.question_keys()}

    def section_fields(self):
        return [(element, [self[k] for k in keys]) for element, keys in self.sections]
