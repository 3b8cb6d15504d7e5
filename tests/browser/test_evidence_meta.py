"""Browser: import a CSV of studies, run a random-effects meta-analysis, see the forest plot."""

import re

from susi.accounts.models import Role
from tests.evidence.helpers import bcg_csv


def test_import_csv_and_run_random_effects_meta_analysis(page, login, world, tmp_path):
    intervention = world.own_initiative.intervention
    csv_path = tmp_path / "bcg.csv"
    csv_path.write_bytes(bcg_csv())
    login(world.users[Role.AGENCY].username)

    page.goto("/evidens/")
    page.get_by_role("link", name="Importér studier fra CSV eller Excel").click()
    page.get_by_label("Indsats").select_option(str(intervention.pk))
    page.get_by_label("Udfaldsmål").fill("Tuberkulose")
    page.get_by_label("Effektmål").select_option("RR")
    page.get_by_label("Fil (CSV eller Excel)").set_input_files(str(csv_path))
    page.get_by_role("button", name="Importér").click()
    page.wait_for_url(re.compile(r"/evidens/metaanalyse/\?"))
    assert page.get_by_text("13 studier er importeret.").is_visible()

    page.locator("#id_method").select_option("DL")
    page.get_by_label("Hvilken retning er god?").select_option("0")
    page.get_by_role("button", name="Kør metaanalyse").click()
    forest = page.locator("svg[aria-label='Forest plot']")
    forest.wait_for()
    assert forest.is_visible()
    assert "Trial 1" in forest.inner_html()
    result = page.get_by_role("region", name="Resultat")
    assert "-0,7141" in result.inner_text()  # DerSimonian-Laird, as metafor (Danish decimal comma)
    assert "random effects, DerSimonian–Laird" in result.inner_text()


def test_success_rate_goes_from_the_meta_analysis_to_the_som_calculator(page, login, world):
    import pytest
    from django.urls import NoReverseMatch, reverse

    from susi.evidence import services

    try:
        reverse("som:index")
    except NoReverseMatch:
        pytest.skip("the SØM calculator is not installed")
    services.import_studies(
        world.users[Role.AGENCY],
        world.own_initiative.intervention,
        outcome="Tuberkulose",
        measure="RR",
        data=bcg_csv(),
        filename="bcg.csv",
        defaults={"design": "rct", "risk_of_bias": "low", "country": "US"},
    )
    login(world.users[Role.AGENCY].username)
    page.goto(
        f"/evidens/metaanalyse/?intervention={world.own_initiative.intervention.pk}"
        "&outcome=Tuberkulose&measure=RR&method=REML&higher_is_better=0"
    )
    page.get_by_label("Andel, der i dag (nuværende praksis) når udfaldet (%)").fill("10")
    page.get_by_label("Er udfaldet ønskeligt?").select_option("0")
    page.get_by_role("button", name="Beregn succesrate").click()
    page.get_by_role("link", name="Brug som succesrate i SØM").click()
    page.wait_for_url(re.compile(r"/som/\?"))
    assert "success_rate_mean=0.05" in page.url  # 10 % × (1 − RR 0.489) = 5.1 percentage points
    assert page.get_by_text("Succesraten forudfyldes fra metaanalysen").is_visible()
