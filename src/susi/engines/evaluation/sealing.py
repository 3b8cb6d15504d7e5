"""A citizen file at rest while it waits for a background worker: sealed with AES-256-GCM.

The uploaded file holds CPR numbers in clear until the worker has pseudonymised it, and a job's payload is a
database column. So the web process seals the bytes before they are written and the worker opens them in
memory. The key is derived (HKDF-SHA256, a fresh random salt per file) from the pseudonym key, which lives
outside the database, so a database dump or backup holds only ciphertext; the authenticated context names
what the file is for, so a sealed file cannot be replayed as another job's input.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from susi.engines.text import Text

from .errors import EvaluationError

MAGIC = b"SUSI-SEALED-1"
_SALT, _NONCE = 16, 12


def _key(master: bytes, salt: bytes, context: str) -> bytes:
    info = b"susi sealed citizen file " + context.encode("utf-8")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(master)


def seal(data: bytes, master: bytes, context: str) -> bytes:
    """``data`` encrypted and authenticated under a key derived from ``master`` for ``context``."""
    salt, nonce = os.urandom(_SALT), os.urandom(_NONCE)
    sealed = AESGCM(_key(master, salt, context)).encrypt(nonce, data, context.encode("utf-8"))
    return MAGIC + salt + nonce + sealed


def unseal(blob: bytes, master: bytes, context: str) -> bytes:
    """The bytes ``seal`` sealed; refused when the key, the context or a single byte differs."""
    head = len(MAGIC)
    if not blob.startswith(MAGIC) or len(blob) < head + _SALT + _NONCE + 16:
        raise _refused()
    salt, nonce = blob[head : head + _SALT], blob[head + _SALT : head + _SALT + _NONCE]
    try:
        return AESGCM(_key(master, salt, context)).decrypt(
            nonce, blob[head + _SALT + _NONCE :], context.encode("utf-8")
        )
    except InvalidTag:
        raise _refused() from None


def _refused() -> EvaluationError:
    return EvaluationError(
        "file",
        Text(
            "Den indsendte fil kunne ikke åbnes igen (pseudonymnøglen er skiftet, eller filen er ændret). "
            "Indlæs filen igen.",
            "The uploaded file could not be opened again (the pseudonym key changed, or the file was altered). "
            "Upload the file again.",
        ),
        code="sealed_file",
    )
