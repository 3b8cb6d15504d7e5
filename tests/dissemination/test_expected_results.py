"""The expected-results pack: own prices and target-group size in the SØM calculation, the Excel totals
against the engine, the PDF, the readiness check, and refusals that change nothing."""

import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from susi.accounts.models import Role
from susi.dissemination import expected, services
from susi.dissemination.models import AreaBudget, ReadinessAnswer, ReadinessItem
from susi.engines import som as engine
from susi.som import services as som_services
from susi.som.models import Price, TargetGroup, TargetGroupSize

ROOT = Path(__file__).resolve().parents[2]
CASE = json.loads((ROOT / "docs" / "developers" / "som-examples" / "cti-uncertain.json").read_text())


@pytest.fixture
def disseminating(world):
    """The own initiative in dissemination, with a SØM calculation, the municipality's own shelter price and
    target-group size, a budget for the area and a readiness checklist."""
    initiative = world.own_initiative
    initiative.phase = "dissemination"
    initiative.area = "adults"
    initiative.save()
    group = TargetGroup.objects.create(code="homeless", name="Hjemløse")
    som_services.save_calculation(
        world.users[Role.AGENCY],
        CASE,
        draws=500,
        seed=7,
        knowledge_version=1,
        initiative=initiative,
        target_group=group,
    )
    Price.objects.create(
        service="shelter_night", name="Herbergsnat", unit="døgn", municipality=700, state=300,
        area="housing", price_year=2025, organisation=world.own_municipality,
    )  # fmt: skip
    TargetGroupSize.objects.create(
        target_group=group, organisation=world.own_municipality, citizens_per_year=25
    )
    AreaBudget.objects.create(
        organisation=world.own_municipality, area="adults", year=2026, amount_dkk=500_000_000
    )
    for order, (category, text) in enumerate(
        (("staff", "Uddannet personale"), ("data", "Data kan indberettes"))
    ):
        ReadinessItem.objects.create(
            intervention=initiative.intervention, category=category, text=text, order=order
        )
    return initiative


def test_the_calculation_uses_the_municipalitys_own_prices_and_size(world, disseminating):
    pack = expected.expected_results(disseminating, world.own_municipality)
    c = pack.calculation
    assert c is not None and c.own_prices == ["shelter_night"] and c.citizens_per_year == 25
    assert [engine.distributions.mean_of(q) for q in c.case.intake] == [25, 25]
    shelter = next(p for p in c.case.prices if p.service == "shelter_night")
    assert (shelter.municipality, shelter.state) == (700, 300)
    assert c.monte_carlo is not None and c.monte_carlo.draws == expected.PACK_DRAWS
    # the other municipality has neither: national prices, the base calculation's intake
    other = expected.expected_results(disseminating, world.other_municipality).calculation
    assert other.own_prices == [] and other.citizens_per_year is None
    # costs: one-off 100,000; per citizen the triangular mean (40+50+70)/3 thousand; 25 citizens a year
    costs = pack.costs
    assert costs.one_off == pytest.approx(100_000)
    assert costs.running_per_citizen == pytest.approx(160_000 / 3)
    assert costs.yearly_running == pytest.approx(25 * 160_000 / 3)
    assert costs.budget_share == pytest.approx(25 * 160_000 / 3 / 500_000_000)


def test_excel_totals_match_the_engine(client, world, disseminating):
    client.force_login(world.users[Role.MUNICIPALITY])
    response = client.get(f"/udbredelse/initiativer/{disseminating.pk}/forventede-resultater/excel/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    wb = load_workbook(io.BytesIO(response.content), data_only=True)
    assert wb.sheetnames == ["Forventede resultater", "SØM pr. år"]
    # the engine on the same municipal case
    base = disseminating.som_calculations.get()
    case_data, _replaced, _size = expected.localised_case(base, world.own_municipality)
    result = engine.calculate(engine.parse_case(case_data))
    ws = wb["SØM pr. år"]
    horizon = len(result.years)
    labels = {ws.cell(r, 1).value: r for r in range(4, 8)}
    for label, values, pv in (
        ("Omkostninger", result.costs, result.pv_costs),
        ("Gevinster", result.gains, result.pv_gains),
        ("Nettoresultat", result.net, result.present_value),
    ):
        row = labels[label]
        yearly = [ws.cell(row, 1 + y).value for y in range(1, horizon + 1)]
        assert yearly == pytest.approx(list(values), abs=0.01)
        assert ws.cell(row, horizon + 2).value == pytest.approx(float(sum(values)), abs=0.05)  # the SUM total
        assert ws.cell(row, horizon + 3).value == pytest.approx(pv, abs=0.01)
    mc = engine.simulate(
        engine.parse_case(case_data), draws=expected.PACK_DRAWS, seed=base.seed, with_tornado=False
    )
    medians = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(9, 15)}
    assert medians["Nutidsværdi, 50. percentil"] == pytest.approx(mc.pv_percentiles[50], abs=0.01)
    summary = wb["Forventede resultater"]
    texts = [summary.cell(r, 1).value for r in range(1, summary.max_row + 1)]
    assert "Forventede resultater for Aarhus" in texts and "Omkostninger" in texts


def test_the_pdf_is_a_danish_pdf(client, world, disseminating):
    client.force_login(world.users[Role.MUNICIPALITY])
    response = client.get(f"/udbredelse/initiativer/{disseminating.pk}/forventede-resultater/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_page_shows_the_pack_and_saves_the_readiness_check(client, world, disseminating):
    client.force_login(world.users[Role.MUNICIPALITY])
    initiative_page = client.get(f"/initiativer/{disseminating.pk}/").content.decode()
    assert 'id="expected-results-link"' in initiative_page
    url = f"/udbredelse/initiativer/{disseminating.pk}/forventede-resultater/"
    html = client.get(url).content.decode()
    assert "Forventede resultater for Aarhus" in html and "Uddannet personale" in html
    items = list(ReadinessItem.objects.order_by("order"))
    response = client.post(
        f"/udbredelse/initiativer/{disseminating.pk}/parathed/",
        {f"item_{items[0].pk}_status": "ready", f"item_{items[1].pk}_status": "missing",
         f"item_{items[1].pk}_note": "Mangler dataansvarlig"},
    )  # fmt: skip
    assert response.status_code == 302
    answers = {a.item_id: a for a in ReadinessAnswer.objects.all()}
    assert (
        answers[items[0].pk].status == "ready" and answers[items[0].pk].organisation == world.own_municipality
    )
    assert answers[items[1].pk].note == "Mangler dataansvarlig"


def test_a_bad_readiness_answer_is_refused_and_nothing_changes(world, disseminating, db_snapshot):
    user = world.users[Role.MUNICIPALITY]
    item = ReadinessItem.objects.first()
    before = db_snapshot()
    with pytest.raises(services.DomainError):
        services.save_readiness(user, disseminating, {item.pk: ("ready", ""), 999999: ("ready", "")})
    with pytest.raises(services.DomainError):
        services.save_readiness(user, disseminating, {item.pk: ("maybe", "")})
    assert db_snapshot() == before


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.MUNICIPALITY, 200), (Role.PROVIDER, 200), (Role.AGENCY, 200), (Role.STEERING, 200),
     (Role.EVALUATOR, 403), (Role.FOUNDATION, 403)],
)  # fmt: skip
def test_who_may_open_the_pack(client, world, disseminating, role, status):
    client.force_login(world.users[role])
    assert (
        client.get(f"/udbredelse/initiativer/{disseminating.pk}/forventede-resultater/").status_code == status
    )
    other = world.other_initiative
    assert client.get(f"/udbredelse/initiativer/{other.pk}/forventede-resultater/").status_code in (
        (200, 404) if role in (Role.AGENCY, Role.STEERING) else (403,)
    )


def test_the_agency_defines_the_checklist(client, world, disseminating):
    client.force_login(world.users[Role.AGENCY])
    url = f"/udbredelse/indsatser/{disseminating.intervention.pk}/parathedstjek/"
    assert client.post(url, {"category": "partners", "text": "Aftale med boligselskab"}).status_code == 302
    assert ReadinessItem.objects.filter(text="Aftale med boligselskab", category="partners").exists()
    assert client.post(url, {"category": "partners", "text": "  "}).status_code == 422
    client.force_login(world.users[Role.MUNICIPALITY])
    assert client.get(url).status_code == 403
