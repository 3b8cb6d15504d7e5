"""The edge where a CPR number becomes a pseudonym, and the guard around the key.

The key is never in the database or the repository: it comes from the environment variable
``SUSI_PSEUDONYM_KEY`` (hex) or from the key file named by ``settings.SUSI_PSEUDONYM_KEY_FILE``
(dev and test point into ``var/``, which git ignores). The hashing itself is the engine's pure
``pseudonymise_in_space`` (HMAC-SHA256; a rotated key is a chain of keys, oldest first). Each
initiative's evaluation data has its own pseudonym space (``space_of``), so the same person has unrelated
pseudonyms in two initiatives.

The database keeps the key's *fingerprint* (``PseudonymKeyFingerprint``). A key whose fingerprint differs
from the stored one is refused, so a lost or swapped key can never silently create a second set of
citizens. A missing key file is created only where ``SUSI_PSEUDONYM_KEY_AUTOCREATE`` is on (development
and tests) and only while the database holds no fingerprint yet (a fresh installation).
"""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from susi.engines.evaluation.cpr import (
    NormalisedCpr,
    generate_key_file,
    key_fingerprint,
    load_keys,
    pseudonymise_in_space,
    validate_cpr,
)

logger = logging.getLogger(__name__)

__all__ = [
    "NormalisedCpr",
    "PseudonymKeyError",
    "get_keys",
    "pseudonym_for",
    "pseudonymiser",
    "pseudonyms_everywhere",
    "reset_key_cache",
    "validate_cpr",
]


class PseudonymKeyError(ImproperlyConfigured):
    """The key is missing or is not the one the stored pseudonyms were made with. ``message`` is Danish."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def key_file_path() -> Path | None:
    path = getattr(settings, "SUSI_PSEUDONYM_KEY_FILE", None)
    return Path(path) if path else None


def _stored():
    from .models import PseudonymKeyFingerprint

    return PseudonymKeyFingerprint.objects.order_by("pk").first()


@lru_cache(maxsize=1)
def _load() -> tuple[bytes, ...]:
    if os.environ.get("SUSI_PSEUDONYM_KEY", "").strip():
        return load_keys(None)
    path = key_file_path()
    if path is None:
        raise PseudonymKeyError(
            _("Ingen pseudonymnøgle: sæt SUSI_PSEUDONYM_KEY eller SUSI_PSEUDONYM_KEY_FILE.")
        )
    if not path.exists():
        if _stored() is not None or not getattr(settings, "SUSI_PSEUDONYM_KEY_AUTOCREATE", False):
            raise PseudonymKeyError(
                _(
                    "Pseudonymnøglen mangler (%(path)s). Der laves ikke en ny nøgle, for så ville de samme "
                    "borgere få nye pseudonymer: gendan nøglen fra sikkerhedskopien."
                )
                % {"path": path}
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        generate_key_file(path)
        logger.warning("Created a new pseudonym key file at %s (permissions 0600).", path)
    return load_keys(path)


def get_keys() -> tuple[bytes, ...]:
    """The key chain, checked against the fingerprint in the database (stored on first use)."""
    from .models import PseudonymKeyFingerprint

    keys = _load()
    fingerprint = key_fingerprint(keys)
    stored = _stored()
    if stored is None:
        try:
            with transaction.atomic():
                PseudonymKeyFingerprint.objects.create(fingerprint=fingerprint, generations=len(keys))
        except IntegrityError:  # pragma: no cover - a simultaneous first use stored it
            pass
        stored = _stored()
    if stored.fingerprint != fingerprint:
        raise PseudonymKeyError(
            _(
                "Pseudonymnøglen er ikke den, borgerdataene er pseudonymiseret med (fingeraftryk %(found)s…, "
                "forventet %(expected)s…). Intet er pseudonymiseret: brug den rigtige nøgle fra "
                "sikkerhedskopien."
            )
            % {"found": fingerprint[:12], "expected": stored.fingerprint[:12]}
        )
    return keys


def reset_key_cache() -> None:
    """Forget the cached key (tests that change the key, and key rotation, call this)."""
    _load.cache_clear()


def space_of(initiative) -> str:
    """The pseudonym space of an initiative's evaluation data: its own, unless a shared space is recorded
    (``SharedPseudonymSpace``, where a legal basis allows following a person across initiatives)."""
    from .models import SharedPseudonymSpace

    shared = (
        SharedPseudonymSpace.objects.filter(initiative_id=initiative.pk)
        .values_list("name", flat=True)
        .first()
    )
    return f"shared:{shared}" if shared else f"initiative:{initiative.pk}"


def pseudonymiser(initiative):
    """A function CPR → pseudonym in ``initiative``'s space under the checked key (checked once per file)."""
    keys = get_keys()
    space = space_of(initiative)
    return lambda cpr: pseudonymise_in_space(cpr, keys, space)


def pseudonym_for(cpr: str | NormalisedCpr, initiative) -> str:
    """The pseudonym of one CPR number in ``initiative``'s space (validated first; raises ``CprError``)."""
    normalised = cpr if isinstance(cpr, NormalisedCpr) else validate_cpr(cpr)
    return pseudonymise_in_space(normalised, get_keys(), space_of(initiative))


def pseudonyms_everywhere(cpr: str | NormalisedCpr) -> set[str]:
    """The person's pseudonym in every space that holds citizen data (for a citizen's rights look-up)."""
    from susi.portfolio.models import Initiative

    from .models import Enrolment

    normalised = cpr if isinstance(cpr, NormalisedCpr) else validate_cpr(cpr)
    keys = get_keys()
    initiatives = Initiative.objects.filter(pk__in=Enrolment.objects.values("initiative_id"))
    return {pseudonymise_in_space(normalised, keys, space_of(i)) for i in initiatives}
