"""The demo's evidence chain: CTI's testing-phase evaluation flows into the evidence base and SØM."""

from __future__ import annotations

from importlib import import_module

from susi.evidence.models import MetaAnalysis, Study
from susi.outcomes import chain_demo
from susi.som import services as som_services
from susi.som.models import Calculation, EffectStudy, KnowledgeVersion


def test_cti_flows_into_the_evidence_base_and_som(db, settings):
    settings.SUSI_DEMO_MODE = True
    lines: list[str] = []
    for name in (
        "susi.organisations.demo",
        "susi.accounts.demo",
        "susi.portfolio.demo",
        "susi.evidence.demo",
        "susi.som.demo",
    ):
        import_module(name).load(lines.append)
    old = Calculation.objects.get()  # the SØM demo's CTI calculation, made before the chain
    versions = KnowledgeVersion.objects.count()
    chain_demo.load(lines.append)
    assert any(line.startswith("evidenskæden") for line in lines), lines

    study = Study.objects.get(source_key__startswith="outcomes:")
    assert (study.outcome, study.measure, study.design, study.grade) == (
        chain_demo.EVIDENCE_OUTCOME,
        "RR",
        "rct",
        1,
    )
    latest = MetaAnalysis.objects.order_by("-created_at", "-pk").first()
    assert study in latest.studies.all() and latest.result["k"] == 6
    assert EffectStudy.objects.filter(source_key__startswith="evaluation:").count() == 1
    assert (
        KnowledgeVersion.objects.count() == versions + 2
    )  # the effect study, then the register consequences
    new = Calculation.objects.get(name=chain_demo.CALCULATION)
    assert new.knowledge_version == versions + 2 > old.knowledge_version

    # the older calculation still reproduces exactly with its own version
    _case, result, mc = som_services.recalculate(old)
    assert som_services.result_summary(result, mc)["deterministic"] == old.result["deterministic"]

    # loading again changes nothing
    counts = (
        Study.objects.count(),
        MetaAnalysis.objects.count(),
        KnowledgeVersion.objects.count(),
        Calculation.objects.count(),
    )
    chain_demo.load(lines.append)
    assert counts == (
        Study.objects.count(),
        MetaAnalysis.objects.count(),
        KnowledgeVersion.objects.count(),
        Calculation.objects.count(),
    )
