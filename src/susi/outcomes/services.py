"""Every write of the outcomes app: staging an import, importing it, exporting and erasing a citizen.

An import runs in two steps. ``stage_file`` streams the uploaded file, validates every row,
pseudonymises every CPR number and keeps only the pseudonymised rows in a staging file; it writes
nothing but the ``ImportBatch`` with its report. ``commit_batch`` then writes every row in one
transaction (all or nothing). The same file twice, or a file whose values are already there,
changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from susi.accounts.permissions import bound_municipality, can, require
from susi.engines.evaluation.cpr import mask_cpr_like

from .importing import FileError, check_upload, hash_and_sniff, read_staged, rewrite_staged, validate_file
from .models import (
    AccessLog,
    Citizen,
    EffectEvaluation,
    Enrolment,
    ImportBatch,
    Instrument,
    Measurement,
    Occasion,
)
from .pseudonyms import PseudonymKeyError, pseudonymiser

logger = logging.getLogger(__name__)
CHUNK_ROWS = 5000
Progress = Callable[[int, int], None]


class ImportRefused(ValueError):
    """An import that cannot go ahead; ``message`` is a Danish sentence for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Scope:
    """An initiative at one municipality: the object the outcomes permission rules judge."""

    initiative: Any
    municipality: Any

    @property
    def municipality_id(self) -> int | None:
        return getattr(self.municipality, "pk", None)


def staging_dir() -> Path:
    configured = getattr(settings, "SUSI_OUTCOMES_STAGING_DIR", None)
    path = Path(configured) if configured else Path(settings.VAR_DIR) / "outcomes-staging"
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def safe_file_name(name: str) -> str:
    """The base name of an uploaded file as it may be stored and shown: CPR-like numbers masked."""
    return mask_cpr_like(Path(str(name)).name)[:255]


def staging_max_age() -> dt.timedelta:
    return dt.timedelta(hours=float(getattr(settings, "SUSI_OUTCOMES_STAGING_MAX_AGE_HOURS", 72)))


#: A staging file no batch refers to (the process died while it was written) is removed after this long.
ORPHAN_GRACE = dt.timedelta(hours=1)


def is_expired(batch: ImportBatch, now: dt.datetime | None = None) -> bool:
    """A preview older than the staging lifetime can no longer be imported."""
    return batch.created_at is not None and batch.created_at < (now or timezone.now()) - staging_max_age()


@dataclass(frozen=True)
class StagingPurge:
    expired_batches: int
    removed_files: int


def expired_staging(now: dt.datetime | None = None) -> tuple[list[ImportBatch], list[Path]]:
    """Previews past their lifetime, and staging files no preview refers to (crash leftovers)."""
    now = now or timezone.now()
    previews = list(ImportBatch.objects.filter(status=ImportBatch.Status.PREVIEW))
    expired = [b for b in previews if is_expired(b, now)]
    referenced = {b.staged_file for b in previews if b.staged_file}
    directory = staging_dir()
    orphans = [
        path
        for path in directory.iterdir()
        if path.is_file()
        and path.name not in referenced
        and dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC) < now - ORPHAN_GRACE
    ]
    return expired, orphans


def purge_staging(now: dt.datetime | None = None) -> StagingPurge:
    """Expire old previews (their status becomes discarded) and delete their and orphaned staging files."""
    expired, orphans = expired_staging(now)
    removed = 0
    directory = staging_dir()
    for batch in expired:
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            if locked.status != ImportBatch.Status.PREVIEW:
                continue
            if locked.staged_file:
                path = directory / locked.staged_file
                removed += path.exists()
                path.unlink(missing_ok=True)
            locked.status = ImportBatch.Status.DISCARDED
            locked.staged_file = ""
            locked.save(update_fields=["status", "staged_file"])
    for path in orphans:
        path.unlink(missing_ok=True)
        removed += 1
    if expired or orphans:
        logger.info("Purged outcome staging: %s expired previews, %s files removed", len(expired), removed)
    return StagingPurge(expired_batches=len(expired), removed_files=removed)


def _remove_from_staging(pseudonym: str, municipality_ids: set[int]) -> int:
    """Drop a citizen's rows from every waiting preview of the given municipalities (erasure on request).

    Without this, importing a preview staged before the erasure would bring the citizen back.
    """
    directory = staging_dir()
    dropped = 0
    for batch in ImportBatch.objects.select_for_update().filter(status=ImportBatch.Status.PREVIEW):
        if not batch.staged_file:
            continue
        path = directory / batch.staged_file
        if not path.exists():
            continue
        rows = list(read_staged(path))
        keep = [
            r
            for r in rows
            if not (r["pseudonym"] == pseudonym and int(r["municipality"]) in municipality_ids)
        ]
        if len(keep) == len(rows):
            continue
        rewrite_staged(path, keep)
        dropped += len(rows) - len(keep)
        batch.rows_total = max(batch.rows_total - (len(rows) - len(keep)), 0)
        batch.save(update_fields=["rows_total"])
    return dropped


def log_access(
    user,
    action: str,
    what: str,
    *,
    initiative=None,
    municipality=None,
    citizen_ids: Iterable[int] = (),
) -> AccessLog:
    """Record one read (or export, import, erasure) of citizen-level data."""
    ids = sorted(set(citizen_ids))
    return AccessLog.objects.create(
        user=user if getattr(user, "pk", None) else None,
        username=getattr(user, "username", "") or "",
        action=action,
        what=mask_cpr_like(what)[:255],
        initiative=initiative,
        municipality=municipality,
        citizen_ids=ids,
        citizen_count=len(ids),
    )


# --- import: stage ------------------------------------------------------------------------------------


def importable_municipalities(user, initiative) -> list:
    """The participating municipalities ``user`` may import citizens for, by the permission rule."""
    return [m for m in initiative.municipalities.all() if can(user, "outcomes.import", Scope(initiative, m))]


def stage_file(
    *,
    user,
    initiative,
    fh: IO[bytes],
    name: str,
    municipality=None,
    progress: Progress | None = None,
) -> ImportBatch:
    """Validate and pseudonymise an uploaded file into a batch with a row-by-row report.

    ``municipality`` is where rows without a ``kommune`` column go (a municipality user's own by
    default). Writes no citizen data. Raises ``ImportRefused`` when the municipality does not take part,
    or the file cannot be read at all (wrong type, missing columns).
    """
    if municipality is None:
        municipality = bound_municipality(user)
    require(user, "outcomes.import", Scope(initiative, municipality))
    if municipality is not None and not initiative.municipalities.filter(pk=municipality.pk).exists():
        raise ImportRefused(
            _("%(municipality)s deltager ikke i initiativet.") % {"municipality": municipality}
        )
    allowed = {m.code: m.pk for m in importable_municipalities(user, initiative)}
    try:
        check_upload(fh, name)
        # a missing or wrong key refuses the file before a row is read
        pseudonymise = pseudonymiser(initiative)
    except FileError as exc:
        raise ImportRefused(exc.message) from None
    except PseudonymKeyError as exc:
        raise ImportRefused(exc.message) from None

    # The very same bytes imported before: nothing can change, so the rows are not read again.
    sha256 = hash_and_sniff(fh)[0]
    previous = ImportBatch.objects.filter(
        initiative=initiative,
        municipality=municipality,
        file_sha256=sha256,
        status=ImportBatch.Status.IMPORTED,
    ).first()
    if previous is not None:
        batch = ImportBatch.objects.create(
            initiative=initiative,
            municipality=municipality,
            file_name=safe_file_name(name),
            file_sha256=sha256,
            uploaded_by=user if getattr(user, "pk", None) else None,
            status=ImportBatch.Status.UNCHANGED,
            rows_total=previous.rows_total,
            rows_unchanged=previous.rows_total,
            report=[{"meta": True, **batch_meta(previous), "same_as": previous.pk}],
        )
        logger.info("Outcome file %s is batch %s again: nothing changed", batch.pk, previous.pk)
        return batch

    target = staging_dir() / f"{uuid.uuid4().hex}.csv"
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    has_enrolments = Enrolment.objects.filter(initiative=initiative).exists()

    # Only enrolments in the municipalities this user may import for are ever looked at: whether a
    # citizen is enrolled elsewhere must change neither a message nor a count.
    in_scope = sorted(int(pk) for pk in allowed.values())

    def existing(pseudonyms: list[str]) -> dict[str, list[tuple[str, int]]]:
        if not has_enrolments or not in_scope:
            return {}
        q = connection.ops.quote_name
        sql = (
            f"SELECT c.pseudonym, e.arm, e.municipality_id FROM {q(Enrolment._meta.db_table)} e "  # noqa: S608
            f"JOIN {q(Citizen._meta.db_table)} c ON c.id = e.citizen_id "
            f"WHERE e.initiative_id = {int(initiative.pk)} "
            f"AND e.municipality_id IN ({', '.join(str(pk) for pk in in_scope)}) "
            f"AND c.pseudonym IN ({{placeholders}})"
        )
        found: dict[str, list[tuple[str, int]]] = {}
        with connection.cursor() as cursor:
            for p, arm, m in _in_chunks(cursor, sql, pseudonyms):
                found.setdefault(p, []).append((arm, m))
        return found

    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as staged:
            report, sha256 = validate_file(
                fh,
                name,
                staged,
                municipalities=allowed,
                default_municipality_id=municipality.pk if municipality else None,
                known_instruments=dict(Instrument.objects.values_list("code", "kind")),
                existing_enrolments=existing,
                pseudonymise=pseudonymise,
                progress=progress,
            )
    except FileError as exc:
        target.unlink(missing_ok=True)
        raise ImportRefused(exc.message) from None
    except BaseException:
        target.unlink(missing_ok=True)
        raise

    batch = ImportBatch(
        initiative=initiative,
        municipality=municipality,
        file_name=safe_file_name(name),
        file_sha256=sha256,
        uploaded_by=user if getattr(user, "pk", None) else None,
        rows_total=report.rows_total,
        error_count=report.error_count,
        # The first entry carries the counts the preview shows; the rest is the row-by-row report.
        report=[
            {"meta": True, "citizens": report.citizens, "new_instruments": report.new_instruments},
            *report.errors,
        ],
    )
    if report.error_count:
        batch.status = ImportBatch.Status.INVALID
        target.unlink(missing_ok=True)
    else:
        new, changed, unchanged = _classify(target, initiative)
        batch.rows_new, batch.rows_changed, batch.rows_unchanged = new, changed, unchanged
        batch.staged_file = target.name
        batch.status = ImportBatch.Status.PREVIEW if (new or changed) else ImportBatch.Status.UNCHANGED
        if batch.status == ImportBatch.Status.UNCHANGED:
            target.unlink(missing_ok=True)
            batch.staged_file = ""
    batch.save()
    logger.info(
        "Staged outcome import %s: %s rows, %s errors, status %s",
        batch.pk,
        report.rows_total,
        report.error_count,
        batch.status,
    )
    return batch


def batch_meta(batch: ImportBatch) -> dict[str, Any]:
    if batch.report and batch.report[0].get("meta"):
        return batch.report[0]
    return {"citizens": 0, "new_instruments": {}}


def batch_errors(batch: ImportBatch) -> list[dict[str, Any]]:
    return [entry for entry in batch.report if not entry.get("meta")]


def _existing_values(
    initiative, municipality_ids: set[int]
) -> dict[tuple[str, int, str, int], tuple[float, str]]:
    """Values already held for the staged rows' municipalities only (a count must not reveal others)."""
    rows = Measurement.objects.filter(
        enrolment__initiative=initiative, enrolment__municipality_id__in=municipality_ids
    ).values_list(
        "enrolment__citizen__pseudonym",
        "enrolment__municipality_id",
        "instrument__code",
        "occasion__number",
        "value",
        "measured_on",
    )
    return {
        (p, m, i, o): (v, d.isoformat() if d else "") for p, m, i, o, v, d in rows.iterator(chunk_size=10000)
    }


def _classify(path: Path, initiative) -> tuple[int, int, int]:
    municipality_ids = {int(row["municipality"]) for row in read_staged(path)}
    existing = _existing_values(initiative, municipality_ids)
    new = changed = unchanged = 0
    for row in read_staged(path):
        key = (row["pseudonym"], int(row["municipality"]), row["instrument"], int(row["occasion"]))
        found = existing.get(key)
        if found is None:
            new += 1
        elif found == (float(row["value"]), row["measured_on"]):
            unchanged += 1
        else:
            changed += 1
    return new, changed, unchanged


# --- import: commit -----------------------------------------------------------------------------------


def commit_batch(*, user, batch: ImportBatch, progress: Progress | None = None) -> ImportBatch:
    """Write a previewed batch in one transaction. Nothing is written if anything fails."""
    require(user, "outcomes.import", Scope(batch.initiative, batch.municipality))
    path = staging_dir() / batch.staged_file if batch.staged_file else None
    if batch.status != ImportBatch.Status.PREVIEW or path is None or not path.exists():
        raise ImportRefused(_("Importen kan ikke gennemføres: filen er ikke godkendt i gennemsynet."))
    if is_expired(batch):
        purge_staging()
        raise ImportRefused(
            _("Gennemsynet er udløbet, og de midlertidige data er slettet. Indlæs filen igen.")
        )

    try:
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            if locked.status != ImportBatch.Status.PREVIEW:
                raise ImportRefused(_("Importen er allerede gennemført."))
            meta = batch_meta(locked)
            for code, kind in meta.get("new_instruments", {}).items():
                Instrument.objects.get_or_create(code=code, defaults={"name": code, "kind": kind})
            instruments = dict(Instrument.objects.values_list("code", "pk"))
            occasions = dict(Occasion.objects.values_list("number", "pk"))
            enrolments: dict[tuple[str, int], int] = {}  # (pseudonym, municipality id) -> enrolment id
            counts = {"new": 0, "changed": 0, "unchanged": 0}
            citizen_ids: set[int] = set()
            done = 0
            chunk: list[dict[str, str]] = []
            for row in read_staged(path):
                chunk.append(row)
                if len(chunk) >= CHUNK_ROWS:
                    done += _write_chunk(
                        chunk, locked, instruments, occasions, enrolments, counts, citizen_ids
                    )
                    chunk = []
                    if progress:
                        progress(done, locked.rows_total)
            if chunk:
                done += _write_chunk(chunk, locked, instruments, occasions, enrolments, counts, citizen_ids)
            locked.status = ImportBatch.Status.IMPORTED
            locked.imported_at = timezone.now()
            locked.rows_new, locked.rows_changed, locked.rows_unchanged = (
                counts["new"],
                counts["changed"],
                counts["unchanged"],
            )
            locked.staged_file = ""
            locked.save()
            log_access(
                user,
                AccessLog.Action.IMPORT,
                f"import {locked.pk}: {locked.file_name}",
                initiative=locked.initiative,
                municipality=locked.municipality,
                citizen_ids=citizen_ids,
            )
            transaction.on_commit(lambda: path.unlink(missing_ok=True))
    except IntegrityError:
        # Another import wrote the same citizens at the same moment; this one changed nothing.
        raise ImportRefused(
            _("Importen kunne ikke gennemføres, fordi de samme borgere blev indlæst samtidig. Prøv igen.")
        ) from None
    if progress:
        progress(done, locked.rows_total)
    logger.info("Imported outcome batch %s: %s new, %s changed", locked.pk, counts["new"], counts["changed"])
    return locked


def _in_chunks(cursor, sql: str, values: list, size: int = 900) -> list[tuple]:
    """Run ``sql`` (with one ``{in}`` for an IN list) over ``values`` in slices; SQLite caps the parameters."""
    rows: list[tuple] = []
    for offset in range(0, len(values), size):
        part = values[offset : offset + size]
        cursor.execute(sql.format(placeholders=", ".join(["%s"] * len(part))), part)
        rows.extend(cursor.fetchall())
    return rows


ENROLMENT_COLUMNS = ("citizen_id", "initiative_id", "municipality_id", "arm", "start", "end", "batch_id")
MEASUREMENT_COLUMNS = ("enrolment_id", "instrument_id", "occasion_id", "value", "measured_on")


def _insert(cursor, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert ``rows`` into ``table``: PostgreSQL's COPY (one stream instead of one statement per row), or
    parameterised INSERTs on SQLite and when ``SUSI_BULK_WRITE = "insert"`` (e.g. behind a pooler that cannot
    pass COPY through). Both write identical rows (tests/outcomes/test_bulk_write.py)."""
    if not rows:
        return
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    if connection.vendor == "postgresql" and getattr(settings, "SUSI_BULK_WRITE", "copy") == "copy":
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(columns))
    cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


def _enrolment_changes(wanted, known, existing, batch) -> tuple[list[tuple], list[tuple]]:
    """The enrolments to insert and the (start, end, id) updates for the staged rows in `wanted`."""
    inserts, updates = [], []
    for (p, muni), r in wanted.items():
        citizen_id = known[p]
        found = existing.get((citizen_id, muni))
        start, end = r["start"], r["end"] or None
        if found is None:
            inserts.append(
                (citizen_id, batch.initiative_id, int(r["municipality"]), r["arm"], start, end, batch.pk)
            )
        elif (_iso(found[1]), _iso(found[2])) != (start, end):
            updates.append((start, end, found[0]))
    return inserts, updates


def _write_chunk(chunk, batch, instruments, occasions, enrolments, counts, citizen_ids) -> int:
    """Write one chunk of staged rows with plain parameterised SQL on the transaction's connection.

    The ORM's bulk_create spends most of its time building model instances; for 100,000 rows that is most of
    an import. New rows go in through `_insert` (COPY on PostgreSQL); look-ups and updates are the same SQL on
    both databases.
    """
    ops = connection.ops
    q = ops.quote_name
    citizen_t, enrolment_t = q(Citizen._meta.db_table), q(Enrolment._meta.db_table)
    measurement_t = q(Measurement._meta.db_table)
    # Occasions are a short fixed list; create any the chunk names.
    for number in {int(r["occasion"]) for r in chunk} - set(occasions):
        occasions[number] = Occasion.objects.get_or_create(number=number)[0].pk

    with connection.cursor() as cursor:
        # Citizens: look up, create the missing ones.
        # Enrolments are keyed by (pseudonym, municipality id): a citizen may be enrolled by two municipalities.
        wanted = {
            (r["pseudonym"], int(r["municipality"])): r
            for r in chunk
            if (r["pseudonym"], int(r["municipality"])) not in enrolments
        }
        if wanted:
            pseudonyms = sorted({p for p, _m in wanted})
            select_citizens = f"SELECT pseudonym, id FROM {citizen_t} WHERE pseudonym IN ({{placeholders}})"  # noqa: S608
            known = dict(_in_chunks(cursor, select_citizens, pseudonyms))
            now = ops.adapt_datetimefield_value(timezone.now())
            missing = {
                p: (p, int(r["birth_year"]) if r["birth_year"] else None, r["sex"], now)
                for (p, _m), r in wanted.items()
                if p not in known
            }
            if missing:
                _insert(
                    cursor,
                    citizen_t,
                    ("pseudonym", "birth_year", "sex", "created_at"),
                    list(missing.values()),
                )
                known = dict(_in_chunks(cursor, select_citizens, pseudonyms))

            # Enrolments: look up, create the missing, update changed dates.
            select_enrolments = (
                f"SELECT citizen_id, municipality_id, id, start, {q('end')} FROM {enrolment_t} "  # noqa: S608
                f"WHERE initiative_id = {int(batch.initiative_id)} AND citizen_id IN ({{placeholders}})"
            )
            citizen_ids_wanted = sorted({known[p] for p, _m in wanted})
            existing = {
                (row[0], row[1]): row[2:] for row in _in_chunks(cursor, select_enrolments, citizen_ids_wanted)
            }
            inserts, updates = _enrolment_changes(wanted, known, existing, batch)
            _insert(cursor, enrolment_t, ENROLMENT_COLUMNS, inserts)
            if updates:
                cursor.executemany(
                    f"UPDATE {enrolment_t} SET start = %s, {q('end')} = %s WHERE id = %s",  # noqa: S608
                    updates,
                )
            by_citizen = {v: k for k, v in known.items()}
            for citizen_id, muni, pk, *_ in _in_chunks(cursor, select_enrolments, citizen_ids_wanted):
                if (by_citizen[citizen_id], muni) in wanted:
                    enrolments[(by_citizen[citizen_id], muni)] = pk
                    citizen_ids.add(citizen_id)

        # Measurements: new ones are inserted, changed ones updated, equal ones left alone.
        enrolment_ids = sorted({enrolments[(r["pseudonym"], int(r["municipality"]))] for r in chunk})
        select_values = (
            f"SELECT enrolment_id, instrument_id, occasion_id, id, value, measured_on FROM {measurement_t} "  # noqa: S608
            "WHERE enrolment_id IN ({placeholders})"
        )
        existing_values = {row[:3]: row[3:] for row in _in_chunks(cursor, select_values, enrolment_ids)}
        inserts, updates = [], []
        for r in chunk:
            key = (
                enrolments[(r["pseudonym"], int(r["municipality"]))],
                instruments[r["instrument"]],
                occasions[int(r["occasion"])],
            )
            value, measured_on = float(r["value"]), r["measured_on"] or None
            found = existing_values.get(key)
            if found is None:
                inserts.append((*key, value, measured_on))
            elif (float(found[1]), _iso(found[2])) != (value, measured_on):
                updates.append((value, measured_on, found[0]))
            else:
                counts["unchanged"] += 1
        _insert(cursor, measurement_t, MEASUREMENT_COLUMNS, inserts)
        if updates:
            cursor.executemany(
                f"UPDATE {measurement_t} SET value = %s, measured_on = %s WHERE id = %s", updates
            )  # noqa: S608
    counts["new"] += len(inserts)
    counts["changed"] += len(updates)
    return len(chunk)


def _iso(value) -> str | None:
    """A date from the database (a date, or ISO text on SQLite's raw cursor) as ISO text."""
    if value is None or value == "":
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def discard_batch(*, user, batch: ImportBatch) -> None:
    require(user, "outcomes.import", Scope(batch.initiative, batch.municipality))
    if batch.status == ImportBatch.Status.PREVIEW:
        if batch.staged_file:
            (staging_dir() / batch.staged_file).unlink(missing_ok=True)
        batch.status = ImportBatch.Status.DISCARDED
        batch.staged_file = ""
        batch.save(update_fields=["status", "staged_file"])


# --- a citizen's rights: export and erasure -------------------------------------------------------------


def citizen_export(*, user, enrolments: list[Enrolment]) -> dict[str, Any]:
    """Everything held about one citizen in the given enrolments (already permission-scoped)."""
    for enrolment in enrolments:
        require(user, "outcomes.export_citizen", enrolment)
    if not enrolments:
        return {}
    # One citizen row per pseudonym space (initiative): the person's data in every space found.
    citizen = enrolments[0].citizen
    data = {
        "pseudonym": citizen.pseudonym,
        "birth_year": citizen.birth_year,
        "sex": citizen.sex,
        "enrolments": [
            {
                "pseudonym": e.citizen.pseudonym,
                "initiative": e.initiative.title,
                "municipality": str(e.municipality),
                "arm": e.arm,
                "start": e.start.isoformat(),
                "end": e.end.isoformat() if e.end else None,
                "measurements": [
                    {
                        "instrument": m.instrument.code,
                        "occasion": m.occasion.code,
                        "value": m.value,
                        "measured_on": m.measured_on.isoformat() if m.measured_on else None,
                    }
                    for m in e.measurements.select_related("instrument", "occasion").order_by(
                        "instrument__code", "occasion__number"
                    )
                ],
            }
            for e in enrolments
        ],
    }
    log_access(
        user,
        AccessLog.Action.EXPORT,
        "indsigt: borgerens data",
        initiative=enrolments[0].initiative if len(enrolments) == 1 else None,
        municipality=enrolments[0].municipality,
        citizen_ids=[e.citizen_id for e in enrolments],
    )
    return data


def citizen_export_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def erase_citizen(*, user, enrolments: list[Enrolment]) -> int:
    """Erase the given enrolments (with their measurements); the citizen too when nothing else is left."""
    for enrolment in enrolments:
        require(user, "outcomes.erase_citizen", enrolment)
    if not enrolments:
        return 0
    citizens = {e.citizen_id: e.citizen for e in enrolments}  # one per pseudonym space
    with transaction.atomic():
        count = len(enrolments)
        log_access(
            user,
            AccessLog.Action.ERASE,
            f"sletning af {count} forløb",
            municipality=enrolments[0].municipality,
            citizen_ids=list(citizens),
        )
        Enrolment.objects.filter(pk__in=[e.pk for e in enrolments]).delete()
        for citizen in citizens.values():
            # Waiting previews must not bring the citizen back when they are imported later.
            _remove_from_staging(
                citizen.pseudonym, {e.municipality_id for e in enrolments if e.citizen_id == citizen.pk}
            )
            if not Enrolment.objects.filter(citizen=citizen).exists():
                citizen.delete()
    return count


# --- evaluations --------------------------------------------------------------------------------------


def save_evaluation(*, user, initiative, instrument, occasion, result) -> EffectEvaluation:
    """Keep an effect estimate (aggregate figures only) for the evidence base and SØM."""
    require(user, "outcomes.save_estimate", initiative)
    estimate = result.estimate
    rate = result.success_rate
    return EffectEvaluation.objects.create(
        initiative=initiative,
        instrument=instrument,
        occasion=occasion,
        method=result.design,
        estimate=estimate.estimate,
        ci_low=estimate.ci_low,
        ci_high=estimate.ci_high,
        p_value=estimate.p_value,
        n_treated=estimate.n_intervention,
        n_control=estimate.n_comparison,
        effect_size=estimate.yi,
        effect_size_se=estimate.vi**0.5,
        effect_size_kind=estimate.measure,
        som_success_rate=rate.mean if rate else None,
        inputs={
            "design": result.design,
            "followup": result.followup,
            "instrument": instrument.code,
            "higher_is_better": instrument.higher_is_better,
            "se": estimate.se,
            "som_success_rate_sd": rate.sd if rate else None,
            "baseline_rate": result.baseline_rate,
            "cluster": result.cluster,
            "smd": {"yi": result.smd.yi, "vi": result.smd.vi} if result.smd else None,
        },
        created_by=user if getattr(user, "pk", None) else None,
    )
