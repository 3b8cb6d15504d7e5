"""From register rows to engine results: one function runs everything a meta-analysis page shows."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _

from susi.engines import evidence as engine
from susi.engines.evidence.rating import (
    EvidenceRating,
    Grade,
    PooledEffect,
    RiskOfBias,
    StudyEvidence,
    rate,
)
from susi.web.api_errors import DomainError

from .models import Study

#: Leave-one-out refits the model k times (0.3 s at k = 100, 3 s at k = 1,000; benchmarks/evidence_meta.py),
#: so pages show it up to this many studies.
LEAVE_ONE_OUT_MAX_K = 200


def domain_error(exc: engine.EvidenceInputError) -> DomainError:
    return DomainError.from_engine(exc)


def _precomputed(study: Study, needed: Sequence[str]) -> bool:
    """A study stored with its effect already on the measure's scale (yi, vi; e.g. an adjusted estimate from
    the platform's own evaluation) instead of the raw numbers, as metafor's escalc output pooled with rma."""
    return any(getattr(study, n) is None for n in needed) and study.yi is not None and study.vi is not None


def effects_for(studies: Sequence[Study], measure: str) -> engine.EffectSizes:
    """The effect sizes of register studies (all of one measure), labelled by study.

    A study with the raw numbers is computed by the engine; one stored with yi/vi on the measure's scale
    (`_precomputed`) keeps them."""
    m = engine.Measure(measure)
    needed = engine.REQUIRED_COLUMNS[m]
    given = [_precomputed(s, needed) for s in studies]
    raw = [s for s, g in zip(studies, given, strict=True) if not g]
    columns = {name: [getattr(s, name) for s in raw] for name in needed}
    for name, values in columns.items():
        for i, value in enumerate(values):
            if value is None:
                raise DomainError(
                    name,
                    _("Studiet '%(study)s' mangler en værdi i feltet %(name)s.")
                    % {"study": raw[i].label, "name": name},
                )
    try:
        computed = engine.compute(measure, columns, labels=[s.label for s in raw]) if raw else None
        if not any(given):
            assert computed is not None
            return computed
        kept = [s for s, g in zip(studies, given, strict=True) if g]
        engine.generic([s.yi for s in kept], [s.vi for s in kept])  # checks every kept vi > 0
    except engine.EvidenceInputError as exc:
        raise domain_error(exc) from exc
    yi, vi, adjusted, j = [], [], [], 0
    for s, g in zip(studies, given, strict=True):
        if g:
            yi.append(float(s.yi))  # type: ignore[arg-type]
            vi.append(float(s.vi))  # type: ignore[arg-type]
            adjusted.append(False)
        else:
            assert computed is not None
            yi.append(float(computed.yi[j]))
            vi.append(float(computed.vi[j]))
            adjusted.append(bool(computed.adjusted[j]) if computed.adjusted else False)
            j += 1
    return engine.EffectSizes(
        m,
        np.asarray(yi, dtype=float),
        np.asarray(vi, dtype=float),
        tuple(s.label for s in studies),
        tuple(adjusted),
    )


@dataclass(frozen=True)
class Analysis:
    studies: tuple[Study, ...]
    effects: engine.EffectSizes
    meta: engine.MetaAnalysis
    higher_is_better: bool
    leave_one_out: tuple[engine.LeaveOneOut, ...]
    egger: engine.EggerTest | None
    subgroups: engine.SubgroupAnalysis | None
    regression: engine.MetaRegression | None
    rating: EvidenceRating

    @property
    def log_scale(self) -> bool:
        return self.effects.measure in engine.effect_sizes.LOG_SCALE


def rating_for(studies: Sequence[Study], pooled: PooledEffect | None) -> EvidenceRating:
    evidence = [
        StudyEvidence(s.label, Grade(s.grade) if s.grade else None, RiskOfBias(s.risk_of_bias), s.country)
        for s in studies
    ]
    return rate(evidence, pooled)


def run(
    studies: Sequence[Study], measure: str, method: str, hk: bool = False, higher_is_better: bool = True
) -> Analysis:
    """Pool `studies`; add influence, Egger, subgroups and a moderator regression when the data allow."""
    studies = tuple(studies)
    if len(studies) < 2:
        raise DomainError(
            "studies",
            _("En metaanalyse kræver mindst 2 studier; der er %(k)s med dette effektmål.")
            % {"k": len(studies)},
        )
    effects = effects_for(studies, measure)
    try:
        meta = engine.meta_analysis(effects, method, hk)
        loo = engine.leave_one_out(effects, method, hk) if 3 <= effects.k <= LEAVE_ONE_OUT_MAX_K else ()
        egger = engine.egger_test(effects, method, hk) if effects.k >= 3 else None
        groups = [s.subgroup.strip() for s in studies]
        sub = None
        if all(groups) and len(set(groups)) >= 2:
            sub = engine.subgroups(effects, groups, method, hk)
        mods = [s.moderator for s in studies]
        reg = None
        if effects.k >= 3 and all(m is not None for m in mods) and len(set(mods)) > 1:
            reg = engine.meta_regression(effects, mods, "moderator", method, hk)
    except engine.EvidenceInputError as exc:
        raise domain_error(exc) from exc
    pooled = PooledEffect(meta.estimate, meta.ci_low, meta.ci_high, higher_is_better)
    return Analysis(
        studies=studies,
        effects=effects,
        meta=meta,
        higher_is_better=higher_is_better,
        leave_one_out=loo,
        egger=egger,
        subgroups=sub,
        regression=reg,
        rating=rating_for(studies, pooled),
    )


def _finite(value: object) -> object:
    return None if isinstance(value, float) and not math.isfinite(value) else value


def result_json(analysis: Analysis) -> dict:
    """What a saved meta-analysis stores: the summary numbers and each study's effect and weight.

    NaN (e.g. no Q-test p-value) is stored as null, so the JSON is valid on PostgreSQL too.
    """
    data = {k: _finite(v) for k, v in analysis.meta.as_dict().items()}
    data["studies"] = [
        {"label": lab, "yi": float(y), "vi": float(v), "weight": w, "adjusted": adj}
        for lab, y, v, w, adj in zip(
            analysis.effects.labels,
            analysis.effects.yi,
            analysis.effects.vi,
            analysis.meta.weights,
            analysis.effects.adjusted or (False,) * analysis.effects.k,
            strict=True,
        )
    ]
    if analysis.egger is not None:
        data["egger"] = {"stat": analysis.egger.stat, "pval": analysis.egger.pval}
    return data
