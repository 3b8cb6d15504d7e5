"""Forms for frames, commitments, prioritisation rounds, recommendations and decisions. They turn a POST into
the plain arguments of a service; the rules live in the services."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from susi.portfolio.models import Initiative

from .models import Candidate


class KronerField(forms.CharField):
    """Whole kroner as a Dane types them: "65.000.000", "65 000 000 kr." or "65000000"."""

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return Decimal(0)
        digits = re.sub(r"(?i)\s|kr\.?$|\.(?=\d{3}(\D|$))", "", text.strip())
        if not re.fullmatch(r"\d{1,14}", digits):
            raise forms.ValidationError(_("Skriv beløbet i hele kroner, fx 65.000.000."))
        return Decimal(digits)


class FrameForm(forms.Form):
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)
    frame_dkk = KronerField(label=_("Ramme (kr.)"))


class AllocationForm(forms.Form):
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)
    initiative = forms.ModelChoiceField(label=_("Initiativ"), queryset=Initiative.objects.none())
    amount_dkk = KronerField(label=_("Beløb (kr.)"))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, initiatives=None, **kwargs):
        super().__init__(*args, **kwargs)
        if initiatives is not None:
            self.fields["initiative"].queryset = initiatives


class RoundForm(forms.Form):
    year = forms.IntegerField(label=_("Programår"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Titel"), max_length=250)
    recommend_by = forms.DateField(
        label=_("Anbefalinger senest"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    initiatives = forms.ModelMultipleChoiceField(
        label=_("Initiativer, hvis næste fase skal prioriteres"),
        queryset=Initiative.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    screenings = forms.CharField(
        label=_("Nye screeninger (én titel pr. linje)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    proposals = forms.ModelMultipleChoiceField(
        label=_("Fondes forslag, der venter på en afgørelse"),
        queryset=Initiative.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, initiatives=None, proposals=None, **kwargs):
        super().__init__(*args, **kwargs)
        if initiatives is not None:
            self.fields["initiatives"].queryset = initiatives
        if proposals is not None:
            self.fields["proposals"].queryset = proposals

    def screening_titles(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("screenings", "").splitlines() if line.strip()]


class RecommendationForm(forms.Form):
    recommends = forms.TypedChoiceField(
        label=_("Anbefaling"),
        choices=[("1", _("Anbefaler")), ("0", _("Anbefaler ikke"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    justification = forms.CharField(label=_("Begrundelse"), widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    approved = forms.TypedChoiceField(
        label=_("Beslutning"),
        choices=[("1", _("Godkendt")), ("0", _("Ikke godkendt"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    amount_dkk = KronerField(label=_("Beløb (kr.)"), required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


KIND_CHOICES = Candidate.Kind.choices
