"""Errors the evaluation engine raises: a field, a Danish sentence for the UI, an English one."""

from __future__ import annotations


class EvaluationError(ValueError):
    """Bad input to the evaluation engine. Nothing has been changed when this is raised."""

    def __init__(self, field: str, message_da: str, message_en: str) -> None:
        super().__init__(message_en)
        self.field = field
        self.message_da = message_da
        self.message_en = message_en

    def __str__(self) -> str:
        return self.message_en


class CprError(EvaluationError):
    """A CPR number that is not ten digits with a valid birth date. Never carries the number itself."""

    def __init__(self, message_da: str, message_en: str, field: str = "cpr") -> None:
        super().__init__(field, message_da, message_en)
