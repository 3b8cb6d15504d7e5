"""`reference_evaluation`: "the effect found in testing" comes from the gate history, so it stays the same
after the initiative has moved on to dissemination and new estimates are saved there."""

import datetime as dt

from django.utils import timezone

from susi.outcomes import selectors
from susi.outcomes.models import EffectEvaluation, Instrument, Occasion
from susi.portfolio.models import GateDecision, Initiative


def _at(day: int):
    return timezone.make_aware(dt.datetime(2025, 1, day, 12))


def _evaluation(world, initiative, instrument, occasion, estimate, day):
    evaluation = EffectEvaluation.objects.create(
        initiative=initiative,
        instrument=instrument,
        occasion=occasion,
        method="rct_means",
        effect_size_kind="MD",  # as save_evaluation stores it; monitoring needs a mean difference
        estimate=estimate,
        ci_low=estimate - 1,
        ci_high=estimate + 1,
        n_treated=50,
        n_control=50,
    )
    EffectEvaluation.objects.filter(pk=evaluation.pk).update(created_at=_at(day))
    return EffectEvaluation.objects.get(pk=evaluation.pk)


def _gate(world, initiative, phase, outcome, to_phase, day):
    GateDecision.objects.create(
        initiative=initiative,
        phase=phase,
        track="1",
        state=GateDecision.State.RECORDED,
        outcome=outcome,
        to_phase=to_phase,
        prepared_by=world.agency_user,
        decided_by=world.agency_user,
        decided_at=_at(day),
    )


def test_the_effect_found_in_testing_survives_the_move_to_dissemination(world):
    instrument = Instrument.objects.create(code="trivsel", name="Trivsel")
    occasion = Occasion.objects.create(number=1)
    initiative = world.initiative  # in testing since it was created
    found_in_testing = _evaluation(world, initiative, instrument, occasion, 4.0, day=5)
    assert selectors.reference_evaluation(initiative, instrument) == found_in_testing

    _gate(world, initiative, "testing", "continue", "dissemination", day=10)
    Initiative.objects.filter(pk=initiative.pk).update(phase="dissemination")
    initiative.refresh_from_db()
    _evaluation(world, initiative, instrument, occasion, 0.5, day=20)  # monitoring in dissemination

    assert selectors.reference_evaluation(initiative, instrument) == found_in_testing


def test_a_sibling_initiative_in_dissemination_uses_the_testing_window_only(world):
    instrument = Instrument.objects.create(code="trivsel", name="Trivsel")
    occasion = Occasion.objects.create(number=1)
    tested = world.initiative
    Initiative.objects.filter(pk=tested.pk).update(phase="maturation")
    _evaluation(world, tested, instrument, occasion, 9.0, day=2)  # saved in maturation: not from testing
    _gate(world, tested, "maturation", "continue", "testing", day=3)
    in_testing = _evaluation(world, tested, instrument, occasion, 3.0, day=6)
    _gate(world, tested, "testing", "rework", "", day=7)
    _gate(world, tested, "testing", "continue", "dissemination", day=8)
    _evaluation(world, tested, instrument, occasion, 1.0, day=12)  # after testing
    Initiative.objects.filter(pk=tested.pk).update(phase="dissemination")

    spread = Initiative.objects.create(
        intervention=tested.intervention,
        title="Udbredelse",
        phase="dissemination",
        programme="uip_adults",
        area="adults",
        start_date=dt.date(2025, 2, 1),
        phase_started_on=dt.date(2025, 2, 1),
    )
    assert selectors.reference_evaluation(spread, instrument) == in_testing


def test_no_testing_in_the_history_falls_back_to_the_initiative_itself(world):
    instrument = Instrument.objects.create(code="trivsel", name="Trivsel")
    occasion = Occasion.objects.create(number=1)
    own = _evaluation(world, world.other, instrument, occasion, 2.0, day=4)  # created in dissemination
    assert selectors.reference_evaluation(world.other, instrument) == own
