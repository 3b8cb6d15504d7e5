"""User involvement (brugerinddragelse) as data: the kinds of activity, who takes part, how it is adapted.

Participants are counted per group, never named: a citizen who joins a user panel is a number here.
"""

from __future__ import annotations

from enum import StrEnum

from susi.engines.text import Text


class InvolvementKind(StrEnum):
    USER_PANEL = "user_panel"
    INTERVIEWS = "interviews"
    CO_DESIGN = "co_design"
    PROTOTYPE_TEST = "prototype_test"
    SURVEY = "survey"
    FOCUS_GROUP = "focus_group"
    OBSERVATION = "observation"
    OTHER = "other"


KIND_NAMES: dict[InvolvementKind, Text] = {
    InvolvementKind.USER_PANEL: Text("Brugerpanel", "User panel"),
    InvolvementKind.INTERVIEWS: Text("Interview", "Interviews"),
    InvolvementKind.CO_DESIGN: Text("Co-design-workshop", "Co-design workshop"),
    InvolvementKind.PROTOTYPE_TEST: Text("Test af prototype", "Prototype test"),
    InvolvementKind.SURVEY: Text("Spørgeskema", "Survey"),
    InvolvementKind.FOCUS_GROUP: Text("Fokusgruppe", "Focus group"),
    InvolvementKind.OBSERVATION: Text("Observation", "Observation"),
    InvolvementKind.OTHER: Text("Andet", "Other"),
}


class Adaptation(StrEnum):
    EASY_READ = "easy_read"
    PICTOGRAMS = "pictograms"
    INTERPRETER = "interpreter"
    SIGN_LANGUAGE = "sign_language"
    PROXY = "proxy"
    HOME_VISIT = "home_visit"
    PEER_SUPPORT = "peer_support"
    SHORT_SESSIONS = "short_sessions"


ADAPTATION_NAMES: dict[Adaptation, Text] = {
    Adaptation.EASY_READ: Text("Let læst tekst", "Easy-read text"),
    Adaptation.PICTOGRAMS: Text("Piktogrammer og billeder", "Pictograms and pictures"),
    Adaptation.INTERPRETER: Text("Tolk", "Interpreter"),
    Adaptation.SIGN_LANGUAGE: Text("Tegnsprogstolk", "Sign-language interpreter"),
    Adaptation.PROXY: Text(
        "Stedfortræder (pårørende eller personale svarer på borgerens vegne)",
        "Proxy (a relative or staff answer on the citizen's behalf)",
    ),
    Adaptation.HOME_VISIT: Text("Hjemmebesøg", "Home visit"),
    Adaptation.PEER_SUPPORT: Text("Med en peer eller bisidder", "With a peer or support person"),
    Adaptation.SHORT_SESSIONS: Text("Korte møder med pauser", "Short sessions with breaks"),
}

#: The groups whose participants are counted (model field name → label).
PARTICIPANT_GROUPS: dict[str, Text] = {
    "citizens": Text("Borgere", "Citizens"),
    "relatives": Text("Pårørende", "Relatives"),
    "staff": Text("Medarbejdere", "Staff"),
    "user_organisations": Text("Brugerorganisationer", "User organisations"),
}
