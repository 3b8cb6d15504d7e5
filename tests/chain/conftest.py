"""Fixtures for the evidence chain: the shared `world`, the illustrative SØM knowledge database, two literature
studies in the evidence base, and a randomised trial's outcome data imported into the world's own initiative
through the real import service, estimated and saved."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest

from susi.accounts.models import Role
from susi.engines.evaluation import synthetic
from susi.outcomes import pseudonyms

OUTCOME = "I egen bolig 9 måneder efter udflytning"
INSTRUMENT = "i_egen_bolig"


@pytest.fixture(autouse=True)
def _outcomes_dirs(settings, tmp_path, monkeypatch):
    """Each test gets its own staging directory and its own pseudonym key file."""
    settings.SUSI_OUTCOMES_STAGING_DIR = tmp_path / "staging"
    settings.SUSI_PSEUDONYM_KEY_FILE = tmp_path / "pseudonym.key"
    monkeypatch.delenv("SUSI_PSEUDONYM_KEY", raising=False)
    pseudonyms.reset_key_cache()
    yield
    pseudonyms.reset_key_cache()


def import_trial(initiative, user, *, seed: int = 14, n: int = 200) -> None:
    """A randomised trial's yes/no outcome 'i_egen_bolig' (and WEMWBS), imported as a municipality sends it."""
    from susi.outcomes import services
    from susi.outcomes.models import Instrument

    codes = tuple(initiative.municipalities.values_list("code", flat=True))
    dataset = synthetic.generate(
        n,
        municipalities=codes,
        true_effect=3.0,
        seed=seed,
        design="rct",
        binary_base=0.45,
        binary_effect=0.15,
    )
    for instrument in (synthetic.INSTRUMENT, synthetic.BINARY_INSTRUMENT):
        frame = synthetic.import_file_frame(dataset, instrument)
        if instrument == synthetic.BINARY_INSTRUMENT:
            frame["redskab"] = INSTRUMENT
        data = frame.to_csv(sep=";", decimal=",", index=False).encode("utf-8")
        batch = services.stage_file(
            user=user, initiative=initiative, fh=io.BytesIO(data), name=f"{instrument}.csv"
        )
        assert not batch.error_count, services.batch_errors(batch)[:3]
        services.commit_batch(user=user, batch=batch)
    Instrument.objects.filter(code=INSTRUMENT).update(name="I egen bolig", kind=Instrument.Kind.BINARY)


def estimate_and_save(initiative, user, design: str = "rct_proportions", code: str = INSTRUMENT):
    from susi.outcomes import evaluation, services
    from susi.outcomes.models import Instrument, Occasion

    instrument = Instrument.objects.get(code=code)
    result = evaluation.run_estimate(initiative, instrument, design, 1, chart=False)
    assert result.estimate is not None, result.error
    return services.save_evaluation(
        user=user,
        initiative=initiative,
        instrument=instrument,
        occasion=Occasion.objects.get(number=1),
        result=result,
    )


@pytest.fixture
def chain(world):
    from susi.evidence import services as evidence_services
    from susi.som import demo as som_demo
    from susi.som.models import TargetGroup

    som_demo._load_knowledge(lambda line: None)
    agency, evaluator = world.users[Role.AGENCY], world.users[Role.EVALUATOR]
    intervention = world.own_initiative.intervention
    for label, ai, bi, ci, di in (("Litteratur A", 62, 28, 48, 42), ("Litteratur B", 70, 35, 55, 48)):
        evidence_services.create_study(
            agency,
            intervention,
            {
                "outcome": OUTCOME,
                "label": label,
                "year": 2015,
                "design": "rct",
                "country": "US",
                "measure": "RR",
                "ai": ai,
                "bi": bi,
                "ci": ci,
                "di": di,
            },
        )
    import_trial(world.own_initiative, evaluator)
    evaluation = estimate_and_save(world.own_initiative, evaluator)
    return SimpleNamespace(
        world=world,
        agency=agency,
        evaluator=evaluator,
        intervention=intervention,
        initiative=world.own_initiative,
        evaluation=evaluation,
        group=TargetGroup.objects.get(code="homelessness"),
    )
