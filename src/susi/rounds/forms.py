"""Forms for rounds, applications, screening, reviews and determinations. They turn a POST into the plain
arguments of a service; the rules themselves live in the services and the workflow tables."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from susi.accounts.permissions import possible_reviewers

from .models import Grant, Round
from .services import CriterionInput, InstalmentInput

CRITERION_ROWS = 5
INSTALMENT_ROWS = 4


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)]


class RoundForm(forms.ModelForm):
    questions = forms.CharField(
        label=_("Spørgsmål, ansøgerne skal besvare (ét pr. linje)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    reviewers = forms.ModelMultipleChoiceField(
        label=_("Bedømmere"),
        queryset=possible_reviewers().order_by("username"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Round
        fields = [
            "phase",
            "title",
            "text",
            "for_municipalities",
            "for_providers",
            "places",
            "opens_at",
            "closes_at",
            "pool_amount",
            "pool_covers",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 5}),
            "opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in ("opens_at", "closes_at"):
            self.fields[field].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]
        for i in range(CRITERION_ROWS):
            self.fields[f"criterion_{i}_name"] = forms.CharField(
                label=_("Kriterium %(n)d") % {"n": i + 1}, max_length=200, required=False
            )
            self.fields[f"criterion_{i}_weight"] = forms.IntegerField(
                label=_("Vægt (%%) for kriterium %(n)d") % {"n": i + 1},
                min_value=0,
                max_value=100,
                required=False,
            )

    def criterion_rows(self):
        return [(self[f"criterion_{i}_name"], self[f"criterion_{i}_weight"]) for i in range(CRITERION_ROWS)]

    def criteria(self) -> list[CriterionInput]:
        data = self.cleaned_data
        return [
            CriterionInput(
                name=data.get(f"criterion_{i}_name") or "", weight=data.get(f"criterion_{i}_weight") or 0
            )
            for i in range(CRITERION_ROWS)
            if (data.get(f"criterion_{i}_name") or "").strip()
        ]

    def question_lines(self) -> list[str]:
        return [
            line.strip() for line in (self.cleaned_data.get("questions") or "").splitlines() if line.strip()
        ]


class ApplicationForm(forms.Form):
    target_group_size = forms.IntegerField(
        label=_("Målgruppens størrelse hos jer (antal borgere)"), min_value=0, required=False
    )
    staff = forms.CharField(label=_("Medarbejdere"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    organisation_setup = forms.CharField(
        label=_("Organisering og ledelse"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    partners = forms.CharField(
        label=_("Samarbejdspartnere"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    data_sources = forms.CharField(
        label=_("Data og dokumentation"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    contact_name = forms.CharField(label=_("Kontaktperson"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Kontaktpersonens e-mail"), required=False)
    amount_requested = forms.DecimalField(
        label=_("Ansøgt beløb (kr.)"),
        min_value=0,
        max_digits=14,
        decimal_places=0,
        required=False,
        localize=True,
    )
    attachments = MultipleFileField(label=_("Bilag"), required=False)

    def __init__(self, *args, round_: Round, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round_
        self.question_fields = []
        for q in round_.questions.all():
            name = f"question_{q.pk}"
            self.fields[name] = forms.CharField(
                label=q.text, widget=forms.Textarea(attrs={"rows": 3}), required=False
            )
            self.question_fields.append(name)

    def answers(self) -> dict[str, str]:
        return {
            name.removeprefix("question_"): self.cleaned_data.get(name) or "" for name in self.question_fields
        }

    @classmethod
    def initial_from(cls, application) -> dict:
        if application is None:
            return {}
        initial = {
            f: getattr(application, f)
            for f in (
                "target_group_size",
                "staff",
                "organisation_setup",
                "partners",
                "contact_name",
                "contact_email",
                "amount_requested",
            )
        }
        initial["data_sources"] = application.data
        initial.update({f"question_{k}": v for k, v in application.answers.items()})
        return initial


class ScreeningForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Screening"),
        choices=[("in", _("Videre til vurdering")), ("out", _("Sortér fra"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Begrundelse"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReviewForm(forms.Form):
    comment = forms.CharField(label=_("Kommentar"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, round_: Round, **kwargs):
        super().__init__(*args, **kwargs)
        self.score_fields = []
        for c in round_.criteria.all():
            name = f"score_{c.pk}"
            self.fields[name] = forms.TypedChoiceField(
                label=f"{c.name} ({c.weight} %)",
                choices=[(str(i), str(i)) for i in range(6)],
                coerce=int,
                widget=forms.RadioSelect,
                required=False,
            )
            self.score_fields.append(name)

    def scores(self) -> dict[str, int | None]:
        return {name.removeprefix("score_"): self.cleaned_data.get(name) for name in self.score_fields}


class DeterminationForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Afgørelse"),
        choices=[("accept", _("Optag")), ("reject", _("Afvis"))],
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=_("Besked til ansøgeren"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    grant_amount = forms.DecimalField(
        label=_("Tilskud (kr.)"), min_value=0, max_digits=14, decimal_places=0, required=False, localize=True
    )
    grant_purpose = forms.ChoiceField(
        label=_("Tilskuddets formål"), choices=Grant.Purpose.choices, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(INSTALMENT_ROWS):
            self.fields[f"instalment_{i}_due"] = forms.DateField(
                label=_("Rate %(n)d forfalder") % {"n": i + 1},
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
            )
            self.fields[f"instalment_{i}_amount"] = forms.DecimalField(
                label=_("Rate %(n)d beløb (kr.)") % {"n": i + 1},
                min_value=0,
                max_digits=14,
                decimal_places=0,
                required=False,
                localize=True,
            )

    def instalment_rows(self):
        return [(self[f"instalment_{i}_due"], self[f"instalment_{i}_amount"]) for i in range(INSTALMENT_ROWS)]

    def instalments(self) -> list[InstalmentInput]:
        data = self.cleaned_data
        return [
            InstalmentInput(due_on=data[f"instalment_{i}_due"], amount=data[f"instalment_{i}_amount"])
            for i in range(INSTALMENT_ROWS)
            if data.get(f"instalment_{i}_due") and data.get(f"instalment_{i}_amount") is not None
        ]


class OfferDeliveryForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    offer = forms.ChoiceField(label=_("Tilbud"))
    delivered_on = forms.DateField(label=_("Dato"), widget=forms.DateInput(attrs={"type": "date"}))
    people_trained = forms.IntegerField(label=_("Antal deltagere"), min_value=0, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, organisations=(), offers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = list(organisations)  # type: ignore[attr-defined]
        self.fields["offer"].choices = list(offers)  # type: ignore[attr-defined]
