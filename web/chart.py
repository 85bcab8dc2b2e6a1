"""Geometry of the "matching items per issue" chart, drawn by the template as inline SVG.

Only numbers here. Horizontal positions are percentages of the chart's width and vertical ones
pixels, so the SVG stretches to any screen width without distorting its text. The template
writes it with presentation attributes and classes, never a style attribute (CSP).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

HEIGHT = 88  # px
AXIS = 16  # px under the bars for year labels
BASE = HEIGHT - AXIS  # y of the baseline, px
MIN_LABEL_GAP = 7.0  # % of the width between two year labels
MAX_BAR = 3.0  # % of the width: a few issues give slim bars, not slabs


class Bar(NamedTuple):
    date: str
    count: int
    x: float  # % of width
    width: float  # % of width
    y: float  # px
    height: float  # px


class Tick(NamedTuple):
    label: str
    x: float  # % of width


@dataclass(frozen=True)
class Chart:
    height: int
    base: int  # y of the baseline, px
    bars: list[Bar]
    ticks: list[Tick]
    peak: int
    issues: int  # issues with at least one match
    peak_date: str = ""  # the latest issue with `peak` matches


def histogram_chart(histogram: list[tuple[str, int]]) -> Chart | None:
    """Bars for (issue date, matches) pairs in date order; None when nothing matches."""
    peak = max((count for _, count in histogram), default=0)
    if peak == 0:
        return None
    xs, width, ticks, empty = _layout(tuple(date for date, _ in histogram))
    bars, issues, peak_date = [], 0, ""
    for (date, count), x, blank in zip(histogram, xs, empty, strict=True):
        if count == 0:
            bars.append(blank)
            continue
        bars.append(Bar(date, count, x, width, *_geometry(count, peak)))
        issues += 1
        if count == peak and date > peak_date:
            peak_date = date
    return Chart(HEIGHT, BASE, bars, list(ticks), peak, issues, peak_date)


@lru_cache(maxsize=64)
def _layout(dates: tuple[str, ...]) -> tuple[tuple[float, ...], float, tuple[Tick, ...], tuple[Bar, ...]]:
    """Where the bars of these issues stand (their x, one width), the year labels and each
    issue's empty bar: the same for every chart of one index generation, whatever matched."""
    slot = 100 / len(dates)
    width = min(slot * 0.8, MAX_BAR)
    xs, ticks, year = [], [], ""
    for i, date in enumerate(dates):
        xs.append(round(i * slot + (slot - width) / 2, 3))
        if date[:4] != year:
            year = date[:4]
            ticks.append(Tick(year, round(i * slot, 3)))
    empty = tuple(Bar(date, 0, x, round(width, 3), float(BASE), 0.0) for date, x in zip(dates, xs, strict=True))
    return tuple(xs), round(width, 3), tuple(_spaced(ticks)), empty


@lru_cache(maxsize=4096)
def _geometry(count: int, peak: int) -> tuple[float, float]:
    """A bar's y and height (px) for `count` matches when the tallest has `peak`."""
    height = max(2.0, (BASE - 4) * count / peak)
    return round(BASE - height, 2), round(height, 2)


def _spaced(ticks: list[Tick]) -> list[Tick]:
    """Drop year labels that would overlap the previous one, or run off the right edge."""
    out: list[Tick] = []
    for tick in ticks:
        if tick.x > 100 - MIN_LABEL_GAP / 2 and out:
            continue
        if not out or tick.x - out[-1].x >= MIN_LABEL_GAP:
            out.append(tick)
    return out
