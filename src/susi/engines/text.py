"""The one text type of the engines: a Danish sentence and its English translation, side by side.

Engines never pick a language; they hand a `Text` to the caller, and only the web layer (``susi.web.i18n``)
chooses which half to show. The Danish comes first, always.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    """A user-facing text in Danish (`da`) and English (`en`)."""

    da: str
    en: str

    def __str__(self) -> str:
        """English: what a log line, a traceback or a developer reads. The UI never calls this."""
        return self.en
