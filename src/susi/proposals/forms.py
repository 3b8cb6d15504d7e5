from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from susi.engines import phases
from susi.portfolio.forms import EntryAssessmentForm
from susi.portfolio.models import PHASE_CHOICES, TRACK_CHOICES, Area, Programme


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ConceptForm(forms.Form):
    title = forms.CharField(label=_("Projektets titel"), max_length=250)
    area = forms.ChoiceField(label=_("Målgruppeområde"), choices=Area.choices)
    concept = forms.CharField(
        label=_("Idéoplæg"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Det sociale problem, målgruppen, idéen og hvad fonden allerede ved om den."),
    )


class FullProposalForm(forms.Form):
    description = forms.CharField(label=_("Projektbeskrivelse"), widget=forms.Textarea(attrs={"rows": 6}))
    evidence = forms.CharField(
        label=_("Den viden og dokumentation, projektet har"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    co_funding_dkk = forms.IntegerField(label=_("Medfinansiering fra fonden (kr.)"), min_value=0, initial=0)
    requested_phase = forms.ChoiceField(label=_("Ønsket fase"), choices=PHASE_CHOICES)
    documents = MultipleFileField(label=_("Dokumenter"), required=False)


class MessageForm(forms.Form):
    message = forms.CharField(label=_("Besked til fonden"), widget=forms.Textarea(attrs={"rows": 3}))


class AcceptForm(EntryAssessmentForm):
    phase = forms.ChoiceField(label=_("Optag i fasen"), choices=PHASE_CHOICES)
    track = forms.ChoiceField(label=_("Spor"), choices=TRACK_CHOICES, initial=phases.Track.ONE.value)
    programme = forms.ChoiceField(label=_("Program"), choices=Programme.choices)
    start_date = forms.DateField(
        label=_("Startdato"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    message = forms.CharField(
        label=_("Besked til fonden"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, proposal=None, **kwargs):
        super().__init__(*args, **kwargs)
        if proposal is not None and proposal.requested_phase:
            self.fields["phase"].initial = proposal.requested_phase
        self.fields["start_date"].initial = timezone.localdate()

    @property
    def decision_fields(self):
        return [self[name] for name in ("phase", "track", "programme", "start_date", "message")]
