"""Forest plot, funnel plot and the promising-practice profile, as accessible inline SVG."""

from __future__ import annotations

import numpy as np
from django.utils.translation import gettext as _
from matplotlib.patches import Polygon

from susi.engines.evidence.practice import PracticeProfile
from susi.web.charts import PALETTE, new_figure, svg
from susi.web.i18n import localized

from .analysis import Analysis


def _fmt(value: float, log_scale: bool) -> str:
    return f"{np.exp(value):.2f}" if log_scale else f"{value:.2f}"


def forest_svg(a: Analysis) -> str:
    """Studies with their CIs (squares sized by weight), the pooled diamond and the prediction interval."""
    e, m = a.effects, a.meta
    k = e.k
    z = 1.959963984540054
    lo, hi = e.yi - z * e.sei, e.yi + z * e.sei
    labels = [
        f"{lab}  [{_fmt(y, a.log_scale)}; {_fmt(low, a.log_scale)}–{_fmt(h, a.log_scale)}]"
        for lab, y, low, h in zip(e.labels, e.yi, lo, hi, strict=True)
    ]
    method = m.method.value + (", HK" if m.hk else "")
    pooled = (
        _("Samlet (%(method)s)") % {"method": method}
        + f"  [{_fmt(m.estimate, a.log_scale)}; {_fmt(m.ci_low, a.log_scale)}–{_fmt(m.ci_high, a.log_scale)}]"
    )
    # The study labels sit left of the axes: the figure widens with the longest (~0.08 inch a character at
    # 10 pt), so long study names leave the plot its width instead of squeezing it to nothing.
    longest = max(len(text) for text in [*labels, pooled])
    fig, ax = new_figure(width=max(7.5, 4.0 + 0.08 * longest), height=1.2 + 0.32 * (k + 3))
    ys = np.arange(k, 0, -1) + 1.5
    weights = np.asarray(m.weights)
    sizes = 20 + 180 * weights / weights.max()
    ax.hlines(ys, lo, hi, color=PALETTE[0], linewidth=1.2)
    ax.scatter(e.yi, ys, s=sizes, marker="s", color=PALETTE[0], zorder=3)
    diamond = Polygon(
        [[m.ci_low, 0.5], [m.estimate, 0.8], [m.ci_high, 0.5], [m.estimate, 0.2]],
        closed=True,
        color=PALETTE[1],
        zorder=3,
    )
    ax.add_patch(diamond)
    if m.tau2 > 0:
        ax.hlines(0.5, m.pi_low, m.pi_high, color=PALETTE[1], linewidth=1, linestyle=(0, (3, 2)))
    ax.axvline(0, color="#444444", linewidth=0.8)
    ax.set_yticks(list(ys) + [0.5], labels + [pooled])
    ax.set_ylim(-0.2, k + 2.2)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    if a.log_scale:
        left, right = ax.get_xlim()
        nice = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]
        ticks = [t for t in nice if left <= np.log(t) <= right] or [1]
        ax.set_xticks(np.log(ticks), [f"{t:g}".replace(".", ",") for t in ticks])
        ax.set_xlim(left, right)
        ax.set_xlabel(_("%(measure)s (logaritmisk akse; 1 = ingen effekt)") % {"measure": e.measure.value})
    else:
        ax.set_xlabel(_("%(measure)s (0 = ingen effekt)") % {"measure": e.measure.value})
    values = {
        "k": k,
        "estimate": _fmt(m.estimate, a.log_scale),
        "low": _fmt(m.ci_low, a.log_scale),
        "high": _fmt(m.ci_high, a.log_scale),
        "pi_low": _fmt(m.pi_low, a.log_scale) if m.tau2 > 0 else "",
        "pi_high": _fmt(m.pi_high, a.log_scale) if m.tau2 > 0 else "",
    }
    if m.tau2 > 0:
        desc = (
            _(
                "%(k)s studier. Samlet effekt %(estimate)s med 95 %%-konfidensinterval %(low)s til %(high)s "
                "og prædiktionsinterval %(pi_low)s til %(pi_high)s."
            )
            % values
        )
    else:
        desc = (
            _("%(k)s studier. Samlet effekt %(estimate)s med 95 %%-konfidensinterval %(low)s til %(high)s.")
            % values
        )
    return svg(fig, title="Forest plot", description=desc)


def funnel_svg(a: Analysis) -> str:
    """Effects against their standard errors, with the pseudo-95 % funnel around the pooled estimate."""
    e, m = a.effects, a.meta
    fig, ax = new_figure(width=6, height=4)
    se = e.sei
    top = float(se.max()) * 1.1
    grid = np.linspace(0, top, 50)
    ax.plot(m.estimate - 1.96 * grid, grid, color="#666666", linewidth=0.8, linestyle="--")
    ax.plot(m.estimate + 1.96 * grid, grid, color="#666666", linewidth=0.8, linestyle="--")
    ax.axvline(m.estimate, color=PALETTE[1], linewidth=1)
    ax.scatter(e.yi, se, color=PALETTE[0], zorder=3)
    ax.set_ylim(top, 0)
    ax.set_ylabel(_("Standardfejl"))
    ax.set_xlabel(f"{e.measure.value}" + (" (log)" if a.log_scale else ""))
    desc = _("Tragtplot med %(k)s studier omkring den samlede effekt %(estimate)s.") % {
        "k": e.k,
        "estimate": f"{m.estimate:.3f}",
    }
    if a.egger is not None:
        desc += " " + _("Eggers test: z = %(z)s, p = %(p)s.") % {
            "z": f"{a.egger.stat:.2f}",
            "p": f"{a.egger.pval:.3f}",
        }
    return svg(fig, title=_("Tragtplot (funnel plot)"), description=desc)


def practice_svg(profile: PracticeProfile) -> str:
    """One bar per element, 0-100 %."""
    names = [localized(el.name) for el in profile.elements][::-1]
    shares = [0 if el.share is None else 100 * el.share for el in profile.elements][::-1]
    fig, ax = new_figure(width=7, height=4.2)
    ax.barh(names, shares, color=PALETTE[0])
    for y, (share, el) in enumerate(zip(shares, profile.elements[::-1], strict=True)):
        text = _("ikke besvaret") if el.share is None else f"{share:.0f} %"
        ax.text(share + 1, y, text, va="center", fontsize=9)
    ax.set_xlim(0, 112)
    ax.set_xticks([0, 20, 40, 60, 80, 100])
    ax.set_xlabel(_("Andel af maksimal score (%)"))
    not_answered = _("ikke besvaret")
    desc = "; ".join(
        f"{localized(el.name)}: {not_answered if el.share is None else f'{100 * el.share:.0f} %'}"
        for el in profile.elements
    )
    return svg(fig, title=_("Profil for lovende praksis"), description=desc)
