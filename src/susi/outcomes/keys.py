"""Rotating the pseudonym key: every stored pseudonym re-keyed in one transaction.

A pseudonym is an HMAC of the CPR number, and the CPR numbers are not kept, so a new key cannot be applied
to the numbers themselves. Rotation instead appends a new key to the key chain and replaces every stored
pseudonym ``p`` by ``rekey(p, new)``; later imports compute the same value through the whole chain
(``engines.evaluation.cpr.pseudonymise_chain``). A copy of the earlier key alone (an old backup, a former
employee's laptop) then no longer turns CPR numbers into today's pseudonyms.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import uuid
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from susi.engines.evaluation.cpr import key_fingerprint, rekey

from . import pseudonyms
from .models import Citizen, ImportBatch, PseudonymKeyFingerprint

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rotation:
    citizens: int
    discarded_previews: int
    generations: int
    backup: str


def rotate_key() -> Rotation:
    """Append a new key to the key file and re-key every pseudonym, all or nothing.

    Waiting previews hold pseudonyms under the old chain: they are discarded (the files are uploaded
    again). The previous key file is kept beside the new one as ``<name>.before-rotation-<time>`` (0600).
    """
    if os.environ.get("SUSI_PSEUDONYM_KEY", "").strip():
        raise pseudonyms.PseudonymKeyError(
            _("Nøglen kommer fra miljøvariablen SUSI_PSEUDONYM_KEY; rotation kræver en nøglefil.")
        )
    path = pseudonyms.key_file_path()
    keys = pseudonyms.get_keys()  # refuses a key that does not match the stored fingerprint
    assert path is not None  # get_keys succeeded from a file
    new_key = secrets.token_bytes(32)
    chain = (*keys, new_key)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
    backup = path.with_name(f"{path.name}.before-rotation-{stamp}")
    staged_files: list[str] = []
    with transaction.atomic():
        record = PseudonymKeyFingerprint.objects.select_for_update().order_by("pk").first()
        if record is None or record.fingerprint != key_fingerprint(keys):
            raise pseudonyms.PseudonymKeyError(_("Nøglen blev ændret undervejs; intet er roteret."))
        q = connection.ops.quote_name
        rows = list(Citizen.objects.values_list("pk", "pseudonym"))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {q(Citizen._meta.db_table)} SET pseudonym = %s WHERE id = %s",  # noqa: S608
                [(rekey(p, new_key), pk) for pk, p in rows],
            )
        previews = ImportBatch.objects.select_for_update().filter(status=ImportBatch.Status.PREVIEW)
        staged_files = [b.staged_file for b in previews if b.staged_file]
        discarded = previews.update(status=ImportBatch.Status.DISCARDED, staged_file="")
        record.fingerprint = key_fingerprint(chain)
        record.generations = len(chain)
        record.rotated_at = timezone.now()
        record.save()
        # The key file last, still inside the transaction: if writing it fails, nothing is re-keyed.
        shutil.copy2(path, backup)
        os.chmod(backup, 0o600)
        replacement = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
        fd = os.open(replacement, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write("".join(key.hex() + "\n" for key in chain))
        os.replace(replacement, path)
    pseudonyms.reset_key_cache()
    from .services import staging_dir

    for name in staged_files:
        (staging_dir() / name).unlink(missing_ok=True)
    logger.info("Rotated the pseudonym key: %s citizens re-keyed, generation %s", len(rows), len(chain))
    return Rotation(
        citizens=len(rows), discarded_previews=discarded, generations=len(chain), backup=str(backup)
    )


__all__ = ["Rotation", "rotate_key"]
