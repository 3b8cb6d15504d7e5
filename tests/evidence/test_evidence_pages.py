"""Evidence pages, API and CLI through their real entry points."""

import io
import json
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from typer.testing import CliRunner

from susi.accounts.models import Role
from susi.evidence.cli import app as cli_app
from susi.evidence.models import MetaAnalysis, PracticeAssessment, Study
from tests.engines.evidence.reference import metafor_reference as R
from tests.evidence.helpers import bcg_csv


def login(client, world, role):
    client.force_login(world.users[role])
    return client


def upload(client, world, data=None):
    return client.post(
        reverse("evidence:study_import"),
        {
            "intervention": world.own_initiative.intervention.pk,
            "outcome": "Tuberkulose",
            "measure": "RR",
            "design": "rct",
            "risk_of_bias": "low",
            "country": "US",
            "file": SimpleUploadedFile("bcg.csv", data or bcg_csv(), content_type="text/csv"),
        },
    )


def meta_url(world, **extra):
    params = {
        "intervention": world.own_initiative.intervention.pk,
        "outcome": "Tuberkulose",
        "measure": "RR",
        "method": "REML",
        "higher_is_better": "0",
        **extra,
    }
    return reverse("evidence:meta") + "?" + "&".join(f"{k}={v}" for k, v in params.items())


def test_import_then_meta_analysis_page_shows_metafor_numbers_and_plots(client, world):
    login(client, world, Role.AGENCY)
    response = upload(client, world)
    assert response.status_code == 302 and Study.objects.count() == 13
    page = client.get(meta_url(world))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<title>Forest plot</title>" in html and "Tragtplot" in html
    assert "-0,7145" in html  # REML estimate, as metafor (Danish decimal comma)
    assert "0,3132" in html  # tau^2
    assert "Sandsynlig virkning" in html
    assert "Metaregression" in html  # the moderator column (latitude) was imported


def test_import_error_is_shown_and_nothing_is_saved(client, world):
    login(client, world, Role.AGENCY)
    response = upload(client, world, bcg_csv("Trial 14,4,-3,11,128,1990,rct,US,40"))
    assert response.status_code == 422
    assert "negativ" in response.content.decode()
    assert not Study.objects.exists()


def test_single_study_gives_a_clear_message(client, world):
    login(client, world, Role.AGENCY)
    upload(client, world, b"study,ai,bi,ci,di\nA,4,119,11,128\n")
    page = client.get(meta_url(world))
    assert page.status_code == 422
    assert "mindst 2 studier" in page.content.decode()


def test_saving_needs_edit_rights_and_creates_a_detail_page(client, world):
    login(client, world, Role.AGENCY)
    upload(client, world)
    client.force_login(world.users[Role.MUNICIPALITY])
    assert client.get(meta_url(world)).status_code == 200  # anyone logged in may run it
    assert client.post(meta_url(world), {"save": "1", "title": "x"}).status_code == 403
    assert not MetaAnalysis.objects.exists()
    client.force_login(world.users[Role.EVALUATOR])
    response = client.post(meta_url(world), {"save": "1", "title": "BCG"})
    saved = MetaAnalysis.objects.get()
    assert response.status_code == 302 and response["Location"] == saved.get_absolute_url()
    detail = client.get(saved.get_absolute_url())
    assert detail.status_code == 200 and "BCG" in detail.content.decode()
    summary = client.get(reverse("evidence:intervention", args=[world.own_initiative.intervention.pk]))
    assert "BCG" in summary.content.decode()


def test_success_rate_link_to_som(client, world):
    login(client, world, Role.AGENCY)
    upload(client, world)
    page = client.get(meta_url(world, baseline_percent="10", desirable="0", interval="prediction"))
    html = page.content.decode()
    assert page.status_code == 200 and "Succesrate" in html
    try:
        som = reverse("som:index")
    except NoReverseMatch:
        assert "ikke tilgængelig" in html
        return
    start = html.index(f'href="{som}?')
    href = html[start + 6 : html.index('"', start + 6)].replace("&amp;", "&")
    query = parse_qs(urlparse(href).query)
    # RR = exp(-0.7145) = 0.4894 on a 10 % baseline of an undesirable outcome: 5.1 percentage points fewer
    assert float(query["success_rate_mean"][0]) == pytest.approx(0.1 * (1 - 0.48942), abs=1e-4)
    assert float(query["success_rate_sd"][0]) > 0
    assert "PI" in query["success_rate_source"][0]


def test_study_form_add_and_edit(client, world):
    login(client, world, Role.EVALUATOR)
    data = {
        "intervention": world.own_initiative.intervention.pk,
        "outcome": "Trivsel",
        "label": "Hansen 2020",
        "design": "rct",
        "risk_of_bias": "low",
        "country": "DK",
        "measure": "SMD",
        "m1i": "12",
        "sd1i": "4",
        "n1i": "50",
        "m2i": "10",
        "sd2i": "4",
        "n2i": "50",
    }
    assert client.post(reverse("evidence:study_create"), data).status_code == 302
    study = Study.objects.get()
    assert study.grade == 1
    bad = dict(data, sd2i="-1")
    response = client.post(reverse("evidence:study_edit", args=[study.pk]), bad)
    assert response.status_code == 422
    study.refresh_from_db()
    assert study.sd2i == 4


def test_pages_need_login_and_register_edit_rights(client, world):
    assert client.get(reverse("evidence:index")).status_code == 302
    client.force_login(world.users[Role.MUNICIPALITY])
    assert client.get(reverse("evidence:index")).status_code == 200
    assert client.get(reverse("evidence:studies")).status_code == 200
    assert client.get(reverse("evidence:study_create")).status_code == 403
    assert client.get(reverse("evidence:study_import")).status_code == 403


def test_practice_self_assessment_profile_page(client, world):
    login(client, world, Role.MUNICIPALITY)
    data = {"practice_name": "Udflytningsteam", "description": "", "theory_1": "3", "theory_2": "3"}
    response = client.post(reverse("evidence:practice_create"), data)
    assessment = PracticeAssessment.objects.get()
    assert response.status_code == 302 and assessment.organisation == world.own_municipality
    page = client.get(assessment.get_absolute_url()).content.decode()
    assert "<title>Profil for lovende praksis</title>" in page and "Teori og viden" in page
    client.force_login(world.users[Role.FOUNDATION])
    assert client.get(assessment.get_absolute_url()).status_code == 404
    assert client.post(reverse("evidence:practice_edit", args=[assessment.pk]), data).status_code == 403


def test_api_meta_matches_metafor_and_rejects_bad_input(client, world):
    login(client, world, Role.FOUNDATION)
    studies = [{"study": f"T{i}", "ai": a, "bi": b, "ci": c, "di": d} for i, (a, b, c, d) in enumerate(R.BCG)]
    response = client.post(
        "/api/evidence/meta",
        {"measure": "RR", "method": "DL", "studies": studies},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["estimate"] == pytest.approx(R.BCG_RR_DL["estimate"], abs=5e-5)
    assert body["tau2"] == pytest.approx(R.BCG_RR_DL["tau2"], abs=5e-5)
    bad = client.post(
        "/api/evidence/meta",
        {"measure": "GEN", "studies": [{"yi": 0.1, "vi": 0.01}, {"yi": 0.2, "vi": -0.01}]},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "vi"
    client.logout()
    assert client.post("/api/evidence/meta", {}, content_type="application/json").status_code == 401


def test_cli_meta_json_has_the_promised_keys(tmp_path):
    path = tmp_path / "bcg.csv"
    path.write_bytes(bcg_csv())
    result = CliRunner().invoke(cli_app, ["meta", str(path), "--measure", "RR", "--method", "REML", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    for key in (
        "k",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "tau2",
        "i2",
        "h2",
        "q",
        "q_p",
        "pi_low",
        "pi_high",
    ):
        assert key in data
    assert data["k"] == 13
    assert data["estimate"] == pytest.approx(R.BCG_RR_REML["estimate"], abs=5e-5)
    assert data["se"] == pytest.approx(R.BCG_RR_REML["se"], abs=5e-5)


def test_cli_gen_with_hartung_knapp(tmp_path):
    path = tmp_path / "k.csv"
    rows = ["study,yi,vi"] + [
        f"S{i},{y},{v}" for i, (y, v) in enumerate(zip(R.KACKER_Y, R.KACKER_V, strict=True))
    ]
    path.write_text("\n".join(rows))
    result = CliRunner().invoke(
        cli_app, ["meta", str(path), "--measure", "GEN", "--method", "DL", "--hk", "--json"]
    )
    assert result.exit_code == 0
    assert json.loads(result.output)["se"] == pytest.approx(R.KACKER_DL_KNHA["se"], abs=1e-9)


@pytest.mark.parametrize(
    ("content", "args", "needle"),
    [
        ("study,yi,vi\nA,0.1,0.01\n", ["--measure", "GEN"], "mindst 2 studier"),
        ("study,yi,vi\nA,0.1,0.01\nB,0.2,-0.01\n", ["--measure", "GEN"], "negativ"),
        ("study,yi,vi\nA,0.1,0.01\nB,abc,0.01\n", ["--measure", "GEN"], "'abc'"),
        ("study,yi\nA,0.1\nB,0.2\n", ["--measure", "GEN"], "vi"),
    ],
)
def test_cli_bad_input_exits_with_a_clear_message(tmp_path, content, args, needle):
    path = tmp_path / "s.csv"
    path.write_text(content)
    result = CliRunner().invoke(cli_app, ["meta", str(path), *args])
    assert result.exit_code == 2
    assert needle in result.output


def test_register_export_round_trips_through_the_import(client, world):
    from susi.engines.evidence import read_table

    login(client, world, Role.AGENCY)
    upload(client, world)
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("evidence:study_export", args=[fmt]))
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="studier.{fmt}"'
        table = read_table(response.content, f"studier.{fmt}")
        assert table.labels[0] == "Trial 1" and table.k == 13
        assert table.columns["ai"][:2] == (4.0, 6.0)
    before = Study.objects.count()
    exported = client.get(reverse("evidence:study_export", args=["csv"])).content
    assert upload(client, world, exported).status_code == 302
    assert Study.objects.count() == 2 * before


def test_saved_meta_analysis_export(client, world):
    from openpyxl import load_workbook

    login(client, world, Role.AGENCY)
    upload(client, world)
    client.post(meta_url(world), {"save": "1", "title": "BCG"})
    saved = MetaAnalysis.objects.get()
    csv_text = client.get(reverse("evidence:meta_export", args=[saved.pk, "csv"])).content.decode("utf-8-sig")
    assert "estimate,-0.7145" in csv_text and "Trial 13" in csv_text
    book = load_workbook(
        io.BytesIO(client.get(reverse("evidence:meta_export", args=[saved.pk, "xlsx"])).content)
    )
    assert book.sheetnames == ["Resultat", "Studier"]
    values = {row[0]: row[1] for row in book["Resultat"].iter_rows(values_only=True)}
    assert values["estimate"] == pytest.approx(R.BCG_RR_REML["estimate"], abs=5e-5)


def test_api_lists_studies_and_reads_a_saved_meta_analysis(client, world):
    login(client, world, Role.AGENCY)
    upload(client, world)
    client.post(meta_url(world), {"save": "1", "title": "BCG"})
    saved = MetaAnalysis.objects.get()
    client.force_login(world.users[Role.STEERING])
    studies = client.get(f"/api/evidence/studies?intervention={world.own_initiative.intervention.pk}").json()
    assert len(studies) == 13 and studies[0]["measure"] == "RR"
    body = client.get(f"/api/evidence/meta-analyses/{saved.pk}").json()
    assert body["rating_level"] == "B" and body["rating_label"] == "Sandsynlig virkning"
    assert body["result"]["tau2"] == pytest.approx(R.BCG_RR_REML["tau2"], abs=5e-5)
    assert client.get("/api/evidence/meta-analyses/999999").status_code == 404


def test_detail_page_says_when_studies_changed_after_saving(client, world):
    login(client, world, Role.AGENCY)
    upload(client, world)
    client.post(meta_url(world), {"save": "1", "title": "BCG"})
    saved = MetaAnalysis.objects.get()
    assert "er ændret" not in client.get(saved.get_absolute_url()).content.decode()
    Study.objects.filter(label="Trial 1").update(ai=40)
    html = client.get(saved.get_absolute_url()).content.decode()
    assert "er ændret, siden metaanalysen blev gemt" in html and "-0,7145" in html


def test_rating_and_reasons_follow_the_language(client, world):
    login(client, world, Role.AGENCY)
    upload(client, world)
    danish = client.get(meta_url(world)).content.decode()
    assert "Sandsynlig virkning" in danish and "studie(r) af SØM-niveau 1" in danish
    client.cookies["django_language"] = "en"
    english = client.get(meta_url(world)).content.decode()
    assert "Probable effect" in english and "stud(y/ies) of SØM grade 1" in english
    assert "studie(r) af SØM-niveau 1" not in english


def _bcg_with_moderators() -> str:
    rows = ["study;ai;bi;ci;di;ablat;year;alloc"]
    for i, (a, b, c, d) in enumerate(R.BCG):
        ablat = f"{R.BCG_ABLAT[i]:.0f}"
        rows.append(f"T{i + 1};{a:.0f};{b:.0f};{c:.0f};{d:.0f};{ablat};{R.BCG_YEAR[i]:.0f};{R.BCG_ALLOC[i]}")
    return "\n".join(rows) + "\n"


def _check_further(data):
    """The further analyses equal metafor's published numbers and the engine's pinned functions."""
    from susi.engines.evidence import compute, egger_test, subgroups

    reg = data["meta_regression"]
    assert reg["moderators"] == ["ablat", "year"] and reg["qm_df"] == 2
    assert reg["qm"] == pytest.approx(R.BCG_RR_REML_ABLAT_YEAR_FIT["qm"], abs=5e-4)
    for coef in reg["coefficients"]:
        want = R.BCG_RR_REML_ABLAT_YEAR[coef["name"]]
        assert (coef["estimate"], coef["se"]) == pytest.approx(want[:2], rel=1e-4)
    a, b, c, d = R.BCG.T
    effects = compute("RR", {"ai": a, "bi": b, "ci": c, "di": d})
    sub = subgroups(effects, R.BCG_ALLOC, "REML")
    assert data["subgroups"]["qm"] == pytest.approx(sub.qm, rel=1e-12) and data["subgroups"]["qm_df"] == 2
    assert [g["name"] for g in data["subgroups"]["groups"]] == ["alternate", "random", "systematic"]
    first = data["leave_one_out"][0]
    assert first["label"] == "T1" and len(data["leave_one_out"]) == 13
    assert first["estimate"] == pytest.approx(R.BCG_RR_REML_LOO_1["estimate"], abs=1e-6)  # [T-infl]
    assert data["egger"]["stat"] == pytest.approx(egger_test(effects, "REML").stat, rel=1e-12)


def test_cli_offers_meta_regression_subgroups_leave_one_out_and_egger(tmp_path):
    path = tmp_path / "bcg.csv"
    path.write_text(_bcg_with_moderators())
    args = ["meta", str(path), "--measure", "RR", "--moderator", "ablat", "--moderator", "year"]
    args += ["--subgroup", "alloc", "--leave-one-out", "--egger"]
    result = CliRunner().invoke(cli_app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    _check_further(json.loads(result.output))
    table = CliRunner().invoke(cli_app, args)
    assert table.exit_code == 0, table.output
    assert (
        "Metaregression: ablat, year" in table.output and "Test for forskel mellem grupperne" in table.output
    )
    assert "Eggers test" in table.output and "Uden ét studie ad gangen" in table.output
    bad = CliRunner().invoke(cli_app, ["meta", str(path), "--measure", "RR", "--moderator", "alloc"])
    assert bad.exit_code == 2 and "Moderatoren 'alloc' skal have et tal" in bad.output
    missing = CliRunner().invoke(cli_app, ["meta", str(path), "--measure", "RR", "--subgroup", "region"])
    assert missing.exit_code == 2 and "ingen kolonne 'region'" in missing.output


def test_cli_new_measures_and_group_sizes(tmp_path):
    path = tmp_path / "cor.csv"
    path.write_text(
        "study,ri,ni\n"
        + "".join(
            f"S{i},{r},{n}\n" for i, (r, n) in enumerate(zip(R.MCDANIEL_RI, R.MCDANIEL_NI, strict=True))
        )
    )
    result = CliRunner().invoke(cli_app, ["meta", str(path), "--measure", "ZCOR", "--json"])
    assert result.exit_code == 0, result.output
    assert [s["yi"] for s in json.loads(result.output)["studies"]] == pytest.approx(
        R.MCDANIEL_ZCOR_YI, abs=5e-5
    )
    sizes = tmp_path / "sizes.csv"
    sizes.write_text(
        "study,ai,n1i,ci,n2i\n"
        + "".join(f"T{i},{a:.0f},{a + b:.0f},{c:.0f},{c + d:.0f}\n" for i, (a, b, c, d) in enumerate(R.BCG))
    )
    result = CliRunner().invoke(cli_app, ["meta", str(sizes), "--measure", "RR", "--method", "DL", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["estimate"] == pytest.approx(R.BCG_RR_DL["estimate"], abs=5e-5)


def test_api_offers_the_further_analyses_and_the_new_measures(client, world):
    login(client, world, Role.FOUNDATION)
    studies = [
        {
            "study": f"T{i + 1}",
            "ai": a,
            "bi": b,
            "ci": c,
            "di": d,
            "ablat": R.BCG_ABLAT[i],
            "year": R.BCG_YEAR[i],
            "alloc": R.BCG_ALLOC[i],
        }
        for i, (a, b, c, d) in enumerate(R.BCG)
    ]
    payload = {"measure": "RR", "studies": studies, "moderators": ["ablat", "year"], "subgroup": "alloc"}
    response = client.post(
        "/api/evidence/meta",
        {**payload, "leave_one_out": True, "egger": True},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    _check_further(response.json())
    plain = client.post(
        "/api/evidence/meta", {"measure": "RR", "studies": studies}, content_type="application/json"
    ).json()
    assert "meta_regression" not in plain and "egger" not in plain
    sizes = [
        {"ai": s["ai"], "n1i": s["ai"] + s["bi"], "ci": s["ci"], "n2i": s["ci"] + s["di"]} for s in studies
    ]
    dl = client.post(
        "/api/evidence/meta",
        {"measure": "RR", "method": "DL", "studies": sizes},
        content_type="application/json",
    )
    assert dl.status_code == 200 and dl.json()["estimate"] == pytest.approx(R.BCG_RR_DL["estimate"], abs=5e-5)
    cor = [{"ri": r, "ni": n} for r, n in zip(R.MCDANIEL_RI, R.MCDANIEL_NI, strict=True)]
    assert (
        client.post(
            "/api/evidence/meta", {"measure": "COR", "studies": cor}, content_type="application/json"
        ).status_code
        == 200
    )
    bad = client.post(
        "/api/evidence/meta", {**payload, "moderators": ["alloc"]}, content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "alloc"


def test_api_errors_of_the_new_measures_and_analyses_follow_the_language(client, world):
    """The messages of the new measures and further analyses are Text(da, en): the API answers in the
    request's language."""
    login(client, world, Role.FOUNDATION)
    cor = [{"ri": 1.2, "ni": 40}, {"ri": 0.3, "ni": 50}]
    bcg = [{"ai": a, "bi": b, "ci": c, "di": d, "alloc": "x"} for a, b, c, d in R.BCG[:4]]
    cases = [
        ({"measure": "COR", "studies": cor}, "ri", "mellem -1 og 1", "between -1 and 1"),
        ({"measure": "RR", "studies": bcg, "moderators": ["alloc"]}, "alloc", "Moderatoren", "The moderator"),
        ({"measure": "XYZ", "studies": bcg}, "measure", "Ukendt effektmål", "Unknown measure"),
    ]
    for payload, field, danish, english in cases:
        for language, expected, other in (("da", danish, english), ("en", english, danish)):
            client.cookies["django_language"] = language
            response = client.post("/api/evidence/meta", payload, content_type="application/json")
            assert response.status_code == 422, response.content
            detail = response.json()["detail"][0]
            assert detail["field"] == field
            assert expected in detail["message"] and other not in detail["message"]
