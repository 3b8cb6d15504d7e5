"""The knowledge declaration's grading rules: reference cases and properties over random facts."""

from hypothesis import given
from hypothesis import strategies as st

from susi.engines.knowledge import GRADING, Dimension, Facts, Grade, declare, grade

STRONG = Facts(
    target_group_described=True,
    involvement_activities=3,
    involvement_changes=1,
    method_described=True,
    final_description_approved=True,
    phase_reached="testing",
    fidelity_share=0.9,
    fidelity_adequate_share=1.0,
    evidence_level="A",
    effect_favourable=True,
    harmful_side_effects=0,
    public_calculations=1,
    probability_positive=0.85,
    present_value=1_000_000,
    cost_assessment_approved=True,
)


def test_nothing_known_is_d_everywhere_with_what_is_missing():
    for result in declare(Facts()):
        assert result.grade is Grade.D
        assert result.reasons and not any(r.met for r in result.reasons)
        assert all(r.grade is Grade.C for r in result.reasons)


def test_strong_knowledge_is_a_everywhere():
    assert [d.grade for d in declare(STRONG)] == [Grade.A] * 5
    assert all(r.met for d in declare(STRONG) for r in d.reasons)


def test_reference_cases():
    # CTI-like: rated B, favourable, one public calculation with 62 % chance of a positive result
    facts = Facts(
        target_group_described=True,
        involvement_activities=2,
        involvement_changes=1,
        method_described=True,
        phase_reached="testing",
        evidence_level="B",
        effect_favourable=True,
        public_calculations=1,
        probability_positive=0.62,
    )
    grades = {d.dimension: d.grade for d in declare(facts)}
    assert grades == {
        Dimension.TARGET_GROUP: Grade.A,
        Dimension.METHOD: Grade.B,  # the final description is not approved
        Dimension.IMPLEMENTATION: Grade.C,  # tested, but no fidelity data
        Dimension.EFFECT: Grade.B,
        Dimension.ECONOMY: Grade.B,
    }
    method = grade(Dimension.METHOD, facts)
    unmet = [r for r in method.reasons if not r.met]
    assert [r.text.da for r in unmet] == ["Den endelige indsatsbeskrivelse er godkendt"]
    assert unmet[0].grade is Grade.A


def test_a_harmful_side_effect_caps_the_effect_grade_at_c():
    facts = Facts(evidence_level="A", effect_favourable=True, harmful_side_effects=1)
    assert grade(Dimension.EFFECT, facts).grade is Grade.C
    assert grade(Dimension.EFFECT, Facts(evidence_level="HARM")).grade is Grade.D


def test_economy_without_monte_carlo_uses_the_present_value():
    assert grade(Dimension.ECONOMY, Facts(public_calculations=1, present_value=10.0)).grade is Grade.B
    assert grade(Dimension.ECONOMY, Facts(public_calculations=1, present_value=-10.0)).grade is Grade.C
    assert grade(Dimension.ECONOMY, Facts(cost_assessment_approved=True)).grade is Grade.C


def test_every_dimension_declares_a_b_c_in_order():
    for dimension in Dimension:
        assert [g for g, _ in GRADING[dimension]] == [Grade.A, Grade.B, Grade.C]


facts_strategy = st.builds(
    Facts,
    target_group_described=st.booleans(),
    involvement_activities=st.integers(0, 5),
    involvement_changes=st.integers(0, 5),
    method_described=st.booleans(),
    final_description_approved=st.booleans(),
    phase_reached=st.sampled_from(["screening", "maturation", "testing", "dissemination"]),
    fidelity_share=st.none() | st.floats(0, 1),
    fidelity_adequate_share=st.none() | st.floats(0, 1),
    evidence_level=st.none() | st.sampled_from(["A", "B", "C", "D", "HARM"]),
    effect_favourable=st.booleans(),
    harmful_side_effects=st.integers(0, 3),
    public_calculations=st.integers(0, 3),
    probability_positive=st.none() | st.floats(0, 1),
    present_value=st.none() | st.floats(-1e7, 1e7),
    cost_assessment_approved=st.booleans(),
)


@given(facts_strategy)
def test_the_grade_is_the_best_whose_conditions_all_hold(facts):
    for result in declare(facts):
        ladder = GRADING[result.dimension]
        reached = [g for g, conditions in ladder if all(c.test(facts) for c in conditions)]
        assert result.grade is (reached[0] if reached else Grade.D)
        # the reasons name the grade's own conditions as met, and only unmet ones of a better grade
        for reason in result.reasons:
            assert reason.met is (reason.grade is result.grade)


@given(facts_strategy)
def test_more_knowledge_never_lowers_a_grade(facts):
    """Adding an approved final description, a public calculation's cost knowledge or involvement never lowers
    any grade (the rules only ask for more, never for less)."""
    from dataclasses import replace

    better = replace(
        facts,
        final_description_approved=True,
        cost_assessment_approved=True,
        involvement_activities=facts.involvement_activities + 1,
        target_group_described=True,
        method_described=True,
    )
    order = "ABCD"
    for before, after in zip(declare(facts), declare(better), strict=True):
        assert order.index(after.grade.value) <= order.index(before.grade.value)
