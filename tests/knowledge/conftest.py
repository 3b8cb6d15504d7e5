from datetime import date

import pytest

from susi.knowledge import services

ACTIVITY = {
    "phase": "screening",
    "kind": "user_panel",
    "held_on": date(2025, 3, 1),
    "title": "Brugerpanel",
    "citizens": 3,
    "relatives": 2,
    "staff": 4,
    "user_organisations": 1,
    "adaptations": ["easy_read", "proxy"],
    "adaptation_note": "",
    "learned": "Borgerne ønskede færre møder.",
    "changed": "Beskrivelsen siger nu højst ét møde om ugen.",
    "criteria": ["demand"],
}


@pytest.fixture
def activity(world):
    return services.record_involvement(world.users["agency"], world.own_initiative, dict(ACTIVITY))


@pytest.fixture
def evaluation(world):
    from susi.outcomes.models import EffectEvaluation, Instrument, Occasion

    instrument = Instrument.objects.create(code="wemwbs", name="WEMWBS")
    occasion = Occasion.objects.get_or_create(number=1)[0]
    return EffectEvaluation.objects.create(
        initiative=world.own_initiative,
        instrument=instrument,
        occasion=occasion,
        method="ancova",
        estimate=2.0,
        ci_low=1.0,
        ci_high=3.0,
        n_treated=40,
        n_control=40,
    )
