"""A register follow-up becomes SØM consequences per year, equal to the krone to the follow-up's figures."""

from __future__ import annotations

import pandas as pd
import pytest

from susi.accounts.models import Role
from susi.engines import som as engine
from susi.engines.evaluation import synthetic
from susi.outcomes import register
from susi.outcomes.models import RegisterOutcome
from susi.som import chain as som_chain
from susi.som.models import Consequence, KnowledgeVersion, Price


@pytest.fixture
def followup(chain):
    initiative = chain.initiative
    enrolled = register.enrolled_frame(initiative)
    comparison = pd.DataFrame(
        {
            "pseudonym": [f"cmp-{i:05d}" for i in range(5 * len(enrolled))],
            "index_year": list(enrolled["index_year"]) * 5,
        }
    )
    people = pd.concat([enrolled.assign(treat=1), comparison.assign(treat=0)], ignore_index=True)
    first = int(enrolled["index_year"].min())
    history = synthetic.generate_register(people, first_year=first - 9, last_year=first + 10, seed=5)
    register.followup_from_frames(
        user=chain.evaluator, initiative=initiative, comparison=comparison, register=history, years=6
    )
    return chain


def test_yearly_differences_arrive_as_consequences_equal_to_the_krone(followup):
    chain = followup
    Price.objects.filter(service="foster_care_day").delete()  # a price the knowledge database lacks
    before = KnowledgeVersion.objects.count()
    published = som_chain.publish_register(chain.agency, chain.initiative, target_group=chain.group)
    assert published.version.number == before + 1
    assert published.version.provenance["causal"] is False
    assert "sammenhænge" in published.warning
    assert [p.service for p in published.prices_created] == ["foster_care_day"]
    assert Price.objects.get(service="foster_care_day").is_illustrative

    rows = [
        r
        for r in RegisterOutcome.objects.filter(initiative=chain.initiative)
        if r.outcome in som_chain.REGISTER_SERVICES and r.difference is not None
    ]
    assert rows
    prices = {p.service: p for p in Price.objects.filter(organisation__isnull=True)}
    for r in rows:
        spec = som_chain.REGISTER_SERVICES[r.outcome]
        c = Consequence.objects.get(
            target_group=chain.group,
            outcome__code=f"register-{chain.initiative.pk}",
            service=spec.service,
            year_after_success=r.year,
        )
        assert c.change == r.difference * spec.units
        assert c.standard_error == pytest.approx(abs(r.se * spec.units))
        # in kroner per citizen and year
        price = prices[spec.service]
        assert round(c.change * price.total) == round(r.difference * spec.units * price.total)

    # one citizen in the success state from year 1, nothing discounted: SØM's gains per year are the
    # follow-up's differences valued at the prices, to the krone
    outcome_rows = {}
    for r in rows:
        outcome_rows.setdefault(som_chain.REGISTER_SERVICES[r.outcome].service, {})[r.year] = r
    years = max(r.year for r in rows)
    case = engine.parse_case(
        {
            "name": "Registeropfølgning",
            "horizon": years,
            "discount_rate": 0,
            "intake": [1],
            "costs": [],
            "outcomes": [
                {
                    "name": "Deltog",
                    "success_rate": 1,
                    "consequences": [
                        {
                            "service": s,
                            "change": [
                                c.change
                                for c in Consequence.objects.filter(
                                    outcome__code=f"register-{chain.initiative.pk}", service=s
                                ).order_by("year_after_success")
                            ],
                        }
                        for s in outcome_rows
                    ],
                }
            ],
            "prices": {
                s: {
                    "municipality": prices[s].municipality,
                    "region": prices[s].region,
                    "state": prices[s].state,
                    "area": prices[s].area,
                }
                for s in outcome_rows
            },
        }
    )
    result = engine.calculate(case)
    for t, year in enumerate(result.years):
        expected = -sum(
            by_year[year].difference
            * som_chain.REGISTER_SERVICES[by_year[year].outcome].units
            * prices[s].total
            for s, by_year in outcome_rows.items()
            if year in by_year
        )
        assert round(result.gains[t]) == round(expected), year

    # publishing again changes nothing
    assert not som_chain.publish_register(chain.agency, chain.initiative, target_group=chain.group).changed
    assert KnowledgeVersion.objects.count() == before + 1


def test_register_publication_is_for_the_agency_and_needs_a_followup(followup, chain):
    from django.core.exceptions import PermissionDenied

    from susi.web.api_errors import DomainError

    with pytest.raises(PermissionDenied):
        som_chain.publish_register(chain.evaluator, chain.initiative, target_group=chain.group)
    with pytest.raises(DomainError):
        som_chain.publish_register(chain.agency, chain.world.other_initiative, target_group=chain.group)
    assert not Consequence.objects.filter(outcome__code__startswith="register-").exists()


def test_register_cli(followup):
    from typer.testing import CliRunner

    from susi.cli import app

    out = CliRunner().invoke(
        app,
        [
            "som",
            "knowledge",
            "from-register",
            str(followup.initiative.pk),
            "--target-group",
            "homelessness",
            "--user",
            followup.agency.username,
        ],
    )
    assert out.exit_code == 0, out.output
    assert "Ny version" in out.output and "Konsekvens" in out.output
    other = followup.world.users[Role.MUNICIPALITY].username
    out = CliRunner().invoke(
        app,
        [
            "som",
            "knowledge",
            "from-register",
            str(followup.initiative.pk),
            "--target-group",
            "homelessness",
            "--user",
            other,
        ],
    )
    assert out.exit_code == 2
