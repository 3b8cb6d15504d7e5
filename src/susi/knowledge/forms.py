"""Forms of the knowledge app. Every check that matters is repeated in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import (
    ADAPTATION_CHOICES,
    CRITERION_CHOICES,
    KIND_CHOICES,
    PHASE_CHOICES,
    SECTION_CHOICES,
    Audience,
)
from .services import FastTrack


class InvolvementForm(forms.Form):
    phase = forms.ChoiceField(label=_("Fase"), choices=PHASE_CHOICES)
    kind = forms.ChoiceField(label=_("Form for inddragelse"), choices=KIND_CHOICES)
    held_on = forms.DateField(label=_("Dato"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("Titel"), max_length=200)
    citizens = forms.IntegerField(label=_("Borgere (antal)"), min_value=0, initial=0)
    relatives = forms.IntegerField(label=_("Pårørende (antal)"), min_value=0, initial=0)
    staff = forms.IntegerField(label=_("Medarbejdere (antal)"), min_value=0, initial=0)
    user_organisations = forms.IntegerField(label=_("Brugerorganisationer (antal)"), min_value=0, initial=0)
    adaptations = forms.MultipleChoiceField(
        label=_("Tilpasning til deltagerne"),
        choices=ADAPTATION_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    adaptation_note = forms.CharField(label=_("Andre tilpasninger"), max_length=300, required=False)
    learned = forms.CharField(label=_("Hvad lærte vi?"), widget=forms.Textarea(attrs={"rows": 3}))
    changed = forms.CharField(
        label=_("Hvad blev ændret i indsatsen på grund af det?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    criteria = forms.MultipleChoiceField(
        label=_("Belyser kriterierne ved faseovergangen"),
        choices=CRITERION_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        initial=["demand", "implementation"],
    )

    @classmethod
    def initial_from(cls, activity) -> dict:
        return {name: getattr(activity, name) for name in cls.base_fields}


class SideEffectForm(forms.Form):
    evaluation = forms.TypedChoiceField(label=_("Effektevaluering"), coerce=int)
    outcome = forms.CharField(label=_("Uønsket udfald"), max_length=200)
    measured_by = forms.CharField(label=_("Hvordan det er målt"), max_length=300)
    estimate = forms.FloatField(label=_("Estimat"))
    ci_low = forms.FloatField(label=_("95 %-konfidensinterval, nedre"))
    ci_high = forms.FloatField(label=_("95 %-konfidensinterval, øvre"))
    higher_is_worse = forms.BooleanField(label=_("Højere værdi er værre"), required=False, initial=True)
    note = forms.CharField(label=_("Bemærkning"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, evaluations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluation"].choices = [(e.pk, str(e)) for e in evaluations]


class FastTrackForm(forms.Form):
    """The fast track for knowledge, beside the gate decision (prefix "ft")."""

    prefix = "ft"
    spread_now = forms.TypedChoiceField(
        label=_("Skal den viden, fasen har opbygget, udbredes nu?"),
        choices=[("yes", _("Ja, udbred nu")), ("no", _("Nej, ikke endnu"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Tag stilling til, om den nye viden skal udbredes nu.")},
    )
    audiences = forms.MultipleChoiceField(
        label=_("Til hvem"), choices=Audience.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    learned = forms.CharField(
        label=_("Hvad har vi lært?"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    for_whom = forms.CharField(label=_("For hvem er den nye viden relevant?"), max_length=300, required=False)
    caveats = forms.CharField(label=_("Forbehold"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def clean(self):
        data = super().clean()
        if "spread_now" in data:
            from .services import check_fast_track

            for name, message in check_fast_track(self.answer()):
                self.add_error(name, message)
        return data

    def answer(self) -> FastTrack:
        d = self.cleaned_data
        return FastTrack(
            spread_now=bool(d.get("spread_now")),
            audiences=tuple(d.get("audiences") or ()),
            learned=d.get("learned", ""),
            for_whom=d.get("for_whom", ""),
            caveats=d.get("caveats", ""),
        )


class PublicationForm(forms.Form):
    published = forms.BooleanField(label=_("Offentliggør vidensiden"), required=False)
    sections = forms.MultipleChoiceField(
        label=_("Afsnit på siden"),
        choices=SECTION_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(
        label=_("Kort beskrivelse til offentligheden"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    public_calculations = forms.MultipleChoiceField(
        label=_("Offentlige SØM-beregninger"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Kun markerede beregninger vises på den offentlige side."),
    )

    def __init__(self, *args, calculations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["public_calculations"].choices = [(str(c.pk), c.name) for c in calculations]
