"""Issue 8, personal data: CPR-like numbers masked in file-borne text, no oracle across municipalities,
look-ups and register runs audited, crash leftovers and staging expiry, the pseudonym key's fingerprint."""

from __future__ import annotations

import io
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
