"""Issue 8, personal data: CPR-like numbers masked in file-borne text, no oracle across municipalities,
look-ups and register runs audited, crash leftovers and staging expiry, the pseudonym key's fingerprint."""

from __future__ import annotations

import io
import json
import re

import pandas as pd
from django.urls import reverse

from susi.engines.evaluation import synthetic
from susi.outcomes import register, services
from susi.outcomes.models import AccessLog, DeliveryRecord, Enrolment, ImportBatch, Instrument
from susi.outcomes.services import commit_batch, stage_file

from .helpers import HEADER, csv_bytes, rows_for, synthetic_cpr

CPR_IN_NAME = "020286-1037"  # a CPR-like number (not in the synthetic range: it must be masked all the same)


def _without_tokens(page: str) -> str:
    """A page without its per-request CSRF token, so two answers can be compared byte for byte."""
    page = re.sub(r'csrfmiddlewaretoken" value="[^"]*"', "", page)
    return re.sub(r'CSRFToken": "[^"]*"', "", page)


def _stage(world, data: bytes, *, user=None, municipality=None, name="data.csv"):
    return stage_file(
        user=user or world.evaluator,
        initiative=world.initiative,
        municipality=municipality,
        fh=io.BytesIO(data),
        name=name,
    )


def _load(world, municipality, n, offset=0):
    batch = _stage(world, csv_bytes(rows_for(n, offset=offset)), municipality=municipality)
    return commit_batch(user=world.evaluator, batch=batch)


# --- item 1: CPR-like numbers in file names, cells and messages ----------------------------------------


def test_a_cpr_in_the_file_name_is_masked_before_it_is_stored_or_logged(world, caplog):
    name = f"maalinger_{CPR_IN_NAME.replace('-', '')}.csv"
    batch = _stage(world, csv_bytes(rows_for(2)), municipality=world.aarhus, name=name)
    commit_batch(user=world.evaluator, batch=batch)
    batch.refresh_from_db()
    assert batch.file_name == "maalinger_XXXXXX-XXXX.csv"
    assert "XXXXXX-XXXX" in AccessLog.objects.get(action=AccessLog.Action.IMPORT).what
    for text in (str(list(ImportBatch.objects.values())), str(list(AccessLog.objects.values())), caplog.text):
        assert "0202861037" not in text and CPR_IN_NAME not in text


def test_a_cpr_in_other_cells_never_reaches_a_message_or_an_instrument(world):
    header = [*HEADER, "kommune"]
    rows = [[*r, "0103304002"] for r in rows_for(1)]
    batch = _stage(world, csv_bytes(rows, header=header), municipality=world.aarhus)
    messages = " ".join(e["message"] for e in services.batch_errors(batch))
    assert "Kommune XXXXXX-XXXX deltager ikke" in messages and "0103304002" not in messages
    # A CPR in the instrument column does not become an instrument code.
    rows = [[r[0], r[1], r[2], r[3], "0103304002", r[5], r[6]] for r in rows_for(2)]
    commit_batch(user=world.evaluator, batch=_stage(world, csv_bytes(rows), municipality=world.aarhus))
    codes = list(Instrument.objects.values_list("code", flat=True))
    assert codes and not any("0103304002" in c or "010330" in c for c in codes)


def test_a_cpr_in_a_delivery_component_is_masked(client, world):
    _load(world, world.aarhus, 2)
    header = ["CPR-nummer", "Kerneelement", "Leveret"]
    upload = io.BytesIO(csv_bytes([[synthetic_cpr(0), "samtale med 010330-4002", "1"]], header=header))
    upload.name = "leverancer_0103304002.csv"
    client.force_login(world.aarhus_user)
    client.post(reverse("outcomes:deliveries", args=[world.initiative.pk]), {"file": upload})
    assert list(DeliveryRecord.objects.values_list("component", flat=True)) == ["samtale med XXXXXX-XXXX"]
    logged = AccessLog.objects.get(action=AccessLog.Action.IMPORT, what__startswith="leverancer").what
    assert "0103304002" not in logged and "XXXXXX-XXXX" in logged


# --- item 3: no oracle across municipalities --------------------------------------------------------------


def test_odense_is_not_told_that_aarhus_enrolled_a_citizen(world):
    _load(world, world.aarhus, 4)  # Aarhus' citizens 0-3
    # Odense imports citizens 0-3 (enrolled by Aarhus) and, for comparison, citizens 100-103 (enrolled nowhere).
    known = _stage(world, csv_bytes(rows_for(4)), user=world.odense_user)
    unknown = _stage(world, csv_bytes(rows_for(4, offset=100)), user=world.odense_user)
    assert services.batch_errors(known) == services.batch_errors(unknown) == []
    for field in ("status", "rows_total", "rows_new", "rows_changed", "rows_unchanged", "error_count"):
        assert getattr(known, field) == getattr(unknown, field), field
    assert services.batch_meta(known) == services.batch_meta(unknown)
    # The import goes ahead as Odense's own enrolments; Aarhus' stay as they were.
    commit_batch(user=world.odense_user, batch=known)
    assert Enrolment.objects.filter(municipality=world.odense).count() == 4
    assert Enrolment.objects.filter(municipality=world.aarhus).count() == 4


def test_a_delivery_file_is_no_yes_no_test_for_another_municipalitys_cpr(client, world):
    _load(world, world.aarhus, 2)
    _load(world, world.odense, 2, offset=500)
    header = ["CPR-nummer", "Kerneelement", "Leveret"]
    client.force_login(world.aarhus_user)
    pages = []
    for cpr in (synthetic_cpr(500), synthetic_cpr(900)):  # Odense's citizen; a citizen enrolled nowhere
        upload = io.BytesIO(csv_bytes([[cpr, "samtaler", "1"]], header=header))
        upload.name = "leverancer.csv"
        response = client.post(reverse("outcomes:deliveries", args=[world.initiative.pk]), {"file": upload})
        pages.append(_without_tokens(response.content.decode()))
    assert pages[0] == pages[1]
    assert DeliveryRecord.objects.count() == 0


def test_lookups_that_find_nothing_or_another_municipalitys_citizen_are_logged(client, world):
    _load(world, world.odense, 2, offset=500)
    client.force_login(world.aarhus_user)
    answers = []
    for cpr in (synthetic_cpr(500), synthetic_cpr(900)):
        response = client.post(reverse("outcomes:citizen_rights"), {"cpr": cpr, "action": "find"})
        answers.append(_without_tokens(response.content.decode()))
    assert answers[0] == answers[1]
    lookups = list(
        AccessLog.objects.filter(action=AccessLog.Action.LOOKUP, username="aarhus").order_by("at", "pk")
    )
    assert len(lookups) == 2
    odense_citizen = Enrolment.objects.get(
        citizen__pseudonym__isnull=False, start=rows_for(1, offset=500)[0][2]
    ).citizen_id
    assert lookups[0].citizen_ids == [odense_citizen] and lookups[1].citizen_ids == []


def test_every_register_followup_run_is_logged(world):
    _load(world, world.aarhus, 10)
    enrolled = register.enrolled_frame(world.initiative)
    comparison = pd.DataFrame({"pseudonym": [f"c{i}" for i in range(30)], "index_year": 2024})
    people = pd.concat([enrolled.assign(treat=1), comparison.assign(treat=0)], ignore_index=True)
    history = synthetic.generate_register(people, first_year=2024, last_year=2027, effects={}, seed=1)
    for _ in range(2):
        register.followup_from_frames(
            user=world.evaluator,
            initiative=world.initiative,
            comparison=comparison,
            register=history,
            years=3,
        )
    runs = AccessLog.objects.filter(action=AccessLog.Action.REGISTER, initiative=world.initiative)
    assert runs.count() == 2 and all(r.citizen_count == 5 for r in runs)  # the intervention arm: 5 of 10


# --- item 2: no clear CPR left on disk by a stopped upload; staging files expire; erasure reaches them ----


def test_citizen_uploads_never_go_through_a_temporary_file(client, world, settings, tmp_path, monkeypatch):
    from django.core.files import uploadhandler

    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100  # any real file would go to a temporary file on disk
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "upload-tmp")
    (tmp_path / "upload-tmp").mkdir()
    opened = []
    original = uploadhandler.TemporaryFileUploadHandler.new_file

    def spy(self, *args, **kwargs):
        opened.append(args)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(uploadhandler.TemporaryFileUploadHandler, "new_file", spy)
    client.force_login(world.aarhus_user)
    upload = io.BytesIO(csv_bytes(rows_for(20)))
    upload.name = "trivsel.csv"
    response = client.post(reverse("outcomes:upload", args=[world.initiative.pk]), {"file": upload})
    assert response.status_code == 302 and ImportBatch.objects.get().status == ImportBatch.Status.PREVIEW
    upload = io.BytesIO(
        csv_bytes([[synthetic_cpr(0), "samtaler", "1"]], header=["CPR-nummer", "Kerneelement", "Leveret"])
    )
    upload.name = "leverancer.csv"
    client.post(reverse("outcomes:deliveries", args=[world.initiative.pk]), {"file": upload})
    assert opened == [] and list((tmp_path / "upload-tmp").iterdir()) == []


def test_the_citizen_upload_still_checks_csrf(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.aarhus_user)
    upload = io.BytesIO(csv_bytes(rows_for(2)))
    upload.name = "trivsel.csv"
    response = client.post(reverse("outcomes:upload", args=[world.initiative.pk]), {"file": upload})
    assert response.status_code == 403 and ImportBatch.objects.count() == 0


def test_an_expired_preview_cannot_be_imported_and_its_staging_file_is_removed(world):
    import datetime as dt

    from django.utils import timezone

    batch = _stage(world, csv_bytes(rows_for(4)), municipality=world.aarhus)
    path = services.staging_dir() / batch.staged_file
    assert path.exists()
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - dt.timedelta(hours=73))
    batch.refresh_from_db()
    try:
        commit_batch(user=world.evaluator, batch=batch)
    except services.ImportRefused as exc:
        assert "udløbet" in exc.message
    else:
        raise AssertionError("an expired preview was imported")
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DISCARDED and not path.exists()
    assert Enrolment.objects.count() == 0


def test_purge_command_and_startup_check_handle_expired_and_orphaned_staging_files(world):
    import datetime as dt
    import os

    from django.core.checks import run_checks
    from django.utils import timezone
    from typer.testing import CliRunner

    from susi.cli import app

    old = _stage(world, csv_bytes(rows_for(4)), municipality=world.aarhus)
    fresh = _stage(world, csv_bytes(rows_for(4, offset=50)), municipality=world.aarhus)
    ImportBatch.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=4))
    orphan = services.staging_dir() / "left-by-a-killed-process.csv"
    orphan.write_text("pseudonym\n" + "a" * 64 + "\n")
    two_hours_ago = (timezone.now() - dt.timedelta(hours=2)).timestamp()
    os.utime(orphan, (two_hours_ago, two_hours_ago))
    young_orphan = services.staging_dir() / "being-written.csv"
    young_orphan.write_text("pseudonym\n")

    warnings = [m for m in run_checks() if m.id == "susi.outcomes.W001"]
    assert len(warnings) == 1 and "1 outcome previews" in warnings[0].msg

    result = CliRunner().invoke(app, ["outcomes", "purge-staging"])
    assert result.exit_code == 0, result.output
    assert "1 udløbne" in result.output and "2 midlertidige filer" in result.output
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == ImportBatch.Status.DISCARDED and fresh.status == ImportBatch.Status.PREVIEW
    assert (services.staging_dir() / fresh.staged_file).exists() and young_orphan.exists()
    assert not orphan.exists()
    assert [m for m in run_checks() if m.id == "susi.outcomes.W001"] == []


def test_erasure_also_removes_the_citizen_from_waiting_previews(client, world):
    from susi.outcomes.models import Citizen
    from susi.outcomes.pseudonyms import pseudonym_for

    _load(world, world.aarhus, 3)
    changed = rows_for(3, effect=9.0, seed=7)  # new values for the same citizens: a preview waits
    waiting = _stage(world, csv_bytes(changed), municipality=world.aarhus)
    assert waiting.status == ImportBatch.Status.PREVIEW
    erased = pseudonym_for(synthetic_cpr(0), world.initiative)
    client.force_login(world.aarhus_user)
    response = client.post(
        reverse("outcomes:citizen_rights"), {"cpr": synthetic_cpr(0), "action": "erase", "confirm": "yes"}
    )
    assert response.status_code == 302 and not Citizen.objects.filter(pseudonym=erased).exists()
    commit_batch(user=world.evaluator, batch=waiting)
    assert not Citizen.objects.filter(pseudonym=erased).exists()
    assert Citizen.objects.count() == 2


# --- item 5: complementary suppression ------------------------------------------------------------------


def _rows_with(n, *, comparison=(), ended=()):
    rows = rows_for(n)
    for row in rows:
        index = next(i for i in range(n) if synthetic_cpr(i) == row[0])
        if index in comparison:
            row[1] = "sammenligning"
        if index in ended:
            row[3] = "2024-12-31"
    return rows


def test_no_withheld_arm_can_be_derived_from_the_total(client, world):
    from susi.outcomes import selectors

    # 8 citizens: 3 intervention, 5 comparison, 0 waitlist (citizen 6 moved to the comparison arm).
    batch = _stage(world, csv_bytes(_rows_with(8, comparison={6})), municipality=world.aarhus)
    commit_batch(user=world.evaluator, batch=batch)
    aarhus = next(
        r for r in selectors.municipality_counts(world.initiative) if r["municipality"] == world.aarhus
    )
    assert (aarhus["total"], aarhus["intervention"], aarhus["comparison"], aarhus["waitlist"]) == (
        8,
        None,
        None,
        0,
    )
    client.force_login(world.agency_user)
    data = client.get(f"/api/outcomes/initiatives/{world.initiative.pk}/summary").json()
    row = next(m for m in data["municipalities"] if m["code"] == "751")
    assert (row["total"], row["intervention"], row["comparison"], row["waitlist"]) == (8, None, None, 0)


def test_completed_cannot_be_derived_as_enrolled_minus_active(world):
    from susi.outcomes import selectors

    batch = _stage(world, csv_bytes(_rows_with(12, ended={0, 1, 2})), municipality=world.aarhus)
    commit_batch(user=world.evaluator, batch=batch)
    figures = selectors.management_figures(world.initiative, world.aarhus)
    assert figures["enrolled"] == 12 and figures["active"] is None and figures["completed"] is None
    assert figures["followed_up"] == 12


def test_register_years_whose_group_differs_by_1_to_4_people_are_withheld(world):
    from susi.engines.evaluation.results import RegisterFollowup, RegisterYearRow
    from susi.outcomes.models import RegisterOutcome

    def row(year, n1, n0):
        return RegisterYearRow("employment", year, n1, n0, 0.5, 0.4, 0.1, 0.05, 0.0, 0.2, False)

    result = RegisterFollowup(
        rows=(row(1, 40, 200), row(2, 38, 200), row(3, 30, 150), row(4, 30, 148)),
        years=4,
        first_index_year=2024,
        last_register_year=2028,
    )
    register.store(world.initiative, result)
    shown = dict(RegisterOutcome.objects.values_list("year", "mean_enrolled"))
    # Year 2 (38 of year 1's 40) and year 4 (148 of year 3's 150 comparisons) would give means over 2 people.
    assert shown == {1: 0.5, 2: None, 3: 0.5, 4: None}


# --- item 4: the pseudonym key's fingerprint, no silent new key, rotation --------------------------------


def test_a_lost_key_file_is_never_silently_replaced(world, settings):
    from susi.outcomes import pseudonyms
    from susi.outcomes.models import Citizen, PseudonymKeyFingerprint

    _load(world, world.aarhus, 4)
    assert PseudonymKeyFingerprint.objects.count() == 1
    settings.SUSI_PSEUDONYM_KEY_FILE.unlink()
    pseudonyms.reset_key_cache()
    try:
        _stage(world, csv_bytes(rows_for(4)), municipality=world.aarhus)
    except services.ImportRefused as exc:
        assert "Pseudonymnøglen mangler" in exc.message and "sikkerhedskopien" in exc.message
    else:
        raise AssertionError("a missing key was replaced by a new one")
    assert not settings.SUSI_PSEUDONYM_KEY_FILE.exists() and Citizen.objects.count() == 4


def test_a_key_with_another_fingerprint_is_refused_everywhere(client, world, settings):
    from susi.engines.evaluation.cpr import generate_key_file
    from susi.outcomes import pseudonyms
    from susi.outcomes.models import Citizen

    _load(world, world.aarhus, 4)
    settings.SUSI_PSEUDONYM_KEY_FILE.unlink()
    generate_key_file(settings.SUSI_PSEUDONYM_KEY_FILE)  # a different key
    pseudonyms.reset_key_cache()
    try:
        _stage(world, csv_bytes(rows_for(4)), municipality=world.aarhus)
    except services.ImportRefused as exc:
        assert "ikke den, borgerdataene er pseudonymiseret med" in exc.message
    else:
        raise AssertionError("a wrong key was used")
    client.force_login(world.aarhus_user)
    page = client.post(reverse("outcomes:citizen_rights"), {"cpr": synthetic_cpr(0), "action": "find"})
    assert page.status_code == 200 and "ikke den, borgerdataene" in page.content.decode()
    upload = io.BytesIO(
        csv_bytes([[synthetic_cpr(0), "samtaler", "1"]], header=["CPR-nummer", "Kerneelement", "Leveret"])
    )
    upload.name = "leverancer.csv"
    response = client.post(reverse("outcomes:deliveries", args=[world.initiative.pk]), {"file": upload})
    assert response.status_code == 302 and Citizen.objects.count() == 4


def test_rotation_rekeys_every_pseudonym_and_later_imports_still_link(client, world, settings):
    from typer.testing import CliRunner

    from susi.cli import app
    from susi.engines.evaluation.cpr import key_fingerprint, load_keys, rekey
    from susi.outcomes import pseudonyms
    from susi.outcomes.models import Citizen, PseudonymKeyFingerprint

    _load(world, world.aarhus, 6)
    waiting = _stage(world, csv_bytes(rows_for(2, offset=40)), municipality=world.aarhus)
    before = dict(Citizen.objects.values_list("pk", "pseudonym"))
    result = CliRunner().invoke(app, ["keys", "rotate", "--yes"])
    assert result.exit_code == 0, result.output
    chain = load_keys(settings.SUSI_PSEUDONYM_KEY_FILE)
    assert len(chain) == 2
    after = dict(Citizen.objects.values_list("pk", "pseudonym"))
    assert after == {pk: rekey(p, chain[1]) for pk, p in before.items()}
    record = PseudonymKeyFingerprint.objects.get()
    assert record.fingerprint == key_fingerprint(chain) and record.generations == 2
    waiting_file = services.staging_dir() / waiting.staged_file
    waiting.refresh_from_db()
    assert waiting.status == ImportBatch.Status.DISCARDED and not waiting_file.exists()
    # The same rows again (read row by row, not recognised by hash): the same citizens, nothing new.
    pseudonyms.reset_key_cache()
    again = _stage(world, csv_bytes(rows_for(6), delimiter=","), municipality=world.aarhus)  # other bytes
    assert again.status == ImportBatch.Status.UNCHANGED and Citizen.objects.count() == 6
    client.force_login(world.aarhus_user)
    page = client.post(reverse("outcomes:citizen_rights"), {"cpr": synthetic_cpr(0), "action": "find"})
    assert Citizen.objects.filter(
        pseudonym=pseudonyms.pseudonym_for(synthetic_cpr(0), world.initiative)
    ).exists()
    assert "Der er ingen data om borgeren" not in page.content.decode()
    # The previous key file alone no longer gives today's pseudonyms.
    backups = list(settings.SUSI_PSEUDONYM_KEY_FILE.parent.glob("pseudonym.key.before-rotation-*"))
    assert len(backups) == 1 and load_keys(backups[0]) == chain[:1]


# --- item 6: one pseudonym space per initiative --------------------------------------------------------


def test_the_same_person_has_unrelated_pseudonyms_in_two_initiatives(client, world):
    from susi.outcomes.models import Citizen

    _load(world, world.aarhus, 3)  # the testing initiative (evaluated by VIVE)
    batch = stage_file(
        user=world.aarhus_user,
        initiative=world.other,
        fh=io.BytesIO(csv_bytes(rows_for(3))),
        name="cti.csv",
    )
    commit_batch(user=world.aarhus_user, batch=batch)
    assert Citizen.objects.count() == 6  # one citizen row per person and pseudonym space
    first = set(
        Citizen.objects.filter(enrolments__initiative=world.initiative).values_list("pseudonym", flat=True)
    )
    other = set(
        Citizen.objects.filter(enrolments__initiative=world.other).values_list("pseudonym", flat=True)
    )
    assert len(first) == len(other) == 3 and not first & other
    # The evaluator of one initiative sees its pseudonyms only, and they match none of the other's.
    client.force_login(world.evaluator)
    listed = client.get(f"/api/outcomes/initiatives/{world.initiative.pk}/enrolments?limit=100").json()
    assert {e["pseudonym"] for e in listed} == first
    # A citizen's rights still reach the person's data in both initiatives, and erasure erases both.
    client.force_login(world.aarhus_user)
    export = json.loads(
        client.post(reverse("outcomes:citizen_rights"), {"cpr": synthetic_cpr(0), "action": "export"}).content
    )
    assert {e["initiative"] for e in export["enrolments"]} == {world.initiative.title, world.other.title}
    client.post(
        reverse("outcomes:citizen_rights"), {"cpr": synthetic_cpr(0), "action": "erase", "confirm": "yes"}
    )
    assert Citizen.objects.count() == 4


def test_a_shared_space_links_initiatives_where_a_legal_basis_is_recorded(world):
    from django.core.exceptions import ValidationError

    from susi.outcomes.models import SharedPseudonymSpace
    from susi.outcomes.pseudonyms import pseudonym_for

    for initiative in (world.initiative, world.other):
        space = SharedPseudonymSpace(
            initiative=initiative, name="adhd-monitorering", legal_basis="§ 1 i loven"
        )
        space.full_clean()
        space.save()
    assert pseudonym_for(synthetic_cpr(0), world.initiative) == pseudonym_for(synthetic_cpr(0), world.other)
    _load(world, world.aarhus, 2)
    late = SharedPseudonymSpace.objects.get(initiative=world.initiative)
    late.name = "noget-andet"
    try:
        late.full_clean()
    except ValidationError as exc:
        assert "allerede borgerdata" in str(exc)
    else:
        raise AssertionError("the space of an initiative with citizen data was changed")


def test_the_migration_moves_existing_pseudonyms_into_one_space_per_initiative(world, settings):
    """Data from before: one pseudonym per person everywhere; after the migration, one per initiative."""
    import importlib

    from django.apps import apps as django_apps

    from susi.engines.evaluation.cpr import pseudonymise
    from susi.outcomes.models import Citizen, Enrolment
    from susi.outcomes.pseudonyms import get_keys, pseudonym_for

    keys = get_keys()
    old = pseudonymise(synthetic_cpr(5), keys[0])
    citizen = Citizen.objects.create(pseudonym=old, birth_year=2031, sex="M")
    for initiative in (world.initiative, world.other):
        Enrolment.objects.create(
            citizen=citizen,
            initiative=initiative,
            municipality=world.aarhus,
            arm="intervention",
            start="2024-01-01",
        )
    migration = importlib.import_module("susi.outcomes.migrations.0005_pseudonyms_per_initiative")
    migration.forwards(django_apps, None)
    assert Citizen.objects.count() == 2 and not Citizen.objects.filter(pseudonym=old).exists()
    for initiative in (world.initiative, world.other):
        enrolment = Enrolment.objects.get(initiative=initiative)
        assert enrolment.citizen.pseudonym == pseudonym_for(synthetic_cpr(5), initiative)


def test_the_migration_masks_cpr_like_text_stored_before(world):
    import importlib

    from django.apps import apps as django_apps

    batch = ImportBatch.objects.create(
        initiative=world.initiative,
        municipality=world.aarhus,
        file_name="maalinger_0202861037.csv",
        file_sha256="0" * 64,
        status=ImportBatch.Status.INVALID,
        report=[
            {"meta": True, "citizens": 0},
            {"row": 2, "field": "kommune", "message": "Kommune 0103304002 …"},
        ],
    )
    log = AccessLog.objects.create(
        username="x", action=AccessLog.Action.IMPORT, what="import 1: 020286-1037.csv"
    )
    migration = importlib.import_module("susi.outcomes.migrations.0006_mask_cpr_like_text")
    migration.forwards(django_apps, None)
    batch.refresh_from_db()
    log.refresh_from_db()
    assert batch.file_name == "maalinger_XXXXXX-XXXX.csv"
    assert batch.report[1]["message"] == "Kommune XXXXXX-XXXX …" and batch.report[0] == {
        "meta": True,
        "citizens": 0,
    }
    assert log.what == "import 1: XXXXXX-XXXX.csv"


def test_a_citizen_upload_over_the_memory_limit_is_refused_with_a_message(client, world, settings):
    settings.SUSI_CITIZEN_UPLOAD_MAX_BYTES = 1024 * 1024
    client.force_login(world.aarhus_user)
    upload = io.BytesIO(b"CPR-nummer;Gruppe\n" + b"0" * (1300 * 1024))
    upload.name = "trivsel.csv"
    response = client.post(
        reverse("outcomes:upload", args=[world.initiative.pk]), {"file": upload}, follow=True
    )
    assert response.status_code == 200 and "Filen er for stor (højst 1 MB)." in response.content.decode()
    assert ImportBatch.objects.count() == 0
