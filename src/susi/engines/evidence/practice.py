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

SCALE_DA: dict[int, str] = {0: "Slet ikke", 1: "I mindre grad", 2: "I nogen grad", 3: "I høj grad"}
MAX_ANSWER = 3


@dataclass(frozen=True)
class Element:
    key: str
    name_da: str
    statements_da: tuple[str, str]


ELEMENTS: tuple[Element, ...] = (
    Element(
        "theory",
        "Teori og viden",
        (
            "Praksissen bygger på en beskrevet teori eller forandringsteori.",
            "Praksissen bygger på forskning eller anden dokumenteret viden om, hvad der virker for målgruppen.",
        ),
    ),
    Element(
        "effect",
        "Virkning",
        (
            "Der er dokumentation for, at borgerne opnår de ønskede resultater.",
            "Resultaterne er sammenlignet med en kontrolgruppe, et udgangspunkt eller andre indsatser.",
        ),
    ),
    Element(
        "description",
        "Beskrivelse",
        (
            "Målgruppe, aktiviteter og metoder er beskrevet skriftligt.",
            "Beskrivelsen er så præcis, at andre medarbejdere kan udføre praksissen på samme måde.",
        ),
    ),
    Element(
        "goals",
        "Mål",
        (
            "Der er formuleret klare og målbare mål for borgerne.",
            "Målene hænger tydeligt sammen med aktiviteterne.",
        ),
    ),
    Element(
        "transferability",
        "Overførbarhed",
        (
            "Praksissen kan gennemføres i andre kommuner eller tilbud.",
            "Det er beskrevet, hvilke forudsætninger (kompetencer, organisering) der skal være til stede.",
        ),
    ),
    Element(
        "economy",
        "Økonomi",
        (
            "Praksissens omkostninger er opgjort.",
            "Omkostningerne står i et rimeligt forhold til de forventede resultater.",
        ),
    ),
    Element(
        "reflection",
        "Faglig refleksion",
        (
            "Medarbejderne reflekterer systematisk over egen praksis, fx i supervision.",
            "Ny viden og erfaringer bruges til at justere praksissen.",
        ),
    ),
    Element(
        "relational",
        "Relationelt samarbejde",
        (
            "Der lægges vægt på en god relation mellem medarbejder og borger.",
            "Borgeren og evt. pårørende inddrages aktivt i samarbejdet.",
        ),
    ),
    Element(
        "individual",
        "Individuel tilrettelæggelse",
        (
            "Indsatsen tilpasses den enkelte borgers behov og ressourcer.",
            "Der udarbejdes en individuel plan sammen med borgeren.",
        ),
    ),
    Element(
        "monitoring",
        "Monitorering",
        (
            "Borgernes progression måles løbende med faste redskaber.",
            "Data fra monitoreringen bruges i det daglige arbejde.",
        ),
    ),
    Element(
        "followup",
        "Opfølgning",
        (
            "Der følges systematisk op på, om målene for den enkelte borger nås.",
            "Indsatsen justeres, når opfølgningen viser, at målene ikke nås.",
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
    name_da: str
    share: float | None  # 0..1, None when nothing was answered
    answered: int


@dataclass(frozen=True)
class PracticeProfile:
    elements: tuple[ElementScore, ...]
    overall: float | None
    level_da: str
    strengths: tuple[str, ...]
    gaps: tuple[str, ...]
    unanswered: tuple[str, ...]

    @property
    def summary_da(self) -> str:
        if self.overall is None:
            return "Selvevalueringen er ikke udfyldt."
        parts = [f"{self.level_da} (samlet {round(self.overall * 100)} %)."]
        if self.strengths:
            parts.append("Styrker: " + ", ".join(self.strengths) + ".")
        if self.gaps:
            parts.append("Udviklingsområder: " + ", ".join(self.gaps) + ".")
        if self.unanswered:
            parts.append("Ikke besvaret: " + ", ".join(self.unanswered) + ".")
        return " ".join(parts)


def profile(answers: Mapping[str, int | None]) -> PracticeProfile:
    """The profile of one self-assessment; `answers` maps `question_keys()` to 0-3 or None."""
    valid = set(question_keys())
    unknown = sorted(set(answers) - valid)
    if unknown:
        raise EvidenceInputError(
            unknown[0], Text(f"Ukendt spørgsmål '{unknown[0]}'.", f"unknown question '{unknown[0]}'")
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
                        f"Svaret på '{e.name_da}' skal være 0, 1, 2 eller 3.",
                        f"answer to '{key}' must be 0, 1, 2 or 3",
                    ),
                )
            vals.append(a)
        share = sum(vals) / (MAX_ANSWER * len(vals)) if vals else None
        scores.append(ElementScore(e.key, e.name_da, share, len(vals)))
    answered = [s.share for s in scores if s.share is not None]
    overall = sum(answered) / len(answered) if answered else None
    if overall is None:
        level = "Ikke udfyldt"
    elif overall >= 0.75 and min(answered) >= 1 / 3:
        level = "I høj grad lovende praksis"
    elif overall >= 0.5:
        level = "I nogen grad lovende praksis"
    else:
        level = "Endnu ikke lovende praksis"
    return PracticeProfile(
        elements=tuple(scores),
        overall=overall,
        level_da=level,
        strengths=tuple(s.name_da for s in scores if s.share is not None and s.share >= 5 / 6),
        gaps=tuple(s.name_da for s in scores if s.share is not None and s.share < 0.5),
        unanswered=tuple(s.name_da for s in scores if s.share is None),
    )
