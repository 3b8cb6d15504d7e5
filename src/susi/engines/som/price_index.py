"""The price index SUSI ships: Danmarks Statistik's consumer price index (PRIS113, 2015 = 100).

``data/consumer_price_index.csv`` holds the published monthly values with their source; the annual index
is the mean of a year's twelve months. A case with a ``price_year`` and no ``price_index`` of its own is
indexed with these values (``schema.SomCase`` copies the years it needs into the case, so a saved
calculation keeps the numbers it was calculated with).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib.resources import files

SOURCE = "Danmarks Statistik, Forbrugerprisindeks, hovedtal (PRIS113), 2015 = 100; årsgennemsnit af månederne"


@cache
def consumer_price_index() -> dict[int, float]:
    """{year: annual index}: the mean of the twelve published monthly values (2015 = 100)."""
    text = files("susi.engines.som").joinpath("data/consumer_price_index.csv").read_text(encoding="utf-8")
    out: dict[int, float] = {}
    for line in text.splitlines():
        if not line or line.startswith(("#", "year")):
            continue
        year, *months = line.split(";")
        if len(months) != 12:
            raise ValueError(f"consumer_price_index.csv: {year} needs twelve monthly values")
        out[int(year)] = sum(float(m) for m in months) / 12
    return out


def shipped_index(years: Iterable[int | None]) -> tuple[tuple[int, float], ...]:
    """The shipped annual index for those of ``years`` it covers, as a case's ``price_index``."""
    table = consumer_price_index()
    return tuple(sorted((y, table[y]) for y in set(years) if y is not None and y in table))


def covered_years() -> tuple[int, int]:
    years = sorted(consumer_price_index())
    return years[0], years[-1]
