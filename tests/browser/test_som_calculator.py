"""Browser: a municipality user builds a SØM calculation for a demo initiative, sees the charts and
downloads the Excel file, whose totals are then checked against the engine."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook

from susi.accounts.models import Role
from susi.engines import som as engine
from susi.som import demo
from susi.som.models import Calculation


@pytest.fixture
def som_world(world):
    demo._load_knowledge(lambda line: None)
    return world


def test_build_a_calculation_see_charts_and_download_excel(page, login, som_world, tmp_path):
    initiative = som_world.own_initiative
    login(som_world.users[Role.MUNICIPALITY].username)

    page.goto(f"/som/?initiative={initiative.pk}")
    page.get_by_label("Målgruppe fra vidensdatabasen").select_option("homelessness")
    assert page.get_by_label("Knyt til initiativ (valgfrit)").input_value() == str(initiative.pk)
    page.get_by_role("button", name="Videre til beregningen").click()
    page.wait_for_url(re.compile(r"/som/beregn/"))
    assert page.get_by_text("Illustrative tal").first.is_visible()
    assert page.locator("#intake-0").input_value() == "35"  # Aarhus' own number of citizens

    page.locator("#costs-0-amount-value").fill("250000")
    page.locator("#costs-1-amount-dist").select_option("triangular")
    page.locator("#costs-1-amount-low").fill("45000")
    page.locator("#costs-1-amount-value").fill("55000")
    page.locator("#costs-1-amount-high").fill("75000")
    page.locator("#draws").fill("3000")
    page.get_by_role("button", name="Beregn og gem").click()
    page.wait_for_url(re.compile(r"/som/beregning/\d+/$"))

    for testid in ("chart-authority", "chart-cumulative", "chart-distribution", "chart-tornado"):
        chart = page.get_by_test_id(testid).locator("svg[role='img']")
        assert chart.is_visible()
        assert chart.locator("title").count() == 1
    assert "Chance for at tjene sig hjem" in page.get_by_test_id("chart-distribution").inner_html()

    with page.expect_download() as info:
        page.get_by_role("link", name="Hent Excel").click()
    path = tmp_path / "som.xlsx"
    info.value.save_as(path)

    calculation = Calculation.objects.get()
    assert calculation.initiative == initiative
    result = engine.calculate(engine.parse_case(calculation.case))
    wb = load_workbook(path, data_only=True)
    yearly = wb["Resultat pr. år"]
    horizon = result.case.horizon
    assert [yearly.cell(6, 1 + y).value for y in range(1, horizon + 1)] == pytest.approx(
        list(result.net), abs=0.01
    )
    assert yearly.cell(6, horizon + 3).value == pytest.approx(result.present_value, abs=0.01)
    authority = wb["Myndighed"]
    assert authority.cell(7, horizon + 3).value == pytest.approx(result.present_value, abs=0.01)
    municipality_pv = authority.cell(4, horizon + 3).value
    assert municipality_pv == pytest.approx(result.pv_by_authority["municipality"], abs=0.01)
    committees = wb["Udvalg"]
    total_row = 4 + len(result.net_by_committee)
    assert committees.cell(total_row, horizon + 3).value == pytest.approx(municipality_pv, abs=0.01)
