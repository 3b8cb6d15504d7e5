"""Charts of outcome aggregates (never of single citizens), as accessible inline SVG."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from matplotlib.figure import Figure

from susi.web.charts import PALETTE, svg
from susi.web.formatting import number

from .models import Arm

ARM_LABELS = dict(Arm.choices)


def _occasion_label(period: int) -> str:
    return _("Baseline") if period == 0 else _("Opf. %(n)s") % {"n": period}


def effect_chart(means: list[dict[str, Any]], estimate, instrument_name: str) -> str:
    """Left: mean per arm and occasion with 95 % CI. Right: the effect estimate with its CI."""
    fig = Figure(figsize=(8.0, 3.6), layout="constrained")
    left, right = fig.subplots(1, 2, width_ratios=[3, 1])
    arms = sorted({row["arm"] for row in means}, key=lambda a: list(ARM_LABELS).index(a))
    described = []
    for i, arm in enumerate(arms):
        shown = [r for r in means if r["arm"] == arm and r["mean"] is not None]
        if not shown:
            continue
        xs = [r["period"] + (i - (len(arms) - 1) / 2) * 0.06 for r in shown]
        ys = [r["mean"] for r in shown]
        err = [[r["mean"] - r["ci_low"] for r in shown], [r["ci_high"] - r["mean"] for r in shown]]
        left.errorbar(xs, ys, yerr=err, marker="o", capsize=3, color=PALETTE[i], label=str(ARM_LABELS[arm]))
        described.append(
            f"{ARM_LABELS[arm]}: "
            + ", ".join(f"{_occasion_label(r['period'])} {r['mean']:.1f}".replace(".", ",") for r in shown)
        )
    periods = sorted({r["period"] for r in means})
    left.set_xticks(periods, [_occasion_label(p) for p in periods])
    left.set_ylabel(instrument_name)
    left.set_title(_("Gennemsnit med 95 %-konfidensinterval"), fontsize=10)
    if described:
        left.legend(frameon=False)

    if estimate is not None:
        right.errorbar(
            [0],
            [estimate.estimate],
            yerr=[[estimate.estimate - estimate.ci_low], [estimate.ci_high - estimate.estimate]],
            marker="s",
            capsize=4,
            color=PALETTE[0],
        )
        right.axhline(
            1.0 if estimate.measure in ("OR", "HR") else 0.0, color="#555", linewidth=0.8, linestyle="--"
        )
        right.set_xticks([0], [estimate.measure])
        right.set_xlim(-1, 1)
        right.set_title(_("Effekt"), fontsize=10)
        described.append(
            _("Effekt %(est)s (95 %%-KI %(lo)s til %(hi)s)")
            % {
                "est": f"{estimate.estimate:.2f}".replace(".", ","),
                "lo": f"{estimate.ci_low:.2f}".replace(".", ","),
                "hi": f"{estimate.ci_high:.2f}".replace(".", ","),
            }
        )
    else:
        right.set_axis_off()
    return svg(
        fig,
        title=_("Udfald for %(name)s og effektestimat") % {"name": instrument_name},
        description="; ".join(described),
    )


def monitoring_chart(rows, names: dict[str, str], reference: float | None, instrument_name: str) -> str:
    """Effect per municipality over periods, against the effect found in testing."""
    fig = Figure(figsize=(8.0, 3.6), layout="constrained")
    ax = fig.add_subplot()
    described = []
    municipalities = sorted({r.municipality for r in rows})
    for i, code in enumerate(municipalities):
        shown = [r for r in rows if r.municipality == code and not r.suppressed and r.estimate is not None]
        if not shown:
            continue
        ax.plot(
            [r.period for r in shown],
            [r.estimate for r in shown],
            marker="o",
            color=PALETTE[i % len(PALETTE)],
            label=names.get(code, code),
        )
        described.append(
            f"{names.get(code, code)}: "
            + ", ".join(f"{r.period}: {r.estimate:.1f}".replace(".", ",") for r in shown)
        )
    if reference is not None:
        ax.axhline(reference, color="#222", linestyle="--", linewidth=1, label=_("Effekt i afprøvningen"))
        described.append(_("Effekt i afprøvningen: %(ref)s") % {"ref": f"{reference:.1f}".replace(".", ",")})
    ax.axhline(0, color="#999", linewidth=0.6)
    periods = sorted({r.period for r in rows})
    ax.set_xticks(periods, [str(p) for p in periods])
    if periods:
        ax.set_xlim(periods[0] - 0.5, periods[-1] + 0.5)
    ax.set_xlabel(_("Startår"))
    ax.set_ylabel(_("Ændring fra baseline: %(name)s") % {"name": instrument_name})
    if described:
        ax.legend(frameon=False, fontsize=8, ncol=2)
    return svg(fig, title=_("Fortsat effekt pr. kommune"), description="; ".join(described))


def register_chart(blocks: list[dict[str, Any]]) -> str:
    """Small multiples: per register outcome, the yearly difference (enrolled − comparison) with 95 % CI."""
    columns = 3
    rows_n = max(1, -(-len(blocks) // columns))
    fig = Figure(figsize=(9.0, 2.4 * rows_n), layout="constrained")
    axes = fig.subplots(rows_n, columns, squeeze=False)
    described = []
    for index, ax in enumerate(axes.flat):
        if index >= len(blocks):
            ax.set_axis_off()
            continue
        block = blocks[index]
        shown = [r for r in block["rows"] if r.difference is not None]
        if shown:
            ax.errorbar(
                [r.year for r in shown],
                [r.difference for r in shown],
                yerr=[
                    [r.difference - (r.ci_low if r.ci_low is not None else r.difference) for r in shown],
                    [(r.ci_high if r.ci_high is not None else r.difference) - r.difference for r in shown],
                ],
                marker="o",
                markersize=3,
                capsize=2,
                color=PALETTE[0],
            )
        ax.axhline(0, color="#555", linewidth=0.8, linestyle="--")
        ax.set_title(block["label"], fontsize=9)
        ax.tick_params(labelsize=8)
        described.append(
            f"{block['label']}: "
            + ", ".join(f"{r.year}: {r.difference:.3f}".replace(".", ",") for r in shown)
        )
    fig.supxlabel(_("År efter start"), fontsize=9)
    fig.supylabel(_("Forskel pr. borger"), fontsize=9)
    return svg(fig, title=_("Registeropfølgning: forskel pr. år"), description="; ".join(described))


def survival_chart(curves, estimate, instrument_name: str) -> str:
    """Kaplan–Meier curves: the share who have not yet reached the outcome, per arm, over years."""
    fig = Figure(figsize=(7.0, 3.4), layout="constrained")
    ax = fig.add_subplot()
    described = []
    for i, curve in enumerate(curves):
        if not curve.times:
            continue
        xs, ys = [0.0, *curve.times], [1.0, *curve.survival]
        lows, highs = [1.0, *curve.ci_low], [1.0, *curve.ci_high]
        label = str(ARM_LABELS.get(curve.arm, curve.arm))
        ax.step(xs, ys, where="post", color=PALETTE[i], label=label)
        ax.fill_between(xs, lows, highs, step="post", color=PALETTE[i], alpha=0.15)
        described.append(f"{label}: {curve.n} " + _("borgere") + f", {curve.events} " + _("nåede udfaldet"))
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(_("År fra start"))
    ax.set_ylabel(_("Andel der endnu ikke har nået: %(name)s") % {"name": instrument_name}, fontsize=8)
    ax.legend(frameon=False)
    if estimate is not None:
        described.append(
            _("Hazard ratio %(hr)s (95 %%-KI %(lo)s til %(hi)s)")
            % {
                "hr": f"{estimate.estimate:.2f}".replace(".", ","),
                "lo": f"{estimate.ci_low:.2f}".replace(".", ","),
                "hi": f"{estimate.ci_high:.2f}".replace(".", ","),
            }
        )
    return svg(fig, title=_("Tid til udfald (Kaplan–Meier)"), description="; ".join(described))


def subgroup_chart(groups: list[dict[str, Any]], instrument_name: str) -> str:
    """Forest-style: the effect with its 95 % CI in each subgroup shown with a number, and the line of no
    effect. Groups withheld by the small-cell rule are listed without a point."""
    shown = [g for g in groups if g["estimate"] is not None]
    fig = Figure(figsize=(7.0, max(2.2, 0.55 * len(groups) + 1.2)), layout="constrained")
    ax = fig.add_subplot()
    ys = list(range(len(groups)))[::-1]
    for y, g in zip(ys, groups, strict=True):
        if g["estimate"] is None:
            continue
        ax.errorbar(
            g["estimate"],
            y,
            xerr=[[g["estimate"] - g["ci_low"]], [g["ci_high"] - g["estimate"]]],
            fmt="s",
            color=PALETTE[0],
            capsize=4,
        )
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_yticks(ys, [g["group"] if g["estimate"] is not None else f"{g['group']} (–)" for g in groups])
    ax.set_xlabel(_("Effekt (95 %%-konfidensinterval) på %(instrument)s") % {"instrument": instrument_name})
    desc = "; ".join(
        _("%(group)s: %(estimate)s (%(low)s til %(high)s)")
        % {
            "group": g["group"],
            "estimate": number(g["estimate"]),
            "low": number(g["ci_low"]),
            "high": number(g["ci_high"]),
        }
        for g in shown
    )
    return svg(fig, _("Effekten i hver undergruppe"), desc)
