"""A saved SØM calculation's figures and four charts, computed once and read afterwards.

Drawing the charts (matplotlib to SVG) is ~95 % of the calculation page's first view (0.54 s of 0.57 s for a
10,000-draw demo calculation); the simulation reruns in ~25 ms from the stored case, draws and seed. Neither is
repeated on later views: the SVGs (~70 kB) and the figures the page prints (not the ~2 MB of draws) are kept in the
``"som"`` cache under a key made of everything they depend on: the stored case, draws, seed, the language, and the
source of the SØM engine, the chart code and the page's view (a new version of any computes anew).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import cache as memoise
from pathlib import Path
from typing import Any

from django.core.cache import caches
from django.utils.translation import get_language

from . import charts


@memoise
def _code_version() -> str:
    import susi.engines.som as engine

    digest = hashlib.sha256()
    # The page's figures are assembled in views.py: a change there computes anew too.
    own = [Path(charts.__file__), Path(__file__).with_name("views.py")]
    for path in sorted(Path(engine.__file__).parent.glob("*.py")) + own:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _key(calculation) -> str:
    inputs = json.dumps(
        {"case": calculation.case, "draws": calculation.draws, "seed": calculation.seed},
        sort_keys=True,
        default=str,
    )
    digest = hashlib.sha256(f"{inputs}|{get_language()}|{_code_version()}".encode()).hexdigest()
    return f"som-page:{calculation.pk}:{digest}"


def draw_charts(result, mc) -> dict[str, str]:
    """The page's four charts as context entries (chart_authority, chart_cumulative, chart_distribution,
    chart_tornado)."""
    return {
        "chart_authority": charts.net_by_authority(result),
        "chart_cumulative": charts.cumulative(result, mc),
        "chart_distribution": charts.distribution(mc) if mc else "",
        "chart_tornado": charts.tornado(mc) if mc and mc.tornado else "",
    }


def calculation_page(calculation, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The calculation page's figures and charts: `build()` (the simulation and the drawing) on the first view
    after a save, read from the cache afterwards."""
    key = _key(calculation)
    page = caches["som"].get(key)
    if page is None:
        page = build()
        caches["som"].set(key, page, timeout=None)
    return page
