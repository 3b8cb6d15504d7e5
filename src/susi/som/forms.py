"""The calculator form: a plain-HTML, step-by-step form whose fields map one-to-one onto the engine's case
file. `state_from_defaults` fills it from the knowledge database, `state_from_post` reads it back, and
`case_from_state` turns it into a case-file dict, collecting problems with the form field they belong to.

Field names: `intake-<i>`, `costs-<i>-<name|kind|payer>`, `costs-<i>-amount-<dist|value|sd|low|high>`,
`outcomes-<i>-<name|include|effect_delay_years|phase_in_years>`, `outcomes-<i>-success_rate-…` (in %),
`outcomes-<i>-relapse-…` (in %), `outcomes-<i>-cons-<j>-<service|change|se>`, `prices-<i>-<field>`.
"""

from __future__ import annotations

import math
import re
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
        "discount_rate_pct": f"{engine.DEFAULT_DISCOUNT_RATE * 100:g}",
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
        "discount_rate_pct": f"{case.get('discount_rate', engine.DEFAULT_DISCOUNT_RATE) * 100:g}",
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
            "discount_rate_pct",
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
                    {k: post.get(f"{p}-cons-{j}-{k}", "").strip() for k in ("service", "change", "se")}
                    for j in range(_count(post, f"{p}-cons-count"))
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


def _consequence(service: str, values: list[float], se: float | None) -> dict[str, Any]:
    """A consequence's case-file entry. With a standard error, a yearly profile is drawn as one: the change
    in the year of the largest change is normal(that change, se) and the other years follow it in
    proportion (`profile`), so a year's draw never contradicts the next one's; docs/developers/som.md."""
    if len(values) == 1:
        return {
            "service": service,
            "change": {"dist": "normal", "mean": values[0], "sd": se} if se else values[0],
        }
    if not se:
        return {"service": service, "change": values}
    ref = max(range(len(values)), key=lambda k: abs(values[k]))
    if values[ref] == 0:
        return {"service": service, "change": values}
    return {
        "service": service,
        "change": {"dist": "normal", "mean": values[ref], "sd": se},
        "profile": [v / values[ref] for v in values],
    }


def case_from_state(
    state: dict[str, Any], target_group_code: str = ""
) -> tuple[dict[str, Any], FormProblems, dict[str, str]]:
    """The case-file dict of a form state, the form problems found on the way, and a map from engine field
    paths to form field names (to place the engine's own validation messages next to the right input)."""
    problems = FormProblems()
    paths: dict[str, str] = {}
    labels: dict[str, str] = {}  # form field -> what the user sees
    case: dict[str, Any] = {"name": state.get("name") or "SØM-beregning", "target_group": target_group_code}
    case["horizon"] = _int(
        state.get("horizon", ""), "horizon", _("Horisont"), problems, engine.DEFAULT_HORIZON
    )
    paths["horizon"] = "horizon"
    rate = _number(
        state.get("discount_rate_pct", ""), "discount_rate_pct", _("Diskonteringsrente"), problems, 0.01
    )
    case["discount_rate"] = engine.DEFAULT_DISCOUNT_RATE if rate is None else rate
    case["discount_schedule"] = state.get("discount_schedule") or "declining"
    paths["discount_schedule"] = "discount_schedule"
    paths["discount_rate"] = "discount_rate_pct"
    case["duration_years"] = _int(
        state.get("duration_years", ""), "duration_years", _("Varighed"), problems, 1
    )
    paths["duration_years"] = "duration_years"
    case["area"] = state.get("area") or "adult_social"
    case["committee"] = state.get("committee") or "social"

    intake_raw = list(state.get("intake", []))
    while intake_raw and intake_raw[-1] == "":
        intake_raw.pop()
    intake = []
    for i, raw in enumerate(intake_raw):
        value = _number(raw, f"intake-{i}", _("Borgere år %(year)d") % {"year": i + 1}, problems)
        intake.append(0.0 if value is None else value)
        paths[f"intake[{i}]"] = f"intake-{i}"
        labels[f"intake-{i}"] = _("Borgere år %(year)d") % {"year": i + 1}
    if not intake:
        problems.add("intake-0", _("Borgere år 1"), _("angiv antal borgere, der starter i indsatsen"))
    case["intake"] = intake
    paths["intake"] = "intake-0"

    costs = []
    for i, row in enumerate(state.get("costs", [])):
        label = _("Omkostning »%(name)s«") % {"name": row.get("name") or i + 1}
        amount = _quantity(row["amount"], f"costs-{i}-amount", label, problems, required=False)
        if amount is None:
            continue
        paths[f"costs[{len(costs)}].amount"] = f"costs-{i}-amount-value"
        paths[f"costs[{len(costs)}].payer"] = f"costs-{i}-payer"
        paths[f"costs[{len(costs)}].kind"] = f"costs-{i}-kind"
        labels[f"costs-{i}-amount-value"] = labels[f"costs-{i}-payer"] = labels[f"costs-{i}-kind"] = label
        costs.append(
            {
                "name": row.get("name") or f"Omkostning {i + 1}",
                "kind": row.get("kind"),
                "payer": row.get("payer"),
                "amount": amount,
                **({"saved": True} if row.get("saved") else {}),
            }
        )
    case["costs"] = costs

    outcomes = []
    for i, row in enumerate(state.get("outcomes", [])):
        if not row.get("include"):
            continue
        k = len(outcomes)
        label = _("Succesmål »%(name)s«") % {"name": row.get("name") or i + 1}
        p = f"outcomes-{i}"
        # the labels of this outcome's fields, "Succesmål »X«: succesrate" (gettext outside the f-string, so
        # makemessages finds the words)
        words = {
            "success_rate": _("succesrate"),
            "relapse": _("tilbagefald"),
            "phase_in_years": _("indfasning"),
            "effect_delay_years": _("forsinkelse"),
            "consequences": _("konsekvenser"),
        }
        field_labels = {key: f"{label}: {word}" for key, word in words.items()}
        rate_q = _quantity(
            row["success_rate"], f"{p}-success_rate", field_labels["success_rate"], problems, 0.01
        )
        relapse_q = _quantity(
            row["relapse"], f"{p}-relapse", field_labels["relapse"], problems, 0.01, required=False
        )
        phase = _number(
            row.get("phase_in_years", ""), f"{p}-phase_in_years", field_labels["phase_in_years"], problems
        )
        delay = _int(
            row.get("effect_delay_years", ""),
            f"{p}-effect_delay_years",
            field_labels["effect_delay_years"],
            problems,
            None,
        )
        for suffix, form_suffix in (
            ("success_rate", "success_rate-value"),
            ("relapse", "relapse-value"),
            ("phase_in_years", "phase_in_years"),
            ("effect_delay_years", "effect_delay_years"),
            ("consequences", "cons-0-service"),
        ):
            paths[f"outcomes[{k}].{suffix}"] = f"{p}-{form_suffix}"
            labels[f"{p}-{form_suffix}"] = field_labels[suffix]
        consequences = []
        for j, c in enumerate(row.get("consequences", [])):
            if not c.get("service") and not c.get("change"):
                continue
            clabel = _("%(label)s: konsekvens »%(service)s«") % {"label": label, "service": c.get("service")}
            if not c.get("service"):
                problems.add(f"{p}-cons-{j}-service", clabel, _("vælg en ydelse"))
                continue
            parts = [x.strip() for x in re.split(r"[;\s]+", c.get("change", "")) if x.strip()]
            values = [_number(x, f"{p}-cons-{j}-change", clabel, problems) for x in parts]
            if not parts:
                problems.add(f"{p}-cons-{j}-change", clabel, _("ændringen pr. år mangler"))
                continue
            if any(v is None for v in values):
                continue
            se = _number(c.get("se", ""), f"{p}-cons-{j}-se", clabel, problems)
            if se is not None and se < 0:
                problems.add(f"{p}-cons-{j}-se", clabel, _("standardfejlen må ikke være negativ"))
                se = None

            consequence = _consequence(c["service"], values, se)  # type: ignore[arg-type]
            paths[f"outcomes[{k}].consequences[{len(consequences)}].service"] = f"{p}-cons-{j}-service"
            paths[f"outcomes[{k}].consequences[{len(consequences)}].change"] = f"{p}-cons-{j}-change"
            labels[f"{p}-cons-{j}-service"] = labels[f"{p}-cons-{j}-change"] = clabel
            consequences.append(consequence)
        outcome: dict[str, Any] = {
            "name": row.get("name") or f"Succesmål {i + 1}",
            "success_rate": rate_q if rate_q is not None else 0.0,
            "relapse": relapse_q if relapse_q is not None else 0.0,
            "phase_in_years": phase or 0.0,
            "consequences": consequences,
        }
        if delay is not None:
            outcome["effect_delay_years"] = delay
        outcomes.append(outcome)
    case["outcomes"] = outcomes
    paths["outcomes"] = "outcomes-0-include"

    prices: dict[str, Any] = {}
    for i, row in enumerate(state.get("prices", [])):
        service = row.get("service")
        if not service:
            continue
        label = _("Pris »%(name)s«") % {"name": row.get("name") or service}
        entry: dict[str, Any] = {
            "name": row.get("name", ""),
            "unit": row.get("unit", ""),
            "area": row.get("area") or "adult_social",
        }
        entry["committee"] = row.get("committee") or None
        for authority in ("municipality", "region", "state"):
            value = _number(row.get(authority, ""), f"prices-{i}-{authority}", label, problems)
            entry[authority] = 0.0 if value is None else value
            paths[f"prices[{service}].{authority}"] = f"prices-{i}-{authority}"
            labels[f"prices-{i}-{authority}"] = label
        paths[f"prices[{service}].area"] = f"prices-{i}-area"
        prices[service] = entry
    case["prices"] = prices
    labels.update(
        {
            "horizon": _("Horisont"),
            "discount_rate_pct": _("Diskonteringsrente"),
            "duration_years": _("Varighed"),
        }
    )
    paths["__labels__"] = labels  # type: ignore[assignment]
    return case, problems, paths


def engine_message(problem: engine.FieldProblem) -> str:
    """The engine's message in the page's language (the engine carries Danish and English)."""
    return localized(problem.message)


def engine_problems(exc: engine.SomInputError, paths: dict[str, str], problems: FormProblems) -> None:
    """Place the engine's validation messages on the form fields they concern."""
    for problem in exc.problems:
        field = problem.field
        form_field = paths.get(field)
        if form_field is None:
            base = re.sub(r"\.(mean|sd|min|max|mode|low|high|dist)$", "", field)
            form_field = paths.get(base, "")
            suffix = field[len(base) + 1 :] if base != field else ""
            if form_field and suffix and form_field.endswith("-value"):
                mapped = {
                    "mean": "value",
                    "mode": "value",
                    "sd": "sd",
                    "min": "low",
                    "low": "low",
                    "max": "high",
                    "high": "high",
                }
                form_field = form_field[: -len("value")] + mapped.get(suffix, "value")
        labels: dict[str, str] = paths.get("__labels__", {})  # type: ignore[assignment]
        base_field = re.sub(r"-(sd|low|high)$", "-value", form_field or "")
        label = (
            labels.get(form_field or "")
            or labels.get(base_field)
            or FIELD_LABELS.get(field.split("[")[0].split(".")[0], field)
        )
        problems.add(form_field or field, label, engine_message(problem))


FIELD_LABELS = {
    "horizon": gettext_lazy("Horisont"),
    "discount_rate": gettext_lazy("Diskonteringsrente"),
    "duration_years": gettext_lazy("Varighed"),
    "intake": gettext_lazy("Borgere"),
    "costs": gettext_lazy("Omkostninger"),
    "outcomes": gettext_lazy("Succesmål"),
    "prices": gettext_lazy("Priser"),
    "area": gettext_lazy("Hovedområde"),
    "committee": gettext_lazy("Udvalg"),
    "(file)": gettext_lazy("Fil"),
}
