"""A citizen's rights (export, erasure), monitoring against the testing effect, fidelity, register follow-up,
and the `susi outcomes` command."""

from __future__ import annotations

import datetime as dt
import io
import json

import pandas as pd
import pytest
from django.urls import reverse
from typer.testing import CliRunner

from susi.engines.evaluation import synthetic
from susi.outcomes import register, services
from susi.outcomes.models import (
    AccessLog,
    Citizen,
    DeliveryRecord,
    EffectEvaluation,
    Enrolment,
    Instrument,
    Measurement,
    Occasion,
    RegisterOutcome,
)
from susi.portfolio.models import Initiative

from .helpers import csv_bytes, rows_for, synthetic_cpr


def load(world, municipality, n=30, offset=0, effect=5.0, initiative=None, seed=1):
    batch = services.stage_file(
        user=world.evaluator,
        initiative=initiative or world.initiative,
        municipality=municipality,
        fh=io.BytesIO(csv_bytes(rows_for(n, offset=offset, effect=effect, seed=seed))),
        name="data.csv",
    )
    assert batch.error_count == 0, services.batch_errors(batch)[:3]
    return services.commit_batch(user=world.evaluator, batch=batch)


def test_export_and_erase_a_citizen_on_request(client, world):
    load(world, world.aarhus, n=10)
    load(world, world.odense, n=10, offset=500)
    cpr = synthetic_cpr(0)  # an Aarhus citizen
    client.force_login(world.odense_user)
    response = client.post(reverse("outcomes:citizen_rights"), {"cpr": cpr, "action": "find"})
    assert "ingen data om borgeren" in response.content.decode()  # another municipality's citizen
    client.force_login(world.aarhus_user)
    bad = client.post(reverse("outcomes:citizen_rights"), {"cpr": "3102314000", "action": "find"})
    assert "gyldig fødselsdato" in bad.content.decode()
    export = client.post(
        reverse("outcomes:citizen_rights"), {"cpr": cpr.replace("-", ""), "action": "export"}
    )
    data = json.loads(export.content)
    assert data["birth_year"] == 2031 and len(data["enrolments"][0]["measurements"]) == 2
    citizen = Citizen.objects.get(pseudonym=data["pseudonym"])
    # Erasure needs the confirmation box.
    client.post(reverse("outcomes:citizen_rights"), {"cpr": cpr, "action": "erase"})
    assert Citizen.objects.filter(pk=citizen.pk).exists()
    client.post(reverse("outcomes:citizen_rights"), {"cpr": cpr, "action": "erase", "confirm": "yes"})
    assert not Citizen.objects.filter(pk=citizen.pk).exists()
    assert Measurement.objects.count() == 38 and Enrolment.objects.count() == 19
    actions = list(AccessLog.objects.filter(username="aarhus").values_list("action", flat=True))
    assert AccessLog.Action.EXPORT in actions and AccessLog.Action.ERASE in actions
    # Agency and steering have no such page.
    client.force_login(world.agency_user)
    assert client.get(reverse("outcomes:citizen_rights")).status_code == 404


def test_monitoring_warns_when_a_municipality_drifts_below_testing(client, world):
    from susi.outcomes.evaluation import run_estimate

    load(world, world.aarhus, n=100, effect=5.0)
    instrument = Instrument.objects.get(code="trivsel")
    reference = run_estimate(world.initiative, instrument, "rct_means", 1, chart=False)
    services.save_evaluation(
        user=world.evaluator,
        initiative=world.initiative,
        instrument=instrument,
        occasion=Occasion.objects.get(number=1),
        result=reference,
    )
    dissemination = Initiative.objects.create(
        intervention=world.initiative.intervention,
        title="Udbredelse af mestringsforløb",
        phase="dissemination",
        programme="uip_adults",
        area="adults",
        start_date=dt.date(2025, 1, 1),
        phase_started_on=dt.date(2025, 1, 1),
        evaluator=world.vive,
    )
    dissemination.municipalities.set([world.aarhus, world.odense])
    load(world, world.aarhus, n=200, offset=2000, effect=5.0, initiative=dissemination, seed=2)
    load(world, world.odense, n=200, offset=4000, effect=0.0, initiative=dissemination, seed=3)

    client.force_login(world.agency_user)
    page = client.get(reverse("outcomes:monitoring", args=[dissemination.pk])).content.decode()
    assert "Advarsler" in page and "Odense" in page.split("Advarsler")[1].split("</ul>")[0]
    assert "Aarhus" not in page.split("Advarsler")[1].split("</ul>")[0]
    assert "<svg" in page and "Ledelsestal" in page
    # A municipality user sees their own municipality's figures only.
    client.force_login(world.aarhus_user)
    own = client.get(reverse("outcomes:monitoring", args=[dissemination.pk])).content.decode()
    assert "Odense" not in own.split("<main")[1]

    # `susi outcomes monitor`: the same rows and warnings from the command line, under the same rules.
    from susi.cli import app

    args = ["outcomes", "monitor", "--initiative", str(dissemination.pk), "--instrument", "trivsel"]
    result = CliRunner().invoke(app, [*args, "--user", world.agency_user.username, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    warned = {r["municipality"] for r in data["rows"] if r["drift_warning"]}
    assert warned == {"Odense Kommune"} and data["reference"]["estimate"] == pytest.approx(
        reference.estimate.estimate
    )
    table = CliRunner().invoke(app, [*args, "--user", world.agency_user.username])
    assert table.exit_code == 0 and "Odense" in table.output and "Monitorering" in table.output
    own_rows = json.loads(
        CliRunner().invoke(app, [*args, "--user", world.aarhus_user.username, "--json"]).output
    )
    assert {r["municipality"] for r in own_rows["rows"]} == {"Aarhus Kommune"}
    refused = CliRunner().invoke(app, [*args, "--user", world.vejle_user.username])
    assert refused.exit_code == 1 and "må ikke" in refused.output
    unknown = CliRunner().invoke(app, [*args[:-1], "ukendt", "--user", world.agency_user.username])
    assert unknown.exit_code == 2 and "Ukendt måleredskab" in unknown.output


def test_monitoring_without_a_comparison_group_uses_the_testing_control_trend(client, world):
    """Dissemination with intervention citizens only: everyone improves by about 2 points without the
    intervention (the testing comparison group's change). Odense delivers nothing, so its change is that
    natural improvement alone: a warning, where a change measured against 0 would have passed for most of
    the effect. A hazard ratio saved later is never the reference for this mean-difference monitor."""
    from susi.outcomes import selectors
    from susi.outcomes.evaluation import run_estimate

    load(world, world.aarhus, n=200, effect=5.0)
    instrument = Instrument.objects.get(code="trivsel")
    reference = run_estimate(world.initiative, instrument, "rct_means", 1, chart=False)
    saved = services.save_evaluation(
        user=world.evaluator,
        initiative=world.initiative,
        instrument=instrument,
        occasion=Occasion.objects.get(number=1),
        result=reference,
    )
    hazard = EffectEvaluation.objects.get(pk=saved.pk)
    hazard.pk, hazard.effect_size_kind, hazard.method, hazard.estimate = None, "HR", "survival", 1.4
    hazard.save()
    assert selectors.reference_evaluation(world.initiative, instrument).pk == saved.pk
    dissemination = Initiative.objects.create(
        intervention=world.initiative.intervention,
        title="Udbredelse uden sammenligningsgruppe",
        phase="dissemination",
        programme="uip_adults",
        area="adults",
        start_date=dt.date(2025, 1, 1),
        phase_started_on=dt.date(2025, 1, 1),
        evaluator=world.vive,
    )
    dissemination.municipalities.set([world.aarhus, world.odense])
    for municipality, offset, effect in ((world.aarhus, 2000, 5.0), (world.odense, 4000, 0.0)):
        rows = [[r[0], "indsats", *r[2:]] for r in rows_for(200, offset=offset, effect=effect, seed=offset)]
        batch = services.stage_file(
            user=world.evaluator,
            initiative=dissemination,
            municipality=municipality,
            fh=io.BytesIO(csv_bytes(rows)),
            name="udbredelse.csv",
        )
        assert batch.error_count == 0, services.batch_errors(batch)[:3]
        services.commit_batch(user=world.evaluator, batch=batch)
    client.force_login(world.agency_user)
    page = client.get(reverse("outcomes:monitoring", args=[dissemination.pk])).content.decode()
    warnings = page.split("Advarsler")[1].split("</ul>")[0]
    assert "Odense" in warnings and "Aarhus" not in warnings
    assert "kontrolgruppens udvikling i afprøvningen (+2," in page
    # Only hazard ratios saved: no reference, said plainly.
    EffectEvaluation.objects.filter(effect_size_kind="MD").delete()
    page = client.get(reverse("outcomes:monitoring", args=[dissemination.pk])).content.decode()
    assert "hazard ratio kan ikke bruges" in page


def test_cli_estimate_equals_the_page(world):
    from susi.cli import app
    from susi.outcomes.evaluation import run_estimate

    load(world, world.aarhus, n=40, effect=5.0)
    load(world, world.odense, n=40, offset=500, effect=5.0, seed=2)
    instrument = Instrument.objects.get(code="trivsel")
    expected = run_estimate(world.initiative, instrument, "ancova", 1, chart=False).as_dict()
    args = ["outcomes", "estimate", "--initiative", str(world.initiative.pk), "--instrument", "trivsel"]
    result = CliRunner().invoke(
        app, [*args, "--design", "ancova", "--user", world.evaluator.username, "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == json.loads(json.dumps(expected))
    refused = CliRunner().invoke(app, [*args, "--user", world.vejle_user.username])
    assert refused.exit_code == 1 and "må ikke" in refused.output
    bad = CliRunner().invoke(app, [*args, "--design", "magi", "--user", "vive"])
    assert bad.exit_code == 2 and "Ukendt metode" in bad.output
    by_municipality = [*args, "--design", "did", "--cluster", "municipality", "--user", "vive"]
    two = CliRunner().invoke(app, by_municipality)
    assert two.exit_code == 1 and "mindst 3 kommuner (fandt 2)" in " ".join(two.output.split())
    world.initiative.municipalities.add(world.vejle)
    load(world, world.vejle, n=40, offset=900, effect=5.0, seed=3)
    table = CliRunner().invoke(app, by_municipality)
    assert table.exit_code == 0, table.output
    text = " ".join(table.output.split())
    assert "Forskel-i-forskelle" in text and "klynget på kommune (3 kommuner)" in text and "Webb" in text


def test_fidelity_summary_per_municipality(client, world):
    load(world, world.aarhus, n=20)
    load(world, world.odense, n=6, offset=500)
    for enrolment in Enrolment.objects.filter(arm="intervention"):
        for component in ("samtaler", "handleplan"):
            delivered = (
                1.0 if enrolment.municipality_id == world.aarhus.pk or component == "samtaler" else 0.0
            )
            DeliveryRecord.objects.create(enrolment=enrolment, component=component, delivered=delivered)
    client.force_login(world.evaluator)
    page = client.get(reverse("outcomes:initiative", args=[world.initiative.pk])).content.decode()
    section = page.split("Implementering")[1].split("</table>")[0]
    assert "Som planlagt" in section  # Aarhus: 10 citizens, everything delivered
    assert "Færre end 5 borgere" in section  # Odense: 3 intervention citizens


def test_register_followup_is_stored_as_aggregates_and_shown(client, world, tmp_path):
    load(world, world.aarhus, n=60)
    enrolled = register.enrolled_frame(world.initiative)
    comparison = pd.DataFrame({"pseudonym": [f"c{i}" for i in range(150)], "index_year": 2024})
    people = pd.concat([enrolled.assign(treat=1), comparison.assign(treat=0)], ignore_index=True)
    history = synthetic.generate_register(
        people, first_year=2024, last_year=2034, effects={"employment": 0.3}, seed=4
    )
    stored = register.followup_from_frames(
        user=world.evaluator, initiative=world.initiative, comparison=comparison, register=history, years=10
    )
    assert stored == RegisterOutcome.objects.count() == 60  # 6 outcomes x 10 years
    employment = RegisterOutcome.objects.filter(outcome="employment").order_by("year")
    assert employment.count() == 10 and all(r.n_enrolled == 30 for r in employment)
    assert sum(r.difference for r in employment) / 10 > 0.15  # the true difference is 0.30
    client.force_login(world.agency_user)
    page = client.get(reverse("outcomes:initiative", args=[world.initiative.pk])).content.decode()
    assert "Registeropfølgning" in page and "Beskæftigelse" in page
    # A comparison file that includes an enrolled citizen is refused with a sentence, and nothing changes.
    from susi.cli import app

    overlapping = pd.concat([comparison, enrolled.iloc[:2]], ignore_index=True)
    overlapping.to_csv(tmp_path / "sammenligning.csv", index=False)
    history.to_csv(tmp_path / "register.csv", index=False)
    before = list(RegisterOutcome.objects.order_by("pk").values_list("pk", "difference"))
    result = CliRunner().invoke(
        app,
        [
            "outcomes",
            "register",
            "--initiative",
            str(world.initiative.pk),
            "--register",
            str(tmp_path / "register.csv"),
            "--comparison",
            str(tmp_path / "sammenligning.csv"),
            "--user",
            world.evaluator.username,
        ],
    )
    assert result.exit_code == 1, result.output
    assert "2 borgere er både i indsatsgruppen og i sammenligningsgruppen" in " ".join(result.output.split())
    assert list(RegisterOutcome.objects.order_by("pk").values_list("pk", "difference")) == before


def test_register_years_before_the_register_starts_show_no_data(client, world):
    load(world, world.aarhus, n=60)  # enrolled in 2024
    enrolled = register.enrolled_frame(world.initiative)
    comparison = pd.DataFrame({"pseudonym": [f"c{i}" for i in range(150)], "index_year": 2024})
    people = pd.concat([enrolled.assign(treat=1), comparison.assign(treat=0)], ignore_index=True)
    history = synthetic.generate_register(people, first_year=2026, last_year=2034, effects={}, seed=4)
    register.followup_from_frames(
        user=world.evaluator, initiative=world.initiative, comparison=comparison, register=history, years=5
    )
    first = RegisterOutcome.objects.get(outcome="employment", year=1)  # 2025: before the register starts
    assert (first.n_enrolled, first.n_comparison, first.difference) == (0, 0, None)
    assert RegisterOutcome.objects.get(outcome="employment", year=2).n_enrolled == 30
    client.force_login(world.agency_user)
    page = client.get(reverse("outcomes:initiative", args=[world.initiative.pk])).content.decode()
    assert "ingen registerdata" in page


def test_cli_import_and_synth(world, tmp_path):
    from susi.cli import app

    runner = CliRunner()
    result = runner.invoke(
        app, ["outcomes", "synth", str(tmp_path), "--citizens", "40", "--municipalities", "751,461"]
    )
    assert result.exit_code == 0, result.output
    csv_path = tmp_path / "maalinger.csv"
    args = [
        "outcomes",
        "import",
        str(csv_path),
        "--initiative",
        str(world.initiative.pk),
        "--user",
        "vive",
        "--yes",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Importeret" in result.output and Enrolment.objects.count() == 40
    again = runner.invoke(app, args)
    assert again.exit_code == 0 and "intet er ændret" in again.output
    # A municipality user may not import another municipality's rows: the report says which rows.
    result = runner.invoke(
        app,
        ["outcomes", "import", str(csv_path), "--initiative", str(world.initiative.pk), "--user", "odense"],
    )
    # 60 rows name Aarhus; nothing tells Odense that those citizens are enrolled in Aarhus (no oracle).
    assert result.exit_code == 1 and "60 fejl" in result.output and "ikke importeret" in result.output
    assert "anden kommune" not in result.output
    for cpr in pd.read_csv(csv_path, sep=";", dtype=str)["cpr"]:
        assert cpr not in result.output and cpr.replace("-", "") not in result.output


def test_saved_evaluation_carries_effect_size_and_success_rate(world):
    from susi.outcomes.evaluation import run_estimate

    rows = []
    for i in range(80):
        arm = "indsats" if i % 2 == 0 else "sammenligning"
        cpr = synthetic_cpr(i)
        rows.append([cpr, arm, "2024-02-01", "", "i-job", "baseline", "0"])
        rows.append(
            [cpr, arm, "2024-02-01", "", "i-job", "opfølgning 1", "1" if (i % 4 == 0 or i % 8 == 1) else "0"]
        )
    batch = services.stage_file(
        user=world.evaluator,
        initiative=world.initiative,
        municipality=world.aarhus,
        fh=io.BytesIO(csv_bytes(rows)),
        name="j.csv",
    )
    services.commit_batch(user=world.evaluator, batch=batch)
    instrument = Instrument.objects.get(code="i-job")
    assert instrument.kind == Instrument.Kind.BINARY  # only 0/1 seen
    result = run_estimate(world.initiative, instrument, "rct_proportions", 1, chart=False)
    # Intervention: 20 of 40 (i % 4 == 0); comparison: 10 of 40 (i % 8 == 1): RD = 0.25.
    assert abs(result.estimate.estimate - 0.25) < 1e-12
    saved = services.save_evaluation(
        user=world.evaluator,
        initiative=world.initiative,
        instrument=instrument,
        occasion=Occasion.objects.get(number=1),
        result=result,
    )
    assert saved.effect_size_kind == "RD" and abs(saved.som_success_rate - 0.25) < 1e-12
    assert EffectEvaluation.objects.count() == 1


def test_time_to_outcome_and_success_rate_from_a_baseline_rate(client, world):
    from susi.engines.evaluation.survival import cox
    from susi.outcomes import selectors
    from susi.outcomes.evaluation import run_estimate

    rows = []
    for i in range(60):
        arm = "indsats" if i % 2 == 0 else "sammenligning"
        cpr, start = synthetic_cpr(i), dt.date(2024, 1, 1)
        # The intervention arm reaches the outcome earlier: at follow-up 1 (half a year) for i % 4 == 0.
        reached_at = 1 if (arm == "indsats" and i % 4 == 0) else (2 if i % 3 == 0 else None)
        rows.append([cpr, arm, start.isoformat(), "", "i-job", "baseline", "0", start.isoformat()])
        for k in (1, 2):
            when = (start + dt.timedelta(days=182 * k)).isoformat()
            value = "1" if reached_at is not None and k >= reached_at else "0"
            rows.append([cpr, arm, start.isoformat(), "", "i-job", f"opfølgning {k}", value, when])
    header = ["CPR", "Gruppe", "Startdato", "Slutdato", "Redskab", "Måletidspunkt", "Værdi", "Måledato"]
    batch = services.stage_file(
        user=world.evaluator,
        initiative=world.initiative,
        municipality=world.aarhus,
        fh=io.BytesIO(csv_bytes(rows, header=header)),
        name="job.csv",
    )
    services.commit_batch(user=world.evaluator, batch=batch)
    instrument = Instrument.objects.get(code="i-job")
    frame = selectors.measurements_frame(world.initiative, instrument)
    times = selectors.time_to_outcome_frame(frame, "i-job")
    expected_events = sum(1 for i in range(60) if i % 4 == 0 or i % 3 == 0)  # 30
    assert len(times) == 60 and times["event"].sum() == expected_events
    early = times.loc[times["event"] == 1, "time"]
    assert early.min() == 182 / 365.25 and early.max() == 364 / 365.25
    result = run_estimate(world.initiative, instrument, "survival", 1)
    assert result.estimate.measure == "HR"
    assert result.estimate.estimate == cox(times).estimate
    assert "Kaplan" in result.chart and result.curves
    # With a baseline rate, an HR becomes a SØM success rate.
    with_rate = run_estimate(world.initiative, instrument, "survival", 1, chart=False, baseline_rate=0.2)
    assert with_rate.success_rate is not None and with_rate.success_rate.mean > 0
    client.force_login(world.evaluator)
    partial = client.get(
        reverse("outcomes:estimate", args=[world.initiative.pk]),
        {"instrument": "i-job", "design": "survival", "followup": 1, "baseline_rate": "0,2"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Hazard ratio" in partial and "Tid til udfald pr. gruppe" in partial
    assert "ekstra andel" in partial


def test_waves_command_and_staggered_adoption_estimate(world, tmp_path):
    """Municipalities that join in waves: the waves are recorded by the CLI and used by the estimators."""
    from susi.cli import app
    from susi.engines.evaluation.estimators import estimate_effect
    from susi.outcomes.evaluation import run_estimate
    from susi.outcomes.models import AdoptionWave

    world.initiative.municipalities.add(world.vejle)
    dataset = synthetic.generate(
        240,
        municipalities=("751", "461", "630"),
        design="waves",
        wave_periods=[2, 3, None],
        true_effect=4.0,
        seed=5,
    )
    frame = synthetic.import_file_frame(dataset)
    batch = services.stage_file(
        user=world.evaluator,
        initiative=world.initiative,
        fh=io.BytesIO(frame.to_csv(sep=";", decimal=",", index=False).encode()),
        name="bølger.csv",
    )
    assert batch.error_count == 0, services.batch_errors(batch)[:3]
    services.commit_batch(user=world.evaluator, batch=batch)
    runner = CliRunner()
    bad = runner.invoke(app, ["outcomes", "waves", "--initiative", str(world.initiative.pk), "751=snart"])
    assert bad.exit_code == 2 and AdoptionWave.objects.count() == 0
    result = runner.invoke(
        app, ["outcomes", "waves", "--initiative", str(world.initiative.pk), "751=2", "461=3", "630=aldrig"]
    )
    assert result.exit_code == 0, result.output
    assert dict(AdoptionWave.objects.values_list("municipality__code", "treated_from")) == {
        "751": 2,
        "461": 3,
        "630": None,
    }
    instrument = Instrument.objects.get(code=synthetic.INSTRUMENT)
    for design in ("staggered", "twfe"):
        estimate = run_estimate(world.initiative, instrument, design, 1, chart=False).estimate
        assert estimate is not None, design
        assert estimate.ci_low < dataset.true_effect < estimate.ci_high, (design, estimate)
        # Through the file, the pseudonyms and the database, the engine sees the same data it generated.
        # (pyfixest demeans iteratively, to a tolerance of 1e-8; the database may return rows in another
        # order, so the two runs agree to that tolerance, not to the last bit.)
        direct = estimate_effect(dataset.measurements, design, synthetic.INSTRUMENT)
        assert estimate.estimate == pytest.approx(direct.estimate, rel=1e-6)
        assert estimate.se == pytest.approx(direct.se, rel=1e-6)


def test_staggered_adoption_when_every_municipality_adopts(world):
    """The normal roll-out (every municipality adopts) is estimated with the not-yet-treated as controls,
    not refused as "too few citizens" (there is no never-treated group)."""
    from susi.engines.evaluation.estimators import estimate_effect
    from susi.outcomes.evaluation import run_estimate
    from susi.outcomes.models import AdoptionWave

    world.initiative.municipalities.add(world.vejle)
    dataset = synthetic.generate(
        240, municipalities=("751", "461", "630"), design="waves", wave_periods=[2, 3, 4], seed=7
    )
    frame = synthetic.import_file_frame(dataset)
    batch = services.stage_file(
        user=world.evaluator,
        initiative=world.initiative,
        fh=io.BytesIO(frame.to_csv(sep=";", decimal=",", index=False).encode()),
        name="udrulning.csv",
    )
    assert batch.error_count == 0, services.batch_errors(batch)[:3]
    services.commit_batch(user=world.evaluator, batch=batch)
    for code, period in (("751", 2), ("461", 3), ("630", 4)):
        AdoptionWave.objects.create(
            initiative=world.initiative,
            municipality=world.initiative.municipalities.get(code=code),
            treated_from=period,
        )
    instrument = Instrument.objects.get(code=synthetic.INSTRUMENT)
    result = run_estimate(world.initiative, instrument, "staggered", 1, chart=False)
    assert result.error == "" and result.estimate is not None
    direct = estimate_effect(dataset.measurements, "staggered", synthetic.INSTRUMENT)
    assert result.estimate.estimate == pytest.approx(direct.estimate, rel=1e-6)
    assert result.estimate.n_comparison == direct.n_comparison > 5  # the last wave
    assert result.estimate.ci_low < dataset.true_effect < result.estimate.ci_high
    # The municipalities adopt, so clustering by citizen draws a warning; by municipality it says how many.
    assert "klynget på borger" in result.clustering and "vælg klynger på kommune" in result.clustering_warning
    by_municipality = run_estimate(
        world.initiative, instrument, "staggered", 1, chart=False, cluster="municipality"
    )
    assert by_municipality.estimate.detail("cluster_by") == "municipality"
    assert by_municipality.clustering_warning == ""
    # under 30 municipalities: the interval and p-value come from the wild cluster bootstrap of the ATT
    assert by_municipality.estimate.detail("inference") == "wild_cluster_bootstrap"
    assert "(3 kommuner)" in by_municipality.clustering and "Webb" in by_municipality.clustering
    assert by_municipality.estimate.estimate == pytest.approx(result.estimate.estimate, rel=1e-12)
    assert by_municipality.as_dict()["inference"] == "wild_cluster_bootstrap"


def test_did_clustered_by_municipality_on_the_page_and_the_api(client, world):
    """The page says which clustering it used; with under 30 municipalities the wild cluster bootstrap."""
    world.initiative.municipalities.add(world.vejle)
    load(world, world.aarhus, n=20, seed=1)
    load(world, world.odense, n=20, offset=500, seed=2)
    load(world, world.vejle, n=20, offset=900, seed=3)
    client.force_login(world.evaluator)
    url = reverse("outcomes:estimate", args=[world.initiative.pk])
    query = {"instrument": "trivsel", "design": "did", "followup": 1, "cluster": "municipality"}
    page = client.get(url, query, HTTP_HX_REQUEST="true").content.decode()
    assert "klynget på kommune (3 kommuner)" in page and "wild cluster bootstrap med Webb-vægte" in page
    citizen = client.get(url, {**query, "cluster": ""}, HTTP_HX_REQUEST="true").content.decode()
    assert "klynget på borger (60 borgere)" in citizen and "vælg klynger på kommune" not in citizen
    # an unknown clustering is refused with the field named (the page's own sentence, not a generic one)
    refused = client.get(url, {**query, "cluster": "amt"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Estimatet kan ikke beregnes" in refused and "Usikkerhed klynget på" in refused
    client.cookies["django_language"] = "en"
    english = client.get(url, query, HTTP_HX_REQUEST="true").content.decode()
    assert "clustered by municipality (3 municipalities)" in english and "Webb weights" in english
    api = client.post(
        f"/api/outcomes/initiatives/{world.initiative.pk}/estimate",
        {"instrument": "trivsel", "design": "did", "cluster": "municipality"},
        content_type="application/json",
    )
    assert api.status_code == 200, api.content
    body = api.json()
    assert body["cluster_by"] == "municipality" and body["inference"] == "wild_cluster_bootstrap"
    assert body["clusters"] == 3
    bad = client.post(
        f"/api/outcomes/initiatives/{world.initiative.pk}/estimate",
        {"instrument": "trivsel", "design": "did", "cluster": "amt"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "cluster" in bad.content.decode()


def test_delivery_file_all_or_nothing_then_fidelity(client, world):
    load(world, world.aarhus, n=12)
    load(world, world.odense, n=6, offset=500)
    header = ["CPR-nummer", "Kerneelement", "Leveret", "Planlagt"]
    rows = [
        [synthetic_cpr(i), component, "1", ""] for i in range(0, 12, 2) for component in ("samtaler", "plan")
    ]
    bad = [*rows, [synthetic_cpr(900), "samtaler", "1", ""], [synthetic_cpr(2), "plan", "måske", ""]]
    client.force_login(world.aarhus_user)
    upload = io.BytesIO(csv_bytes(bad, header=header))
    upload.name = "leverancer.csv"
    page = client.post(
        reverse("outcomes:deliveries", args=[world.initiative.pk]), {"file": upload}
    ).content.decode()
    assert "ikke indskrevet i initiativet" in page and "andel" in page and "Intet er indlæst" in page
    assert DeliveryRecord.objects.count() == 0
    # Odense's citizens are not Aarhus' to record.
    odense_rows = [[synthetic_cpr(500), "samtaler", "1", ""]]
    upload = io.BytesIO(csv_bytes(odense_rows, header=header))
    upload.name = "odense.csv"
    page = client.post(
        reverse("outcomes:deliveries", args=[world.initiative.pk]), {"file": upload}
    ).content.decode()
    # The same answer as for a citizen enrolled nowhere: the file is no yes/no test for Odense's citizens.
    assert "ikke indskrevet i initiativet i en kommune, du må indlæse" in page
    assert DeliveryRecord.objects.count() == 0
    for _ in range(2):  # the same file twice: the second changes nothing
        upload = io.BytesIO(csv_bytes(rows, header=header))
        upload.name = "leverancer.csv"
        response = client.post(reverse("outcomes:deliveries", args=[world.initiative.pk]), {"file": upload})
        assert response.status_code == 302
    assert DeliveryRecord.objects.count() == 12
    client.force_login(world.evaluator)
    page = client.get(reverse("outcomes:initiative", args=[world.initiative.pk])).content.decode()
    assert "Som planlagt" in page.split("Implementering")[1].split("</table>")[0]


def test_som_inputs_api(client, world):
    load(world, world.aarhus, n=60)
    enrolled = register.enrolled_frame(world.initiative)
    comparison = pd.DataFrame({"pseudonym": [f"c{i}" for i in range(100)], "index_year": 2024})
    people = pd.concat([enrolled.assign(treat=1), comparison.assign(treat=0)], ignore_index=True)
    history = synthetic.generate_register(people, first_year=2024, last_year=2030, seed=4)
    register.followup_from_frames(
        user=world.evaluator, initiative=world.initiative, comparison=comparison, register=history, years=5
    )
    client.force_login(world.steering)
    data = client.get(f"/api/outcomes/initiatives/{world.initiative.pk}/som").json()
    assert {c["outcome"] for c in data["consequences"]} >= {"employment", "hospital_contacts"}
    assert all(1 <= c["year_after"] <= 5 for c in data["consequences"]) and data["success_rates"] == []
    client.force_login(world.vejle_user)
    assert client.get(f"/api/outcomes/initiatives/{world.initiative.pk}/som").status_code == 403
