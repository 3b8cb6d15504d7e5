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
        # a skip may jump one or more phases: a section for every phase some skip target jumps over
        current = phases.Phase(initiative.phase)
        targets = phases.skip_targets(current)
        if targets:
            self.fields["target_phase"] = forms.ChoiceField(
                label=_("Ved overspring: hvilken fase skal initiativet gå til?"),
                choices=[(t.value, localized(phases.definition(t).name)) for t in targets],
                initial=targets[0].value,
                required=False,
            )
            for skipped in phases.skipped_phases(current, phases.Outcome.SKIP, targets[-1]):
                self._add_section(f"skip_{skipped.value}", phases.definition(skipped), [])
        self._add_track_fields(initiative, products)
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

    def _add_track_fields(self, initiative: Initiative, products: list[Product]) -> None:
        """The track after the gate (it changes only here, with a reason) and, at screening, the prototype."""
        self.fields["new_track"] = forms.ChoiceField(
            label=_("Spor efter faseovergangen"),
            choices=[(t.value, localized(phases.TRACK_NAMES[t])) for t in phases.Track],
            initial=initiative.track,
            required=False,
        )
        self.fields["track_reason"] = forms.CharField(
            label=_("Begrundelse for sporvalget"),
            widget=forms.Textarea(attrs={"rows": 2}),
            required=False,
            help_text=_("Kræves, hvis sporet skiftes."),
        )
        if phases.Phase(initiative.phase) is phases.Phase.SCREENING:
            self.fields["prototype"] = forms.TypedChoiceField(
                label=_("Prototype (et af screeningens produkter)"),
                choices=[("", "—")] + [(p.pk, p.title) for p in products],
                coerce=int,
                empty_value=None,
                required=False,
            )

    @property
    def skip_sections(self) -> list[tuple[str, phases.PhaseDefinition, list[dict]]]:
        return [section for section in self.sections if section[0] != "gate"]

    @property
    def skip_chosen(self) -> bool:
        """The skip section opens when a skip is chosen or any of its fields holds something."""
        if self["outcome"].value() == phases.Outcome.SKIP.value:
            return True
        return any(self[name].value() for name in self.fields if name.startswith("skip_"))

    def assessments(self, prefix: str) -> list[AssessmentInput]:
        """The gate's assessments (prefix "gate"), or with prefix "skip" those of every jumped-over phase."""
        data = self.cleaned_data
        result = []
        for section_prefix, definition, _rows in self.sections:
            if section_prefix != prefix and not (prefix == "skip" and section_prefix.startswith("skip_")):
                continue
            for criterion in definition.gate_criteria:
                key = f"{section_prefix}_{criterion.value}"
                result.append(
                    AssessmentInput(
                        criterion=criterion.value,
                        rating=data.get(f"{key}_rating") or "",
                        justification=data.get(f"{key}_justification") or "",
                        evidence=data.get(f"{key}_evidence") or "",
                        product_ids=tuple(int(p) for p in data.get(f"{key}_products") or ()),
                        override_justification=data.get(f"{key}_override") or "",
                        phase="" if prefix == "gate" else definition.phase.value,
                    )
                )
        return result

    def jumped_assessments(self) -> list[AssessmentInput]:
        """The skip assessments of the phases the chosen target jumps over (the others are not part of it)."""
        current = phases.Phase(self.initiative.phase)
        target = self.cleaned_data.get("target_phase") or None
        try:
            jumped = {p.value for p in phases.skipped_phases(current, phases.Outcome.SKIP, target)}
        except ValueError:
            jumped = set()
        return [a for a in self.assessments("skip") if a.phase in jumped]

    @classmethod
    def initial_from_draft(cls, draft) -> dict:
        if draft is None:
            return {}
        initial = {"outcome": draft.outcome, "justification": draft.justification}
        for a in draft.assessments.all():
            if a.scope == "gate":
                key = f"gate_{a.criterion}"
            else:
                skipped = a.skipped_phase or phases.next_phase(draft.phase) or ""
                key = f"skip_{skipped}_{a.criterion}"
            initial[f"{key}_rating"] = a.rating
            initial[f"{key}_justification"] = a.justification
            initial[f"{key}_evidence"] = a.evidence
            initial[f"{key}_products"] = [p.pk for p in a.products.all()]
            initial[f"{key}_override"] = a.override_justification
        return initial


class EntryAssessmentForm(forms.Form):
    """The entry assessment: the five criteria rated against every phase before the entry phase (all phases that
    can be jumped are offered; only those before the chosen phase count). Used to create an initiative in a later
    phase and to take a foundation's proposal into one."""

    entry_justification = forms.CharField(
        label=_("Begrundelse for at starte i en senere fase"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.entry_sections: list[tuple[phases.PhaseDefinition, list[dict]]] = []
        for definition in phases.PHASE_MODEL:
            if not definition.gate_criteria:
                continue
            rows = []
            for criterion in definition.gate_criteria:
                key = f"entry_{definition.phase.value}_{criterion.value}"
                name = localized(phases.CRITERION_NAMES[criterion])
                self.fields[f"{key}_rating"] = forms.ChoiceField(
                    label=_("Vurdering af %(name)s") % {"name": name.lower()},
                    choices=RATING_CHOICES,
                    widget=forms.RadioSelect,
                    required=False,
                )
                self.fields[f"{key}_justification"] = forms.CharField(
                    label=_("Begrundelse"), widget=forms.Textarea(attrs={"rows": 1}), required=False
                )
                rows.append(
                    {
                        "criterion": criterion,
                        "name": name,
                        "lines": [localized(t) for t in definition.continue_lines(criterion)],
                        "rating": self[f"{key}_rating"],
                        "justification": self[f"{key}_justification"],
                    }
                )
            self.entry_sections.append((definition, rows))

    def entry_assessments(self, phase: str) -> list[AssessmentInput]:
        """The ratings of the phases before `phase` (the only ones an entry into `phase` is judged on)."""
        data = self.cleaned_data
        try:
            earlier = phases.entry_phases(phase)
        except ValueError:
            return []
        return [
            AssessmentInput(
                criterion=criterion.value,
                rating=data.get(f"entry_{p.value}_{criterion.value}_rating") or "",
                justification=data.get(f"entry_{p.value}_{criterion.value}_justification") or "",
                phase=p.value,
            )
            for p in earlier
            for criterion in phases.definition(p).gate_criteria
        ]


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


class InitiativeForm(EntryAssessmentForm, forms.ModelForm):
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


class InitiativeEditForm(forms.ModelForm):
    """An initiative's details (`services.EDITABLE_FIELDS`); phase, track and status are not on it."""

    class Meta:
        model = Initiative
        fields = [
            "title",
            "summary",
            "start_date",
            "end_date",
            "lead",
            "municipalities",
            "providers",
            "evaluator",
            "method_supplier",
            "foundation",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "municipalities": forms.SelectMultiple(attrs={"size": 8, "data-search": _("Søg kommune")}),
        }

    def __init__(self, *args, leads=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].queryset = Organisation.objects.filter(
            kind=Organisation.Kind.MUNICIPALITY
        )
        self.fields["municipalities"].help_text = _(
            "Kommuner, der deltager uden for en ansøgningsrunde. Deltagelsen registreres fra i dag."
        )
        if leads is not None:
            self.fields["lead"].queryset = leads
