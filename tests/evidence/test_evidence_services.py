"""Services and selectors of the evidence app: validation, all-or-nothing writes, permissions, links."""

import pytest
from django.core.exceptions import PermissionDenied

from susi.accounts.models import Role
from susi.evidence import selectors, services
from susi.evidence.models import EffectCriterionLink, MetaAnalysis, PracticeAssessment, Study
from susi.portfolio.models import CriterionAssessment, GateDecision
from susi.web.api_errors import DomainError
from tests.engines.evidence.reference import metafor_reference as R
from tests.evidence.helpers import bcg_csv, evidence_rows


def import_bcg(world, data=None):
    return services.import_studies(
        world.users[Role.AGENCY],
        world.own_initiative.intervention,
        outcome="Tuberkulose",
        measure="RR",
        data=data or bcg_csv(),
        filename="bcg.csv",
        defaults={"design": "rct", "risk_of_bias": "low", "country": "US"},
    )


def test_import_creates_every_study_with_grade_from_design(world):
    studies = import_bcg(world)
    assert len(studies) == 13
    first = Study.objects.get(label="Trial 1")
    assert (first.ai, first.bi, first.ci, first.di) == (4, 119, 11, 128)
    assert first.grade == 1 and first.moderator == 44 and first.year == 1940


def test_import_with_a_bad_cell_saves_nothing_and_names_the_row(world):
    before = evidence_rows()
    with pytest.raises(DomainError) as err:
        import_bcg(world, bcg_csv("Trial 14,4,x,11,128,1990,rct,US,40"))
    assert err.value.field == "bi" and "række 15" in err.value.message
    assert evidence_rows() == before


def test_import_with_a_missing_column_saves_nothing(world):
    before = evidence_rows()
    with pytest.raises(DomainError) as err:
        import_bcg(world, b"study,ai,bi,ci\nA,1,2,3\n")
    assert err.value.field == "di"
    assert evidence_rows() == before


def test_import_is_refused_for_a_municipality_user(world):
    with pytest.raises(PermissionDenied):
        services.import_studies(
            world.users[Role.MUNICIPALITY],
            world.own_initiative.intervention,
            outcome="x",
            measure="RR",
            data=bcg_csv(),
            filename="bcg.csv",
            defaults={},
        )


def test_create_study_refuses_a_negative_variance(world):
    with pytest.raises(DomainError) as err:
        services.create_study(
            world.users[Role.EVALUATOR],
            world.own_initiative.intervention,
            {"outcome": "o", "label": "s", "design": "rct", "measure": "GEN", "yi": 0.2, "vi": -0.1},
        )
    assert err.value.field == "vi"
    assert not Study.objects.exists()


def test_counts_as_events_and_group_sizes_are_stored_as_the_full_table(world):
    """metafor's ai, n1i, ci, n2i form: the register keeps bi = n1i - ai and di = n2i - ci."""
    study = services.create_study(
        world.users[Role.EVALUATOR],
        world.own_initiative.intervention,
        {
            "outcome": "o",
            "label": "s",
            "design": "rct",
            "measure": "RR",
            "ai": 4,
            "n1i": 123,
            "ci": 11,
            "n2i": 139,
        },
    )
    assert (study.ai, study.bi, study.ci, study.di) == (4, 119, 11, 128)
    assert study.n1i is None and study.n2i is None  # only what the measure uses is stored
    data = b"study,ai,n1i,ci,n2i\nA,4,123,11,139\nB,6,306,29,303\n"
    imported = services.import_studies(
        world.users[Role.AGENCY],
        world.own_initiative.intervention,
        outcome="Tuberkulose",
        measure="OR",
        data=data,
        filename="sizes.csv",
        defaults={"design": "rct"},
    )
    assert [(s.bi, s.di) for s in imported] == [(119, 128), (300, 274)]


def test_a_measure_the_register_cannot_store_is_refused_with_a_way_out(world):
    with pytest.raises(DomainError) as err:
        services.create_study(
            world.users[Role.EVALUATOR],
            world.own_initiative.intervention,
            {"outcome": "o", "label": "s", "design": "rct", "measure": "ZCOR", "yi": 0.2, "vi": 0.1},
        )
    assert err.value.field == "measure" and "GEN" in err.value.message
    assert not Study.objects.exists()


def test_saved_meta_analysis_matches_metafor_and_carries_a_rating(world):
    studies = import_bcg(world)
    saved = services.save_meta_analysis(
        world.users[Role.AGENCY],
        world.own_initiative.intervention,
        outcome="Tuberkulose",
        measure="RR",
        method="REML",
        hk=False,
        higher_is_better=False,  # fewer TB cases is better
        studies=studies,
    )
    assert saved.result["estimate"] == pytest.approx(R.BCG_RR_REML["estimate"], abs=5e-5)
    assert saved.result["k"] == 13 and len(saved.result["studies"]) == 13
    # 13 grade-1 studies, CI wholly on the good side, but none Danish/Nordic: B, not A
    assert saved.rating_level == "B"
    listed = selectors.meta_analyses_for_intervention(world.own_initiative.intervention)
    assert listed[0].pk == saved.pk and listed[0].rating_label == "Sandsynlig virkning"
    assert listed[0].url == f"/evidens/metaanalyse/{saved.pk}/"


def test_a_single_study_cannot_be_pooled(world):
    studies = import_bcg(world)[:1]
    with pytest.raises(DomainError) as err:
        services.save_meta_analysis(
            world.users[Role.AGENCY],
            world.own_initiative.intervention,
            outcome="Tuberkulose",
            measure="RR",
            method="DL",
            hk=False,
            higher_is_better=False,
            studies=studies,
        )
    assert "mindst 2 studier" in err.value.message
    assert not MetaAnalysis.objects.exists()


def _effect_assessment(world, initiative):
    decision = GateDecision.objects.create(
        initiative=initiative, phase="screening", track="track1", prepared_by=world.users[Role.AGENCY]
    )
    return CriterionAssessment.objects.create(
        decision=decision, criterion="effect", rating="met", justification="Metaanalysen viser virkning."
    )


def test_effect_criterion_links_to_a_meta_analysis_of_the_same_intervention(world):
    studies = import_bcg(world)
    saved = services.save_meta_analysis(
        world.users[Role.AGENCY],
        world.own_initiative.intervention,
        outcome="Tuberkulose",
        measure="RR",
        method="REML",
        hk=False,
        higher_is_better=False,
        studies=studies,
    )
    assessment = _effect_assessment(world, world.own_initiative)
    link = services.link_effect_criterion(assessment, saved)
    assert EffectCriterionLink.objects.get(assessment=assessment).meta_analysis == saved
    assert (
        services.link_effect_criterion_by_id(assessment, saved.pk).pk == link.pk
    )  # replaced, not duplicated
    summary = selectors.intervention_summary(world.own_initiative.intervention)
    assert summary["outcomes"]["Tuberkulose"]["analyses"][0].links[0].assessment == assessment
    other = _effect_assessment(world, world.other_initiative)
    with pytest.raises(DomainError):
        services.link_effect_criterion(other, saved)


def test_practice_assessment_only_for_the_own_organisation(world):
    answers = {"theory_1": "3", "theory_2": "2"}
    own = services.save_practice_assessment(
        world.users[Role.MUNICIPALITY],
        organisation=world.own_municipality,
        practice_name="Udflytningsteam",
        description="",
        intervention=None,
        answers=answers,
    )
    assert own.answers["theory_1"] == 3 and own.answers["effect_1"] is None
    with pytest.raises(PermissionDenied):
        services.save_practice_assessment(
            world.users[Role.MUNICIPALITY],
            organisation=world.other_municipality,
            practice_name="Andres praksis",
            description="",
            intervention=None,
            answers=answers,
        )
    with pytest.raises(PermissionDenied):
        services.save_practice_assessment(
            world.users[Role.EVALUATOR],
            organisation=world.own_municipality,
            practice_name="x",
            description="",
            intervention=None,
            answers=answers,
        )
    with pytest.raises(DomainError):
        services.save_practice_assessment(
            world.users[Role.AGENCY],
            organisation=world.own_municipality,
            practice_name="x",
            description="",
            intervention=None,
            answers={"theory_1": "7"},
        )
    assert PracticeAssessment.objects.count() == 1
    assert list(selectors.practice_assessments(world.users[Role.MUNICIPALITY])) == [own]
    own.intervention = world.own_initiative.intervention
    own.save()
    knowledge = selectors.practice_knowledge(world.own_initiative.intervention)
    assert knowledge[0]["organisation"] == "Aarhus" and "Teori og viden" in knowledge[0]["summary"]


def test_demo_loads_and_is_idempotent(db):
    from susi.accounts import demo as accounts_demo
    from susi.evidence import demo as evidence_demo
    from susi.organisations import demo as organisations_demo
    from susi.portfolio import demo as portfolio_demo

    lines = []
    for module in (organisations_demo, accounts_demo, portfolio_demo, evidence_demo):
        module.load(lines.append)
    assert Study.objects.count() == 5 and MetaAnalysis.objects.count() == 1
    assert PracticeAssessment.objects.count() == 1
    before = evidence_rows()
    evidence_demo.load(lines.append)
    assert evidence_rows() == before
