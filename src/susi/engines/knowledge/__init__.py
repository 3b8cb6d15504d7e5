"""Knowledge declarations: the five dimensions of the national knowledge portal, graded A-D from declared rules."""

from .declaration import (
    DIMENSION_NAMES,
    GRADE_MEANINGS,
    GRADING,
    SECTION_NAMES,
    Condition,
    Dimension,
    DimensionGrade,
    Facts,
    Grade,
    Reason,
    Section,
    declare,
    grade,
)
from .involvement import ADAPTATION_NAMES, KIND_NAMES, PARTICIPANT_GROUPS, Adaptation, InvolvementKind

__all__ = [
    "ADAPTATION_NAMES",
    "DIMENSION_NAMES",
    "GRADE_MEANINGS",
    "GRADING",
    "KIND_NAMES",
    "PARTICIPANT_GROUPS",
    "Adaptation",
    "Condition",
    "Dimension",
    "DimensionGrade",
    "Facts",
    "Grade",
    "InvolvementKind",
    "Reason",
    "SECTION_NAMES",
    "Section",
    "declare",
    "grade",
]
