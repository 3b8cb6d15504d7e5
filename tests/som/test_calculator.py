"""The calculator pages: defaults from the knowledge database, saving, bad input (Danish, nothing saved),
the evidence app's prefill, the initiative link, and permissions."""

import re
from dataclasses import replace

import numpy as np
import pytest

from susi.accounts.models import Role
from susi.engines import som as engine
from susi.som import forms, selectors
from susi.som.models import Calculation, TargetGroup

START = "/som/beregn/?target_group=homelessness"


def form_post(client, url=START, **changes):
    """Fetch the prefilled form, take every field's value as the browser would send it, apply changes."""
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    data = {}
    for match in re.finditer(r"<input[^>]*>", html):
        tag = match.group(0)
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="checkbox"' in tag and "checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = "on" if 'type="checkbox"' in tag else (value.group(1) if value else "")
    for select in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(2))
        first = re.search(r'<option value="([^"]*)"', select.group(2))
        data[select.group(1)] = (chosen or first).group(1) if (chosen or first) else ""
    data.pop("csrfmiddlewaretoken", None)
    data.update(changes)
    return data


def test_defaults_come_from_the_knowledge_database_and_the_own_municipality(municipality_client, knowledge):
    html = municipality_client.get(START).content.decode()
    assert "Illustrative tal" in html
    # Aarhus's own number of citizens (35) and own shelter price (520 kr.) are used.
    assert 'name="intake-0" value="35"' in html
    assert 'value="520"' in html
    assert "kommunens pris" in html
    # The success rate is pooled from the grade-1 studies: (0.12/0.04² + 0.15/0.03²) / (1/0.04² + 1/0.03²) = 0.1392.
    defaults = selectors.defaults_for(
        TargetGroup.objects.get(code="homelessness"), knowledge.own_municipality.pk
    )
    assert defaults.outcomes[0].success_rate == pytest.approx(0.1392, abs=1e-4)
    assert 'id="outcomes-0-success_rate-value" name="outcomes-0-success_rate-value" value="13.92"' in html


def test_a_valid_form_is_calculated_and_saved(municipality_client, knowledge):
    data = form_post(
        municipality_client, **{"costs-1-amount-value": "60000", "costs-0-amount-value": "200000"}
    )
    response = municipality_client.post("/som/beregn/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    calc = Calculation.objects.get()
    assert calc.municipality == knowledge.own_municipality
    assert calc.organisation == knowledge.own_municipality
    assert calc.knowledge_version == selectors.current_version() == 1
    assert calc.uses_illustrative_data
    # The stored case reproduces the stored result exactly.
    case = engine.parse_case(calc.case)
    assert engine.calculate(case).present_value == pytest.approx(
        calc.result["deterministic"]["present_value"], abs=0.01
    )
    page = municipality_client.get(calc.get_absolute_url()).content.decode()
    for testid in ("chart-authority", "chart-cumulative", "chart-distribution", "chart-tornado"):
        assert f'data-testid="{testid}"' in page
    assert "<title>" in page and "Illustrative tal" in page


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"intake-0": "-5"}, "intake-0", "antal borgere må ikke være under 0"),
        (
            {"outcomes-0-success_rate-value": "120"},
            "outcomes-0-success_rate-value",
            "succesraten må højst være 100 %",
        ),
        ({"horizon": "0"}, "horizon", "horisonten skal være mindst 1 år"),
        ({"prices-0-service": ""}, "outcomes-0-consequences-", "der mangler en pris"),
        ({"intake-0": "tyve"}, "intake-0", "skal være et tal"),
        (
            {"outcomes-0-success_rate-dist": "normal", "outcomes-0-success_rate-sd": ""},
            "outcomes-0-success_rate-sd",
            "standardafvigelse mangler",
        ),
        ({"discount_rate": "-1"}, "discount_rate", "diskonteringsrenten må ikke være negativ"),
    ],
)
def test_bad_input_names_the_field_in_danish_and_saves_nothing(
    municipality_client, knowledge, changes, field, words
):
    # prices-0 is the first price row in the form (alphabetical); blanking its service removes that price.
    data = form_post(municipality_client, **changes)
    if "prices-0-service" in changes:
        removed = form_post(municipality_client)["prices-0-service"]
        # make sure the removed price is used by a consequence
        data["outcomes-0-consequences-0-service"] = removed
    response = municipality_client.post("/som/beregn/", data)
    assert response.status_code == 422
    html = response.content.decode()
    assert words in html
    assert f'href="#{field}' in html
    assert "Intet er gemt" in html
    assert Calculation.objects.count() == 0


def test_evidence_prefill_sets_a_normal_success_rate(municipality_client, knowledge):
    url = START + "&success_rate_mean=0.15&success_rate_sd=0.05&success_rate_source=Metaanalyse+af+CTI"
    html = municipality_client.get(url).content.decode()
    assert 'name="outcomes-0-success_rate-value" value="15"' in html
    assert 'name="outcomes-0-success_rate-sd" value="5"' in html
    assert "Metaanalyse af CTI" in html
    index = municipality_client.get(
        "/som/?success_rate_mean=0.15&success_rate_sd=0.05&success_rate_source=X"
    ).content.decode()
    assert 'name="success_rate_mean" value="0.15"' in index


def test_initiative_link_and_its_permission(client_for, knowledge):
    client = client_for(Role.MUNICIPALITY)
    own = knowledge.own_initiative
    html = client.get(f"/som/?initiative={own.pk}").content.decode()
    assert f'<option value="{own.pk}" selected' in html
    assert client.get(f"/som/beregn/?target_group=homelessness&initiative={own.pk}").status_code == 200
    other = knowledge.other_initiative
    assert client.get(f"/som/?initiative={other.pk}").status_code == 403
    assert client.get(f"/som/beregn/?initiative={other.pk}").status_code == 403
    data = form_post(client, **{"initiative": str(other.pk), "costs-1-amount-value": "1000"})
    assert client.post("/som/beregn/", data).status_code == 403
    assert Calculation.objects.count() == 0


def test_saved_calculation_visibility(client_for, knowledge):
    owner = client_for(Role.MUNICIPALITY)
    data = form_post(owner, **{"costs-1-amount-value": "60000", "draws": "200"})
    assert owner.post("/som/beregn/", data).status_code == 302
    calc = Calculation.objects.get()
    assert client_for(Role.AGENCY).get(calc.get_absolute_url()).status_code == 200
    assert client_for(Role.STEERING).get(calc.get_absolute_url()).status_code == 200
    assert client_for(Role.EVALUATOR).get(calc.get_absolute_url()).status_code == 403
    assert client_for(Role.EVALUATOR).get(f"/som/beregning/{calc.pk}/excel/").status_code == 403


def test_own_target_group_without_the_database(municipality_client, knowledge):
    url = "/som/beregn/?own_target_group=Unge+hjemløse+under+25"
    data = form_post(municipality_client, url=url)
    price = next(
        k
        for k, v in data.items()
        if k.endswith("-service") and k.startswith("prices-") and v == "shelter_night"
    )
    data.update(
        {
            "own_target_group": "Unge hjemløse under 25",
            "costs-1-amount-value": "40000",
            "outcomes-0-success_rate-value": "10",
            "outcomes-0-consequences-0-service": "shelter_night",
            "outcomes-0-consequences-0-change": "-100; -50",
        }
    )
    assert price
    response = municipality_client.post("/som/beregn/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    calc = Calculation.objects.get()
    assert calc.case["target_group"] == "Unge hjemløse under 25"
    assert calc.case["outcomes"][0]["consequences"][0]["change"] == [-100.0, -50.0]


def test_quick_estimate_page(municipality_client, knowledge):
    html = municipality_client.get("/som/skoen/?target_group=homelessness").content.decode()
    assert "Budgetøkonomisk skøn" in html
    response = municipality_client.post(
        "/som/skoen/",
        {
            "target_group": "homelessness",
            "name": "Skøn",
            "citizens_per_year": "20",
            "intake_years": "1",
            "cost_per_citizen-dist": "fixed",
            "cost_per_citizen-value": "50000",
            "success_rate-dist": "fixed",
            "success_rate-value": "10",
            "annual_saving-dist": "fixed",
            "annual_saving-value": "100000",
            "share-0": "60",
            "share-1": "20",
            "share-2": "20",
            "horizon": "3",
            "discount_rate_pct": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    det = Calculation.objects.get().result["deterministic"]
    # 2 successes × 100,000 × 3 years − 20 × 50,000 = −400,000.
    assert det["present_value"] == pytest.approx(-400_000)
    bad = municipality_client.post(
        "/som/skoen/",
        {
            "citizens_per_year": "20",
            "share-0": "50",
            "share-1": "0",
            "share-2": "0",
            "cost_per_citizen-value": "1",
            "success_rate-value": "10",
            "annual_saving-value": "1",
        },
    )
    assert bad.status_code == 422
    assert "summe til 100 %" in bad.content.decode()
    assert Calculation.objects.count() == 1


def test_form_round_trip_matches_the_engine_case():
    state = {
        "name": "x",
        "horizon": "5",
        "discount_rate": "3.5",
        "duration_years": "1",
        "intake": ["10", "", ""],
        "costs": [
            {
                "name": "c",
                "kind": "per_citizen",
                "payer": "municipality",
                "amount": forms.q_state(1000, "interval90", low=800, high=1200),
            }
        ],
        "outcomes": [
            {
                "name": "o",
                "include": True,
                "success_rate": forms.q_state(20),
                "relapse": forms.q_state(10),
                "effect_delay_years": "",
                "phase_in_years": "0",
                "consequences": [{"service": "s", "change": "-2", "se": "0.5"}],
            }
        ],
        "prices": [
            {
                "service": "s",
                "name": "S",
                "unit": "u",
                "municipality": "100",
                "region": "0",
                "state": "0",
                "area": "housing",
                "committee": "social",
            }
        ],
    }
    case, _rows, _labels = forms.case_from_state(state)
    assert not forms.read(state).problems
    assert case["outcomes"][0]["success_rate"] == pytest.approx(0.2)
    assert case["costs"][0]["amount"] == {"dist": "interval90", "low": 800.0, "high": 1200.0}
    assert case["outcomes"][0]["consequences"][0]["change"] == {"dist": "normal", "mean": -2.0, "sd": 0.5}
    assert engine.calculate(engine.parse_case(case)).present_value != 0


def test_the_message_also_stands_next_to_the_input(municipality_client, knowledge):
    data = form_post(municipality_client, **{"intake-0": "-5", "outcomes-0-success_rate-value": "120"})
    html = municipality_client.post("/som/beregn/", data).content.decode()
    assert '<p class="error" id="intake-0-error">antal borgere må ikke være under 0 (er -5)</p>' in html
    assert 'id="outcomes-0-success_rate-value-error">succesraten må højst være 100 % (er 120 %)</p>' in html
    assert ">Borgere år 1</a>" in html


def test_an_own_target_group_can_be_kept_for_the_organisation(client_for, knowledge):
    client = client_for(Role.MUNICIPALITY)
    data = form_post(client, url="/som/beregn/?own_target_group=Unge+hjemløse")
    data.update(
        {
            "own_target_group": "Unge hjemløse",
            "costs-1-amount-value": "40000",
            "outcomes-0-success_rate-value": "10",
            "outcomes-0-consequences-0-service": "shelter_night",
            "outcomes-0-consequences-0-change": "-90",
            "outcomes-0-consequences-0-se": "10",
        }
    )
    assert client.post("/som/beregn/", data).status_code == 302
    calc = Calculation.objects.get()
    page = client.get(calc.get_absolute_url()).content.decode()
    assert "Gem »Unge hjemløse« som egen målgruppe" in page
    assert client.post(f"/som/beregning/{calc.pk}/maalgruppe/").status_code == 302
    group = TargetGroup.objects.get(name="Unge hjemløse")
    assert group.user_defined and group.organisation == knowledge.own_municipality
    assert selectors.current_version() == 2
    consequence = group.consequences.get()
    assert (consequence.service, consequence.change, consequence.standard_error) == ("shelter_night", -90, 10)
    # The own organisation sees it with its defaults; another municipality does not.
    html = client.get(f"/som/beregn/?target_group={group.code}").content.decode()
    assert 'value="-90"' in html
    other = client_for(Role.EVALUATOR)
    assert other.get(f"/som/beregn/?target_group={group.code}").status_code == 404
    # Saving twice is refused with a message and changes nothing.
    client.post(f"/som/beregning/{calc.pk}/maalgruppe/")
    assert TargetGroup.objects.filter(name="Unge hjemløse").count() == 1


def test_compare_scenarios_and_a_result_without_uncertainty(municipality_client, knowledge):
    client = municipality_client
    first = form_post(client, **{"costs-1-amount-value": "60000", "draws": "500", "name": "Scenarie A"})
    assert client.post("/som/beregn/", first).status_code == 302
    second = form_post(
        client,
        **{
            "costs-1-amount-value": "90000",
            "draws": "0",
            "name": "Scenarie B",
            "outcomes-0-success_rate-dist": "fixed",
        },
    )
    assert client.post("/som/beregn/", second).status_code == 302
    a, b = Calculation.objects.order_by("pk")
    assert a.result["monte_carlo"] is not None and b.result["monte_carlo"] is None
    page_b = client.get(b.get_absolute_url()).content.decode()
    assert 'data-testid="chart-cumulative"' in page_b and 'data-testid="chart-distribution"' not in page_b
    compare = client.get(f"/som/sammenlign/?ids={a.pk}&ids={b.pk}")
    assert compare.status_code == 200
    html = compare.content.decode()
    assert "Scenarie A" in html and "Scenarie B" in html and "<title>" in html
    assert client.get(f"/som/sammenlign/?ids={a.pk}").status_code == 302


def test_authority_area_and_committee_names_follow_the_language(client_for, knowledge):
    owner = client_for(Role.MUNICIPALITY)
    assert owner.post("/som/beregn/", form_post(owner, **{"draws": "200"})).status_code == 302
    url = Calculation.objects.get().get_absolute_url()
    danish = owner.get(url).content.decode()
    assert "Kommune</th>" in danish and "Socialudvalget" in danish
    owner.cookies["django_language"] = "en"
    english = owner.get(url).content.decode()
    assert "Municipality</th>" in english and "Social affairs committee" in english
    assert "Socialudvalget" not in english


def test_an_absurd_amount_is_refused_and_nothing_is_saved(municipality_client, knowledge):
    data = form_post(municipality_client, **{"costs-0-amount-value": "1e30"})
    response = municipality_client.post("/som/beregn/", data)
    assert response.status_code == 422
    assert "for stort" in response.content.decode()
    assert not Calculation.objects.exists()
    data = form_post(municipality_client, **{"costs-0-amount-value": "NaN"})
    response = municipality_client.post("/som/beregn/", data)
    assert response.status_code == 422 and "endeligt tal" in response.content.decode()
    assert not Calculation.objects.exists()


def test_a_calculation_without_costs_warns_on_its_page(municipality_client, knowledge):
    changes = {k: "" for k in form_post(municipality_client) if re.match(r"costs-\d+-amount-value", k)}
    response = municipality_client.post("/som/beregn/", form_post(municipality_client, draws="0", **changes))
    assert response.status_code == 302, response.content.decode()[:3000]
    calc = Calculation.objects.get()
    html = municipality_client.get(calc.get_absolute_url()).content.decode()
    assert 'data-testid="no-costs"' in html and "ingen omkostninger" in html
    assert calc.result["deterministic"]["has_costs"] is False


def test_quick_estimate_follows_the_yearly_profile_and_split(municipality_client, knowledge):
    url = "/som/skoen/?target_group=children_at_risk"
    html = municipality_client.get(url).content.decode()
    assert 'data-testid="quick-profile"' in html and 'name="use_profile" value="1" checked' in html
    data = form_post(municipality_client, url)
    data.update({"cost_per_citizen-value": "0", "horizon": "6", "discount_rate_pct": "0", "name": "Profil"})
    assert "use_profile" in data
    data["use_profile"] = "1"  # the checkbox value the browser sends
    saving = float(data["annual_saving-value"])
    response = municipality_client.post("/som/skoen/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    calc = Calculation.objects.get(name="Profil")
    case = engine.parse_case(calc.case)
    # The database's own consequences and prices are kept (not one aggregate service) ...
    assert {c.service for c in case.outcomes[0].consequences} == {
        "foster_care_day", "preventive_measure_month", "special_education_year",
    }  # fmt: skip
    # ... scaled so that the reference year saves what the user entered (the prefilled reference saving).
    consequences, prices = case.outcomes[0].consequences, case.prices
    by_year = engine.saving_per_success(consequences, prices, 6).sum(axis=1)
    assert by_year[0] == pytest.approx(saving, abs=0.5)
    det = calc.result["deterministic"]
    result = engine.calculate(case)
    successes = result.successes["Succes"]
    expected = successes * by_year  # one cohort, no relapse: year t after the start = year t after success
    np.testing.assert_allclose(result.gains, expected, rtol=1e-9)
    assert det["gains"] == pytest.approx(list(expected), abs=0.01)
    # The year-by-year fall matters: the first year's saving applied to every year gives far more.
    assert sum(successes) * by_year[0] / sum(det["gains"]) > 1.5
    assert len(det["pv_by_area"]) >= 2  # the split by main area is kept
    # Without the profile (unticked) the flat saving with shares is used, as before.
    data.pop("use_profile")
    data["name"] = "Flad"
    assert municipality_client.post("/som/skoen/", data).status_code == 302
    flat = Calculation.objects.get(name="Flad").result["deterministic"]
    assert flat["gains"] == pytest.approx([s * by_year[0] for s in successes], rel=1e-6)


def test_a_yearly_consequence_with_a_standard_error_is_one_correlated_profile():
    # "-300; -250; -200; -150" with standard error 40: the largest change (−300, year 1) is normal(−300, 40)
    # and the other years follow in proportion, one draw for all years.
    entry = forms._consequence("foster_care_day", [-300.0, -250.0, -200.0, -150.0], 40.0)
    assert entry["change"] == {"dist": "normal", "mean": -300.0, "sd": 40.0}
    assert entry["profile"] == pytest.approx([1, 250 / 300, 200 / 300, 0.5])
    assert forms._consequence("s", [-1.0, -2.0], None) == {"service": "s", "change": [-1.0, -2.0]}
    assert forms._consequence("s", [-1.0], 0.5)["change"] == {"dist": "normal", "mean": -1.0, "sd": 0.5}


def test_the_form_offers_a_log_normal_ninety_percent_interval():
    q = forms._quantity_json({"dist": "interval90log", "low": "20000", "high": "80000"})
    assert q == {"dist": "interval90", "shape": "lognormal", "low": 20000.0, "high": 80000.0}
    dist = engine.parse_quantity(q, "p", [])
    np.testing.assert_allclose(dist.ppf(np.array([0.05, 0.95])), [20000, 80000], rtol=1e-12)


def test_a_saved_cost_line_from_the_form_and_the_double_counting_warning(municipality_client, knowledge):
    changes = {"costs-0-amount-value": "100000", "costs-0-kind": "per_year", "draws": "0", "name": "Sparet"}
    data = form_post(municipality_client, **changes, **{"costs-0-saved": "1"})
    response = municipality_client.post("/som/beregn/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    calc = Calculation.objects.get(name="Sparet")
    assert calc.case["costs"][0]["saved"] is True
    case = engine.parse_case(calc.case)
    not_saved = engine.calculate(
        case.with_changes(costs=(replace(case.costs[0], saved=False), *case.costs[1:]))
    )
    # The saved line is booked negative: 2 × 100,000 less cost in each operating year (year 1 here).
    diff = np.array(not_saved.costs) - np.array(calc.result["deterministic"]["costs"])
    assert diff[0] == pytest.approx(200_000, abs=0.01) and np.all(diff[1:] == pytest.approx(0, abs=0.01))
    # Two outcomes changing the same service: the page warns.
    case_json = dict(calc.case)
    first = case_json["outcomes"][0]
    case_json["outcomes"] = [first, {**first, "name": "Andet mål"}]
    from susi.som import services

    double = services.save_calculation(
        calc.owner, case_json, draws=0, seed=1, knowledge_version=calc.knowledge_version
    )
    html = municipality_client.get(double.get_absolute_url()).content.decode()
    assert 'data-testid="double-counting"' in html and "Andet mål" in html


def test_compare_page_adds_the_scenarios_up_as_a_portfolio(municipality_client, knowledge):
    client = municipality_client
    for name, amount in (("P1", "60000"), ("P2", "90000")):
        data = form_post(client, **{"costs-1-amount-value": amount, "draws": "300", "name": name})
        assert client.post("/som/beregn/", data).status_code == 302
    a, b = Calculation.objects.order_by("pk")
    html = client.get(f"/som/sammenlign/?ids={a.pk}&ids={b.pk}").content.decode()
    assert 'data-testid="portfolio"' in html
    # The portfolio's yearly total is the sum of the two deterministic results.
    total_year_1 = a.result["deterministic"]["net"][0] + b.result["deterministic"]["net"][0]
    from susi.web.formatting import kr

    assert kr(total_year_1) in html


def test_any_number_of_intake_years_and_cost_lines(municipality_client, knowledge):
    client = municipality_client
    data = form_post(client)
    assert data["intake-count"] == "5" and data["costs-count"] == "2"
    # "Tilføj et år" six times and "Tilføj en omkostning" twice: each re-renders the form with one more row,
    # keeping what was typed, and saves nothing.
    for _ in range(6):
        data["add_row"] = "intake"
        html = client.post("/som/beregn/", data).content.decode()
        data = {**data, **{k: v for k, v in form_post_from_html(html).items()}}
    for _ in range(2):
        data["add_row"] = "cost"
        html = client.post("/som/beregn/", data).content.decode()
        data = {**data, **form_post_from_html(html)}
    assert data["intake-count"] == "11" and data["costs-count"] == "4"
    assert not Calculation.objects.exists()
    del data["add_row"]
    data.update({"intake-10": "7", "costs-3-name": "Evaluering", "costs-3-kind": "once", "costs-3-amount-dist": "fixed",
                 "costs-3-amount-value": "12345", "costs-1-amount-value": "60000", "horizon": "12"})  # fmt: skip
    response = client.post("/som/beregn/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    calc = Calculation.objects.get()
    assert len(calc.case["intake"]) == 11 and calc.case["intake"][10] == 7
    assert calc.case["costs"][-1]["name"] == "Evaluering" and calc.case["costs"][-1]["amount"] == 12345


def form_post_from_html(html: str) -> dict:
    data = {}
    for match in re.finditer(r"<input[^>]*>", html):
        tag = match.group(0)
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="checkbox"' in tag and "checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = "on" if 'type="checkbox"' in tag else (value.group(1) if value else "")
    for select in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(2))
        first = re.search(r'<option value="([^"]*)"', select.group(2))
        data[select.group(1)] = (chosen or first).group(1) if (chosen or first) else ""
    data.pop("csrfmiddlewaretoken", None)
    return data


def test_copy_edit_and_delete_a_saved_calculation(municipality_client, knowledge):
    client = municipality_client
    data = form_post(client, **{"costs-1-amount-value": "60000", "draws": "200", "name": "Original"})
    assert client.post("/som/beregn/", data).status_code == 302
    calc = Calculation.objects.get()
    page = client.get(calc.get_absolute_url()).content.decode()
    assert 'data-testid="calculation-actions"' in page and f"/som/beregning/{calc.pk}/slet/" in page
    # Copy: a new calculation with the same case and result.
    response = client.post(f"/som/beregning/{calc.pk}/kopi/")
    copy = Calculation.objects.exclude(pk=calc.pk).get()
    assert response.status_code == 302 and copy.name == "Kopi af Original"
    assert copy.case == calc.case and copy.result == calc.result
    # Edit: the form comes back filled with the saved case; saving changes the calculation in place.
    html = client.get(f"/som/beregning/{calc.pk}/ret/").content.decode()
    assert 'data-testid="editing"' in html and f'name="edit_of" value="{calc.pk}"' in html
    edited = form_post(client, f"/som/beregning/{calc.pk}/ret/")
    # (the empty start-up cost row was left out when it was saved: one cost line, the 60,000 per citizen)
    assert edited["costs-0-amount-value"] == "60000" and edited["name"] == "Original"
    edited.update({"costs-0-amount-value": "70000", "name": "Rettet"})
    assert client.post("/som/beregn/", edited).status_code == 302
    calc.refresh_from_db()
    assert calc.name == "Rettet" and Calculation.objects.count() == 2
    assert calc.case["costs"][0]["amount"] == 70000
    # Delete the copy.
    assert client.post(f"/som/beregning/{copy.pk}/slet/").status_code == 302
    assert not Calculation.objects.filter(pk=copy.pk).exists()


def test_a_calculation_a_recorded_gate_rests_on_stays_immutable(client_for, knowledge):
    from django.utils import timezone

    from susi.portfolio.models import GateDecision
    from susi.som import services

    owner = client_for(Role.MUNICIPALITY)
    initiative = knowledge.own_initiative
    data = form_post(owner, f"/som/beregn/?target_group=homelessness&initiative={initiative.pk}",
                     **{"costs-1-amount-value": "60000", "draws": "0", "name": "Grundlag"})  # fmt: skip
    assert owner.post("/som/beregn/", data).status_code == 302
    calc = Calculation.objects.get()
    assert calc.initiative == initiative and not services.is_recorded(calc)
    agency = knowledge.users[Role.AGENCY]
    GateDecision.objects.create(
        initiative=initiative, phase="test", track="A", state="recorded", outcome="continue",
        prepared_by=agency, decided_by=agency, decided_at=timezone.now(),
    )  # fmt: skip
    assert services.is_recorded(calc)
    before = (calc.name, calc.case, calc.result)
    # Deleting is refused with a message; nothing changes.
    response = owner.post(f"/som/beregning/{calc.pk}/slet/")
    assert response.status_code == 302 and Calculation.objects.filter(pk=calc.pk).exists()
    # Editing makes a new version pointing back; the recorded one is unchanged.
    html = owner.get(f"/som/beregning/{calc.pk}/ret/").content.decode()
    assert "ny version" in html
    edited = form_post(owner, f"/som/beregning/{calc.pk}/ret/")
    edited.update({"costs-0-amount-value": "99000", "name": "Grundlag v2"})
    assert owner.post("/som/beregn/", edited).status_code == 302
    calc.refresh_from_db()
    assert (calc.name, calc.case, calc.result) == before
    new = Calculation.objects.get(previous=calc)
    assert new.name == "Grundlag v2" and new.case["costs"][0]["amount"] == 99000
    # Another organisation's user may neither edit nor delete it.
    other = client_for(Role.EVALUATOR)
    assert other.get(f"/som/beregning/{calc.pk}/ret/").status_code in (403, 404)
    assert other.post(f"/som/beregning/{calc.pk}/slet/").status_code in (403, 404)


def test_no_form_input_gives_a_server_error(municipality_client, knowledge):
    # Random bad values in random fields of the calculator and the quick estimate (fixed seed, so the test
    # is reproducible). Found before: a 15-digit horizon in the quick estimate (memory error) and a
    # tampered knowledge_version (ValueError). Every answer is a page (an unknown target group is a 404), never a 500.
    import random

    bad_values = [
        "",
        "nan",
        "inf",
        "-inf",
        "1e30",
        "-1",
        "0",
        "abc",
        "1,5",
        "999999999999999",
        "51",
        "3.5",
        "-100",
    ]
    client = municipality_client
    calculator = form_post(client)
    quick = form_post(client, "/som/skoen/?target_group=children_at_risk")
    rng = random.Random(5)
    for _ in range(60):
        data = dict(calculator)
        for key in rng.sample(sorted(data), 4):
            data[key] = rng.choice(bad_values)
        data["draws"] = rng.choice(["0", "50"])
        assert client.post("/som/beregn/", data).status_code < 500, data
        q = dict(quick)
        for key in rng.sample(sorted(q), 3):
            q[key] = rng.choice(bad_values)
        q["use_profile"] = rng.choice(["1", ""])
        assert client.post("/som/skoen/", q).status_code < 500, q
