"""The one error type the evidence engine raises for bad input.

It carries the field at fault and the sentence in English and Danish, so the Django side can show it as a
form error and the API can answer 422 without re-phrasing anything.
"""

from __future__ import annotations


class EvidenceInputError(ValueError):
    """Bad input to an evidence computation; nothing was computed or saved."""

    def __init__(self, field: str, message: str, message_da: str, row: int | None = None) -> None:
        self.field = field
        self.message = message
        self.message_da = message_da
        self.row = row
        super().__init__(f"{field}: {message}")
