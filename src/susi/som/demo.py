"""Demo data for som (filled by the som app)."""


def load(log) -> None:
    """Load this app's demo data; `log` takes one line of progress text."""
