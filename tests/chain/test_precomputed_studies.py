"""A study stored with its effect already on the measure's scale (yi, vi) pools with studies given by their raw
numbers, as metafor's rma(yi, vi) after escalc."""

from __future__ import annotations

import pytest

from susi.accounts.models import Role
from susi.engines import evidence as engine
from susi.evidence import analysis, services
from susi.web.api_errors import DomainError


def test_a_yi_vi_study_pools_with_raw_studies(world):
    agency = world.users[Role.AGENCY]
    intervention = world.own_initiative.intervention
    raw = [
        services.create_study(
            agency,
            intervention,
            {
                "outcome": "I bolig",
                "label": label,
                "design": "rct",
                "measure": "RR",
                "ai": a,
                "bi": b,
                "ci": c,
                "di": d,
            },
        )
        for label, a, b, c, d in (("A", 62, 28, 48, 42), ("B", 70, 35, 55, 48))
    ]
    given = services.create_study(
        agency,
        intervention,
        {"outcome": "I bolig", "label": "Egen", "design": "rct", "measure": "RR", "yi": 0.35, "vi": 0.0197},
    )
    assert given.ai is None and (given.yi, given.vi) == (0.35, 0.0197)
    effects = analysis.effects_for([*raw, given], "RR")
    by_hand = engine.compute("RR", {"ai": [62, 70], "bi": [28, 35], "ci": [48, 55], "di": [42, 48]})
    assert list(effects.yi[:2]) == pytest.approx(list(by_hand.yi)) and effects.yi[2] == 0.35
    pooled = analysis.run([*raw, given], "RR", "REML")
    reference = engine.meta_analysis(engine.generic([*by_hand.yi, 0.35], [*by_hand.vi, 0.0197]), "REML")
    assert pooled.meta.estimate == pytest.approx(reference.estimate, abs=1e-12)
    assert pooled.meta.se == pytest.approx(reference.se, abs=1e-12)


def test_a_non_positive_variance_is_refused(world):
    with pytest.raises(DomainError):
        services.create_study(
            world.users[Role.AGENCY],
            world.own_initiative.intervention,
            {"outcome": "I bolig", "label": "X", "design": "rct", "measure": "RD", "yi": 0.1, "vi": 0},
        )
