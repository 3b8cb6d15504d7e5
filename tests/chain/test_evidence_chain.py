"""The evidence chain end to end (issue 14): imported outcome data → estimate → a study in the evidence base →
the meta-analysis updates → an effect study in SØM's knowledge database as a new version → a SØM calculation
uses it → an older saved calculation still reproduces exactly with its old version."""

from __future__ import annotations

import json
import math

import pytest

from susi.accounts.models import Role
from susi.evidence import chain as evidence_chain
from susi.evidence import selectors as evidence_selectors
from susi.evidence.models import MetaAnalysis, Study
from susi.outcomes.models import EffectEvaluation
from susi.som import chain as som_chain
from susi.som import selectors as som_selectors
from susi.som import services as som_services
from susi.som.models import EffectStudy, KnowledgeVersion
from susi.web.api_errors import DomainError

from .conftest import OUTCOME


def _case_for(group, name: str) -> dict:
    """A calculation from the knowledge database's defaults for `group` (first outcome) — what the
    calculator prefills."""
    defaults = som_selectors.defaults_for(group, None)
    first = defaults.outcomes[0]
    services = [c["service"] for c in first.consequences if c["service"] in defaults.prices]
    return {
        "name": name,
        "horizon": 10,
        "intake": [20, 20],
        "costs": [{"name": "Forløb", "kind": "per_citizen", "amount": 50_000, "payer": "municipality"}],
        "outcomes": [
            {
                "name": first.outcome.name,
                "success_rate": {"dist": "normal", "mean": first.success_rate, "sd": first.success_rate_se},
                "consequences": [
                    {"service": c["service"], "change": float(c["change"])}
                    for c in first.consequences
                    if c["service"] in services
                ],
            }
        ],
        "prices": {
            s: {
                "municipality": defaults.prices[s].municipality,
                "region": defaults.prices[s].region,
                "state": defaults.prices[s].state,
                "area": defaults.prices[s].area,
            }
            for s in services
        },
    }


def _save(user, case, initiative, group):
    return som_services.save_calculation(
        user,
        case,
        draws=500,
        seed=7,
        knowledge_version=som_selectors.current_version(),
        initiative=initiative,
        target_group=group,
    )


def test_the_chain_from_citizens_data_to_a_som_calculation(chain):
    evaluation, agency, group = chain.evaluation, chain.agency, chain.group
    counts = evaluation.inputs["counts"]

    # 1. into the evidence base: an RR study from the 2×2 table, an RCT (grade 1), a link back
    added = evidence_chain.add_evaluation(agency, evaluation, design="rct", outcome=OUTCOME)
    study = added.study
    assert added.status == evidence_chain.CREATED
    assert (study.measure, study.design, study.grade) == ("RR", "rct", 1)
    assert (study.ai, study.bi, study.ci, study.di) == (
        counts["ai"],
        counts["n1i"] - counts["ai"],
        counts["ci"],
        counts["n2i"] - counts["ci"],
    )
    assert study.source_evaluation == evaluation and study.provenance["evaluation_id"] == evaluation.pk
    assert study.provenance["added_by"] == agency.username

    # 2. the meta-analysis updates: three studies now, the new one among them, a rating
    meta = added.meta_analysis
    assert meta is not None and meta.result["k"] == 3 and study in meta.studies.all()
    # the study's effect as pooled: metafor's escalc("RR"), by hand from the counts
    a, n1, c, n2 = counts["ai"], counts["n1i"], counts["ci"], counts["n2i"]
    row = next(r for r in meta.result["studies"] if r["label"] == study.label)
    assert row["yi"] == pytest.approx(math.log((a / n1) / (c / n2)), abs=1e-12)
    assert row["vi"] == pytest.approx(1 / a - 1 / n1 + 1 / c - 1 / n2, abs=1e-12)
    summary = evidence_selectors.effect_summary(chain.intervention)
    assert summary["meta_analysis_id"] == meta.pk and summary["k"] == 3
    assert summary["rating_level"] == meta.rating_level

    # adding twice changes nothing
    metas, studies = MetaAnalysis.objects.count(), Study.objects.count()
    again = evidence_chain.add_evaluation(agency, evaluation, design="rct", outcome=OUTCOME)
    assert again.status == evidence_chain.UNCHANGED and again.study.pk == study.pk
    assert (MetaAnalysis.objects.count(), Study.objects.count()) == (metas, studies)

    # 3. an older saved calculation, made before the publication
    old_version = som_selectors.current_version()
    old = _save(agency, _case_for(group, "Før evalueringen"), chain.initiative, group)
    old_result = json.loads(json.dumps(old.result))

    # 4. into SØM's knowledge database as a new version, with provenance; twice changes nothing
    published = som_chain.publish_evaluation(
        agency, evaluation, target_group=group, outcome="housed", design="rct"
    )
    assert published.version.number == old_version + 1
    provenance = published.version.provenance
    assert provenance["kind"] == "effect_evaluation" and provenance["evaluation_id"] == evaluation.pk
    assert provenance["published_by"] == agency.username and provenance["design"] == "rct"
    som_study = published.studies[0]
    assert som_study.grade == 1
    assert som_study.effect == pytest.approx(evaluation.som_success_rate)
    assert som_study.standard_error == pytest.approx(evaluation.inputs["som_success_rate_sd"])
    assert not som_chain.publish_evaluation(
        agency, evaluation, target_group=group, outcome="housed", design="rct"
    ).changed
    assert KnowledgeVersion.objects.count() == old_version + 1

    # 5. a new calculation uses the new version (its pooled success rate includes the new study)
    new = _save(agency, _case_for(group, "Med evalueringen"), chain.initiative, group)
    assert new.knowledge_version == published.version.number
    assert new.case["outcomes"][0]["success_rate"] != old.case["outcomes"][0]["success_rate"]
    economy = som_selectors.economy_summary(chain.initiative)
    assert economy["calculation_id"] == new.pk and 0 <= economy["probability_break_even"] <= 1

    # 6. the older calculation still reproduces exactly, with its old version
    assert old.knowledge_version == old_version
    _case, result, mc = som_services.recalculate(old)
    assert json.loads(json.dumps(som_services.result_summary(result, mc))) == old_result
    assert som_study.pk not in {s.id for s in som_selectors.studies_as_of(old_version)}
    assert som_study.pk in {s.id for s in som_selectors.studies_as_of(published.version.number)}

    # 7. the gate suggests *virkning* from the updated meta-analysis and *økonomi* from the new calculation,
    #    with the numbers behind each
    from susi.engines.phases import Criterion
    from susi.portfolio.suggestions import gate_suggestions

    suggested = gate_suggestions(chain.initiative)
    effect, economy_suggestion = suggested[Criterion.EFFECT], suggested[Criterion.ECONOMY]
    assert effect.rating is not None and economy_suggestion.rating is not None
    assert effect.numbers["studies"] == 3 and effect.numbers["level"] == meta.rating_level
    assert effect.numbers["estimate"] == pytest.approx(meta.result["estimate"])
    assert economy_suggestion.numbers["calculation"] == new.name
    assert economy_suggestion.numbers["probability_break_even"] == pytest.approx(
        economy["probability_break_even"]
    )


def test_the_gate_page_shows_the_chains_suggestions_with_their_numbers(chain, client):
    evidence_chain.add_evaluation(chain.agency, chain.evaluation, design="rct", outcome=OUTCOME)
    som_chain.publish_evaluation(
        chain.agency, chain.evaluation, target_group=chain.group, outcome="housed", design="rct"
    )
    _save(chain.agency, _case_for(chain.group, "Med evalueringen"), chain.initiative, chain.group)
    client.force_login(chain.agency)
    page = client.get(f"/initiativer/{chain.initiative.pk}/faseovergang/").content.decode()
    for criterion in ("effect", "economy"):
        panel = page.split(f'id="suggestion-{criterion}"')[1].split("</div>")[0]
        assert "data-rating=" in panel, criterion  # a suggested rating, not "no numbers"


def test_a_newer_estimate_updates_the_study_with_history(chain):
    evaluation, agency = chain.evaluation, chain.agency
    first = evidence_chain.add_evaluation(agency, evaluation, design="rct", outcome=OUTCOME)
    newer = EffectEvaluation.objects.get(pk=evaluation.pk)
    newer.pk = None
    newer.inputs = {**evaluation.inputs, "counts": {"ai": 70, "n1i": 100, "ci": 43, "n2i": 100}}
    newer.save()
    second = evidence_chain.add_evaluation(agency, newer, design="rct", outcome=OUTCOME)
    assert second.status == evidence_chain.UPDATED and second.study.pk == first.study.pk
    assert second.study.ai == 70 and second.study.source_evaluation == newer
    assert second.study.history.count() == 2
    assert second.meta_analysis.pk != first.meta_analysis.pk  # the old analysis stays as a gate cited it
    assert Study.objects.filter(source_key=first.study.source_key).count() == 1


def test_a_continuous_estimate_becomes_hedges_g_and_the_method_sets_the_design(chain):
    from .conftest import estimate_and_save

    evaluation = estimate_and_save(chain.initiative, chain.evaluator, design="rct_means", code="wemwbs")
    added = evidence_chain.add_evaluation(chain.agency, evaluation)
    study = added.study
    smd = evaluation.inputs["smd"]
    # Hedges' g by hand from the saved estimate: g = J·MD/SD, vi = (SE/SD)² + g²/(2N)
    assert (
        study.measure == "SMD"
        and study.yi == pytest.approx(smd["yi"])
        and study.vi == pytest.approx(smd["vi"])
    )
    assert (study.design, study.grade) == ("rct", 1)
    assert (
        study.outcome == evaluation.instrument.name and added.meta_analysis is None
    )  # one study: no pooling
    ancova = estimate_and_save(chain.initiative, chain.evaluator, design="ancova", code="wemwbs")
    assert evidence_chain.study_fields(ancova)["design"] == "before_after_control"
    assert evidence_chain.study_fields(ancova)["grade"] == 2


def test_only_those_who_edit_studies_and_see_the_initiative_may_add(chain):
    world = chain.world
    for role in (Role.MUNICIPALITY, Role.FOUNDATION, Role.STEERING, Role.PROVIDER):
        with pytest.raises(Exception) as refused:
            evidence_chain.add_evaluation(world.users[role], chain.evaluation)
        assert type(refused.value).__name__ == "PermissionDenied"
    assert not Study.objects.filter(source_key__startswith="outcomes:").exists()


def test_publishing_needs_a_success_rate(chain):
    chain.evaluation.som_success_rate = None
    with pytest.raises(DomainError):
        som_chain.publish_evaluation(chain.agency, chain.evaluation, target_group=chain.group)
    assert not EffectStudy.objects.filter(source_key__startswith="evaluation:").exists()


def test_a_meta_analysis_becomes_a_grade_one_study(chain):
    from susi.engines.evidence import success_rate

    added = evidence_chain.add_evaluation(chain.agency, chain.evaluation, design="rct", outcome=OUTCOME)
    meta = added.meta_analysis
    published = som_chain.publish_meta_analysis(
        chain.agency, meta, target_group=chain.group, outcome="housed", baseline_rate=0.4
    )
    r = meta.result
    expected = success_rate("RR", r["estimate"], r["ci_low"], r["ci_high"], 0.4)
    study = published.studies[0]
    assert study.grade == 1 and study.effect == pytest.approx(expected.mean)
    assert study.standard_error == pytest.approx(expected.sd)
    assert published.version.provenance["meta_analysis_id"] == meta.pk
    assert sorted(published.version.provenance["studies"]) == sorted(
        meta.studies.values_list("pk", flat=True)
    )


def test_the_api_and_the_cli(chain, client):
    from typer.testing import CliRunner

    from susi.cli import app

    client.force_login(chain.agency)
    response = client.post(
        f"/api/evidence/from-evaluation/{chain.evaluation.pk}",
        {"design": "rct", "outcome": OUTCOME},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "created" and body["effect"]["k"] == 3
    response = client.post(
        f"/api/som/knowledge/from-evaluation/{chain.evaluation.pk}",
        {"target_group": "homelessness", "outcome": "housed", "design": "rct"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["changed"] is True
    bad = client.post(
        f"/api/som/knowledge/from-evaluation/{chain.evaluation.pk}",
        {"target_group": "no-such-group"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "target_group"

    runner = CliRunner()
    out = runner.invoke(
        app, ["evidence", "add-evaluation", str(chain.evaluation.pk), "--user", chain.agency.username]
    )
    assert out.exit_code == 0, out.output
    assert "uændret" in out.output
    out = runner.invoke(
        app,
        [
            "som",
            "knowledge",
            "from-evaluation",
            str(chain.evaluation.pk),
            "--target-group",
            "homelessness",
            "--outcome",
            "housed",
            "--design",
            "rct",
            "--user",
            chain.agency.username,
        ],
    )
    assert out.exit_code == 0 and "Uændret" in out.output, out.output
    out = runner.invoke(app, ["evidence", "add-evaluation", "987654", "--user", chain.agency.username])
    assert out.exit_code == 2


def test_the_estimate_page_offers_the_chain_to_those_who_may(chain, client):
    client.force_login(chain.agency)
    page = client.get(f"/udfald/initiativ/{chain.initiative.pk}/").content.decode()
    assert 'data-testid="add-to-evidence"' in page and 'data-testid="publish-to-som"' in page
    response = client.post(
        f"/evidens/fra-evaluering/{chain.evaluation.pk}/", {"design": "rct", "outcome": OUTCOME}
    )
    assert response.status_code == 302
    assert Study.objects.filter(source_evaluation=chain.evaluation).exists()
    response = client.post(
        f"/som/viden/fra-evaluering/{chain.evaluation.pk}/",
        {"target_group": "homelessness", "outcome": "housed"},
    )
    assert response.status_code == 302
    assert EffectStudy.objects.filter(source_key__startswith="evaluation:").count() == 1
    client.force_login(chain.world.users[Role.MUNICIPALITY])
    page = client.get(f"/udfald/initiativ/{chain.initiative.pk}/").content.decode()
    assert "add-to-evidence" not in page and "publish-to-som" not in page
    assert client.post(f"/evidens/fra-evaluering/{chain.evaluation.pk}/").status_code in (403, 404)
