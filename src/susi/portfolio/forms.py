from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from susi.engines import phases
from susi.organisations.models import Organisation
from susi.web.i18n import localized

from .models import RATING_CHOICES, Initiative, Intervention, Product, Recommendation
from .services import AssessmentInput


def _outcome_choices(phase: str) -> list[tuple[str, str]]:
    return [
        (o.value, localized(phases.OUTCOME_NAMES[o])) for o in phases.possible_outcomes(phases.Phase(phase))
    ]


class GateForm(forms.Form):
    """One fieldset per criterion (rating, justification, evidence), for the gate and for a skipped phase."""

    outcome = forms.ChoiceField(label=_("Beslutning"), widget=forms.RadioSelect, required=False)
    justification = forms.CharField(
        label=_("Begrundelse for beslutningen"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    # The decision's number when the form was shown: a second submit of the same decision is refused.
    sequence = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, initiative: Initiative, meta_analyses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.initiative = initiative
        self.fields["outcome"].choices = _outcome_choices(initiative.phase)
        self.sections: list[tuple[str, phases.PhaseDefinition, list[dict]]] = []
        products = list(initiative.products.filter(phase=initiative.phase))
        self._add_section("gate", initiative.phase_definition, products)
        skipped = phases.next_phase(initiative.phase)
        if skipped and phases.next_phase(skipped):
            self._add_section("skip", phases.definition(skipped), [])
        if meta_analyses:
            self.fields["effect_meta_analysis"] = forms.TypedChoiceField(
                label=_("Metaanalyse, som vurderingen af virkning bygger på"),
                choices=[("", "—")] + [(m.pk, str(m)) for m in meta_analyses],
                coerce=int,
                empty_value=None,
                required=False,
            )

    def _add_section(self, prefix: str, definition: phases.PhaseDefinition, products: list[Product]) -> None:
        rows = []
        for criterion in definition.gate_criteria:
            key = f"{prefix}_{criterion.value}"
            name = localized(phases.CRITERION_NAMES[criterion])
            self.fields[f"{key}_rating"] = forms.ChoiceField(
                label=_("Vurdering af %(name)s") % {"name": name.lower()},
                choices=RATING_CHOICES,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"{key}_justification"] = forms.CharField(
                label=_("Begrundelse"), widget=forms.Textarea(attrs={"rows": 2}), required=False
            )
            self.fields[f"{key}_evidence"] = forms.CharField(
                label=_("Dokumentation (ét link eller én henvisning pr. linje)"),
                widget=forms.Textarea(attrs={"rows": 1}),
                required=False,
            )
            if prefix == "gate":
                self.fields[f"{key}_override"] = forms.CharField(
                    label=_("Begrundelse, hvis du vurderer anderledes end platformens forslag"),
                    widget=forms.Textarea(attrs={"rows": 2}),
                    required=False,
                )
            if products:
                self.fields[f"{key}_products"] = forms.MultipleChoiceField(
                    label=_("Produkter, som vurderingen bygger på"),
                    choices=[(p.pk, p.title) for p in products],
                    widget=forms.CheckboxSelectMultiple,
                    required=False,
                )
            rows.append(
                {
                    "criterion": criterion,
                    "name": name,
                    "lines": [localized(t) for t in definition.continue_lines(criterion)],
                    "rating": self[f"{key}_rating"],
                    "justification": self[f"{key}_justification"],
                    "evidence": self[f"{key}_evidence"],
                    "products": self[f"{key}_products"] if products else None,
                    "override": self[f"{key}_override"] if prefix == "gate" else None,
                }
            )
        self.sections.append((prefix, definition, rows))

    @property
    def skip_chosen(self) -> bool:
        """The skip section opens when a skip is chosen or any of its fields holds something."""
        if self["outcome"].value() == phases.Outcome.SKIP.value:
            return True
        return any(self[name].value() for name in self.fields if name.startswith("skip_"))

    def assessments(self, prefix: str) -> list[AssessmentInput]:
        data = self.cleaned_data
        result = []
        for section_prefix, definition, _rows in self.sections:
            if section_prefix != prefix:
                continue
            for criterion in definition.gate_criteria:
                key = f"{prefix}_{criterion.value}"
                result.append(
                    AssessmentInput(
                        criterion=criterion.value,
                        rating=data.get(f"{key}_rating") or "",
                        justification=data.get(f"{key}_justification") or "",
                        evidence=data.get(f"{key}_evidence") or "",
                        product_ids=tuple(int(p) for p in data.get(f"{key}_products") or ()),
                        override_justification=data.get(f"{key}_override") or "",
                    )
                )
        return result

    @classmethod
    def initial_from_draft(cls, draft) -> dict:
        if draft is None:
            return {}
        initial = {"outcome": draft.outcome, "justification": draft.justification}
        for a in draft.assessments.all():
            key = f"{'gate' if a.scope == 'gate' else 'skip'}_{a.criterion}"
            initial[f"{key}_rating"] = a.rating
            initial[f"{key}_justification"] = a.justification
            initial[f"{key}_evidence"] = a.evidence
            initial[f"{key}_products"] = [p.pk for p in a.products.all()]
            initial[f"{key}_override"] = a.override_justification
        return initial


class ProductUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Produkttype"))
    title = forms.CharField(label=_("Titel"), max_length=250, required=False)
    file = forms.FileField(label=_("Fil"))
    note = forms.CharField(label=_("Note til versionen"), max_length=500, required=False)

    def __init__(self, *args, initiative: Initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (p.kind.value, localized(phases.PRODUCT_NAMES[p.kind]))
            for p in initiative.phase_definition.products
        ] + [
            (k.value, localized(phases.PRODUCT_NAMES[k]))
            for k in phases.ProductKind
            if k not in {p.kind for p in initiative.phase_definition.products}
        ]


class RecommendationForm(forms.ModelForm):
    class Meta:
        model = Recommendation
        fields = ["stance", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class InitiativeForm(forms.ModelForm):
    class Meta:
        model = Initiative
        fields = [
            "intervention",
            "title",
            "summary",
            "phase",
            "track",
            "programme",
            "area",
            "start_date",
            "end_date",
            "budget_dkk",
            "municipalities",
            "providers",
            "evaluator",
            "method_supplier",
            "foundation",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "municipalities": forms.SelectMultiple(attrs={"size": 8, "data-search": _("Søg kommune")}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].queryset = Organisation.objects.filter(
            kind=Organisation.Kind.MUNICIPALITY
        )


class InterventionForm(forms.ModelForm):
    class Meta:
        model = Intervention
        fields = ["name", "area", "target_group", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
