from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ReadinessAnswer, ReadinessItem


class ReadinessItemForm(forms.ModelForm):
    class Meta:
        model = ReadinessItem
        fields = ["category", "text"]


class ReadinessForm(forms.Form):
    """One status (and a note) per line of the intervention's checklist."""

    def __init__(self, *args, readiness, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for item, answer in readiness:
            status, note = f"item_{item.pk}_status", f"item_{item.pk}_note"
            self.fields[status] = forms.ChoiceField(
                label=item.text,
                choices=ReadinessAnswer.Status.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=answer.status if answer else None,
            )
            self.fields[note] = forms.CharField(
                label=_("Bemærkning"), required=False, initial=answer.note if answer else ""
            )
            self.rows.append({"item": item, "status": self[status], "note": self[note]})

    def answers(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {
            row["item"].pk: (
                data.get(f"item_{row['item'].pk}_status") or "",
                data.get(f"item_{row['item'].pk}_note") or "",
            )
            for row in self.rows
        }
