"""The error the evidence engine raises for bad input: the shared engine error (code, field, Text).

`row` (1-based study number, when one study is at fault) lets the Django side show it beside the row; the API
answers 422 without re-phrasing anything.
"""

from __future__ import annotations

from susi.engines.errors import EngineError


class EvidenceInputError(EngineError):
    """Bad input to an evidence computation; nothing was computed or saved."""
