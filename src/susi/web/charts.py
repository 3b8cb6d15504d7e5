"""Server-side charts: a matplotlib figure becomes an inline, accessible SVG string.

Pages and exports call the same functions, so they show the same picture.

Every text in a chart is plain text. Study labels, calculation names, instrument names and the like are typed
by users, and matplotlib would otherwise read `$...$` as mathtext (a label `$\\foo$` made the page fail) or
hand text to LaTeX. `text.parse_math` and `text.usetex` are off here, for every figure of the platform, and
`svg()` switches math parsing off once more on every text of the figure before it is drawn.
"""

from __future__ import annotations

import io
import re
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.text import Text

# A palette with sufficient contrast on white (WCAG 2.1 AA for graphical objects, 3:1).
PALETTE = ["#1f4e79", "#c0504d", "#2e7d32", "#8e5a00", "#6a3d9a", "#00695c", "#ad1457", "#37474f"]

plt.rcParams.update(
    {
        "svg.fonttype": "none",
        "font.family": "DejaVu Sans",
        "font.size": 10,
        "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
        "axes.spines.top": False,
        "axes.spines.right": False,
        # user text is shown as typed: no mathtext, no LaTeX
        "text.parse_math": False,
        "text.usetex": False,
    }
)
PLAIN_TEXT: dict[Any, Any] = {"text.parse_math": False, "text.usetex": False}


def new_figure(width: float = 7.0, height: float = 3.6) -> tuple[Figure, plt.Axes]:
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.add_subplot()


def svg(fig: Figure, title: str, description: str = "") -> str:
    """Render `fig` as inline SVG with role="img", a <title> and an optional <desc>."""
    buffer = io.StringIO()
    for text_artist in fig.findobj(Text):
        text_artist.set_parse_math(False)
    with matplotlib.rc_context(PLAIN_TEXT):  # tick labels are made while drawing
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = _without_inline_css(text[text.index("<svg") :])
    escaped_title = _escape(title)
    extra = f"<title>{escaped_title}</title>"
    if description:
        extra += f"<desc>{_escape(description)}</desc>"
    opening = f'<svg role="img" aria-label="{escaped_title}" class="chart" '
    text = re.sub(r"<svg ", lambda _match: opening, text, count=1)  # a function: no escapes read in user text
    text = re.sub(r"(<svg[^>]*>)", lambda match: match.group(1) + extra, text, count=1)
    return text


_STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.S)
_STYLE_ATTRIBUTE = re.compile(r'style="([^"]*)"')


def _without_inline_css(text: str) -> str:
    """Turn matplotlib's CSS into SVG presentation attributes, which the Content-Security-Policy allows.

    matplotlib writes `style="fill: #fff; stroke-width: 0.8"` on elements and a `<style>` with
    `*{stroke-linejoin: round; stroke-linecap: butt}`; a policy without 'unsafe-inline' drops both. Every
    property matplotlib uses there (fill, stroke*, opacity, font-size, font-family, text-anchor) is also an SVG
    presentation attribute, so the picture is the same. The `<style>` defaults go onto the root element.
    """
    text = _STYLE_ELEMENT.sub("", text)
    text = text.replace("<svg ", '<svg stroke-linejoin="round" stroke-linecap="butt" ', 1)

    def attributes(match: re.Match) -> str:
        pairs = (part.split(":", 1) for part in match.group(1).split(";") if ":" in part)
        return " ".join(f'{name.strip()}="{value.strip()}"' for name, value in pairs)

    return _STYLE_ATTRIBUTE.sub(attributes, text)


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
