"""A gate's effect criterion cites a saved meta-analysis; the initiative page shows the citation and rating."""

from susi.evidence import services as evidence_services
from tests.evidence.test_evidence_services import import_bcg
from tests.portfolio.test_gate_services import approve_required
from tests.portfolio.test_pages_and_api import gate_post


def test_gate_form_offers_and_records_the_meta_analysis(client, world):
    agency = world.users["agency"]
    meta = evidence_services.save_meta_analysis(
        agency,
        world.own_initiative.intervention,
        outcome="Tuberkulose",
        measure="RR",
        method="REML",
        hk=False,
        higher_is_better=False,
        studies=import_bcg(world),
    )
    approve_required(agency, world.own_initiative)
    client.force_login(agency)
    url = f"/initiativer/{world.own_initiative.pk}/faseovergang/"
    assert str(meta) in client.get(url).content.decode()
    response = client.post(url, gate_post(effect_meta_analysis=str(meta.pk)))
    assert response.status_code == 302
    decision = world.own_initiative.gate_decisions.get()
    effect = decision.assessments.get(criterion="effect")
    assert effect.effect_link.meta_analysis == meta
    page = client.get(f"/initiativer/{world.own_initiative.pk}/").content.decode()
    assert f"Metaanalyse: {meta}" in page and meta.get_absolute_url() in page
