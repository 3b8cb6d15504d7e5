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
    assert "-0.7141" in result.inner_text()  # DerSimonian-Laird, as metafor
    assert "random effects, DerSimonian–Laird" in result.inner_text()
