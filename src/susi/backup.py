"""`susi backup FILE` and `susi restore FILE`: the database and the product files, with a checksummed manifest.

The archive is a tar file holding ``manifest.json``, the database (``database.sqlite3`` made with SQLite's online
backup API, or ``database.pgdump`` made with ``pg_dump --format=custom``) and every file under MEDIA_ROOT as
``media/...``. The manifest lists every member with its SHA-256; a restore reads and checks the whole archive
before it changes anything, and refuses an archive with a missing, extra, altered or unsafe member.

The pseudonym key is NOT in the archive: the database holds pseudonyms only, and kept apart from the key a lost
backup cannot link a pseudonym to a CPR number. Back the key up separately (docs/developers/backup.md). A restore
with another key keeps the data, but a re-import of the same people would then create new citizens.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; ``message`` says why (nothing was changed)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _private_tempdir() -> tempfile.TemporaryDirectory:
    base = Path(settings.VAR_DIR)
    base.mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix="susi-backup-", dir=base)  # mode 0700


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return args, env


def _dump_database(target_dir: Path) -> Path:
    if connection.vendor == "sqlite":
        target = target_dir / "database.sqlite3"
        connection.ensure_connection()
        dest = sqlite3.connect(target)
        try:
            connection.connection.backup(dest)  # a consistent snapshot of the live database
        finally:
            dest.close()
        return target
    if connection.vendor == "postgresql":
        target = target_dir / "database.pgdump"
        args, env = _pg_env()
        done = subprocess.run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                *args,
                "--file",
                str(target),
                str(connection.settings_dict["NAME"]),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()[-500:]}")
        return target
    raise BackupError(f"Backup of a {connection.vendor} database is not supported.")


def backup(path: Path, report: Callable[[str], None] = lambda line: None) -> dict:
    """Write the archive to ``path`` (refuses to overwrite); returns the manifest."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} exists already; choose a new file name.")
    media_root = Path(settings.MEDIA_ROOT)
    with _private_tempdir() as tmp:
        database = _dump_database(Path(tmp))
        report(f"database: {database.name} ({database.stat().st_size:,} bytes)")
        members: dict[str, Path] = {database.name: database}
        if media_root.is_dir():
            for file in sorted(p for p in media_root.rglob("*") if p.is_file() and not p.is_symlink()):
                members[f"media/{file.relative_to(media_root).as_posix()}"] = file
        report(f"product files: {len(members) - 1}")
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": {"vendor": connection.vendor, "member": database.name},
            "files": {name: _sha256(file) for name, file in members.items()},
        }
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w") as tar:
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode = len(data), 0o600
            tar.addfile(info, io.BytesIO(data))
            for name, file in members.items():
                tar.add(file, arcname=name, recursive=False)
        os.chmod(partial, 0o600)
        partial.replace(path)
    return manifest


def _safe_name(name: str) -> bool:
    pure = PurePosixPath(name)
    return bool(name) and not pure.is_absolute() and ".." not in pure.parts and "\\" not in name


def _read_and_check(path: Path, into: Path) -> dict:
    """Extract every member into ``into`` and check it against the manifest; raise BackupError if anything is off."""
    try:
        tar = tarfile.open(path, "r")  # noqa: SIM115 - closed by the with below
    except (OSError, tarfile.TarError):
        raise BackupError(f"{path} is not a SUSI backup (not a readable tar file).") from None
    with tar:
        try:
            members = tar.getmembers()
        except (tarfile.TarError, EOFError, OSError):
            raise BackupError(f"{path} is damaged (the tar file cannot be read to its end).") from None
        names = [m.name for m in members]
        if MANIFEST not in names:
            raise BackupError(f"{path} has no manifest: not a SUSI backup.")
        try:
            manifest = json.loads(tar.extractfile(MANIFEST).read())  # type: ignore[union-attr]
            files: dict[str, str] = manifest["files"]
            database = manifest["database"]
        except (ValueError, KeyError, TypeError, AttributeError):
            raise BackupError(f"{path} has an unreadable manifest.") from None
        if manifest.get("format") != FORMAT:
            raise BackupError(f"{path} has format {manifest.get('format')!r}; this version reads {FORMAT}.")
        if sorted(n for n in names if n != MANIFEST) != sorted(files) or len(set(names)) != len(names):
            raise BackupError(f"{path} does not hold exactly the files its manifest lists.")
        for member in members:
            if member.name == MANIFEST:
                continue
            if not member.isfile() or not _safe_name(member.name):
                raise BackupError(f"{path} holds an unsafe entry: {member.name!r}.")
            target = into / member.name
            target.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as src, target.open("wb") as dst:  # type: ignore[union-attr]
                shutil.copyfileobj(src, dst)
            if _sha256(target) != files[member.name]:
                raise BackupError(f"{path} is altered or damaged: {member.name} does not match its checksum.")
        if database.get("member") not in files:
            raise BackupError(f"{path} holds no database.")
    return manifest


def restore(path: Path, report: Callable[[str], None] = lambda line: None) -> dict:
    """Replace the database and the product files with the archive's. Checks everything first."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    with _private_tempdir() as tmp:
        unpacked = Path(tmp) / "archive"
        manifest = _read_and_check(path, unpacked)
        vendor = manifest["database"]["vendor"]
        if vendor != connection.vendor:
            raise BackupError(
                f"The archive holds a {vendor} database; this installation uses {connection.vendor}."
            )
        report(f"archive checked: {len(manifest['files'])} files, made {manifest['created_at']}")
        _restore_database(unpacked / manifest["database"]["member"])
        report("database restored")
        _restore_media(unpacked / "media", Path(tmp))
        report(f"product files restored: {len(manifest['files']) - 1}")
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    return manifest


def _restore_database(file: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        if connection.in_atomic_block:
            raise BackupError("Cannot restore inside a transaction.")
        source = sqlite3.connect(file)
        try:
            source.backup(connection.connection)  # replaces every page of the live database
        finally:
            source.close()
        return
    args, env = _pg_env()
    connection.close()
    done = subprocess.run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *args,
            "--dbname",
            str(connection.settings_dict["NAME"]),
            str(file),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed, the database is unchanged: {done.stderr.strip()[-500:]}")


def _restore_media(unpacked_media: Path, tmp: Path) -> None:
    media_root = Path(settings.MEDIA_ROOT)
    aside = tmp / "media-before"
    if media_root.exists():
        shutil.move(str(media_root), aside)
    if unpacked_media.is_dir():
        media_root.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(unpacked_media), media_root)
    else:
        media_root.mkdir(parents=True, exist_ok=True)
