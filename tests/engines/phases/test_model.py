"""The phase model as the source documents describe it (seeds/002: "Sociale indsatser, der virker")."""

from susi.engines import phases as p


def test_four_phases_in_order():
    assert p.PHASE_ORDER == (p.Phase.SCREENING, p.Phase.MATURATION, p.Phase.TESTING, p.Phase.DISSEMINATION)
    assert [d.name.da for d in p.PHASE_MODEL] == ["Screening", "Modning", "Afprøvning", "Udbredelse"]


def test_products_per_phase_follow_the_leaflet():
    required = {d.phase: set(d.required_products) for d in p.PHASE_MODEL}
    K = p.ProductKind
    assert required[p.Phase.SCREENING] == {K.KNOWLEDGE_REPORT, K.PRELIMINARY_DESCRIPTION}
    assert required[p.Phase.MATURATION] == {K.FINAL_DESCRIPTION, K.EVALUATION_REPORT, K.COST_ASSESSMENT}
    assert required[p.Phase.TESTING] == {K.EFFECT_EVALUATION}
    # "where possible": the SØM calculation is a product but not required
    assert K.SOM_CALCULATION not in required[p.Phase.TESTING]
    assert any(r.kind is K.SOM_CALCULATION for r in p.definition("testing").products)


def test_continue_criteria_counts_match_the_leaflet():
    counts = {d.phase: len(d.continue_criteria) for d in p.PHASE_MODEL}
    assert counts == {
        p.Phase.SCREENING: 3,
        p.Phase.MATURATION: 5,
        p.Phase.TESTING: 5,
        p.Phase.DISSEMINATION: 0,
    }


def test_every_gate_weighs_the_five_criteria_and_dissemination_has_no_gate():
    for d in p.PHASE_MODEL[:-1]:
        assert d.gate_criteria == tuple(p.Criterion)
    assert p.definition("dissemination").gate_criteria == ()


def test_every_name_has_danish_and_english():
    for names in (p.CRITERION_NAMES, p.RATING_NAMES, p.OUTCOME_NAMES, p.PRODUCT_NAMES, p.TRACK_NAMES):
        for text in names.values():
            assert text.da and text.en


def test_possible_outcomes():
    assert set(p.possible_outcomes(p.Phase.SCREENING)) == {"continue", "skip", "rework", "stop"}
    assert set(p.possible_outcomes(p.Phase.TESTING)) == {"continue", "rework", "stop"}
    assert set(p.possible_outcomes(p.Phase.DISSEMINATION)) == {"rework", "stop", "conclude"}
