"""A saved SØM calculation's four charts, drawn once and read afterwards.

Drawing the charts (matplotlib to SVG) is ~95 % of the calculation page's time (0.54 s of 0.57 s for a 10,000-draw
demo calculation; the simulation itself reruns in ~30 ms from the stored case, draws and seed). The SVGs (~70 kB)
are kept in the ``"som"`` cache under a key made of everything they depend on: the stored case, draws, seed, the
language, and the source of the SØM engine and chart code (a new version of either draws anew).
"""

from __future__ import annotations

import hashlib
import json
from functools import cache as memoise
from pathlib import Path

from django.core.cache import caches
from django.utils.translation import get_language

from . import charts


@memoise
def _code_version() -> str:
    import susi.engines.som as engine

    digest = hashlib.sha256()
    for path in sorted(Path(engine.__file__).parent.glob("*.py")) + [Path(charts.__file__)]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _key(calculation) -> str:
    inputs = json.dumps(
        {"case": calculation.case, "draws": calculation.draws, "seed": calculation.seed},
        sort_keys=True,
        default=str,
    )
    digest = hashlib.sha256(f"{inputs}|{get_language()}|{_code_version()}".encode()).hexdigest()
    return f"som-charts:{calculation.pk}:{digest}"


def calculation_charts(calculation, result, mc) -> dict[str, str]:
    """The page's charts as context entries (chart_authority, chart_cumulative, chart_distribution,
    chart_tornado), drawn on the first view after a save and read from the cache afterwards."""
    key = _key(calculation)
    drawn = caches["som"].get(key)
    if drawn is None:
        drawn = {
            "chart_authority": charts.net_by_authority(result),
            "chart_cumulative": charts.cumulative(result, mc),
            "chart_distribution": charts.distribution(mc) if mc else "",
            "chart_tornado": charts.tornado(mc) if mc and mc.tornado else "",
        }
        caches["som"].set(key, drawn, timeout=None)
    return drawn
