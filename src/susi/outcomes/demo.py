"""Demo data for outcomes (filled by the outcomes app)."""


def load(log) -> None:
    """Load this app's demo data; `log` takes one line of progress text."""
