"""Gate decisions through the services: allowed moves, refusals that change nothing, drafts, history."""

import pytest
from django.core.files.base import ContentFile

from susi.engines import phases
from susi.portfolio import services
from susi.portfolio.models import GateDecision, Initiative, Product

ALL = [c.value for c in phases.Criterion]


def inputs(rating="met", **overrides):
    return [
        services.AssessmentInput(criterion=c, rating=overrides.get(c, rating), justification=f"Fordi {c}")
        for c in ALL
    ]


def approve_required(user, initiative):
    for kind in initiative.phase_definition.required_products:
        services.upload_product_version(
            user,
            initiative,
            kind=kind.value,
            title="",
            file=ContentFile(b"indhold " + kind.value.encode(), "f.md"),
        )
        product = Product.objects.get(initiative=initiative, phase=initiative.phase, kind=kind.value)
        services.set_product_state(user, product, "approved")


@pytest.fixture
def agency(world):
    return world.users["agency"]


def test_continue_moves_initiative_and_records_every_assessment(world, agency):
    initiative = world.own_initiative
    approve_required(agency, initiative)
    decision = services.record_gate_decision(
        agency, initiative, outcome="continue", justification="", assessments=inputs()
    )
    initiative.refresh_from_db()
    assert initiative.phase == "maturation"
    assert decision.state == GateDecision.State.RECORDED and decision.to_phase == "maturation"
    assert decision.decided_by == agency and decision.decided_at is not None
    assert sorted(decision.assessments.values_list("criterion", flat=True)) == sorted(ALL)
    # the change history knows who moved it
    last = initiative.history.first()
    assert last.phase == "maturation"


def test_missing_product_is_refused_in_danish_and_nothing_changes(world, agency, db_snapshot):
    initiative = world.own_initiative
    before = db_snapshot()
    with pytest.raises(services.GateDecisionRefused) as refused:
        services.record_gate_decision(
            agency, initiative, outcome="continue", justification="", assessments=inputs()
        )
    messages = refused.value.messages_da
    assert "Produktet »Vidensrapport« mangler eller er ikke godkendt." in messages
    assert "Produktet »Foreløbig indsatsbeskrivelse« mangler eller er ikke godkendt." in messages
    assert db_snapshot() == before


def test_unassessed_criterion_is_refused_and_nothing_changes(world, agency, db_snapshot):
    initiative = world.own_initiative
    approve_required(agency, initiative)
    services.save_gate_draft(agency, initiative, outcome="continue", assessments=inputs()[:2])
    before = db_snapshot()
    partial = inputs()
    partial[3] = services.AssessmentInput(criterion="demand", rating="", justification="")
    with pytest.raises(services.GateDecisionRefused) as refused:
        services.record_gate_decision(
            agency, initiative, outcome="continue", justification="", assessments=partial
        )
    assert refused.value.messages_da == ["Kriteriet »Efterspørgsel« (screening) er ikke vurderet."]
    assert db_snapshot() == before
    assert Initiative.objects.get(pk=initiative.pk).phase == "screening"


def test_draft_is_kept_then_becomes_the_recorded_decision(world, agency):
    initiative = world.own_initiative
    draft = services.save_gate_draft(
        agency, initiative, outcome="rework", justification="Mere arbejde", assessments=inputs("partly_met")
    )
    assert draft.state == "draft" and draft.assessments.count() == 5
    again = services.save_gate_draft(
        agency,
        initiative,
        outcome="rework",
        justification="Mere arbejde",
        assessments=inputs("partly_met")[:1],
    )
    assert again.pk == draft.pk and again.assessments.count() == 1
    decision = services.record_gate_decision(
        agency, initiative, outcome="rework", justification="Mere arbejde", assessments=inputs("partly_met")
    )
    assert decision.pk == draft.pk
    assert GateDecision.objects.filter(initiative=initiative).count() == 1
    initiative.refresh_from_db()
    assert initiative.phase == "screening" and initiative.status == "active"


def test_skip_with_justification_jumps_a_phase(world, agency):
    initiative = world.own_initiative
    approve_required(agency, initiative)
    services.record_gate_decision(
        agency,
        initiative,
        outcome="skip",
        justification="RCT'er findes",
        assessments=inputs(),
        skipped_assessments=inputs(),
    )
    initiative.refresh_from_db()
    assert initiative.phase == "testing"
    decision = initiative.gate_decisions.get()
    assert decision.assessments.filter(scope="skipped").count() == 5


def test_stopped_initiative_never_advances(world, agency):
    initiative = world.own_initiative
    services.record_gate_decision(
        agency, initiative, outcome="stop", justification="Ikke efterspurgt", assessments=inputs("not_met")
    )
    initiative.refresh_from_db()
    assert initiative.status == "stopped"
    approve_required(agency, initiative)
    with pytest.raises(services.GateDecisionRefused) as refused:
        services.record_gate_decision(
            agency, initiative, outcome="continue", justification="", assessments=inputs()
        )
    assert refused.value.problems[0].code == "not_active"


def test_track_two_may_continue_on_partly_met_effect(world, agency):
    initiative = world.own_initiative
    initiative.track = "track2"
    initiative.save()
    approve_required(agency, initiative)
    services.record_gate_decision(
        agency, initiative, outcome="continue", justification="", assessments=inputs(effect="partly_met")
    )
    initiative.refresh_from_db()
    assert initiative.phase == "maturation"


def test_product_versions_and_review_cycle(world, agency):
    initiative = world.own_initiative
    v1 = services.upload_product_version(
        agency,
        initiative,
        kind="knowledge_report",
        title="Vidensrapport",
        file=ContentFile(b"v1", "rapport.md"),
    )
    v2 = services.upload_product_version(
        agency, initiative, kind="knowledge_report", title="", file=ContentFile(b"v2", "rapport.md")
    )
    assert (v1.number, v2.number) == (1, 2) and v1.product_id == v2.product_id
    with pytest.raises(services.DomainError, match="identisk"):
        services.upload_product_version(
            agency, initiative, kind="knowledge_report", title="", file=ContentFile(b"v2", "rapport.md")
        )
    product = v2.product
    services.set_product_state(agency, product, "approved")
    services.upload_product_version(
        agency, initiative, kind="knowledge_report", title="", file=ContentFile(b"v3", "rapport.md")
    )
    product.refresh_from_db()
    assert product.state == "draft", "a new version must be approved again"
    with pytest.raises(services.DomainError, match="Filtypen"):
        services.upload_product_version(
            agency, initiative, kind="knowledge_report", title="", file=ContentFile(b"x", "virus.exe")
        )


def test_a_new_title_starts_a_new_product_and_old_versions_stay_listed(world, agency, client):
    """A file with a new title is a new product of that kind (it never renames the old one); the same title in
    another case adds a version; the initiative page links every version, not only the latest."""
    initiative = world.own_initiative
    first = services.upload_product_version(
        agency, initiative, kind="knowledge_report", title="Vidensrapport", file=ContentFile(b"a", "a.md")
    )
    services.upload_product_version(
        agency, initiative, kind="knowledge_report", title="vidensrapport", file=ContentFile(b"b", "b.md")
    )
    other = services.upload_product_version(
        agency, initiative, kind="knowledge_report", title="Bilag: interviews", file=ContentFile(b"c", "c.md")
    )
    assert other.product_id != first.product_id and other.number == 1
    first.product.refresh_from_db()
    assert first.product.title == "Vidensrapport" and first.product.versions.count() == 2
    client.force_login(agency)
    page = client.get(f"/initiativer/{initiative.pk}/").content.decode()
    assert "Bilag: interviews" in page and "Vidensrapport" in page
    assert page.count(">v1<") == 2 and page.count(">v2<") == 1, "every version is linked"


def test_municipality_user_cannot_record_a_gate(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.record_gate_decision(
            world.users["municipality"],
            world.own_initiative,
            outcome="stop",
            justification="x",
            assessments=inputs(),
        )
