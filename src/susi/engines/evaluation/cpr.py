"""CPR numbers: validation at the edge, keyed pseudonyms, and the synthetic number range.

A clear CPR number lives only as long as one call: the caller validates it, turns it into a keyed
pseudonym and forgets it. ``NormalisedCpr`` masks itself in ``repr``/``str`` so a number cannot
reach a log line or a traceback by accident, and no error message here ever contains the number.

The century of the birth date follows the 7th digit (CPR-kontoret's table):

=========  ===========  ===========
7th digit  YY 00–36     YY 37–57 / 58–99
=========  ===========  ===========
0–3        1900s        1900s
4, 9       2000s        1900s
5–8        2000s        2000s (≤57) / 1800s (≥58)
=========  ===========  ===========

There is no modulus-11 check: CPR-kontoret stopped guaranteeing it in 2007.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path

from susi.engines.text import Text

from .errors import CprError, EvaluationError

KEY_ENV_VAR = "SUSI_PSEUDONYM_KEY"
MIN_KEY_BYTES = 32

#: Synthetic numbers use birth years in this range with 7th digit 4 (so the year reads 20YY).
#: These dates lie in the future, so no living person has such a number. The guarantee holds until
#: 1 January of the first year; move the range before then (one constant, tests follow it).
SYNTHETIC_YEARS = range(2030, 2037)
SYNTHETIC_CENTURY_DIGIT = 4

_SEPARATORS = re.compile(r"[\s\-]")
# Ten digits, optionally split 6+4 by a dash or a space, not part of a longer run of digits.
_CPR_LIKE = re.compile(r"(?<![0-9])[0-9]{6}[\s\-]?[0-9]{4}(?![0-9])")
CPR_MASK = "XXXXXX-XXXX"


@dataclass(frozen=True)
class NormalisedCpr:
    """A validated CPR number. ``repr``/``str`` show only the date part."""

    digits: str = field(repr=False)
    birth_date: dt.date
    sex: str  # 'M' (odd last digit) or 'F' (even)

    def __str__(self) -> str:
        return f"{self.digits[:6]}-****"

    def __repr__(self) -> str:
        return f"NormalisedCpr({self.digits[:6]}-****, sex={self.sex!r})"


def _century(seventh: int, yy: int) -> int:
    if seventh <= 3:
        return 1900
    if seventh in (4, 9):
        return 2000 if yy <= 36 else 1900
    return 2000 if yy <= 57 else 1800


def validate_cpr(text: str | NormalisedCpr) -> NormalisedCpr:
    """Check a CPR number (``DDMMYY-SSSS`` or ``DDMMYYSSSS``) and return it normalised.

    Raises ``CprError`` with a Danish and an English message; the messages never repeat the number.
    """
    if isinstance(text, NormalisedCpr):
        return text
    if not isinstance(text, str):
        raise CprError(
            "cpr", Text("CPR-nummeret mangler eller er ikke tekst.", "The CPR number is missing or not text.")
        )
    digits = _SEPARATORS.sub("", text)
    if not digits:
        raise CprError("cpr", Text("CPR-nummeret mangler.", "The CPR number is missing."))
    if not digits.isascii() or not digits.isdigit() or len(digits) != 10:
        raise CprError(
            "cpr",
            Text(
                "CPR-nummeret skal bestå af 10 cifre (DDMMÅÅ-XXXX).",
                "The CPR number must have 10 digits (DDMMYY-XXXX).",
            ),
        )
    day, month, yy, seventh = int(digits[0:2]), int(digits[2:4]), int(digits[4:6]), int(digits[6])
    year = _century(seventh, yy) + yy
    try:
        birth = dt.date(year, month, day)
    except ValueError:
        raise CprError(
            "cpr",
            Text(
                "CPR-nummerets første seks cifre er ikke en gyldig fødselsdato (DDMMÅÅ).",
                "The first six digits of the CPR number are not a valid birth date (DDMMYY).",
            ),
        ) from None
    return NormalisedCpr(digits=digits, birth_date=birth, sex="M" if int(digits[9]) % 2 else "F")


def mask_cpr_like(text: str) -> str:
    """``text`` with every CPR-like sequence replaced by ``XXXXXX-XXXX``.

    Deliberately broader than ``validate_cpr``: any ten digits in a row (or 6 + 4 split by a dash or a
    space) are masked, whether or not they form a valid birth date, so a number with a typo, or one
    the century rule reads differently, is masked too. Used on every text that enters the platform
    from a file (file names, cells that are not the CPR column, messages built from cell values)
    before it is stored, logged or shown.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    return _CPR_LIKE.sub(CPR_MASK, text)


def is_synthetic(cpr: str | NormalisedCpr) -> bool:
    """True for numbers in the synthetic range (future birth years, 7th digit 4)."""
    try:
        n = validate_cpr(cpr)
    except CprError:
        return False
    return n.birth_date.year in SYNTHETIC_YEARS and int(n.digits[6]) == SYNTHETIC_CENTURY_DIGIT


def pseudonymise(cpr: str | NormalisedCpr, key: bytes) -> str:
    """HMAC-SHA256 of the ten normalised digits under ``key``, as 64 hex characters.

    The same number and key always give the same pseudonym; without the key the pseudonym cannot be
    reversed or recomputed (unlike a plain hash, which a table of all ~3.7 million valid dates × serials
    would invert in seconds).
    """
    _check_key(key)
    digits = validate_cpr(cpr).digits
    return hmac.new(key, digits.encode("ascii"), hashlib.sha256).hexdigest()


def _check_key(key: bytes) -> None:
    if not isinstance(key, bytes | bytearray) or len(key) < MIN_KEY_BYTES:
        raise EvaluationError(
            "key",
            Text(
                f"Pseudonymnøglen skal være mindst {MIN_KEY_BYTES} bytes.",
                f"The pseudonym key must be at least {MIN_KEY_BYTES} bytes.",
            ),
        )


def _parse_hex_key(text: str, source: str) -> bytes:
    try:
        key = bytes.fromhex(text.strip())
    except ValueError:
        raise EvaluationError(
            "key",
            Text(
                f"Pseudonymnøglen i {source} er ikke hex-tekst.",
                f"The pseudonym key in {source} is not hex text.",
            ),
        ) from None
    _check_key(key)
    return key


def load_key(key_file: str | os.PathLike[str] | None = None) -> bytes:
    """The pseudonym key: from ``SUSI_PSEUDONYM_KEY`` (hex) or else from ``key_file`` (hex text).

    A key file readable by group or others is refused, like ssh refuses an open private key.
    """
    text, source = _key_text(key_file)
    return _parse_hex_key(text, source)


def load_keys(key_file: str | os.PathLike[str] | None = None) -> tuple[bytes, ...]:
    """The pseudonym key chain: one hex key per line (or comma-separated in ``SUSI_PSEUDONYM_KEY``), oldest
    first. A key file that was never rotated holds one key. See ``pseudonymise_chain``."""
    text, source = _key_text(key_file)
    parts = [p for p in re.split(r"[\s,]+", text) if p]
    if not parts:
        raise EvaluationError(
            "key", Text(f"Pseudonymnøglen i {source} er tom.", f"The pseudonym key in {source} is empty.")
        )
    return tuple(_parse_hex_key(p, source) for p in parts)


def key_fingerprint(keys: bytes | tuple[bytes, ...] | list[bytes]) -> str:
    """A fingerprint of the key (chain) that may be stored beside the data: it tells whether a key is the
    one the pseudonyms were made with, and gives nothing away about the key (HMAC of a fixed text)."""
    chain = (keys,) if isinstance(keys, bytes | bytearray) else tuple(keys)
    for key in chain:
        _check_key(key)
    parts = [hmac.new(key, b"susi pseudonym key fingerprint v1", hashlib.sha256).hexdigest() for key in chain]
    return parts[0] if len(parts) == 1 else hashlib.sha256("".join(parts).encode("ascii")).hexdigest()


def rekey(pseudonym: str, key: bytes) -> str:
    """A stored pseudonym carried into the next key generation: HMAC-SHA256 of the pseudonym under ``key``."""
    _check_key(key)
    return hmac.new(key, pseudonym.encode("ascii"), hashlib.sha256).hexdigest()


def pseudonymise_chain(cpr: str | NormalisedCpr, keys: tuple[bytes, ...] | list[bytes]) -> str:
    """The pseudonym under a key chain: ``pseudonymise`` with the first key, then ``rekey`` with each later one.

    Rotating the key appends a key and re-keys every stored pseudonym with it (no CPR number is needed), so a
    copy of an earlier key alone (an old backup) no longer computes today's pseudonyms from CPR numbers.
    With one key this is exactly ``pseudonymise``.
    """
    if not keys:
        raise EvaluationError("key", Text("Pseudonymnøglen mangler.", "The pseudonym key is missing."))
    pseudonym = pseudonymise(cpr, keys[0])
    for key in keys[1:]:
        pseudonym = rekey(pseudonym, key)
    return pseudonym


def space_key(key: bytes, space: str) -> bytes:
    """The key of one pseudonym space (e.g. ``initiative:12``), derived from the first key of the chain."""
    _check_key(key)
    return hmac.new(key, b"susi pseudonym space " + space.encode("utf-8"), hashlib.sha256).digest()


def pseudonymise_in_space(cpr: str | NormalisedCpr, keys: tuple[bytes, ...] | list[bytes], space: str) -> str:
    """The pseudonym of a CPR number in one pseudonym space (one initiative's evaluation data).

    ``pseudonymise`` with the first key, then ``rekey`` with the space's derived key, then ``rekey`` with each
    later key of the chain. Two spaces give unrelated pseudonyms for the same person, so data of two
    initiatives cannot be linked without the key; the space step comes first so that a key rotation can
    still re-key every stored pseudonym without the CPR numbers.
    """
    if not keys:
        raise EvaluationError("key", Text("Pseudonymnøglen mangler.", "The pseudonym key is missing."))
    pseudonym = rekey(pseudonymise(cpr, keys[0]), space_key(keys[0], space))
    for key in keys[1:]:
        pseudonym = rekey(pseudonym, key)
    return pseudonym


def _key_text(key_file: str | os.PathLike[str] | None) -> tuple[str, str]:
    env = os.environ.get(KEY_ENV_VAR)
    if env:
        return env, KEY_ENV_VAR
    if key_file is None:
        raise EvaluationError(
            "key",
            Text(
                f"Ingen pseudonymnøgle: sæt {KEY_ENV_VAR} eller angiv en nøglefil.",
                f"No pseudonym key: set {KEY_ENV_VAR} or give a key file.",
            ),
        )
    path = Path(key_file)
    if not path.is_file():
        raise EvaluationError(
            "key", Text(f"Nøglefilen {path} findes ikke.", f"The key file {path} does not exist.")
        )
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise EvaluationError(
            "key",
            Text(
                f"Nøglefilen {path} kan læses af andre; giv den rettighederne 0600.",
                f"The key file {path} is accessible to others; set its permissions to 0600.",
            ),
        )
    return path.read_text(encoding="ascii"), str(path)


def generate_key_file(path: str | os.PathLike[str], n_bytes: int = MIN_KEY_BYTES) -> Path:
    """Write a new random key (hex) to ``path`` with permissions 0600. Never overwrites a key."""
    target = Path(path)
    if n_bytes < MIN_KEY_BYTES:
        raise EvaluationError(
            "n_bytes",
            Text(
                f"En nøgle skal være mindst {MIN_KEY_BYTES} bytes.",
                f"A key must be at least {MIN_KEY_BYTES} bytes.",
            ),
        )
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise EvaluationError(
            "key",
            Text(
                f"Nøglefilen {target} findes allerede; en nøgle overskrives aldrig.",
                f"The key file {target} already exists; a key is never overwritten.",
            ),
        ) from None
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secrets.token_hex(n_bytes) + "\n")
    os.chmod(target, 0o600)  # in case the umask widened nothing but a filesystem ignores the mode
    return target
