"""Forms of the outcomes pages. Labels and errors in Danish."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from susi.engines.evaluation.estimators import DESIGNS, LABELS_DA


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
    design = forms.ChoiceField(label=_("Metode"), choices=[(d, LABELS_DA[d]) for d in DESIGNS])
    followup = forms.TypedChoiceField(label=_("Opfølgning"), coerce=int)

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
