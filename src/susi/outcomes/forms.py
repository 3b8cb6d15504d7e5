"""Forms of the outcomes pages. Labels and errors in Danish."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from susi.engines.evaluation.estimators import DESIGNS
from susi.web.i18n import lazy_localized

from .evaluation import DESIGN_LABELS, SURVIVAL


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fil (CSV eller Excel)"),
        help_text=_("Én række pr. måling: CPR-nummer, gruppe, startdato, måleredskab, måletidspunkt, værdi."),
    )
    municipality = forms.ChoiceField(label=_("Kommune"), required=False)

    def __init__(self, *args, municipalities=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(m.code, str(m)) for m in municipalities]
        if len(choices) > 1:
            choices = [("", _("Filen har en kolonne 'kommune'")), *choices]
        self.fields["municipality"].choices = choices


class EstimateForm(forms.Form):
    instrument = forms.ChoiceField(label=_("Måleredskab"))
    design = forms.ChoiceField(
        label=_("Metode"), choices=[(d, lazy_localized(DESIGN_LABELS[d])) for d in (*DESIGNS, SURVIVAL)]
    )
    followup = forms.TypedChoiceField(label=_("Opfølgning"), coerce=int)
    baseline_rate = forms.DecimalField(
        label=_("Grundrate uden indsatsen (andel, fx 0,02)"),
        required=False,
        min_value=0,
        max_value=1,
        localize=True,
        help_text=_(
            "Til SØM: andelen der når succesudfaldet uden indsatsen. Ved ja/nej-udfald bruges sammenligningsgruppen."
        ),
    )

    cluster = forms.ChoiceField(
        label=_("Usikkerhed klynget på"),
        choices=[("pseudonym", _("Borger")), ("municipality", _("Kommune"))],
        required=False,
        help_text=_(
            "Forskel-i-forskelle og forskudt opstart: vælg kommune, når det er kommunerne, der tager "
            "indsatsen i brug."
        ),
    )

    def clean_cluster(self):
        return self.cleaned_data.get("cluster") or "pseudonym"

    def __init__(self, *args, instruments=(), occasions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = [(i.code, i.name) for i in instruments]
        self.fields["followup"].choices = [(o.number, o.label) for o in occasions if o.number > 0]


class CitizenLookupForm(forms.Form):
    """A CPR number typed by a municipality worker to find one citizen; never stored or logged."""

    cpr = forms.CharField(
        label=_("CPR-nummer"),
        max_length=20,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off", "inputmode": "numeric"}),
        help_text=_("Bruges kun til at finde borgerens pseudonym; gemmes og logges ikke."),
    )


class SubgroupForm(forms.Form):
    """For whom does it work: the measure, the pre-declared subgroup and the follow-up."""

    instrument = forms.ChoiceField(label=_("Måleredskab"))
    by = forms.ChoiceField(label=_("Undergruppe"))
    followup = forms.TypedChoiceField(label=_("Opfølgning"), coerce=int)

    def __init__(self, *args, instruments=(), occasions=(), subgroups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = [(i.code, i.name) for i in instruments]
        self.fields["followup"].choices = [(o.number, o.label) for o in occasions if o.number > 0]
        names = {"municipality": _("Kommune"), "sex": _("Køn"), "age_group": _("Aldersgruppe")}
        self.fields["by"].choices = [(s, names[s]) for s in subgroups]
