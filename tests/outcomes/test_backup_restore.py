"""`susi backup` / `susi restore`: a round trip brings back every row and product file, a re-import of the same
people creates no new citizens, and an altered or foreign archive is refused before anything changes.

Runs on the test database of the run: SQLite here, PostgreSQL in CI (DATABASE_URL; pg_dump/pg_restore).
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile

import pytest
from django.core.management import call_command

from susi.backup import BackupError, backup, restore
from susi.outcomes.models import Citizen, Enrolment, ImportBatch, Measurement
from susi.outcomes.services import commit_batch, stage_file
from susi.portfolio.models import Initiative

from .helpers import csv_bytes, rows_for, synthetic_cpr

pytestmark = pytest.mark.django_db(transaction=True)


def _import(world, data: bytes):
    batch = stage_file(
        user=world.evaluator,
        initiative=world.initiative,
        municipality=world.aarhus,
        fh=io.BytesIO(data),
        name="trivsel.csv",
    )
    if batch.status == ImportBatch.Status.PREVIEW:
        batch = commit_batch(user=world.evaluator, batch=batch)
    return batch


def _counts():
    return {
        "initiatives": Initiative.objects.count(),
        "citizens": Citizen.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "measurements": Measurement.objects.count(),
    }


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "products" / "7").mkdir(parents=True)
    product = settings.MEDIA_ROOT / "products" / "7" / "drejebog v2.pdf"
    product.write_bytes(b"%PDF-1.4 drejebog\n" * 100)
    return settings.MEDIA_ROOT


def test_backup_wipe_restore_and_reimport_the_same_people(world, media, tmp_path):
    _import(world, csv_bytes(rows_for(10)))
    before = _counts()
    assert before["citizens"] == 10 and before["measurements"] == 20
    archive = tmp_path / "susi.tar"

    manifest = backup(archive)
    assert "media/products/7/drejebog v2.pdf" in manifest["files"]
    # No CPR number anywhere in the archive (with or without the dash).
    raw = archive.read_bytes()
    for i in range(10):
        cpr = synthetic_cpr(i)
        assert cpr.encode() not in raw and cpr.replace("-", "").encode() not in raw

    call_command("flush", interactive=False, verbosity=0)
    for file in media.rglob("*"):
        if file.is_file():
            file.unlink()
    assert _counts()["citizens"] == 0

    restore(archive)
    assert _counts() == before
    assert (media / "products" / "7" / "drejebog v2.pdf").read_bytes() == b"%PDF-1.4 drejebog\n" * 100

    # The same people again, with a new follow-up: their measurements are added to the same citizens.
    _import(world, csv_bytes(rows_for(10, followups=2)))
    after = _counts()
    assert after["citizens"] == 10 and after["enrolments"] == before["enrolments"]
    assert after["measurements"] == 30


def _rewrite(archive, out, change):
    """Copy a tar archive member by member, letting ``change(name, data)`` alter the bytes."""
    with tarfile.open(archive) as src, tarfile.open(out, "w") as dst:
        for member in src.getmembers():
            data = change(member.name, src.extractfile(member).read())
            if data is None:
                continue
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    return out


def test_an_altered_or_foreign_archive_is_refused_and_changes_nothing(world, media, tmp_path):
    _import(world, csv_bytes(rows_for(4)))
    archive = tmp_path / "susi.tar"
    backup(archive)
    with pytest.raises(BackupError, match="exists already"):
        backup(archive)
    _import(world, csv_bytes(rows_for(6)))  # the data moves on after the backup
    now = _counts()

    def flip_product(name, data):
        return data[:-1] + b"X" if name.startswith("media/") else data

    def drop_product(name, data):
        return None if name.startswith("media/") else data

    def foreign_vendor(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["database"]["vendor"] = "oracle"
        return json.dumps(manifest).encode()

    cases = {
        "altered": (_rewrite(archive, tmp_path / "a.tar", flip_product), "checksum"),
        "missing": (_rewrite(archive, tmp_path / "b.tar", drop_product), "manifest lists"),
        "foreign": (_rewrite(archive, tmp_path / "c.tar", foreign_vendor), "oracle"),
    }
    not_tar = tmp_path / "d.tar"
    not_tar.write_bytes(b"hello")
    cases["not a tar"] = (not_tar, "not a SUSI backup")
    truncated = tmp_path / "e.tar"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    cases["truncated"] = (truncated, "damaged|manifest|not a SUSI backup")
    for label, (bad, message) in cases.items():
        with pytest.raises(BackupError, match=message):
            restore(bad)
        assert _counts() == now, label
        assert (media / "products" / "7" / "drejebog v2.pdf").exists(), label

    # An entry that would write outside the restore directory is refused too.
    evil = tmp_path / "f.tar"
    with tarfile.open(archive) as src, tarfile.open(evil, "w") as dst:
        manifest = json.loads(src.extractfile("manifest.json").read())
        payload = b"x"
        manifest["files"]["../escape.txt"] = hashlib.sha256(payload).hexdigest()
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == "manifest.json":
                data = json.dumps(manifest).encode()
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
        info = tarfile.TarInfo("../escape.txt")
        info.size = 1
        dst.addfile(info, io.BytesIO(payload))
    with pytest.raises(BackupError, match="unsafe"):
        restore(evil)
    assert not (tmp_path / "escape.txt").exists()
    assert _counts() == now
