"""Errors the evaluation engine raises: the shared engine error (code, field, Text)."""

from __future__ import annotations

from susi.engines.errors import EngineError


class EvaluationError(EngineError):
    """Bad input to the evaluation engine. Nothing has been changed when this is raised."""


class CprError(EvaluationError):
    """A CPR number that is not ten digits with a valid birth date. Never carries the number itself."""
