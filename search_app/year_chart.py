"""The results page's year chart: one slot per calendar year, so a gap of years shows as a gap."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class YearSlot:
    """One year of the chart: its hits, the bar's height in percent of the tallest, whether its year is printed."""

    year: int
    count: int
    height: int
    label: bool


def _label_step(span: int) -> int:
    for step, most in ((1, 6), (2, 12), (5, 40)):
        if span <= most:
            return step
    return 10


def year_slots(years: list[tuple[int, int]]) -> list[YearSlot]:
    """Slots from the first to the last year with hits (oldest first), years without hits as empty slots; labels on
    the first and last year and on round years far enough from them not to overlap."""
    if not years:
        return []
    counts = dict(years)
    first, last = min(counts), max(counts)
    tallest = max(counts.values())
    step = _label_step(last - first + 1)
    slots = []
    for year in range(first, last + 1):
        count = counts.get(year, 0)
        ends = year in (first, last)
        round_year = year % step == 0 and min(year - first, last - year) * 2 >= step
        height = math.ceil(100 * count / tallest) if count else 0
        slots.append(YearSlot(year, count, height, ends or round_year))
    return slots
