"""Errors the SØM engine raises on bad input: each problem names the field and says what is wrong (a Text)."""

from __future__ import annotations

from susi.engines.errors import EngineError, Problem
from susi.engines.text import Text

FieldProblem = Problem  # one problem with one field of a case, e.g. ``outcomes[0].success_rate``


class SomInputError(EngineError):
    """A case that cannot be calculated. Carries every problem found (`problems`); the first is `field`/`message`."""

    @classmethod
    def single(cls, field: str, message: Text, code: str = "invalid") -> SomInputError:
        return cls(field, message, code)


def field_problem(field: str, message: Text, code: str = "invalid") -> Problem:
    return Problem(code, field, message)
