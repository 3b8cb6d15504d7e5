"""`susi demo`: each app's demo loader, in dependency order. Every loader is idempotent."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from django.conf import settings
from django.db import transaction

LOADERS = (
    "susi.organisations.demo",
    "susi.accounts.demo",
    "susi.portfolio.demo",
    "susi.evidence.demo",
    "susi.som.demo",
    "susi.outcomes.demo",
    "susi.rounds.demo",
    "susi.dissemination.demo",
)


class DemoModeOff(RuntimeError):
    """The demo data (accounts with the published password, a superuser among them) may not be loaded."""


REFUSAL = (
    "Demodata indlæses ikke: demotilstanden er slået fra (SUSI_DEMO_MODE). Demodata opretter brugere med en "
    "offentligt kendt adgangskode og må kun bruges på en demo- eller udviklingsinstallation. "
    "Slå SUSI_DEMO_MODE=1 til, hvis denne installation er en demo."
)


def load_all(log: Callable[[str], None] = print) -> None:
    """Load every app's demo data; refused (nothing written) unless settings.SUSI_DEMO_MODE is on."""
    if not getattr(settings, "SUSI_DEMO_MODE", False):
        raise DemoModeOff(REFUSAL)
    for name in LOADERS:
        with transaction.atomic():
            import_module(name).load(log)
