"""Believable synthetic citizens, measurements and register histories with known true effects.

Used by the demo, the tests and the benchmarks. Every CPR number made here has a birth date in
2030–2036 and 7th digit 4 (see ``cpr.SYNTHETIC_YEARS``): a date in the future, so no person alive
has the number, yet ``validate_cpr`` accepts it like any real one and ``is_synthetic`` recognises it.

The data-generating models (all effects additive, so the true effect is known exactly):

- ``design='rct'``: citizens randomised 1:1 within municipality (a share of the comparison arm can be a
  waiting list). ``y_ik = μ + m_j + a_i + β·x_i + τ_k + effect·D_ik + e_ik`` with ``D_ik`` = intervention
  and occasion k > 0.
- ``design='observational'``: as above, but who gets the intervention depends on the observed
  covariates (``x``, age); trends are parallel, so DiD, ANCOVA and propensity matching are unbiased.
- ``design='waves'``: municipalities adopt the intervention in waves (``treated_from`` period, some
  never); every citizen is measured each period; the effect may differ by wave
  (``wave_effects``), and ``true_effect`` is then the mean effect over treated observations (the ATT).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from susi.engines.text import Text

from .cpr import SYNTHETIC_CENTURY_DIGIT, SYNTHETIC_YEARS, pseudonymise
from .errors import EvaluationError

#: Real municipality codes (kommunenumre) for believable data.
MUNICIPALITIES = {
    "101": "København",
    "147": "Frederiksberg",
    "159": "Gladsaxe",
    "167": "Hvidovre",
    "461": "Odense",
    "561": "Esbjerg",
    "621": "Kolding",
    "751": "Aarhus",
    "791": "Viborg",
    "851": "Aalborg",
}

INSTRUMENT = "wemwbs"  # Warwick-Edinburgh Mental Wellbeing Scale, 14–70, higher is better
BINARY_INSTRUMENT = "i_job_eller_uddannelse"  # in employment or education, 0/1

#: Register outcomes: name -> (kind, yearly mean among comparisons)
REGISTER_OUTCOMES: dict[str, tuple[str, float]] = {
    "employment": ("share", 0.35),
    "education": ("share", 0.15),
    "housing": ("share", 0.80),  # in own/rented housing (not homeless, not in a shelter)
    "placement": ("share", 0.03),  # placed out of home
    "hospital_contacts": ("count", 1.8),
    "convictions": ("count", 0.15),
}


def synthetic_cprs(n: int, rng: np.random.Generator) -> list[str]:
    """``n`` distinct synthetic CPR numbers ``DDMMYY-4SSS`` with birth dates in 2030–2036."""
    first = dt.date(SYNTHETIC_YEARS.start, 1, 1)
    days = (dt.date(SYNTHETIC_YEARS.stop, 1, 1) - first).days
    space = days * 1000
    if n > space:
        raise EvaluationError(
            "n", Text("For mange syntetiske borgere.", f"At most {space} synthetic numbers.")
        )
    picks = rng.choice(space, size=n, replace=False)
    out = []
    for p in picks:
        d = first + dt.timedelta(days=int(p // 1000))
        out.append(f"{d:%d%m%y}-{SYNTHETIC_CENTURY_DIGIT}{int(p % 1000):03d}")
    return out


def synthetic_cpr(rng: np.random.Generator) -> str:
    return synthetic_cprs(1, rng)[0]


@dataclass(frozen=True)
class SyntheticDataset:
    citizens: pd.DataFrame
    measurements: pd.DataFrame
    true_effect: float
    design: str
    waves: dict[str, int | None] = field(default_factory=dict)
    fidelity: pd.DataFrame = field(default_factory=pd.DataFrame)
    binary_true_effect: float | None = None
    survival: pd.DataFrame = field(default_factory=pd.DataFrame)
    true_log_hr: float | None = None


def _pseudonyms(cprs: Sequence[str], key: bytes | None) -> list[str]:
    if key is None:
        return [f"syn{i:07d}" for i in range(len(cprs))]
    return [pseudonymise(c, key) for c in cprs]


def generate(
    n_citizens: int = 400,
    *,
    municipalities: Sequence[str] = ("101", "461", "751", "851"),
    true_effect: float = 3.0,
    design: str = "rct",
    n_followups: int = 2,
    seed: int = 0,
    key: bytes | None = None,
    waitlist_share: float = 0.0,
    sd_person: float = 6.0,
    sd_noise: float = 5.0,
    n_periods: int = 6,
    wave_periods: Sequence[int | None] | None = None,
    wave_effects: Sequence[float] | None = None,
    binary_effect: float = 0.10,
    binary_base: float = 0.30,
    log_hr: float = np.log(1.5),
    fidelity_levels: Sequence[float] | None = None,
    start_year: int = 2025,
) -> SyntheticDataset:
    """A synthetic evaluation dataset; ``seed`` makes it reproducible.

    With ``key`` the pseudonyms are the real keyed HMACs of the synthetic CPR numbers (as an import
    would make them); without it they are opaque ``synNNNNNNN`` ids, which is faster for simulations.
    """
    if design not in ("rct", "observational", "waves"):
        raise EvaluationError("design", Text(f"Ukendt design '{design}'.", f"Unknown design '{design}'."))
    if n_citizens < 4:
        raise EvaluationError("n_citizens", Text("Mindst 4 borgere.", "At least 4 citizens."))
    rng = np.random.default_rng(seed)
    munis = list(municipalities)
    n = n_citizens
    cprs = synthetic_cprs(n, rng)
    pseud = _pseudonyms(cprs, key)
    muni = rng.choice(munis, size=n)
    muni_level = dict(zip(munis, rng.normal(0, 2.0, len(munis)), strict=True))
    age = rng.integers(18, 66, size=n)
    x = rng.normal(0, 1, size=n)  # an observed risk score (e.g. prior service use, standardised)
    a = rng.normal(0, sd_person, size=n)
    start = dt.date(start_year, 1, 1)

    waves: dict[str, int | None] = {}
    if design == "rct":
        treat = np.zeros(n, dtype=int)
        for m in munis:  # block randomisation within municipality
            idx = np.flatnonzero(muni == m)
            rng.shuffle(idx)
            treat[idx[: (len(idx) + 1) // 2]] = 1
    elif design == "observational":
        p = 1.0 / (1.0 + np.exp(-(-0.2 + 0.8 * x + 0.02 * (age - 40))))
        treat = (rng.random(n) < p).astype(int)
    else:
        if wave_periods is None:
            cycle: list[int | None] = [2, 3, 4, None]
            wave_periods = [cycle[i % len(cycle)] for i in range(len(munis))]
        if len(wave_periods) != len(munis):
            raise EvaluationError(
                "wave_periods",
                Text("Én bølge pr. kommune.", "wave_periods needs one entry per municipality."),
            )
        waves = dict(zip(munis, wave_periods, strict=True))
        treat = np.array([1 if waves[m] is not None else 0 for m in muni])

    arm = np.where(treat == 1, "intervention", "comparison").astype(object)
    if waitlist_share > 0:
        wl = (treat == 0) & (rng.random(n) < waitlist_share)
        arm[wl] = "waitlist"
    enrolled = [start + dt.timedelta(days=int(d)) for d in rng.integers(0, 180, size=n)]
    citizens = pd.DataFrame(
        {
            "cpr": cprs,
            "pseudonym": pseud,
            "municipality": muni,
            "arm": arm,
            "enrolled_on": enrolled,
            "age": age,
            "risk_score": x,
        }
    )

    rows: list[pd.DataFrame] = []
    base_level = 42.0 + np.array([muni_level[m] for m in muni]) + a + 2.0 * x - 0.05 * (age - 40)
    if design in ("rct", "observational"):
        occasions = ["baseline"] + [f"followup_{k}" for k in range(1, n_followups + 1)]
        p_base = binary_base + 0.05 * np.tanh(x)
        for k, occ in enumerate(occasions):
            trend = 0.8 * k
            d = treat * (k > 0)
            y = base_level + trend + true_effect * d + rng.normal(0, sd_noise, size=n)
            rows.append(_measure_rows(citizens, occ, INSTRUMENT, y, k, None))
            pb = np.clip(p_base + 0.02 * k + binary_effect * d, 0, 1)
            yb = (rng.random(n) < pb).astype(float)
            rows.append(_measure_rows(citizens, occ, BINARY_INSTRUMENT, yb, k, None))
        effect = true_effect
    else:
        effects = list(wave_effects) if wave_effects is not None else None
        wave_of = {w: i for i, w in enumerate(sorted({w for w in waves.values() if w is not None}))}
        treated_from = np.array([waves[m] if waves[m] is not None else np.nan for m in muni], dtype=float)
        effect_sum, effect_n = 0.0, 0
        for t in range(n_periods):
            d = (~np.isnan(treated_from)) & (t >= np.nan_to_num(treated_from, nan=np.inf))
            if effects is None:
                eff = np.full(n, true_effect)
            else:
                eff = np.array(
                    [effects[wave_of[int(w)]] if not np.isnan(w) else 0.0 for w in treated_from], dtype=float
                )
            effect_sum += float(eff[d].sum())
            effect_n += int(d.sum())
            y = base_level + 0.8 * t + eff * d + rng.normal(0, sd_noise, size=n)
            occ = "baseline" if t == 0 else f"followup_{t}"
            rows.append(_measure_rows(citizens, occ, INSTRUMENT, y, t, treated_from))
        effect = effect_sum / effect_n if effect_n else 0.0
    measurements = pd.concat(rows, ignore_index=True)

    levels = (
        list(fidelity_levels) if fidelity_levels is not None else list(rng.uniform(0.6, 0.98, len(munis)))
    )
    fidelity = _fidelity(citizens, munis, levels, rng)

    # time to a success event (e.g. in employment or education), exponential, HR = exp(log_hr)
    hazard = 0.5 * np.exp(log_hr * treat + 0.3 * x)  # per year
    event_time = rng.exponential(1.0 / hazard)
    censor = rng.uniform(0.5, 3.0, size=n)
    survival = pd.DataFrame(
        {
            "pseudonym": pseud,
            "arm": arm,
            "municipality": muni,
            "time": np.minimum(event_time, censor),
            "event": (event_time <= censor).astype(int),
            "risk_score": x,
        }
    )
    return SyntheticDataset(
        citizens=citizens,
        measurements=measurements,
        true_effect=float(effect),
        design=design,
        waves=waves,
        fidelity=fidelity,
        binary_true_effect=binary_effect if design != "waves" else None,
        survival=survival,
        true_log_hr=float(log_hr),
    )


def _measure_rows(
    citizens: pd.DataFrame,
    occasion: str,
    instrument: str,
    y: np.ndarray,
    k: int,
    treated_from: np.ndarray | None,
) -> pd.DataFrame:
    frame = citizens[["cpr", "pseudonym", "municipality", "arm", "enrolled_on", "age", "risk_score"]].copy()
    frame["occasion"] = occasion
    frame["instrument"] = instrument
    frame["value"] = np.round(y, 2) if instrument == INSTRUMENT else y
    frame["measured_on"] = [d + dt.timedelta(days=182 * k) for d in citizens["enrolled_on"]]
    if treated_from is not None:
        frame["period"] = k
        frame["treated_from"] = treated_from
    return frame


def _fidelity(
    citizens: pd.DataFrame, munis: list[str], levels: Sequence[float], rng: np.random.Generator
) -> pd.DataFrame:
    """Delivery records: per intervention citizen, whether each core component was delivered."""
    components = ("samtaler", "netvaerksmoede", "handleplan", "opfoelgning")
    level = dict(zip(munis, levels, strict=True))
    treated = citizens.loc[citizens["arm"] == "intervention", ["pseudonym", "municipality"]]
    frames = []
    for comp_i, comp in enumerate(components):
        p = np.array([level[m] for m in treated["municipality"]]) - 0.05 * comp_i
        frames.append(
            pd.DataFrame(
                {
                    "municipality": treated["municipality"].to_numpy(),
                    "pseudonym": treated["pseudonym"].to_numpy(),
                    "component": comp,
                    "delivered": (rng.random(len(treated)) < p).astype(int),
                    "intended": 1,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def generate_register(
    people: pd.DataFrame,
    *,
    years: int = 10,
    first_year: int = 2015,
    last_year: int | None = None,
    effects: dict[str, float] | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """Yearly register outcomes (long format, zeros left out) for ``people``.

    ``people`` has ``pseudonym``, ``index_year`` and ``treat`` (1 = enrolled). From the year after
    ``index_year`` the enrolled get ``effects[outcome]`` added to the comparison mean (shares on the
    probability scale, counts on the Poisson mean), so the true per-year difference is known.
    Returns columns ``pseudonym, year, outcome, value``.
    """
    rng = np.random.default_rng(seed)
    effects = effects or {"employment": 0.05, "hospital_contacts": -0.3}
    last = last_year if last_year is not None else first_year + years - 1
    frames = []
    n = len(people)
    treat = people["treat"].to_numpy()
    index_year = people["index_year"].to_numpy()
    for year in range(first_year, last + 1):
        after = (year > index_year) & (treat == 1)
        for outcome, (kind, mean) in REGISTER_OUTCOMES.items():
            mu = mean + effects.get(outcome, 0.0) * after
            if kind == "share":
                v = (rng.random(n) < np.clip(mu, 0, 1)).astype(float)
            else:
                v = rng.poisson(np.clip(mu, 0, None)).astype(float)
            keep = v != 0
            frames.append(
                pd.DataFrame(
                    {
                        "pseudonym": people["pseudonym"].to_numpy()[keep],
                        "year": year,
                        "outcome": outcome,
                        "value": v[keep],
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def import_file_frame(dataset: SyntheticDataset, instrument: str = INSTRUMENT) -> pd.DataFrame:
    """The measurements as a municipality would deliver them: clear CPR, Danish column names."""
    m = dataset.measurements.loc[dataset.measurements["instrument"] == instrument]
    return pd.DataFrame(
        {
            "cpr": m["cpr"].to_numpy(),
            "kommune": m["municipality"].to_numpy(),
            "gruppe": m["arm"].map(
                {"intervention": "indsats", "comparison": "sammenligning", "waitlist": "venteliste"}
            ),
            "startdato": [d.isoformat() for d in m["enrolled_on"]],
            "maaletidspunkt": m["occasion"].to_numpy(),
            "maaledato": [d.isoformat() for d in m["measured_on"]],
            "redskab": m["instrument"].to_numpy(),
            "vaerdi": m["value"].to_numpy(),
        }
    )


def write_csv(dataset: SyntheticDataset, path: str | Path, instrument: str = INSTRUMENT) -> Path:
    """A semicolon-separated, decimal-comma CSV as Danish Excel saves it."""
    target = Path(path)
    import_file_frame(dataset, instrument).to_csv(target, sep=";", decimal=",", index=False, encoding="utf-8")
    return target


def write_xlsx(dataset: SyntheticDataset, path: str | Path, instrument: str = INSTRUMENT) -> Path:
    target = Path(path)
    import_file_frame(dataset, instrument).to_excel(target, index=False, sheet_name="Maalinger")
    return target
