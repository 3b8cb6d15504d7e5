"""Demo data for evidence (filled by the evidence app)."""


def load(log) -> None:
    """Load this app's demo data; `log` takes one line of progress text."""
