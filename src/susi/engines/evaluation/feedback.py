"""Citizens' feedback in delivery (SUSI 2.0: "brugernes feedback og perspektiv systematisk inddrages i
udførelsen og leveringen"): the feedback instrument declared as data, and its aggregate.

At each follow-up a citizen is asked a few short questions: answers on a scale (1-5) and one free text.
Who answered matters as much as the answer: the citizen, a relative, or staff on the citizen's behalf
(a *proxy*), and in which format (easy-read, pictograms, interpreter, orally at a home visit, ...).

The aggregate (`summarise`) takes scale answers only: free text is personal data and is never part of an
aggregate (there is no way to hand it to this function). Every figure follows the small-cell rule
(`privacy`): a count, mean or share from 1-4 citizens is withheld, and the respondent split uses
complementary suppression, so no withheld count can be worked out from the total and the shown parts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from susi.engines.text import Text

from .privacy import SMALL_CELL_THRESHOLD, is_reportable, protect_total

SCALE = "scale"
FREE_TEXT = "text"


@dataclass(frozen=True)
class Question:
    """One short question: ``kind`` is a scale (``low``..``high``, higher is better) or free text."""

    code: str
    label: Text  # the short name: a column heading in a file, a table heading on a page
    text: Text  # the question as it is asked
    kind: str = SCALE
    low: int = 1
    high: int = 5
    headings: tuple[str, ...] = ()  # further accepted column headings in a file


@dataclass(frozen=True)
class FeedbackInstrument:
    code: str
    name: Text
    questions: tuple[Question, ...]
    low_label: Text = Text("Slet ikke", "Not at all")
    high_label: Text = Text("I høj grad", "Very much")

    @property
    def scale_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.kind == SCALE)

    @property
    def text_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.kind == FREE_TEXT)

    def question(self, code: str) -> Question | None:
        return next((q for q in self.questions if q.code == code), None)


#: The feedback instrument: three scale questions and one open question, short enough to ask at every
#: follow-up, in plain words that also work read aloud, in easy-read or with pictograms (1 = a sad face,
#: 5 = a happy face).
FEEDBACK_INSTRUMENT = FeedbackInstrument(
    code="borgerfeedback",
    name=Text("Borgerens feedback", "The citizen's feedback"),
    questions=(
        Question(
            "helps",
            Text("Hjælper", "Helps"),
            Text("Hjælper støtten dig i din hverdag?", "Does the support help you in your everyday life?"),
            headings=("hjaelper", "hjaelp", "hjulpet", "helps"),
        ),
        Question(
            "heard",
            Text("Bliver hørt", "Listened to"),
            Text("Bliver du lyttet til?", "Are you listened to?"),
            headings=("hoert", "bliverhoert", "lyttettil", "lyttet", "heard"),
        ),
        Question(
            "say",
            Text("Er med til at bestemme", "Has a say"),
            Text(
                "Er du med til at bestemme, hvad der skal ske?",
                "Do you have a say in what happens?",
            ),
            headings=("bestemme", "medbestemmelse", "indflydelse", "say"),
        ),
        Question(
            "comment",
            Text("Kommentar", "Comment"),
            Text("Er der noget, vi skal gøre anderledes?", "Is there anything we should do differently?"),
            kind=FREE_TEXT,
            headings=("kommentar", "fritekst", "bemaerkning", "comment"),
        ),
    ),
)
INSTRUMENTS = {FEEDBACK_INSTRUMENT.code: FEEDBACK_INSTRUMENT}

#: Who answered. Anyone but the citizen is a proxy answer: it tells what the relative or the staff member
#: thinks the citizen experiences, which is not the same as what the citizen says.
CITIZEN = "citizen"
RELATIVE = "relative"
STAFF = "staff"
RESPONDENTS: dict[str, Text] = {
    CITIZEN: Text("Borgeren selv", "The citizen"),
    RELATIVE: Text("Pårørende", "A relative"),
    STAFF: Text("Medarbejder på borgerens vegne", "Staff on the citizen's behalf"),
}
PROXIES = (RELATIVE, STAFF)

#: How the questions were asked (adapted ways for citizens who cannot use a written questionnaire).
FORMATS: dict[str, Text] = {
    "written": Text("Skriftligt spørgeskema", "Written questionnaire"),
    "easy_read": Text("Let læst", "Easy-read"),
    "pictograms": Text("Piktogrammer eller smileys", "Pictograms or smileys"),
    "oral": Text("Mundtligt (samtale)", "Orally (conversation)"),
    "interpreter": Text("Med tolk", "With an interpreter"),
    "sign_language": Text("Med tegnsprogstolk", "With a sign-language interpreter"),
    "home_visit": Text("Ved hjemmebesøg", "At a home visit"),
    "digital": Text("Digitalt (sms, app, web)", "Digitally (text message, app, web)"),
    "not_stated": Text("Ikke oplyst", "Not stated"),
}


@dataclass(frozen=True)
class Response:
    """One feedback response as the aggregate sees it: who answered, and the scale answers only."""

    unit: str  # the enrolment (one citizen in one initiative at one municipality)
    respondent: str
    answers: Mapping[str, float]  # question code -> scale value (free text never comes here)


@dataclass(frozen=True)
class QuestionSummary:
    code: str
    label: Text
    text: Text
    n: int | None  # citizens who answered (None: withheld)
    mean: float | None
    share_high: float | None  # share answering in the top two steps (4 or 5 on 1-5)
    mean_citizen: float | None  # answers by the citizen themself
    mean_proxy: float | None  # answers by a relative or staff


@dataclass(frozen=True)
class FeedbackSummary:
    responses: int | None  # citizens with a response (None: withheld)
    by_respondent: dict[str, int | None]  # citizen / relative / staff (None: withheld)
    proxy: int | None  # answered by a relative or staff
    proxy_share: float | None
    questions: tuple[QuestionSummary, ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        return self.responses == 0


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _question(question: Question, responses: list[Response]) -> QuestionSummary:
    answered = [
        (r.respondent, float(r.answers[question.code])) for r in responses if question.code in r.answers
    ]
    answered = [(who, v) for who, v in answered if math.isfinite(v)]
    n = len(answered)
    if not is_reportable(n) or n == 0:
        return QuestionSummary(
            question.code, question.label, question.text, None if n else 0, None, None, None, None
        )
    values = [v for _who, v in answered]
    own = [v for who, v in answered if who == CITIZEN]
    others = [v for who, v in answered if who != CITIZEN]
    # Group means only when both groups are reportable (or empty): with the overall mean shown, one group's
    # mean and size give the other's.
    split = is_reportable(len(own)) and is_reportable(len(others))
    threshold = question.high - 1
    return QuestionSummary(
        code=question.code,
        label=question.label,
        text=question.text,
        n=n,
        mean=_mean(values),
        share_high=sum(v >= threshold for v in values) / n,
        mean_citizen=_mean(own) if split else None,
        mean_proxy=_mean(others) if split else None,
    )


def latest_per_unit(responses: Iterable[tuple[int, Response]]) -> list[Response]:
    """Each citizen once: the response at the latest occasion (``(occasion number, response)`` pairs)."""
    latest: dict[str, tuple[int, Response]] = {}
    for occasion, response in responses:
        seen = latest.get(response.unit)
        if seen is None or occasion > seen[0]:
            latest[response.unit] = (occasion, response)
    return [r for _o, r in latest.values()]


def summarise(
    responses: Iterable[Response],
    instrument: FeedbackInstrument = FEEDBACK_INSTRUMENT,
    *,
    population: int | None = None,
) -> FeedbackSummary:
    """The aggregate of one response per citizen: who answered, and per scale question n, mean, the share
    in the top two steps and the means by the citizen and by proxies; small cells withheld.

    Give each citizen once (``latest_per_unit``): a unit seen twice is refused, since the small-cell rule
    counts citizens, not answers. ``population`` is the number of citizens the responses come from (the
    enrolled, shown elsewhere): when 1-4 of them have no response, the counts are withheld (the shares and
    means stay), so "enrolled minus responses" never shows a small group.
    """
    rows = list(responses)
    units = [r.unit for r in rows]
    if len(set(units)) != len(units):
        raise ValueError("one response per citizen: use latest_per_unit first")
    counts = {who: sum(r.respondent == who for r in rows) for who in RESPONDENTS}
    by_respondent, total = protect_total(counts, len(rows))
    # The proxy count is the total minus the citizens' own answers: shown only when both are (the
    # complementary suppression above already makes that difference 0 or at least 5).
    own = by_respondent[CITIZEN]
    proxy = total - own if total is not None and own is not None else None
    proxy_share = (proxy / total) if proxy is not None and total else None
    questions = tuple(_question(q, rows) for q in instrument.scale_questions)
    if population is not None and 0 < population - len(rows) < SMALL_CELL_THRESHOLD:
        total, proxy = None, None
        by_respondent = dict.fromkeys(by_respondent)
        questions = tuple(replace(q, n=None) for q in questions)
    return FeedbackSummary(
        responses=total,
        by_respondent=by_respondent,
        proxy=proxy,
        proxy_share=proxy_share,
        questions=questions,
    )


def withheld(instrument: FeedbackInstrument = FEEDBACK_INSTRUMENT) -> FeedbackSummary:
    """A summary with every figure withheld (a group that complementary suppression must hide)."""
    return FeedbackSummary(
        responses=None,
        by_respondent=dict.fromkeys(RESPONDENTS),
        proxy=None,
        proxy_share=None,
        questions=tuple(
            QuestionSummary(q.code, q.label, q.text, None, None, None, None, None)
            for q in instrument.scale_questions
        ),
    )
