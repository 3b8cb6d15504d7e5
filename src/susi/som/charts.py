"""The SØM charts (matplotlib → accessible inline SVG via susi.web.charts). Each has a <title> and a text
alternative in <desc>; the pages show the same numbers in tables beside them."""

from __future__ import annotations

import numpy as np
from django.utils.translation import gettext as _
from matplotlib.ticker import FuncFormatter

from susi.engines.som import AUTHORITIES, MonteCarloResult, SomResult
from susi.web.charts import PALETTE, new_figure, svg
from susi.web.formatting import kr
from susi.web.i18n import localized


def _millions(x: float, _pos: int | None = None) -> str:
    """Axis tick in Danish: 1500000 -> '1,5 mio.'."""
    number = f"{x / 1e6:,.1f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return _("%(number)s mio.") % {"number": number}


_KR = FuncFormatter(_millions)


def net_by_authority(result: SomResult) -> str:
    fig, ax = new_figure()
    years = np.array(result.years)
    pos = np.zeros(len(years))
    neg = np.zeros(len(years))
    for i, authority in enumerate(AUTHORITIES):
        values = np.asarray(result.net_by_authority[authority.code])
        bottom = np.where(values >= 0, pos, neg)
        ax.bar(years, values, bottom=bottom, label=localized(authority), color=PALETTE[i], width=0.7)
        pos += np.where(values >= 0, values, 0)
        neg += np.where(values < 0, values, 0)
    ax.plot(years, result.net, color="#000000", marker="o", linewidth=1.5, label=_("Netto i alt"))
    ax.axhline(0, color="#555555", linewidth=0.8)
    ax.set_xlabel(_("År"))
    ax.set_ylabel(_("Nettoresultat (kr.)"))
    ax.yaxis.set_major_formatter(_KR)
    ax.set_xticks(years)
    ax.legend(loc="best", frameon=False)
    desc = "; ".join(
        _("år %(year)s: netto %(amount)s") % {"year": y, "amount": kr(n)}
        for y, n in zip(result.years, result.net, strict=True)
    )
    return svg(fig, _("Nettoresultat pr. år fordelt på kommune, region og stat"), desc)


def cumulative(result: SomResult, mc: MonteCarloResult | None) -> str:
    fig, ax = new_figure()
    years = np.array(result.years)
    if mc is not None:
        p = mc.cumulative_percentiles
        ax.fill_between(years, p[5], p[95], color=PALETTE[0], alpha=0.18, label=_("90 %-interval"))
        ax.fill_between(years, p[25], p[75], color=PALETTE[0], alpha=0.32, label=_("50 %-interval"))
        ax.plot(years, p[50], color=PALETTE[0], linestyle="--", label=_("Median (Monte Carlo)"))
    ax.plot(
        years, result.cumulative_discounted, color="#000000", marker="o", label=_("Beregnet (middelværdier)")
    )
    ax.axhline(0, color="#555555", linewidth=0.8)
    if result.break_even_year:
        ax.axvline(
            result.break_even_year,
            color=PALETTE[2],
            linestyle=":",
            label=_("Break-even år %(year)s") % {"year": result.break_even_year},
        )
    ax.set_xlabel(_("År"))
    ax.set_ylabel(_("Akkumuleret nutidsværdi (kr.)"))
    ax.yaxis.set_major_formatter(_KR)
    ax.set_xticks(years)
    ax.legend(loc="best", frameon=False)
    desc = "; ".join(
        _("år %(year)s: %(amount)s") % {"year": y, "amount": kr(v)}
        for y, v in zip(result.years, result.cumulative_discounted, strict=True)
    )
    if mc is not None:
        desc += ". " + _("Usikkerhedsbånd fra Monte Carlo.")
    return svg(fig, _("Akkumuleret nettoresultat (nutidsværdi) med usikkerhed"), desc)


def distribution(mc: MonteCarloResult) -> str:
    fig, ax = new_figure()
    pv = mc.present_value
    share = float((pv >= 0).mean())
    counts, edges, patches = ax.hist(pv, bins=50, color=PALETTE[0], alpha=0.85)
    for patch, left in zip(patches, edges[:-1], strict=True):
        if left < 0:
            patch.set_facecolor(PALETTE[1])
    ax.axvline(0, color="#000000", linewidth=1)
    ax.set_xlabel(_("Nutidsværdi af nettoresultatet over horisonten (kr.)"))
    ax.set_ylabel(_("Antal træk"))
    ax.xaxis.set_major_formatter(_KR)
    ax.set_title(_("Chance for at tjene sig hjem: %(share)s") % {"share": f"{share:.0%}"}, fontsize=10)
    pcts = mc.pv_percentiles
    desc = _(
        "Fordeling af %(draws)s træk. Middel %(mean)s, 5 %%-fraktil %(p5)s, median %(p50)s, "
        "95 %%-fraktil %(p95)s. Sandsynlighed for nutidsværdi ≥ 0: %(share)s."
    ) % {
        "draws": mc.draws,
        "mean": kr(mc.mean_present_value),
        "p5": kr(pcts[5]),
        "p50": kr(pcts[50]),
        "p95": kr(pcts[95]),
        "share": f"{share:.0%}",
    }
    return svg(fig, _("Fordelingen af nettoresultatet og chancen for break-even"), desc)


def tornado(mc: MonteCarloResult) -> str:
    bars = list(mc.tornado)[:10]
    fig, ax = new_figure(width=9.0, height=max(2.5, 0.45 * len(bars) + 1.2))
    base = mc.deterministic.present_value
    names = [localized(b.label) for b in bars]
    labels = [name if len(name) < 55 else name[:52] + "…" for name in names]
    ys = np.arange(len(bars))[::-1]
    for y, b in zip(ys, bars, strict=True):
        ax.barh(y, b.result_low - base, left=base, color=PALETTE[1], height=0.6)
        ax.barh(y, b.result_high - base, left=base, color=PALETTE[0], height=0.6)
    ax.axvline(base, color="#000000", linewidth=1)
    ax.set_yticks(ys, labels)
    ax.xaxis.set_major_formatter(_KR)
    ax.set_xlabel(_("Nutidsværdi: input lavt (rød) / højt (blå)"))
    desc = "; ".join(
        _("%(input)s: %(low)s til %(high)s")
        % {"input": name, "low": kr(b.result_low), "high": kr(b.result_high)}
        for name, b in zip(names, bars, strict=True)
    )
    return svg(fig, _("Følsomhed: de input, der flytter resultatet mest (tornado)"), desc)


def compare(series: list[tuple[str, list[int], list[float]]]) -> str:
    fig, ax = new_figure()
    for i, (name, years, values) in enumerate(series):
        ax.plot(years, values, marker="o", color=PALETTE[i % len(PALETTE)], label=name[:40])
    ax.axhline(0, color="#555555", linewidth=0.8)
    ax.set_xlabel(_("År"))
    ax.set_ylabel(_("Akkumuleret nutidsværdi (kr.)"))
    ax.yaxis.set_major_formatter(_KR)
    ax.legend(loc="best", frameon=False)
    desc = "; ".join(
        _("%(name)s: %(amount)s efter %(years)s år")
        % {"name": name, "amount": kr(values[-1]), "years": years[-1]}
        for name, years, values in series
    )
    return svg(fig, _("Sammenligning af scenarier: akkumuleret nutidsværdi"), desc)


def portfolio(years: list[int], rows, det_cumulative: list[float]) -> str:
    """The portfolio's accumulated present value: the deterministic sum and the joint 90 % band."""
    fig, ax = new_figure()
    x = np.array(years)
    ax.fill_between(
        x,
        [r["cumulative_p5"] for r in rows],
        [r["cumulative_p95"] for r in rows],
        color=PALETTE[0],
        alpha=0.22,
        label=_("90 %-interval"),
    )
    ax.plot(
        x,
        [r["cumulative_p50"] for r in rows],
        color=PALETTE[0],
        linestyle="--",
        label=_("Median (Monte Carlo)"),
    )
    ax.plot(x, det_cumulative, color="#000000", marker="o", label=_("Beregnet (middelværdier)"))
    ax.axhline(0, color="#555555", linewidth=0.8)
    ax.set_xlabel(_("År"))
    ax.set_ylabel(_("Akkumuleret nutidsværdi (kr.)"))
    ax.yaxis.set_major_formatter(_KR)
    ax.set_xticks(x)
    ax.legend(loc="best", frameon=False)
    desc = "; ".join(
        _("år %(year)s: %(amount)s (90 %%-interval %(low)s til %(high)s)")
        % {"year": y, "amount": kr(v), "low": kr(r["cumulative_p5"]), "high": kr(r["cumulative_p95"])}
        for y, v, r in zip(years, det_cumulative, rows, strict=True)
    )
    return svg(fig, _("Porteføljens akkumulerede nettoresultat (nutidsværdi) med samlet usikkerhed"), desc)
