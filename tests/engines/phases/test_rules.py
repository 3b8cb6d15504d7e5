from susi.engines import phases as p

ALL_PRODUCTS = frozenset(p.ProductKind)


def assessments(rating=p.Rating.MET, **overrides):
    result = {}
    for c in p.Criterion:
        r = overrides.get(c.value, rating)
        result[c] = p.Assessment(c, p.Rating(r), f"Begrundelse for {c.value}")
    return result


def proposal(**kw):
    defaults = dict(
        phase=p.Phase.MATURATION,
        track=p.Track.ONE,
        outcome=p.Outcome.CONTINUE,
        assessments=assessments(),
        approved_products=ALL_PRODUCTS,
    )
    defaults.update(kw)
    return p.GateProposal(**defaults)


def codes(verdict):
    return sorted(problem.code for problem in verdict.problems)


def test_continue_with_everything_met_moves_to_next_phase():
    verdict = p.judge(proposal())
    assert verdict.allowed
    assert verdict.new_state == p.State(p.Phase.TESTING, p.Status.ACTIVE)


def test_missing_required_product_is_refused_in_danish():
    verdict = p.judge(proposal(approved_products=frozenset({p.ProductKind.FINAL_DESCRIPTION})))
    assert not verdict.allowed
    assert codes(verdict) == ["missing_product", "missing_product"]
    assert "Evalueringsrapport" in " ".join(pr.message.da for pr in verdict.problems)
    assert verdict.new_state is None


def test_unassessed_criterion_is_refused():
    partial = assessments()
    del partial[p.Criterion.DEMAND]
    verdict = p.judge(proposal(assessments=partial))
    assert codes(verdict) == ["unassessed"]
    assert verdict.problems[0].field == "assessments:demand"
    assert "Efterspørgsel" in verdict.problems[0].message.da


def test_assessment_without_justification_is_refused():
    a = assessments()
    a[p.Criterion.EFFECT] = p.Assessment(p.Criterion.EFFECT, p.Rating.MET, "  ")
    assert codes(p.judge(proposal(assessments=a))) == ["unjustified"]


def test_not_met_never_continues_in_either_track():
    for track in p.Track:
        verdict = p.judge(proposal(track=track, assessments=assessments(effect="not_met")))
        assert codes(verdict) == ["criterion_not_met"]


def test_partly_met_passes_only_in_track_two_and_only_for_flexible_criteria():
    for criterion in ("effect", "economy", "implementation"):
        assert not p.judge(
            proposal(track=p.Track.ONE, assessments=assessments(**{criterion: "partly_met"}))
        ).allowed
        assert p.judge(
            proposal(track=p.Track.TWO, assessments=assessments(**{criterion: "partly_met"}))
        ).allowed
    for criterion in ("demand", "realistic_operation"):
        assert not p.judge(
            proposal(track=p.Track.TWO, assessments=assessments(**{criterion: "partly_met"}))
        ).allowed


def test_not_relevant_passes_with_justification():
    assert p.judge(proposal(assessments=assessments(economy="not_relevant"))).allowed


def test_skip_needs_justification_and_the_later_phase_criteria():
    base = dict(phase=p.Phase.SCREENING, outcome=p.Outcome.SKIP)
    refused = p.judge(proposal(**base))
    assert "missing_justification" in codes(refused)
    assert codes(refused).count("unassessed") == 5  # the skipped maturation gate's five criteria
    allowed = p.judge(
        proposal(**base, justification="Internationale RCT'er", skipped_assessments=assessments())
    )
    assert allowed.allowed
    assert allowed.new_state == p.State(p.Phase.TESTING)


def test_skip_refused_when_skipped_phase_criteria_not_met():
    verdict = p.judge(
        proposal(
            phase=p.Phase.SCREENING,
            outcome=p.Outcome.SKIP,
            justification="x",
            skipped_assessments=assessments(implementation="not_met"),
        )
    )
    assert codes(verdict) == ["criterion_not_met"]
    assert verdict.problems[0].field == "skipped_assessments:implementation"


def test_skip_is_impossible_from_testing():
    verdict = p.judge(proposal(phase=p.Phase.TESTING, outcome=p.Outcome.SKIP, justification="x"))
    assert "outcome_not_possible" in codes(verdict)


def test_rework_and_stop_need_justification_but_not_products_or_passing_ratings():
    for outcome, status in ((p.Outcome.REWORK, p.Status.ACTIVE), (p.Outcome.STOP, p.Status.STOPPED)):
        bad = proposal(
            outcome=outcome, assessments=assessments(p.Rating.NOT_MET), approved_products=frozenset()
        )
        assert codes(p.judge(bad)) == ["missing_justification"]
        good = p.judge(
            proposal(
                outcome=outcome,
                assessments=assessments(p.Rating.NOT_MET),
                approved_products=frozenset(),
                justification="Ikke lovende resultater",
            )
        )
        assert good.allowed
        assert good.new_state == p.State(p.Phase.MATURATION, status)


def test_stop_still_needs_every_criterion_assessed():
    verdict = p.judge(proposal(outcome=p.Outcome.STOP, assessments={}, justification="x"))
    assert codes(verdict).count("unassessed") == 5


def test_conclude_only_in_dissemination_with_monitoring_report():
    assert "outcome_not_possible" in codes(p.judge(proposal(outcome=p.Outcome.CONCLUDE, justification="x")))
    done = p.judge(proposal(phase=p.Phase.DISSEMINATION, outcome=p.Outcome.CONCLUDE, justification="Udbredt"))
    assert done.allowed and done.new_state == p.State(p.Phase.DISSEMINATION, p.Status.COMPLETED)
    missing = p.judge(
        proposal(
            phase=p.Phase.DISSEMINATION,
            outcome=p.Outcome.CONCLUDE,
            justification="x",
            approved_products=frozenset(),
        )
    )
    assert codes(missing) == ["missing_product"]


def test_continue_from_dissemination_is_impossible():
    assert "outcome_not_possible" in codes(p.judge(proposal(phase=p.Phase.DISSEMINATION)))


def test_stopped_initiative_never_moves():
    verdict = p.judge(proposal(status=p.Status.STOPPED))
    assert codes(verdict) == ["not_active"]
    assert verdict.new_state is None


def test_apply_raises_and_reports_every_problem():
    try:
        p.apply(p.State(p.Phase.MATURATION), proposal(assessments={}, approved_products=frozenset()))
    except p.GateRefused as refused:
        assert len(refused.verdict.problems) == 5 + 3
    else:  # pragma: no cover
        raise AssertionError("expected GateRefused")
