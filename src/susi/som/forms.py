"""The calculator form: a plain-HTML, step-by-step form whose fields are named by the case schema's paths
(`susi.engines.som.SomCase`; the convention is under *the calculator* below and in docs/developers/som.md).
`state_from_defaults` fills it from the knowledge database, `state_from_case` from a saved case,
`state_from_post` reads it back, and `read` turns it into the case file and validates that with the schema —
the one validation a case has, shared with the command line and the API — placing each problem on its field.

Field names: `name`, `horizon`, `discount_rate` (in %), `discount_schedule`, `duration_years`, `intake-<i>`,
`costs-<i>-<name|kind|payer|saved>`, `costs-<i>-amount-<dist|value|sd|low|high>`,
`outcomes-<i>-<name|include|effect_delay_years|phase_in_years>`, `outcomes-<i>-success_rate-…` (in %),
`outcomes-<i>-relapse-…` (in %), `outcomes-<i>-consequences-<j>-<service|change|se>`,
`prices-<i>-<service|name|unit|municipality|region|state|area|committee>`; not in the case: `draws`, `seed`.
The quick estimate's own inputs (not a case: `quick_case` builds one) are read by `_number`/`_quantity`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from susi.engines import som as engine
from susi.engines.som.distributions import mean_of
from susi.web.i18n import localized

from .selectors import Defaults

DIST_CHOICES = [
    ("fixed", gettext_lazy("Fast værdi")),
    ("normal", gettext_lazy("Normalfordeling (middel, sd)")),
    ("lognormal", gettext_lazy("Log-normal (middel, sd)")),
    ("triangular", gettext_lazy("Trekant (min, typisk, maks)")),
    ("pert", gettext_lazy("PERT (min, typisk, maks)")),
    ("uniform", gettext_lazy("Ligefordeling (min, maks)")),
    ("interval90", gettext_lazy("90 % sikker: mellem min og maks")),
    ("interval90log", gettext_lazy("90 % sikker: mellem min og maks, kan ikke blive negativ (log-normal)")),
]
COST_KIND_CHOICES = [
    ("per_citizen", gettext_lazy("Pr. borger (fordelt over forløbet)")),
    ("per_year", gettext_lazy("Pr. år (i driftsårene)")),
    ("once", gettext_lazy("Engangsudgift (opstart)")),
]
INTAKE_YEARS = 5
BLANK_COST_ROWS = 2
BLANK_CONSEQUENCE_ROWS = 1


def q_state(
    value: float | str | None = "", dist: str = "fixed", sd: Any = "", low: Any = "", high: Any = ""
) -> dict:
    def fmt(x: Any) -> str:
        if x is None or x == "":
            return ""
        return f"{float(x):.10g}" if isinstance(x, int | float) else str(x)

    return {"dist": dist, "value": fmt(value), "sd": fmt(sd), "low": fmt(low), "high": fmt(high)}


def _pct(x: float | None) -> float | str:
    return "" if x is None else round(x * 100, 6)


def state_from_defaults(
    defaults: Defaults,
    *,
    name: str = "",
    horizon: int = engine.DEFAULT_HORIZON,
    prefill: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The form's initial state. `prefill` may carry a success rate from a meta-analysis
    (success_rate_mean / success_rate_sd as fractions, success_rate_source)."""
    tg = defaults.target_group
    citizens = defaults.citizens_per_year if defaults.citizens_per_year is not None else 20
    state: dict[str, Any] = {
        "name": name or (f"SØM: {tg.name}" if tg else "SØM-beregning"),
        "horizon": str(horizon),
        "discount_rate": f"{engine.DEFAULT_DISCOUNT_RATE * 100:g}",
        "discount_schedule": "declining",
        "duration_years": "1",
        "draws": str(engine.DEFAULT_DRAWS),
        "seed": str(engine.DEFAULT_SEED),
        "area": tg.area if tg else "adult_social",
        "committee": tg.committee if tg else "social",
        "intake": [str(citizens)] + [""] * (INTAKE_YEARS - 1),
        "costs": [
            {
                "name": "Opstart og kompetenceudvikling",
                "kind": "once",
                "payer": "municipality",
                "amount": q_state(""),
            },
            {
                "name": "Indsatsen pr. borger",
                "kind": "per_citizen",
                "payer": "municipality",
                "amount": q_state(""),
            },
        ],
        "outcomes": [],
        "prices": [],
    }
    for od in defaults.outcomes:
        if od.success_rate is not None and od.success_rate_se:
            rate = q_state(_pct(od.success_rate), "normal", sd=_pct(od.success_rate_se))
        else:
            rate = q_state(_pct(od.success_rate))
        state["outcomes"].append(
            {
                "name": od.outcome.name,
                "include": True,
                "success_rate": rate,
                "relapse": q_state(0),
                "effect_delay_years": "",
                "phase_in_years": "0",
                "consequences": [
                    {
                        "service": c["service"],
                        "change": c["change"],
                        "se": "" if c["se"] is None else f"{c['se']:g}",
                    }
                    for c in od.consequences
                ],
                "source": ", ".join(sorted({s.title for s in od.studies})),
            }
        )
    if not state["outcomes"]:
        state["outcomes"].append(
            {
                "name": "Succes",
                "include": True,
                "success_rate": q_state(""),
                "relapse": q_state(0),
                "effect_delay_years": "",
                "phase_in_years": "0",
                "consequences": [],
                "source": "",
            }
        )
    if prefill and prefill.get("success_rate_mean") not in (None, ""):
        try:
            mean = float(prefill["success_rate_mean"])
            sd = float(prefill.get("success_rate_sd") or 0)
        except (TypeError, ValueError):
            pass
        else:
            first = state["outcomes"][0]
            first["success_rate"] = q_state(
                _pct(mean), "normal" if sd > 0 else "fixed", sd=_pct(sd) if sd > 0 else ""
            )
            first["source"] = str(prefill.get("success_rate_source") or "")[:300]
            first["prefilled"] = True
    for outcome in state["outcomes"]:
        for _row in range(BLANK_CONSEQUENCE_ROWS):
            outcome["consequences"].append({"service": "", "change": "", "se": ""})
    for price in sorted(defaults.prices.values(), key=lambda p: p.name):
        state["prices"].append(
            {
                "service": price.service,
                "name": price.name,
                "unit": price.unit,
                "municipality": f"{price.municipality:g}",
                "region": f"{price.region:g}",
                "state": f"{price.state:g}",
                "area": price.area,
                "committee": price.committee,
                "own": price.organisation_id is not None,
                "illustrative": price.is_illustrative,
            }
        )
    return state


def _q_from_case(raw: Any, scale: float = 1.0) -> dict:
    """A case-file number or distribution as the form's quantity state (`scale` 100 for percentages)."""
    if not isinstance(raw, dict):
        return q_state(float(raw) * scale if raw is not None else "")
    dist = raw.get("dist")
    if dist in ("normal", "lognormal"):
        return q_state(raw["mean"] * scale, dist, sd=raw["sd"] * scale)
    if dist in ("triangular", "pert"):
        return q_state(raw["mode"] * scale, dist, low=raw["min"] * scale, high=raw["max"] * scale)
    if dist == "uniform":
        return q_state("", "uniform", low=raw["min"] * scale, high=raw["max"] * scale)
    kind = "interval90log" if raw.get("shape") == "lognormal" else "interval90"
    return q_state("", kind, low=raw["low"] * scale, high=raw["high"] * scale)


def _mean(raw: Any) -> float:
    problems: list[engine.FieldProblem] = []
    value = engine.parse_quantity(raw, "", problems)
    return 0.0 if value is None else float(mean_of(value))


def state_from_case(case: dict[str, Any], draws: int, seed: int) -> tuple[dict[str, Any], list[str]]:
    """The form state of a saved case (to edit it), and the parts of the case the form cannot show (they
    are named on the page, and left out when the edited form is saved)."""
    lost: list[str] = []
    for key, what in (
        ("correlations", _("korrelationer mellem input")),
        ("price_index", _("prisindeks")),
        ("optimism_bias_costs", _("optimismetillæg")),
        ("optimism_bias_gains", _("optimismefradrag")),
    ):
        if case.get(key):
            lost.append(str(what))
    intake = []
    for n in case.get("intake", []):
        if isinstance(n, dict):
            lost.append(str(_("usikkert antal borgere (middelværdien bruges)")))
        intake.append(f"{_mean(n):g}")
    state: dict[str, Any] = {
        "name": case.get("name", ""),
        "horizon": str(case.get("horizon", engine.DEFAULT_HORIZON)),
        "discount_rate": f"{case.get('discount_rate', engine.DEFAULT_DISCOUNT_RATE) * 100:g}",
        "discount_schedule": case.get("discount_schedule", "declining"),
        "duration_years": str(case.get("duration_years", 1)),
        "draws": str(draws),
        "seed": str(seed),
        "area": case.get("area", "adult_social"),
        "committee": case.get("committee") or "social",
        "intake": intake + [""] * max(0, INTAKE_YEARS - len(intake)),
        "costs": [],
        "outcomes": [],
        "prices": [],
    }
    for c in case.get("costs", []):
        if (
            c.get("years")
            or c.get("area")
            or c.get("committee")
            or c.get("kind") == "once"
            and c.get("year", 1) != 1
        ):
            lost.append(str(_("omkostningens år, hovedområde eller udvalg")))
        state["costs"].append(
            {
                "name": c.get("name", ""),
                "kind": c.get("kind", "per_citizen"),
                "payer": c.get("payer", "municipality"),
                "amount": _q_from_case(c.get("amount")),
                "saved": bool(c.get("saved")),
            }
        )
    for o in case.get("outcomes", []):
        if o.get("scale", 1.0) != 1.0 or o.get("deadweight"):
            lost.append(str(_("skalering eller dødvægt på et succesmål")))
        consequences = []
        for c in o.get("consequences", []):
            change, se = c.get("change"), ""
            if c.get("profile") is not None:
                ref = change["mean"] if isinstance(change, dict) else float(change)
                se = f"{change['sd']:g}" if isinstance(change, dict) and change.get("sd") else ""
                values = [ref * f for f in c["profile"]]
            elif isinstance(change, list):
                values = [_mean(v) for v in change]
                sds = [v["sd"] for v in change if isinstance(v, dict) and v.get("dist") == "normal"]
                se = f"{max(sds):g}" if sds else ""
            else:
                values = [_mean(change)]
                se = (
                    f"{change['sd']:g}" if isinstance(change, dict) and change.get("dist") == "normal" else ""
                )
            if c.get("years"):
                lost.append(str(_("en konsekvens, der kun varer nogle år")))
            consequences.append(
                {"service": c.get("service", ""), "change": "; ".join(f"{v:g}" for v in values), "se": se}
            )
        consequences += [{"service": "", "change": "", "se": ""} for _row in range(BLANK_CONSEQUENCE_ROWS)]
        state["outcomes"].append(
            {
                "name": o.get("name", ""),
                "include": True,
                "success_rate": _q_from_case(o.get("success_rate"), 100),
                "relapse": _q_from_case(o.get("relapse", 0.0), 100),
                "effect_delay_years": ""
                if o.get("effect_delay_years") is None
                else str(o["effect_delay_years"]),
                "phase_in_years": f"{_mean(o.get('phase_in_years', 0.0)):g}",
                "consequences": consequences,
                "source": "",
            }
        )
    for service, p in case.get("prices", {}).items():
        if any(isinstance(p.get(a), dict) for a in ("municipality", "region", "state")) or p.get(
            "price_year"
        ):
            lost.append(str(_("usikre priser eller prisår (middelværdien bruges)")))
        state["prices"].append(
            {
                "service": service,
                "name": p.get("name", ""),
                "unit": p.get("unit", ""),
                **{a: f"{_mean(p.get(a, 0.0)):g}" for a in ("municipality", "region", "state")},
                "area": p.get("area", "adult_social"),
                "committee": p.get("committee") or "",
                "own": False,
                "illustrative": False,
            }
        )
    return state, list(dict.fromkeys(lost))


def add_row(state: dict[str, Any], what: str) -> bool:
    """One more intake year or cost line in the form (the "Tilføj" buttons); False for anything else.
    The form has as many rows as the user adds: the counts travel in hidden fields."""
    if what == "intake" and len(state["intake"]) < engine.MAX_HORIZON:
        state["intake"].append("")
        return True
    if what == "cost" and len(state["costs"]) < 200:
        state["costs"].append(
            {"name": "", "kind": "per_citizen", "payer": "municipality", "amount": q_state("")}
        )
        return True
    return False


def _q_from_post(post: Any, prefix: str) -> dict[str, str]:
    return {k: post.get(f"{prefix}-{k}", "").strip() for k in ("dist", "value", "sd", "low", "high")}


def _count(post: Any, key: str, limit: int = 200) -> int:
    try:
        return max(0, min(limit, int(post.get(key, "0"))))
    except ValueError:
        return 0


def state_from_post(post: Any) -> dict[str, Any]:
    """Read the submitted form back into the same state structure the template renders."""
    state: dict[str, Any] = {
        key: post.get(key, "").strip()
        for key in (
            "name",
            "horizon",
            "discount_rate",
            "discount_schedule",
            "duration_years",
            "draws",
            "seed",
            "area",
            "committee",
        )
    }
    n_intake = _count(post, "intake-count", engine.MAX_HORIZON) if "intake-count" in post else INTAKE_YEARS
    state["intake"] = [post.get(f"intake-{i}", "").strip() for i in range(n_intake)]
    state["costs"] = [
        {
            "name": post.get(f"costs-{i}-name", "").strip(),
            "kind": post.get(f"costs-{i}-kind", "per_citizen"),
            "payer": post.get(f"costs-{i}-payer", "municipality"),
            "amount": _q_from_post(post, f"costs-{i}-amount"),
            "saved": bool(post.get(f"costs-{i}-saved")),
        }
        for i in range(_count(post, "costs-count"))
    ]
    state["outcomes"] = []
    for i in range(_count(post, "outcomes-count")):
        p = f"outcomes-{i}"
        state["outcomes"].append(
            {
                "name": post.get(f"{p}-name", "").strip(),
                "include": post.get(f"{p}-include") == "on",
                "success_rate": _q_from_post(post, f"{p}-success_rate"),
                "relapse": _q_from_post(post, f"{p}-relapse"),
                "effect_delay_years": post.get(f"{p}-effect_delay_years", "").strip(),
                "phase_in_years": post.get(f"{p}-phase_in_years", "").strip(),
                "source": post.get(f"{p}-source", "").strip(),
                "consequences": [
                    {
                        k: post.get(f"{p}-consequences-{j}-{k}", "").strip()
                        for k in ("service", "change", "se")
                    }
                    for j in range(_count(post, f"{p}-consequences-count"))
                ],
            }
        )
    state["prices"] = [
        {
            k: post.get(f"prices-{i}-{k}", "").strip()
            for k in ("service", "name", "unit", "municipality", "region", "state", "area", "committee")
        }
        for i in range(_count(post, "prices-count"))
    ]
    return state


class FormProblems:
    """Problems keyed by form field name, each a Danish sentence."""

    def __init__(self) -> None:
        self.by_field: dict[str, str] = {}
        self.items: list[tuple[str, str, str]] = []  # (field name, label, message)

    def add(self, field: str, label: str, message: str) -> None:
        self.by_field.setdefault(field, message)
        self.items.append((field, label, message))

    def __bool__(self) -> bool:
        return bool(self.items)


def _number(raw: str, field: str, label: str, problems: FormProblems, scale: float = 1.0) -> float | None:
    if raw == "":
        return None
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        problems.add(field, label, _("skal være et tal (ikke »%(raw)s«)") % {"raw": raw})
        return None
    if not math.isfinite(value):
        problems.add(field, label, _("skal være et endeligt tal"))
        return None
    return value * scale


def _quantity(
    q: dict[str, str],
    prefix: str,
    label: str,
    problems: FormProblems,
    scale: float = 1.0,
    required: bool = True,
) -> Any:
    dist = q.get("dist") or "fixed"
    value = _number(q.get("value", ""), f"{prefix}-value", label, problems, scale)
    sd = _number(q.get("sd", ""), f"{prefix}-sd", label, problems, scale)
    low = _number(q.get("low", ""), f"{prefix}-low", label, problems, scale)
    high = _number(q.get("high", ""), f"{prefix}-high", label, problems, scale)
    needs = {
        "fixed": {"value": value},
        "normal": {"value": value, "sd": sd},
        "lognormal": {"value": value, "sd": sd},
        "triangular": {"low": low, "value": value, "high": high},
        "pert": {"low": low, "value": value, "high": high},
        "uniform": {"low": low, "high": high},
        "interval90": {"low": low, "high": high},
        "interval90log": {"low": low, "high": high},
    }
    if dist not in needs:
        problems.add(f"{prefix}-dist", label, _("ukendt fordeling"))
        return None
    names = {"value": _("værdi"), "sd": _("standardafvigelse"), "low": _("minimum"), "high": _("maksimum")}
    missing = [k for k, v in needs[dist].items() if v is None]
    if missing:
        if dist == "fixed" and not required:
            return None
        for k in missing:
            if f"{prefix}-{k}" not in problems.by_field:
                problems.add(f"{prefix}-{k}", label, _("%(what)s mangler") % {"what": names[k]})
        return None
    if dist == "fixed":
        return value
    if dist in ("normal", "lognormal"):
        return {"dist": dist, "mean": value, "sd": sd}
    if dist in ("triangular", "pert"):
        return {"dist": dist, "min": low, "mode": value, "max": high}
    if dist == "uniform":
        return {"dist": dist, "min": low, "max": high}
    if dist == "interval90log":
        return {"dist": "interval90", "low": low, "high": high, "shape": "lognormal"}
    return {"dist": dist, "low": low, "high": high}


def _int(raw: str, field: str, label: str, problems: FormProblems, default: int | None) -> int | None:
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        problems.add(field, label, _("skal være et helt tal (ikke »%(raw)s«)") % {"raw": raw})
        return default


def _consequence(service: str, values: list[Any], se: Any) -> dict[str, Any]:
    """A consequence's case-file entry. With a standard error, a yearly profile is drawn as one: the change
    in the year of the largest change is normal(that change, se) and the other years follow it in
    proportion (`profile`), so a year's draw never contradicts the next one's; docs/developers/som.md.
    A value that is not a number is passed on as typed, for the schema to refuse."""
    numbers = all(isinstance(v, float) for v in values)
    if len(values) == 1:
        change = {"dist": "normal", "mean": values[0], "sd": se} if se else values[0]
        return {"service": service, "change": change}
    if not se or not numbers:
        return {"service": service, "change": values}
    ref = max(range(len(values)), key=lambda k: abs(values[k]))
    if values[ref] == 0:
        return {"service": service, "change": values}
    return {
        "service": service,
        "change": {"dist": "normal", "mean": values[ref], "sd": se},
        "profile": [v / values[ref] for v in values],
    }


# --- the calculator: one case through the schema ----------------------------------------------------------
#
# A form field is named by its case path (`outcomes[0].success_rate` → `outcomes-0-success_rate`): a list
# index or an object key becomes one more `-` part. A number that may be uncertain has the inputs
# `-dist`, `-value` (fixed value, mean or mode), `-sd`, `-low` (min) and `-high` (max); percentages
# (success rate, relapse, discount rate) are typed in %. The form's rows are numbered as on the page: a row
# left out of the case (an empty cost line, an outcome not included, a blank consequence) keeps its number,
# and `CalculatorForm.rows` maps each case path back to its row. The prices object is keyed by service; the
# form lists it as rows `prices-<i>-…` with the key in `prices-<i>-service`.

# the form input of a distribution's parameter
PARAMETER_INPUT = {"mean": "value", "mode": "value", "sd": "sd", "min": "low", "low": "low", "max": "high",
                   "high": "high", "dist": "dist", "shape": "dist"}  # fmt: skip
# each distribution's parameters, and the form input each is typed in
DIST_INPUTS: dict[str, tuple[tuple[str, str], ...]] = {
    "normal": (("mean", "value"), ("sd", "sd")),
    "lognormal": (("mean", "value"), ("sd", "sd")),
    "triangular": (("min", "low"), ("mode", "value"), ("max", "high")),
    "pert": (("min", "low"), ("mode", "value"), ("max", "high")),
    "uniform": (("min", "low"), ("max", "high")),
    "interval90": (("low", "low"), ("high", "high")),
    "interval90log": (("low", "low"), ("high", "high")),
}
QUANTITY_INPUTS = ("amount", "success_rate", "relapse")  # case fields the form shows as a `_quantity.html`


def _typed(raw: Any, scale: float = 1.0) -> Any:
    """The number typed in a field (decimal comma or point; × `scale`, 0.01 for %), None when empty. Text
    that is not a number is passed on as typed: the schema refuses it with its own message."""
    text = str(raw or "").strip()
    if text == "":
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return text
    return value * scale if math.isfinite(value) else value


def _quantity_json(q: dict[str, str], scale: float = 1.0) -> Any:
    """The case-file number of a quantity's inputs; a fixed value left empty is None (not given)."""
    dist = q.get("dist") or "fixed"
    if dist == "fixed":
        return _typed(q.get("value"), scale)
    if dist not in DIST_INPUTS:
        return {"dist": dist}
    out: dict[str, Any] = {"dist": "interval90" if dist == "interval90log" else dist}
    if dist == "interval90log":
        out["shape"] = "lognormal"
    for key, part in DIST_INPUTS[dist]:
        value = _typed(q.get(part), scale)
        if value is not None:
            out[key] = value
    return out


def _given(entry: dict[str, Any], **values: Any) -> dict[str, Any]:
    """`entry` with the values that were filled in (an empty field takes the schema's default)."""
    entry.update({k: v for k, v in values.items() if v is not None})
    return entry


@dataclass
class CalculatorForm:
    """The calculator's case read through the schema once: the validated case (None when a problem was
    found), the Monte Carlo settings, and the problems placed on the form fields they concern."""

    case: engine.SomCase | None
    draws: int
    seed: int
    problems: FormProblems
    rows: dict[str, str] = field(default_factory=dict)  # case path of a row → its form prefix
    labels: dict[str, str] = field(default_factory=dict)  # form prefix → what the user sees

    def place(self, error: engine.SomInputError) -> None:
        """Put each problem next to the form field of its case path."""
        for problem in error.problems:
            name = form_field(problem.field, self.rows)
            self.problems.add(
                name or problem.field, self.label(name, problem.field), localized(problem.message)
            )

    def label(self, name: str, path: str) -> str:
        for prefix in sorted(self.labels, key=len, reverse=True):
            if name == prefix or name.startswith(prefix + "-"):
                return self.labels[prefix]
        return str(FIELD_LABELS.get(re.split(r"[.\[]", path)[0], path))


def form_field(path: str, rows: dict[str, str]) -> str:
    """The form field of a case path: `outcomes[1].success_rate.sd` → `outcomes-2-success_rate-sd` when the
    case's second outcome is the form's third row."""
    base, rest = "", path
    for prefix in sorted(rows, key=len, reverse=True):
        if path == prefix or path.startswith((prefix + ".", prefix + "[")):
            base, rest = rows[prefix], path[len(prefix) :]
            break
    parts = [p for p in re.split(r"[.\[\]]+", rest) if p]
    if not base and parts[:1] in (["intake"], ["outcomes"]) and len(parts) == 1:
        return {"intake": "intake-0", "outcomes": "outcomes-0-include"}[parts[0]]
    if parts[:1] == ["consequences"] and len(parts) == 1:
        return f"{base}-consequences-0-service"
    if parts[:1] in (["change"], ["profile"]):  # one input holds every year's change; its sd is the se input
        parts = ["se"] if parts[-1] == "sd" else ["change"]
    elif parts[:1] and parts[0] in QUANTITY_INPUTS:
        parts = [parts[0], PARAMETER_INPUT.get(parts[1], "value") if len(parts) > 1 else "value"]
    if path == "(file)":
        return ""
    return "-".join([base, *parts] if base else parts)


def read(state: dict[str, Any], target_group_code: str = "") -> CalculatorForm:
    """The form's case, validated by the case schema (`engine.read_case`) and nothing else."""
    problems = FormProblems()
    draws = _int(state.get("draws", ""), "draws", _("Antal træk"), problems, engine.DEFAULT_DRAWS)
    seed = _int(state.get("seed", ""), "seed", _("Seed"), problems, engine.DEFAULT_SEED)
    data, rows, labels = case_from_state(state, target_group_code)
    form = CalculatorForm(None, draws or 0, seed or 0, problems, rows, labels)
    try:
        form.case = engine.read_case(data)
    except engine.SomInputError as exc:
        form.place(exc)
    return form


def case_from_state(
    state: dict[str, Any], target_group_code: str = ""
) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """The case file a form state describes (not validated: `read` gives it to the schema), with the form row
    of each case row and each row's label."""
    rows: dict[str, str] = {}
    labels: dict[str, str] = {}
    case = _given(
        {"name": state.get("name") or "SØM-beregning", "target_group": target_group_code},
        horizon=_typed(state.get("horizon")),
        discount_rate=_typed(state.get("discount_rate"), 0.01),
        discount_schedule=state.get("discount_schedule") or None,
        duration_years=_typed(state.get("duration_years")),
        area=state.get("area") or "adult_social",
        committee=state.get("committee") or "social",
    )
    intake = list(state.get("intake", []))
    while intake and not str(intake[-1]).strip():
        intake.pop()
    case["intake"] = [0.0 if (n := _typed(raw)) is None else n for raw in intake]
    for i in range(len(intake)):
        labels[f"intake-{i}"] = _("Borgere år %(year)d") % {"year": i + 1}
    labels["intake-0"] = _("Borgere år %(year)d") % {"year": 1}
    case["costs"] = []
    for i, row in enumerate(state.get("costs", [])):
        amount = _quantity_json(row["amount"])
        if amount is None:
            continue  # an empty cost line
        rows[f"costs[{len(case['costs'])}]"] = f"costs-{i}"
        labels[f"costs-{i}"] = _("Omkostning »%(name)s«") % {"name": row.get("name") or i + 1}
        entry = {"name": row.get("name") or f"Omkostning {i + 1}", "kind": row.get("kind"),
                 "payer": row.get("payer"), "amount": amount}  # fmt: skip
        case["costs"].append(_given(entry, saved=True if row.get("saved") else None))
    case["outcomes"] = []
    for i, row in enumerate(state.get("outcomes", [])):
        if row.get("include"):
            case["outcomes"].append(_outcome(row, i, f"outcomes[{len(case['outcomes'])}]", rows, labels))
    case["prices"] = {}
    for i, row in enumerate(state.get("prices", [])):
        service = row.get("service")
        if not service:
            continue
        rows[f"prices[{service}]"] = f"prices-{i}"
        labels[f"prices-{i}"] = _("Pris »%(name)s«") % {"name": row.get("name") or service}
        entry = {"name": row.get("name", ""), "unit": row.get("unit", ""), "area": row.get("area") or "adult_social",
                 "committee": row.get("committee") or None}  # fmt: skip
        for authority in engine.AUTHORITY_CODES:
            value = _typed(row.get(authority))
            entry[authority] = 0.0 if value is None else value
        case["prices"][service] = entry
    return case, rows, labels


def _outcome(
    row: dict[str, Any], i: int, path: str, rows: dict[str, str], labels: dict[str, str]
) -> dict[str, Any]:
    """Form row `i`, an included outcome, as the case-file outcome at `path` (`outcomes[k]`)."""
    p = f"outcomes-{i}"
    label = _("Succesmål »%(name)s«") % {"name": row.get("name") or i + 1}
    words = {
        "success_rate": _("succesrate"),
        "relapse": _("tilbagefald"),
        "phase_in_years": _("indfasning"),
        "effect_delay_years": _("forsinkelse"),
        "consequences": _("konsekvenser"),
    }
    labels[p] = label
    for key, word in words.items():
        labels[f"{p}-{key}"] = f"{label}: {word}"
    rows[path] = p
    consequences = []
    for j, c in enumerate(row.get("consequences", [])):
        if not c.get("service") and not c.get("change"):
            continue  # a blank row
        rows[f"{path}.consequences[{len(consequences)}]"] = f"{p}-consequences-{j}"
        labels[f"{p}-consequences-{j}"] = _("%(label)s: konsekvens »%(service)s«") % {
            "label": label, "service": c.get("service")
        }  # fmt: skip
        values = [_typed(x) for x in re.split(r"[;\s]+", c.get("change", "")) if x.strip()]
        entry = _consequence(c.get("service", ""), values, _typed(c.get("se"))) if values else {
            "service": c.get("service", "")
        }  # fmt: skip
        consequences.append(entry)
    return _given(
        {"name": row.get("name") or f"Succesmål {i + 1}", "consequences": consequences},
        success_rate=_quantity_json(row["success_rate"], 0.01),
        relapse=_quantity_json(row["relapse"], 0.01),
        phase_in_years=_typed(row.get("phase_in_years")),
        effect_delay_years=_typed(row.get("effect_delay_years")),
    )


def engine_message(problem: engine.FieldProblem) -> str:
    """The engine's message in the page's language (the engine carries Danish and English)."""
    return localized(problem.message)


FIELD_LABELS = {
    "horizon": gettext_lazy("Horisont"),
    "discount_rate": gettext_lazy("Diskonteringsrente"),
    "discount_schedule": gettext_lazy("Renteprofil"),
    "duration_years": gettext_lazy("Varighed"),
    "intake": gettext_lazy("Borgere"),
    "costs": gettext_lazy("Omkostninger"),
    "outcomes": gettext_lazy("Succesmål"),
    "prices": gettext_lazy("Priser"),
    "area": gettext_lazy("Hovedområde"),
    "committee": gettext_lazy("Udvalg"),
    "draws": gettext_lazy("Antal træk"),
    "seed": gettext_lazy("Seed"),
    "(file)": gettext_lazy("Fil"),
}
