"""Excel/JSON exports checked against the engine; knowledge database versioning, reproduction of old
results, import/export round trip and refused imports; the API; the CLI."""

import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from susi.accounts.models import Role
from susi.engines import som as engine
from susi.som import demo, knowledge_io, selectors, services
from susi.som.cli import app as som_cli
from susi.som.models import Calculation, KnowledgeVersion, Price, TargetGroup

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "developers" / "som-examples" / "cti-worked-example.json"
REFERENCE = json.loads((ROOT / "tests" / "engines" / "som" / "reference" / "worked_example.json").read_text())


@pytest.fixture
def saved(knowledge):
    user = knowledge.users[Role.MUNICIPALITY]
    case = json.loads((ROOT / "docs" / "developers" / "som-examples" / "cti-uncertain.json").read_text())
    return services.save_calculation(
        user,
        case,
        draws=2000,
        seed=11,
        knowledge_version=selectors.current_version(),
        uses_illustrative_data=True,
    )


def test_excel_export_totals_match_the_engine(client_for, saved):
    response = client_for(Role.MUNICIPALITY).get(f"/som/beregning/{saved.pk}/excel/")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content), data_only=True)
    assert wb.sheetnames[:5] == ["Forudsætninger", "Resultat pr. år", "Myndighed", "Hovedområde", "Udvalg"]
    result = engine.calculate(engine.parse_case(saved.case))
    ws = wb["Resultat pr. år"]
    horizon = result.case.horizon
    assert ws.cell(5 + 1, 1).value == "Nettoresultat"
    net_row = [ws.cell(6, 1 + y).value for y in range(1, horizon + 1)]
    assert net_row == pytest.approx(list(result.net), abs=0.01)
    assert ws.cell(6, horizon + 3).value == pytest.approx(result.present_value, abs=0.01)
    authority = wb["Myndighed"]
    for i, a in enumerate(engine.AUTHORITIES):
        assert authority.cell(4 + i, 1).value == a.name.da
        assert authority.cell(4 + i, horizon + 3).value == pytest.approx(
            result.pv_by_authority[a.code], abs=0.01
        )
    assert authority.cell(7, horizon + 3).value == pytest.approx(result.present_value, abs=0.01)
    assert "illustrative" in wb["Forudsætninger"].cell(2, 1).value
    assert "Usikkerhed" in wb.sheetnames


def test_json_export_reproduces_the_monte_carlo(client_for, saved):
    data = json.loads(client_for(Role.MUNICIPALITY).get(f"/som/beregning/{saved.pk}/json/").content)
    assert data["illustrative_data"] is True
    mc = engine.simulate(engine.parse_case(data["case"]), draws=data["draws"], seed=data["seed"])
    assert data["monte_carlo"]["present_value"]["mean"] == pytest.approx(mc.mean_present_value, abs=0.01)
    assert data["monte_carlo"] == saved.result["monte_carlo"]


def test_every_knowledge_edit_is_a_version_and_old_results_reproduce(client_for, saved):
    agency = client_for(Role.AGENCY)
    price = Price.objects.get(service="shelter_night", organisation__isnull=True)
    old_version = saved.knowledge_version
    response = agency.post(
        f"/som/viden/pris/{price.pk}/",
        {"name": price.name, "unit": price.unit, "municipality": "999", "region": "0", "state": "450",
         "area": "housing", "committee": "social", "price_year": "2026", "source": "ny", "is_illustrative": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    assert selectors.current_version() == old_version + 1
    # The database as of the old version still has the old price; the new one the new price.
    assert selectors.knowledge_as_of(old_version)["prices"]["shelter_night"].municipality == 450
    assert selectors.knowledge_as_of(old_version + 1)["prices"]["shelter_night"].municipality == 999
    # The saved calculation stored its case: recalculating gives exactly the stored result.
    _case, result, mc = services.recalculate(saved)
    assert services.result_summary(result, mc) == saved.result
    # A municipality user may not edit the knowledge database.
    assert client_for(Role.MUNICIPALITY).get(f"/som/viden/pris/{price.pk}/").status_code == 403


def test_bad_price_edit_changes_nothing(client_for, knowledge):
    price = Price.objects.get(service="shelter_night", organisation__isnull=True)
    response = client_for(Role.AGENCY).post(
        f"/som/viden/pris/{price.pk}/", {"name": price.name, "municipality": "abc"}
    )
    assert response.status_code == 422
    assert selectors.current_version() == 1
    price.refresh_from_db()
    assert price.municipality == 450


def test_export_import_round_trip_and_csv(client_for, knowledge):
    agency = client_for(Role.AGENCY)
    xlsx = agency.get("/som/viden/eksport/").content
    counts = {t.key: sum(1 for _ in t.rows(knowledge.users[Role.AGENCY])) for t in knowledge_io.TABLES}
    user = knowledge.users[Role.AGENCY]
    written, version = knowledge_io.import_knowledge(user, xlsx, "export.xlsx")
    assert written == sum(counts.values())
    assert version == 2
    assert {
        t.key: sum(1 for _ in t.rows(knowledge.users[Role.AGENCY])) for t in knowledge_io.TABLES
    } == counts
    csv_text = agency.get("/som/viden/eksport/?table=prices").content.decode()
    assert csv_text.splitlines()[0].startswith("service,name,unit,municipality")
    edited = csv_text.replace("Sigtelse,sag,0.0,0.0,21000.0", "Sigtelse,sag,0.0,0.0,25000.0")
    knowledge_io.import_knowledge(user, edited.encode(), "priser.csv", "prices")
    assert Price.objects.get(service="police_charge").state == 25000
    # Through the page as well.
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("priser.csv", csv_text.encode(), content_type="text/csv")
    response = agency.post("/som/viden/import/", {"file": upload, "table": "prices"}, follow=True)
    assert "rækker importeret" in response.content.decode()


def test_a_bad_import_is_refused_whole(client_for, knowledge):
    from django.core.files.uploadedfile import SimpleUploadedFile

    agency = client_for(Role.AGENCY)
    before = list(Price.objects.values_list("service", "municipality"))
    text = (
        "service,name,unit,municipality,region,state,area,committee,price_year\n"
        "new_service,Ny,stk,100,0,0,housing,social,2025\n"
        "police_charge,Sigtelse,sag,abc,0,0,police_justice,,2025\n"
    )
    upload = SimpleUploadedFile("priser.csv", text.encode(), content_type="text/csv")
    response = agency.post("/som/viden/import/", {"file": upload, "table": "prices"}, follow=True)
    html = response.content.decode()
    assert "Importen blev afvist" in html
    assert "Priser, række 3, kolonne municipality" in html
    assert list(Price.objects.values_list("service", "municipality")) == before
    assert KnowledgeVersion.objects.count() == 1
    with pytest.raises(Exception, match="ukendt hovedområde"):
        knowledge_io.import_knowledge(
            knowledge.users[Role.AGENCY],
            text.replace("abc", "1").replace("police_justice", "space").encode(),
            "p.csv",
            "prices",
        )
    assert not Price.objects.filter(service="new_service").exists()
    municipality = client_for(Role.MUNICIPALITY)
    assert municipality.post("/som/viden/import/", {"table": "prices"}).status_code == 403


def test_knowledge_page_labels_illustrative_data(municipality_client, knowledge):
    html = municipality_client.get("/som/viden/").content.decode()
    assert "illustrative demotal" in html
    assert html.count("badge illustrative") > 20
    assert TargetGroup.objects.filter(is_illustrative=False).count() == 0


def test_api_calculate_and_errors(municipality_client, knowledge):
    case = json.loads(EXAMPLE.read_text())
    response = municipality_client.post(
        "/api/som/calculate?draws=0", json.dumps(case), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["deterministic"]["present_value"] == pytest.approx(
        REFERENCE["present_value"], abs=0.01
    )
    case["intake"] = [-1]
    bad = municipality_client.post("/api/som/calculate", json.dumps(case), content_type="application/json")
    assert bad.status_code == 422
    assert bad.json()["detail"][0] == {
        "field": "intake[0]",
        "message": "antal borgere må ikke være under 0 (er -1)",
    }
    prices = municipality_client.get(f"/api/som/prices?municipality={knowledge.own_municipality.pk}").json()
    assert next(p for p in prices if p["service"] == "shelter_night")["municipality"] == 520


def test_demo_loader_is_idempotent_and_saves_a_calculation(knowledge):
    from susi.accounts import demo as accounts_demo
    from susi.organisations import demo as organisations_demo

    organisations_demo.load(lambda line: None)
    accounts_demo.load(lambda line: None)
    lines: list[str] = []
    demo.load(lines.append)
    demo.load(lines.append)
    assert Calculation.objects.filter(name=demo.CTI_CALCULATION).count() == 1
    assert TargetGroup.objects.count() == 4


def test_cli_calc_matches_the_hand_calculation():
    runner = CliRunner()
    result = runner.invoke(som_cli, ["calc", str(EXAMPLE), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["result"]["net"] == pytest.approx(REFERENCE["net"], abs=0.01)
    assert data["result"]["break_even_year"] == 6
    assert data["monte_carlo"] is None  # the worked example has no uncertain numbers
    uncertain = ROOT / "docs" / "developers" / "som-examples" / "cti-uncertain.json"
    a = runner.invoke(som_cli, ["calc", str(uncertain), "--draws", "500", "--seed", "3", "--json"])
    b = runner.invoke(som_cli, ["calc", str(uncertain), "--draws", "500", "--seed", "3", "--json"])
    assert a.exit_code == 0 and a.output == b.output
    table = runner.invoke(som_cli, ["calc", str(uncertain), "--draws", "500"])
    assert "Break-even" in table.output and "tornado" in table.output


def test_cli_bad_files(tmp_path):
    runner = CliRunner()
    broken = tmp_path / "broken.json"
    broken.write_text("{ nope")
    result = runner.invoke(som_cli, ["calc", str(broken)])
    assert result.exit_code == 2
    assert "JSON" in result.output
    missing = runner.invoke(som_cli, ["calc", str(tmp_path / "none.json")])
    assert missing.exit_code == 2
    bad = tmp_path / "bad.json"
    data = json.loads(EXAMPLE.read_text())
    data["outcomes"][0]["success_rate"] = 1.5
    bad.write_text(json.dumps(data))
    result = runner.invoke(som_cli, ["calc", str(bad)])
    assert result.exit_code == 2
    assert "outcomes[0].success_rate" in result.output


def test_malformed_upload_is_refused(client_for, knowledge):
    from django.core.files.uploadedfile import SimpleUploadedFile

    agency = client_for(Role.AGENCY)
    for name, content in (
        ("viden.xlsx", b"not a zip file"),
        ("viden.txt", b"x"),
        ("priser.csv", b"a;b\n"),
    ):
        upload = SimpleUploadedFile(name, content)
        response = agency.post("/som/viden/import/", {"file": upload, "table": "prices"}, follow=True)
        assert "Importen blev afvist" in response.content.decode()
    assert KnowledgeVersion.objects.count() == 1


def test_anonymous_users_get_nothing(client, knowledge):
    assert client.get("/som/").status_code == 302
    assert client.post("/api/som/calculate", "{}", content_type="application/json").status_code in (401, 403)


def test_agency_edits_consequences_and_studies_as_new_versions(client_for, knowledge):
    from susi.som.models import Consequence, EffectStudy

    agency = client_for(Role.AGENCY)
    consequence = Consequence.objects.filter(service="shelter_night").first()
    response = agency.post(
        f"/som/viden/konsekvens/{consequence.pk}/",
        {"change": "-95", "standard_error": "12", "source": "rettet", "is_illustrative": "on"},
    )
    assert response.status_code == 302
    consequence.refresh_from_db()
    assert consequence.change == -95
    study = EffectStudy.objects.first()
    bad = agency.post(f"/som/viden/studie/{study.pk}/", {"title": study.title, "grade": "7", "effect": "x"})
    assert bad.status_code == 422
    assert selectors.current_version() == 2
    assert client_for(Role.MUNICIPALITY).get(f"/som/viden/studie/{study.pk}/").status_code == 403
    assert agency.get("/som/viden/ukendt/1/").status_code == 404


def test_a_consequence_without_a_price_is_refused_and_nothing_is_saved(client_for, knowledge, db_snapshot):
    csv_text = client_for(Role.AGENCY).get("/som/viden/eksport/?table=consequences").content.decode()
    header, first = csv_text.splitlines()[:2]
    service_column = header.split(",").index("service")
    cells = first.split(",")
    cells[service_column] = "unpriced_service"
    before = db_snapshot()
    with pytest.raises(Exception, match="ydelsen »unpriced_service« har ingen pris"):
        knowledge_io.import_knowledge(
            knowledge.users[Role.AGENCY], f"{header}\n{','.join(cells)}\n".encode(), "k.csv", "consequences"
        )
    assert db_snapshot() == before


def test_cli_and_api_refuse_nan_infinity_and_unknown_keys(tmp_path, municipality_client, knowledge):
    runner = CliRunner()
    for old, new, field in [
        ('"horizon": 6', '"horizon": NaN', "horizon"),  # int(NaN) used to raise ValueError: a traceback / 500
        ('"amount": 100000', '"amount": Infinity', "costs[0].amount"),
    ]:
        text = EXAMPLE.read_text().replace(old, new)
        assert new in text
        bad = tmp_path / "nan.json"
        bad.write_text(text)
        result = runner.invoke(som_cli, ["calc", str(bad)])
        assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output and f"Fejl i {field}:" in result.output
        response = municipality_client.post("/api/som/calculate", text, content_type="application/json")
        assert response.status_code == 422
        assert response.json()["detail"][0]["field"] == field
    data = json.loads(EXAMPLE.read_text())
    data["discount_rate"] = 3.5
    data["outcomes"][0]["relapce"] = 0.2
    response = municipality_client.post(
        "/api/som/calculate", json.dumps(data), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "outcomes[0].relapce"
    del data["outcomes"][0]["relapce"]
    response = municipality_client.post(
        "/api/som/calculate", json.dumps(data), content_type="application/json"
    )
    assert response.status_code == 422
    assert "mente du 3.5 % = 0.035?" in response.json()["detail"][0]["message"]


def test_cli_warns_about_no_costs_and_a_result_that_turns_negative(tmp_path):
    data = json.loads(EXAMPLE.read_text())
    data["costs"] = []
    path = tmp_path / "nocost.json"
    path.write_text(json.dumps(data))
    result = CliRunner().invoke(som_cli, ["calc", str(path)])
    assert result.exit_code == 0 and "ingen omkostninger" in result.output


def test_a_negative_seed_is_a_422_and_a_clean_cli_error(municipality_client, knowledge, tmp_path):
    uncertain = ROOT / "docs" / "developers" / "som-examples" / "cti-uncertain.json"
    response = municipality_client.post(
        "/api/som/calculate?draws=10&seed=-1", uncertain.read_text(), content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "seed"
    result = CliRunner().invoke(som_cli, ["calc", str(uncertain), "--draws", "10", "--seed", "-1"])
    assert result.exit_code == 2 and "Fejl i seed" in result.output
