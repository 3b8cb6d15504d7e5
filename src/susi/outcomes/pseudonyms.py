"""The edge where a CPR number becomes a pseudonym.

The key is never in the database or the repository: it comes from the environment variable
``SUSI_PSEUDONYM_KEY`` (hex) or from the key file named by ``settings.SUSI_PSEUDONYM_KEY_FILE``
(dev and test point into ``var/``, which git ignores). A missing key file is created once with
permissions 0600. The hashing itself is the engine's pure ``pseudonymise`` (HMAC-SHA256).
"""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from susi.engines.evaluation.cpr import NormalisedCpr, generate_key_file, load_key, pseudonymise, validate_cpr

logger = logging.getLogger(__name__)

__all__ = ["NormalisedCpr", "get_key", "pseudonym_for", "reset_key_cache", "validate_cpr"]


@lru_cache(maxsize=1)
def get_key() -> bytes:
    """The pseudonym key: environment first, else the configured key file (created if missing)."""
    if os.environ.get("SUSI_PSEUDONYM_KEY", "").strip():
        return load_key(None)
    path = getattr(settings, "SUSI_PSEUDONYM_KEY_FILE", None)
    if not path:
        raise ImproperlyConfigured(
            "No pseudonym key: set SUSI_PSEUDONYM_KEY or SUSI_PSEUDONYM_KEY_FILE in the environment."
        )
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        generate_key_file(path)
        logger.warning("Created a new pseudonym key file at %s (permissions 0600).", path)
    return load_key(path)


def reset_key_cache() -> None:
    """Forget the cached key (tests that change the key call this)."""
    get_key.cache_clear()


def pseudonym_for(cpr: str | NormalisedCpr) -> str:
    """The pseudonym of one CPR number (validated first; raises the engine's ``CprError``)."""
    normalised = cpr if isinstance(cpr, NormalisedCpr) else validate_cpr(cpr)
    return pseudonymise(normalised, get_key())
