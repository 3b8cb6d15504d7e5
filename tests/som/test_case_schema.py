"""The SØM case has one declared schema (`susi.engines.som.SomCase`): the OpenAPI shows it, the command line,
the API and the calculator form refuse the same bad case with the same field and message, the JSON export
is a case file the command line and the API calculate to the same result, and there is no second validator."""

import html
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from susi.accounts.models import Role
from susi.engines import som as engine
from susi.engines.som import case as case_module
from susi.engines.som import distributions
from susi.engines.som.schema import SomCase
from susi.som import forms, selectors, services
from susi.som.cli import app as som_cli

from .test_calculator import form_post

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "developers" / "som-examples" / "cti-worked-example.json"
UNCERTAIN = ROOT / "docs" / "developers" / "som-examples" / "cti-uncertain.json"


def test_the_openapi_document_shows_the_case_schema(client, world):
    schema = client.get("/api/openapi.json").json()
    components = schema["components"]["schemas"]
    for name in ("SomCase", "SomCost", "SomOutcome", "SomConsequence", "SomPrice", "SomCorrelation",
                 "SomNormal", "SomLogNormal", "SomTriangular", "SomPert", "SomUniform", "SomInterval90",
                 "CalculationResult", "DeterministicResult", "MonteCarloResult"):  # fmt: skip
        assert name in components, name
    case = components["SomCase"]
    assert case["additionalProperties"] is False  # unknown keys are refused
    assert {"intake", "costs", "outcomes", "prices", "horizon", "discount_rate"} <= set(case["properties"])
    assert case["required"] == ["intake"]
    outcome = components["SomOutcome"]["properties"]
    assert "SomNormal" in json.dumps(outcome["success_rate"])  # a number or a distribution
    calculate = schema["paths"]["/api/som/calculate"]["post"]
    body = calculate["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("/SomCase")
    assert calculate["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/CalculationResult"
    )
    saved = schema["paths"]["/api/som/calculations/{pk}"]["get"]["responses"]["200"]
    assert saved["content"]["application/json"]["schema"]["$ref"].endswith("/SavedCalculation")


# (change to the worked example's case file, the same change typed in the calculator form, the form field)
SAME_MISTAKE = [
    (("outcomes", 0, "success_rate", 1.2), {"outcomes-0-success_rate-value": "120"},
     "outcomes-0-success_rate-value"),
    (("intake", 0, -5), {"intake-0": "-5"}, "intake-0"),
    (("discount_rate", 3.5), {"discount_rate": "350"}, "discount_rate"),
    (("costs", 0, "amount", 1e30), {"costs-0-amount-value": "1e30"}, "costs-0-amount-value"),
    (("outcomes", 0, "success_rate", {"dist": "normal", "mean": 0.1}),
     {"outcomes-0-success_rate-dist": "normal", "outcomes-0-success_rate-sd": ""}, "outcomes-0-success_rate-sd"),
]  # fmt: skip


@pytest.mark.parametrize(("file_change", "form_change", "form_field"), SAME_MISTAKE)
def test_the_same_bad_case_gives_the_same_field_and_message_everywhere(
    tmp_path, municipality_client, knowledge, file_change, form_change, form_field
):
    data = json.loads(EXAMPLE.read_text())
    *where, key, value = file_change
    target = data
    for step in where:
        target = target[step]
    target[key] = value
    with pytest.raises(engine.SomInputError) as info:
        engine.read_case(data)
    problem = info.value.problems[0]
    # the command line
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data))
    cli = CliRunner().invoke(som_cli, ["calc", str(path)])  # (Rich wraps long lines)
    assert cli.exit_code == 2 and f"Fejl i {problem.field}: {problem.message.da}" in " ".join(
        cli.output.split()
    )
    # the API (422 body)
    response = municipality_client.post(
        "/api/som/calculate", json.dumps(data), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"][0] == {"field": problem.field, "message": problem.message.da}
    # the calculator form: the same sentence, next to the input of the same path
    page = municipality_client.post("/som/beregn/", form_post(municipality_client, **form_change))
    assert page.status_code == 422
    assert (
        f'<p class="error" id="{form_field}-error">{html.escape(problem.message.da)}</p>'
        in page.content.decode()
    )


def test_the_english_message_is_the_same_too(tmp_path, municipality_client, knowledge):
    data = json.loads(EXAMPLE.read_text())
    data["horizon"] = 0
    municipality_client.cookies["django_language"] = "en"
    response = municipality_client.post(
        "/api/som/calculate", json.dumps(data), content_type="application/json"
    )
    assert response.json()["detail"][0] == {
        "field": "horizon",
        "message": "must be a whole number of years, at least 1",
    }
    page = municipality_client.post(
        "/som/beregn/", form_post(municipality_client, horizon="0")
    ).content.decode()
    assert 'id="horizon-error">must be a whole number of years, at least 1</p>' in page


def test_the_json_export_is_a_case_file_the_cli_and_the_api_calculate_alike(tmp_path, client_for, knowledge):
    user = knowledge.users[Role.MUNICIPALITY]
    calc = services.save_calculation(
        user,
        json.loads(UNCERTAIN.read_text()),
        draws=500,
        seed=3,
        knowledge_version=selectors.current_version(),
    )
    client = client_for(Role.MUNICIPALITY)
    export = json.loads(client.get(f"/som/beregning/{calc.pk}/json/").content)
    case = export["case"]
    assert set(case) | {"price_index"} == set(SomCase.model_fields)  # written by the schema: every field
    # the command line
    path = tmp_path / "export.json"
    path.write_text(json.dumps(case))
    cli = CliRunner().invoke(som_cli, ["calc", str(path), "--json", "--draws", str(export["draws"]),
                                       "--seed", str(export["seed"])])  # fmt: skip
    assert cli.exit_code == 0, cli.output
    again = json.loads(cli.output)
    assert again["result"] == export["result"] and again["monte_carlo"] == export["monte_carlo"]
    assert again["case"] == case
    # the API
    response = client.post(
        f"/api/som/calculate?draws={export['draws']}&seed={export['seed']}", json.dumps(case),
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["deterministic"] == export["result"]
    assert response.json()["monte_carlo"] == export["monte_carlo"]
    assert response.json()["case"] == case
    # and the saved calculation read back through the API is the same case
    assert client.get(f"/api/som/calculations/{calc.pk}").json()["case"] == case


def test_the_excel_export_lists_the_case_from_the_schema(client_for, knowledge):
    from openpyxl import load_workbook

    user = knowledge.users[Role.MUNICIPALITY]
    calc = services.save_calculation(
        user, json.loads(EXAMPLE.read_text()), draws=0, seed=1, knowledge_version=selectors.current_version()
    )
    content = client_for(Role.MUNICIPALITY).get(f"/som/beregning/{calc.pk}/excel/").content
    import io

    sheet = load_workbook(io.BytesIO(content))["Forudsætninger"]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    case = engine.case_to_json(engine.parse_case(calc.case))
    assert case["outcomes"][0]["name"] in cells and case["costs"][0]["name"] in cells
    assert "færdiggørelsesåret" in cells  # an outcome without a delay says so (not an empty cell)


def test_there_is_one_validation_path(monkeypatch, municipality_client, knowledge, tmp_path):
    # The old hand validators are gone: the case module is data, the distributions parse nothing, and the
    # form has no case checks of its own.
    for gone in ("_check_range", "_check_finite", "_check_money", "_mapping", "parse_case", "validate_case"):
        assert not hasattr(case_module, gone), gone
    for gone in ("parse_quantity", "_refuse_unknown_keys", "_interval90"):
        assert not hasattr(distributions, gone), gone
    for gone in ("engine_problems", "_check"):
        assert not hasattr(forms, gone), gone
    # ... and every consumer reaches the one schema.
    calls = []
    original = SomCase.model_validate.__func__

    def counting(cls, *args, **kwargs):
        calls.append(cls)
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(SomCase, "model_validate", classmethod(counting))
    data = json.loads(EXAMPLE.read_text())
    engine.parse_case(data)
    assert calls == [SomCase]
    engine.validate_case(engine.quick_case(citizens_per_year=10, cost_per_citizen=1, success_rate=0.1,
                                           annual_saving_per_success=1))  # fmt: skip
    assert len(calls) >= 2
    before = len(calls)
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data))
    assert CliRunner().invoke(som_cli, ["calc", str(path), "--draws", "0"]).exit_code == 0
    assert len(calls) > before
    before = len(calls)
    forms.read(forms.state_from_post(form_post(municipality_client)))
    assert len(calls) > before
