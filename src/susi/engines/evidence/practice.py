"""Promising practice (lovende praksis): the 11 elements as a self-assessment, and the profile it gives.

The elements are those of SFI's 2016 study of promising practice in the specialised social area (listed in
SUSI's own material): theory and knowledge, effect, description, goals, transferability, economy,
professional reflection, relational collaboration, individual planning, monitoring, follow-up. Each element
is asked as two statements that a municipality or provider answers for a practice it runs, on a four-step
scale: 0 "slet ikke", 1 "i mindre grad", 2 "i nogen grad", 3 "i høj grad".

The profile is each element's mean answer as a share of the maximum (0-100 %). The summary rule is ours,
written to be read aloud in screening:

- *I høj grad lovende*: overall ≥ 75 % and no element below 1/3 (an answer average under "i mindre grad").
- *I nogen grad lovende*: overall ≥ 50 %.
- *Endnu ikke lovende*: otherwise.

Strengths are the elements at ≥ 5/6 (average above "i nogen grad" towards "i høj grad"); gaps those below
1/2. Unanswered statements do not count towards an element; an element with no answers is reported as such.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from susi.engines.text import Text

from .errors import EvidenceInputError

SCALE: dict[int, Text] = {
    0: Text("Slet ikke", "Not at all"),
    1: Text("I mindre grad", "To a small degree"),
    2: Text("I nogen grad", "To some degree"),
    3: Text("I høj grad", "To a high degree"),
}
MAX_ANSWER = 3


@dataclass(frozen=True)
class Element:
    key: str
    name: Text
    statements: tuple[Text, Text]


ELEMENTS: tuple[Element, ...] = (
    Element(
        "theory",
        Text("Teori og viden", "Theory and knowledge"),
        (
            Text(
                "Praksissen bygger på en beskrevet teori eller forandringsteori.",
                "The practice rests on a described theory or theory of change.",
            ),
            Text(
                "Praksissen bygger på forskning eller anden dokumenteret viden om, hvad der virker for målgruppen.",
                "The practice rests on research or other documented knowledge of what works for the target group.",
            ),
        ),
    ),
    Element(
        "effect",
        Text("Virkning", "Effect"),
        (
            Text(
                "Der er dokumentation for, at borgerne opnår de ønskede resultater.",
                "There is documentation that citizens reach the intended results.",
            ),
            Text(
                "Resultaterne er sammenlignet med en kontrolgruppe, et udgangspunkt eller andre indsatser.",
                "The results are compared with a control group, a baseline or other interventions.",
            ),
        ),
    ),
    Element(
        "description",
        Text("Beskrivelse", "Description"),
        (
            Text(
                "Målgruppe, aktiviteter og metoder er beskrevet skriftligt.",
                "Target group, activities and methods are described in writing.",
            ),
            Text(
                "Beskrivelsen er så præcis, at andre medarbejdere kan udføre praksissen på samme måde.",
                "The description is precise enough for other staff to carry out the practice the same way.",
            ),
        ),
    ),
    Element(
        "goals",
        Text("Mål", "Goals"),
        (
            Text(
                "Der er formuleret klare og målbare mål for borgerne.",
                "Clear and measurable goals have been set for the citizens.",
            ),
            Text(
                "Målene hænger tydeligt sammen med aktiviteterne.",
                "The goals are clearly linked to the activities.",
            ),
        ),
    ),
    Element(
        "transferability",
        Text("Overførbarhed", "Transferability"),
        (
            Text(
                "Praksissen kan gennemføres i andre kommuner eller tilbud.",
                "The practice can be carried out in other municipalities or services.",
            ),
            Text(
                "Det er beskrevet, hvilke forudsætninger (kompetencer, organisering) der skal være til stede.",
                "The conditions that must be in place (skills, organisation) are described.",
            ),
        ),
    ),
    Element(
        "economy",
        Text("Økonomi", "Economy"),
        (
            Text(
                "Praksissens omkostninger er opgjort.",
                "The costs of the practice have been calculated.",
            ),
            Text(
                "Omkostningerne står i et rimeligt forhold til de forventede resultater.",
                "The costs are reasonable compared with the expected results.",
            ),
        ),
    ),
    Element(
        "reflection",
        Text("Faglig refleksion", "Professional reflection"),
        (
            Text(
                "Medarbejderne reflekterer systematisk over egen praksis, fx i supervision.",
                "Staff reflect systematically on their own practice, e.g. in supervision.",
            ),
            Text(
                "Ny viden og erfaringer bruges til at justere praksissen.",
                "New knowledge and experience are used to adjust the practice.",
            ),
        ),
    ),
    Element(
        "relational",
        Text("Relationelt samarbejde", "Relational collaboration"),
        (
            Text(
                "Der lægges vægt på en god relation mellem medarbejder og borger.",
                "Emphasis is placed on a good relationship between staff member and citizen.",
            ),
            Text(
                "Borgeren og evt. pårørende inddrages aktivt i samarbejdet.",
                "The citizen and, where relevant, relatives take an active part in the collaboration.",
            ),
        ),
    ),
    Element(
        "individual",
        Text("Individuel tilrettelæggelse", "Individual planning"),
        (
            Text(
                "Indsatsen tilpasses den enkelte borgers behov og ressourcer.",
                "The intervention is adapted to each citizen's needs and resources.",
            ),
            Text(
                "Der udarbejdes en individuel plan sammen med borgeren.",
                "An individual plan is drawn up together with the citizen.",
            ),
        ),
    ),
    Element(
        "monitoring",
        Text("Monitorering", "Monitoring"),
        (
            Text(
                "Borgernes progression måles løbende med faste redskaber.",
                "Citizens' progress is measured continuously with fixed instruments.",
            ),
            Text(
                "Data fra monitoreringen bruges i det daglige arbejde.",
                "Monitoring data are used in the daily work.",
            ),
        ),
    ),
    Element(
        "followup",
        Text("Opfølgning", "Follow-up"),
        (
            Text(
                "Der følges systematisk op på, om målene for den enkelte borger nås.",
                "Whether each citizen's goals are reached is followed up systematically.",
            ),
            Text(
                "Indsatsen justeres, når opfølgningen viser, at målene ikke nås.",
                "The intervention is adjusted when follow-up shows the goals are not reached.",
            ),
        ),
    ),
)

ELEMENT_KEYS = tuple(e.key for e in ELEMENTS)


def question_keys() -> tuple[str, ...]:
    """`<element>_<1|2>` for every statement, in order."""
    return tuple(f"{e.key}_{i}" for e in ELEMENTS for i in (1, 2))


@dataclass(frozen=True)
class ElementScore:
    key: str
    name: Text
    share: float | None  # 0..1, None when nothing was answered
    answered: int


@dataclass(frozen=True)
class PracticeProfile:
    elements: tuple[ElementScore, ...]
    overall: float | None
    level: Text
    strengths: tuple[Text, ...]
    gaps: tuple[Text, ...]
    unanswered: tuple[Text, ...]

    @property
    def summary(self) -> Text:
        if self.overall is None:
            return Text("Selvevalueringen er ikke udfyldt.", "The self-assessment has not been filled in.")
        return Text(self._summary("da"), self._summary("en"))

    def _summary(self, lang: str) -> str:
        def names(texts: tuple[Text, ...]) -> str:
            return ", ".join(getattr(t, lang) for t in texts)

        da = lang == "da"
        overall = round((self.overall or 0) * 100)
        parts = [f"{getattr(self.level, lang)} ({'samlet' if da else 'overall'} {overall} %)."]
        if self.strengths:
            parts.append(("Styrker: " if da else "Strengths: ") + names(self.strengths) + ".")
        if self.gaps:
            parts.append(("Udviklingsområder: " if da else "Areas to develop: ") + names(self.gaps) + ".")
        if self.unanswered:
            parts.append(("Ikke besvaret: " if da else "Not answered: ") + names(self.unanswered) + ".")
        return " ".join(parts)


def profile(answers: Mapping[str, int | None]) -> PracticeProfile:
    """The profile of one self-assessment; `answers` maps `question_keys()` to 0-3 or None."""
    valid = set(question_keys())
    unknown = sorted(set(answers) - valid)
    if unknown:
        raise EvidenceInputError(
            unknown[0], Text(f"Ukendt spørgsmål '{unknown[0]}'.", f"Unknown question '{unknown[0]}'.")
        )
    scores = []
    for e in ELEMENTS:
        vals = []
        for i in (1, 2):
            key = f"{e.key}_{i}"
            a = answers.get(key)
            if a is None:
                continue
            if not isinstance(a, int) or isinstance(a, bool) or not 0 <= a <= MAX_ANSWER:
                raise EvidenceInputError(
                    key,
                    Text(
                        f"Svaret på '{e.name.da}' skal være 0, 1, 2 eller 3.",
                        f"Answer to '{key}' must be 0, 1, 2 or 3.",
                    ),
                )
            vals.append(a)
        share = sum(vals) / (MAX_ANSWER * len(vals)) if vals else None
        scores.append(ElementScore(e.key, e.name, share, len(vals)))
    answered = [s.share for s in scores if s.share is not None]
    overall = sum(answered) / len(answered) if answered else None
    if overall is None:
        level = Text("Ikke udfyldt", "Not filled in")
    elif overall >= 0.75 and min(answered) >= 1 / 3:
        level = Text("I høj grad lovende praksis", "Promising practice to a high degree")
    elif overall >= 0.5:
        level = Text("I nogen grad lovende praksis", "Promising practice to some degree")
    else:
        level = Text("Endnu ikke lovende praksis", "Not yet promising practice")
    return PracticeProfile(
        elements=tuple(scores),
        overall=overall,
        level=level,
        strengths=tuple(s.name for s in scores if s.share is not None and s.share >= 5 / 6),
        gaps=tuple(s.name for s in scores if s.share is not None and s.share < 0.5),
        unanswered=tuple(s.name for s in scores if s.share is None),
    )
