"""`susi demo`: each app's demo loader, in dependency order. Every loader is idempotent."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from django.db import transaction

LOADERS = (
    "susi.organisations.demo",
    "susi.accounts.demo",
    "susi.portfolio.demo",
    "susi.evidence.demo",
    "susi.som.demo",
    "susi.outcomes.demo",
    "susi.rounds.demo",
)


def load_all(log: Callable[[str], None] = print) -> None:
    for name in LOADERS:
        with transaction.atomic():
            import_module(name).load(log)
