"""Effect evaluation on citizen data: the pure engine behind ``susi.outcomes``.

Nothing here imports Django. The Django app loads rows from the database into the plain values
described below, calls these functions, and stores or shows the frozen results.

THE CONTRACT (kept stable for ``susi.outcomes``; extend, never break)
======================================================================

Errors
------
Every bad input raises :class:`EvaluationError`, the shared engine error
(``susi.engines.errors.EngineError``, a ``ValueError``) with ``code``, ``field`` (the column or argument at
fault) and ``message`` (a ``Text(da, en)``; the web layer picks the language).
:class:`CprError` is the subclass raised by the CPR functions.

CPR numbers and pseudonyms (``susi.engines.evaluation.cpr``)
------------------------------------------------------------
- ``validate_cpr(text) -> NormalisedCpr`` accepts ``"DDMMYY-SSSS"``, ``"DDMMYYSSSS"`` (spaces and
  the dash are ignored), checks ten digits and a calendar-valid birth date (day, month, and the
  century from the 7th digit, as CPR-kontoret defines it). No modulus-11 check (dropped in 2007).
  Raises ``CprError("cpr", Text(da, en))``. ``NormalisedCpr`` is a frozen dataclass with
  ``digits`` (10 digits, no dash), ``birth_date`` and ``sex`` ('M'/'F'); its ``repr``/``str`` mask the
  number (``"DDMMYY-****"``) so it cannot leak through logs or tracebacks by accident.
- ``is_synthetic(cpr) -> bool``: True for the numbers our synthetic generator makes (birth dates in
  2030–2036 with 7th digit 4, i.e. dates in the future that no living person has).
- ``pseudonymise(cpr, key: bytes) -> str``: HMAC-SHA256 of the 10 normalised digits, hex (64 chars).
  Same person + same key -> same pseudonym in every import. Accepts a ``NormalisedCpr`` or a string.
- ``load_key(key_file: str | Path | None = None) -> bytes``: from the environment variable
  ``SUSI_PSEUDONYM_KEY`` (hex, >= 32 bytes) or else from ``key_file`` (hex text). Raises
  ``EvaluationError`` if neither gives a key. A key file that group or others can read is refused (like ssh).
  ``generate_key_file(path) -> Path`` writes a new random key with permissions 0600 (refuses to
  overwrite).

Measurements frame (pandas DataFrame, one row per citizen × occasion × instrument)
---------------------------------------------------------------------------------
Required columns:
  ``pseudonym`` (str), ``municipality`` (str code, e.g. "101"),
  ``arm`` ('intervention' | 'comparison' | 'waitlist'; waitlist counts as comparison until it starts),
  ``occasion`` (str: 'baseline' or 'followup_<n>', n = 1, 2, ...),
  ``instrument`` (str), ``value`` (float; 0/1 for a binary outcome), ``enrolled_on`` (date).
Optional columns (used when present / needed by a design):
  ``period`` (int, calendar period of the measurement, e.g. year or half-year index) and
  ``treated_from`` (int or NaN: first period the citizen's municipality offers the intervention;
  NaN = never) -- both REQUIRED for design 'staggered'; for 'twfe' ``period`` replaces occasion
  order if present;
  any further numeric covariate columns, named in ``covariates=[...]`` (used by 'ancova', 'psm').
``validate_measurements(frame)`` checks the schema and raises ``EvaluationError`` naming the column.

Effect estimation (``susi.engines.evaluation.estimators``)
-----------------------------------------------------------
``estimate_effect(frame, design, instrument, *, followup='followup_1', covariates=(), alpha=0.05,
higher_is_better=True, **options) -> EffectEstimate`` (options: ``measure='OR'`` for
'rct_proportions', ``cluster='municipality'`` for 'did'/'staggered' -- 'did' then uses the wild
cluster bootstrap (``bootstrap.py``) for the CI and p-value below 30 municipalities --, ``caliper``
for 'psm') with
design one of (``DESIGNS``):
  'rct_means'        difference in follow-up means (Welch SE),              measure 'MD'
  'rct_proportions'  difference in proportions (Newcombe CI), or measure='OR' (log, Woolf) 'RD'
  'ancova'           OLS follow-up ~ arm + baseline (+ covariates), HC2,     measure 'MD'
  'did'              2x2 difference-in-differences, OLS with cluster-robust SE by pseudonym, 'MD'
  'twfe'             linearmodels PanelOLS, entity + time effects, clustered by entity,     'MD'
  'staggered'        Gardner's two-stage DiD (pyfixest did2s), overall ATT,              'MD'
  'psm'              propensity-score (Logit) nearest-neighbour matching on baseline + covariates,
                     then OLS follow-up ~ arm + matching covariates in the matched sample, SE
                     clustered by pair (see docs/developers/evaluation.md),               'MD'
``EffectEstimate`` (frozen dataclass): ``method, measure, estimate, se, ci_low, ci_high, p_value,
n_intervention, n_comparison, yi, vi, label`` (a Text) plus ``sd_pooled`` (for SMD; may be None),
``details`` (tuple of (key, value) pairs, e.g. per-group ATTs) and methods
``to_success_rate(baseline_rate) -> SuccessRate`` and ``to_smd() -> EffectEstimate``.
``yi``/``vi`` are in the evidence base's metafor measure: MD, SMD, RD, OR and HR (both OR and HR as
log: yi = log ratio, vi = SE² on the log scale). ``SuccessRate(mean, sd)`` is the *additional* share
reaching the outcome (probability scale, 0.10 = 10 percentage points) and its standard error.

``estimate_by(frame, design, instrument, by, *, min_per_arm=5, **options) -> list[GroupEstimate]``
("for whom"): the design within each value of column ``by`` (e.g. 'municipality' or a covariate);
``GroupEstimate(group, estimate | None, reason: Text | None)`` -- None with the reason for small groups.
``subgroup_effects(frame, instrument, by, *, followup, adjust_baseline=True, ...) -> SubgroupEffects``:
the per-group estimates and the treatment × group interaction test (OLS with HC2, Wald F; statistic,
df_num, df_denom, p_value, tested_groups, reason: Text when there is no test).
``propensity_match(people, covariates, *, treat_col='treat', caliper=0.2)`` returns the matched
rows with ``pair`` and ``pscore`` (use it to build a register comparison table).

Survival (``susi.engines.evaluation.survival``)
-----------------------------------------------
Frame with ``pseudonym, arm, time`` (float, days or years from enrolment) and ``event`` (0/1).
``kaplan_meier(frame) -> list[KaplanMeierCurve]`` (one per arm: times, survival, ci_low, ci_high,
n_at_risk) and ``cox(frame, covariates=()) -> EffectEstimate`` (measure 'HR', yi = log HR).

Fidelity (``susi.engines.evaluation.fidelity``)
-----------------------------------------------
``fidelity_by_municipality(records, *, threshold=0.8) -> list[FidelityRow]``; ``records`` is a frame
with ``municipality``, ``pseudonym``, ``component`` (str), ``delivered`` (0/1 or 0..1 share) and
optional ``intended`` (default 1). ``FidelityRow``: municipality, n_citizens, n_components,
delivered_share, components_below (tuple of component names below the threshold), adequate (bool),
suppressed (bool: fewer than 5 citizens, figures set to None).

Monitoring (``susi.engines.evaluation.monitoring``)
---------------------------------------------------
``monitor(estimates, reference_effect, *, reference_se=None, margin=0.5, higher_is_better=True,
min_n=5, alpha=0.05) -> list[MonitoringRow]``. ``estimates`` is a frame (or list of dicts) with ``municipality,
period, estimate, se, n``. Row: municipality, period, estimate, se, ci_low, ci_high, n,
reference_effect, ratio_to_reference, drift_warning (bool), reason (a Text, None when fine),
suppressed (bool). A warning is raised when the municipality's upper CI bound lies below
``margin × reference`` (clear drift) or the estimate has been below it for 2 consecutive periods.
``monitoring_estimates(frame, instrument, *, followup='followup_1', period='year' | 'half' | <column>,
counterfactual_change=None, counterfactual_se=0.0) -> DataFrame`` builds that input from a
measurements frame (intervention citizens' change from baseline minus the counterfactual change: the
municipality's own comparison citizens, else all comparison citizens in the frame in that period, else
``counterfactual_change`` -- the control trend from testing, see ``comparison_change(frame, instrument,
followup=...) -> (change, se, n)`` --, else an ``EvaluationError``; column ``counterfactual`` says which).
``key_figures(frame, instrument, ...) -> list[KeyFigures]``:
management figures per municipality (enrolled, followed up, follow-up rate, mean before/after, mean
change, share improved), None where fewer than 5 citizens.

Register follow-up (``susi.engines.evaluation.register``)
----------------------------------------------------------
``register_followup(con, enrolled_table, register_table, comparison_table, years=10, *,
deduplicate=False) -> RegisterFollowup``. A person in both groups is refused; duplicate register rows
are refused, or with ``deduplicate`` exact duplicates are dropped and counted
(``duplicate_rows_removed``). Tables in the DuckDB connection:
  enrolled_table:   ``pseudonym VARCHAR, index_year INTEGER``   (year of enrolment)
  comparison_table: ``pseudonym VARCHAR, index_year INTEGER``   (matched/sampled comparisons)
  register_table:   ``pseudonym VARCHAR, year INTEGER, outcome VARCHAR, value DOUBLE``
                    (long format, at most one row per pseudonym/year/outcome; outcomes e.g. 'employment', 'education', 'housing',
                    'placement', 'hospital_contacts', 'convictions'; a missing row means 0)
Result: ``rows`` (tuple of RegisterYearRow: outcome, year_after (1..years), n_enrolled,
n_comparison, mean_enrolled, mean_comparison, difference, se, ci_low, ci_high, suppressed, no_data:
the register does not cover the year, e.g. it starts after the index year) and
``build_comparison(con, population_table, enrolled_table, out_table, *, strata=('birth_year', 'sex'),
ratio=1, seed=0) -> ComparisonSummary`` makes a comparison table by exact matching on register strata
(population_table: ``pseudonym`` + the strata columns); ``to_som_consequences(result, outcomes=None)
-> list[SomConsequence]`` (outcome, year_after,
difference per citizen, se) for SØM. The SQL is plain set-based DuckDB SQL (joins + GROUP BY) so a
larger engine can run the same queries.

Small cells (``susi.engines.evaluation.privacy``)
-------------------------------------------------
``suppress_small(counts, threshold=5)`` takes a mapping or a frame column of counts and returns the
same shape with every count below ``threshold`` (and > 0) replaced by None; ``is_reportable(n)``.
No figure from fewer than 5 citizens may be shown or exported: results carry n's so callers check.
``protect_total(parts, total, *, hidden=(), threshold=5) -> (parts, total)`` adds complementary
suppression to one additive relation (no withheld cell or group under 5 is total minus shown parts);
``suppress_nested_counts(ns)`` flags groups (e.g. register years) whose size differs from a shown one's by
1-4. In ``cpr``: ``mask_cpr_like(text)`` masks every ten-digit run in file-borne text;
``pseudonymise_in_space(cpr, keys, space)``, ``rekey``, ``key_fingerprint`` and ``load_keys`` serve
per-initiative pseudonym spaces and key rotation (docs/developers/security.md).

Synthetic data (``susi.engines.evaluation.synthetic``)
------------------------------------------------------
``generate(n_citizens=400, *, municipalities=(...codes...), true_effect=3.0, design='rct' |
'observational' | 'waves', n_followups=2, seed=0, key=None, waitlist_share=0.0, n_periods=6,
wave_periods=None, wave_effects=None, binary_effect=0.10, log_hr=log(1.5), fidelity_levels=None)
-> SyntheticDataset`` with ``citizens`` (cpr, pseudonym, municipality, arm, enrolled_on, age,
risk_score), ``measurements`` (the measurements frame above plus ``cpr``, ``measured_on``, ``age``,
``risk_score``; 'waves' adds ``period`` and ``treated_from``), ``true_effect``, ``waves``
(municipality -> treated_from or None), ``fidelity`` (delivery records for
``fidelity_by_municipality``), ``survival`` (the survival frame), ``binary_true_effect``,
``true_log_hr``. With ``key`` the pseudonyms are the real HMACs of the synthetic CPRs; without, opaque
``synNNNNNNN`` ids. Instruments: ``synthetic.INSTRUMENT`` ('wemwbs', continuous) and
``synthetic.BINARY_INSTRUMENT`` (0/1). ``generate_register(people, years=10, first_year=2015,
effects={...}, seed=0)`` gives the long register table for people with ``pseudonym, index_year,
treat``. ``synthetic_cprs(n, rng)`` gives distinct synthetic numbers; ``import_file_frame``,
``write_csv`` (semicolon, decimal comma, as Danish Excel saves) and ``write_xlsx`` write import files
as municipalities deliver them (Danish headers: cpr, kommune, gruppe [indsats / sammenligning /
venteliste], startdato, maaletidspunkt, maaledato, redskab, vaerdi).
"""

from .cpr import (
    KEY_ENV_VAR,
    NormalisedCpr,
    generate_key_file,
    is_synthetic,
    load_key,
    pseudonymise,
    validate_cpr,
)
from .errors import CprError, EvaluationError
from .estimators import (
    DESIGNS,
    GroupEstimate,
    estimate_by,
    estimate_effect,
    propensity_match,
    validate_measurements,
)
from .fidelity import fidelity_by_municipality
from .monitoring import KeyFigures, comparison_change, key_figures, monitor, monitoring_estimates
from .privacy import SMALL_CELL_THRESHOLD, is_reportable, suppress_small
from .register import (
    ComparisonSummary,
    build_comparison,
    register_followup,
    register_followup_frames,
    to_som_consequences,
)
from .results import (
    EffectEstimate,
    FidelityRow,
    KaplanMeierCurve,
    MonitoringRow,
    RegisterFollowup,
    RegisterYearRow,
    SomConsequence,
    SuccessRate,
)
from .survival import cox, kaplan_meier

__all__ = [
    "DESIGNS",
    "KEY_ENV_VAR",
    "SMALL_CELL_THRESHOLD",
    "ComparisonSummary",
    "CprError",
    "EffectEstimate",
    "EvaluationError",
    "FidelityRow",
    "GroupEstimate",
    "KaplanMeierCurve",
    "KeyFigures",
    "MonitoringRow",
    "NormalisedCpr",
    "RegisterFollowup",
    "RegisterYearRow",
    "SomConsequence",
    "SuccessRate",
    "build_comparison",
    "comparison_change",
    "cox",
    "estimate_by",
    "estimate_effect",
    "fidelity_by_municipality",
    "generate_key_file",
    "is_reportable",
    "is_synthetic",
    "kaplan_meier",
    "key_figures",
    "load_key",
    "monitor",
    "monitoring_estimates",
    "propensity_match",
    "pseudonymise",
    "register_followup",
    "register_followup_frames",
    "suppress_small",
    "to_som_consequences",
    "validate_cpr",
    "validate_measurements",
]
