"""The analyses beyond the pooled effect, on request, in one JSON-friendly shape for the CLI and the API:
meta-regression on one or more moderators, subgroups with the test of subgroup differences,
leave-one-out and Egger's test. Each is the engine's own function (``meta.py``); this module only reads
the moderator and group columns the caller names and turns the results into plain dicts."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict

from susi.engines.text import Text

from .effect_sizes import EffectSizes
from .errors import EvidenceInputError
from .meta import Method, egger_test, leave_one_out, meta_regression_multi, subgroups


def _column(columns: Mapping[str, Sequence[object]], name: str, k: int) -> Sequence[object]:
    if name not in columns:
        raise EvidenceInputError(
            name,
            Text(
                f"Der er ingen kolonne '{name}' i studierne.", f"There is no column '{name}' in the studies."
            ),
        )
    values = columns[name]
    if len(values) != k:
        raise EvidenceInputError(
            name,
            Text(
                f"Kolonnen '{name}' skal have ét tal pr. studie.",
                f"Column '{name}' needs one value per study.",
            ),
        )
    return values


def _number(value: object, name: str, row: int) -> float:
    text = str(value).strip().replace("\u2212", "-").replace(",", ".") if value is not None else ""
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise EvidenceInputError(
            name,
            Text(
                f"Moderatoren '{name}' skal have et tal for hvert studie (studie nr. {row}).",
                f"The moderator '{name}' needs a number for every study (study {row}).",
            ),
            row=row,
        )
    return number


def _finite(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def further_analyses(
    effects: EffectSizes,
    columns: Mapping[str, Sequence[object]],
    *,
    moderators: Sequence[str] = (),
    subgroup: str | None = None,
    leave_out: bool = False,
    egger: bool = False,
    method: Method | str = Method.REML,
    hk: bool = False,
) -> dict[str, object]:
    """The requested analyses as plain dicts (NaN/inf as None), keyed ``meta_regression``, ``subgroups``,
    ``leave_one_out`` and ``egger``; nothing that was not asked for."""
    out: dict[str, object] = {}
    k = effects.k
    if moderators:
        values = {
            name: [_number(v, name, i + 1) for i, v in enumerate(_column(columns, name, k))]
            for name in moderators
        }
        out["meta_regression"] = meta_regression_multi(effects, values, method, hk).as_dict()
    if subgroup:
        groups = [str(v).strip() if v is not None else "" for v in _column(columns, subgroup, k)]
        if any(g == "" for g in groups):
            row = groups.index("") + 1
            raise EvidenceInputError(
                subgroup,
                Text(
                    f"Hvert studie skal have en gruppe i kolonnen '{subgroup}' (studie nr. {row}).",
                    f"Every study needs a group in column '{subgroup}' (study {row}).",
                ),
                row=row,
            )
        result = subgroups(effects, groups, method, hk)
        out["subgroups"] = {
            "groups": [asdict(g) for g in result.groups],
            "qm": result.qm,
            "qm_df": result.qm_df,
            "qm_p": result.qm_p,
        }
    if leave_out:
        out["leave_one_out"] = [asdict(row) for row in leave_one_out(effects, method, hk)]
    if egger:
        test = egger_test(effects, method, hk)
        out["egger"] = {**asdict(test), "limit_ci": list(test.limit_ci)}
    return {key: _finite(value) for key, value in out.items()}
