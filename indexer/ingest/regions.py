"""Region hierarchy (province › city › county) from a report's text, with cpca's gazetteer of divisions."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import cache

import ahocorasick

with warnings.catch_warnings():
    # cpca 0.5.5 loads its data through pkg_resources, deprecated by setuptools; harmless here.
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning, module="pkg_resources")
    import cpca

NATIONAL = "全国"
_NATIONAL_BODIES = re.compile(r"国务院|中华人民共和国政府|中央人民政府")
_SUFFIXES = re.compile(r"(省|市|特别行政区|壮族自治区|回族自治区|维吾尔自治区|自治区)$")
_PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


@dataclass(frozen=True)
class Division:
    """One administrative division of the gazetteer."""

    name: str
    code: str  # 6-digit adcode
    rank: int  # 0 province, 1 city, 2 county

    def path(self) -> tuple[str, ...]:
        """Return the names from province down to this division, skipping 市辖区-style placeholders."""
        table = _gazetteer()[0]
        codes = [self.code[:2] + "0000", self.code[:4] + "00", self.code][: self.rank + 1]
        names = [table[c].name for c in codes if c in table]
        return tuple(n for n in names if n not in _PLACEHOLDERS)


@cache
def _gazetteer() -> tuple[dict[str, Division], dict[str, list[Division]], dict[str, list[Division]]]:
    """Return divisions by code, by full name, and by short name (上海 → 上海市)."""
    by_code: dict[str, Division] = {}
    by_name: dict[str, list[Division]] = {}
    by_short: dict[str, list[Division]] = {}
    for info in cpca.ad_2_addr_dict.values():
        if info.name in _PLACEHOLDERS:
            by_code[info.adcode] = Division(info.name, info.adcode, info.rank)
            continue
        division = Division(info.name, info.adcode, info.rank)
        by_code[info.adcode] = division
        by_name.setdefault(info.name, []).append(division)
        if division.rank < 2:
            short = _SUFFIXES.sub("", info.name)
            if len(short) >= 2 and short != info.name:
                by_short.setdefault(short, []).append(division)
    return by_code, by_name, by_short


@cache
def _names() -> ahocorasick.Automaton:
    """Every full division name, found in one pass over a text (Aho-Corasick)."""
    automaton = ahocorasick.Automaton()
    for name in _gazetteer()[1]:
        automaton.add_word(name, name)
    automaton.make_automaton()
    return automaton


def _mentions(text: str) -> list[Division]:
    """Return every division named in full in `text`, in order: scanning left to right, the longest name
    starting at a place, then on after it (what a regular expression of the names, longest first, finds)."""
    by_name = _gazetteer()[1]
    longest: dict[int, str] = {}
    for end, name in _names().iter(text):
        start = end - len(name) + 1
        if len(name) > len(longest.get(start, "")):
            longest[start] = name
    found: list[Division] = []
    reach = 0
    for start in sorted(longest):
        if start >= reach:
            found.extend(by_name[longest[start]])
            reach = start + len(longest[start])
    return found


def _province_short_mentions(text: str) -> list[Division]:
    """Provinces named by their short names (宁夏, 广西, 新疆), when nothing is named in full."""
    return [d for short, divisions in _gazetteer()[2].items() if short in text for d in divisions if d.rank == 0]


def _support(division: Division, context: str) -> int:
    """Count mentions in `context` of the division's ancestors, by full or short name."""
    score = 0
    for name in division.path()[:-1]:
        score += context.count(name) * 2
        short = _SUFFIXES.sub("", name)
        if short != name and len(short) >= 2:
            score += context.count(short)
    return score


def resolve_region(focus: str, context: str, min_length: int = 2) -> tuple[str, ...]:
    """Return province › city › county for a report: the most specific division named in `focus`
    (title, issuing body, signature), disambiguated by the ancestors named in `context` (the text).
    `min_length` drops short names (和县) that are too easily part of other words in running text."""
    candidates = [d for d in _mentions(focus) or _province_short_mentions(focus) if len(d.name) >= min_length]
    if not candidates:
        if _NATIONAL_BODIES.search(focus):
            return (NATIONAL,)
        return ()
    best_rank = max(d.rank for d in candidates)
    specific = [d for d in candidates if d.rank == best_rank]
    named = {d.code for d in candidates}

    def score(division: Division) -> tuple[int, int]:
        # An ancestor named in the focus itself (清远市清城区) outweighs anything in the body text.
        in_focus = sum(1 for c in (division.code[:2] + "0000", division.code[:4] + "00") if c in named)
        return in_focus, _support(division, context)

    return max(specific, key=score).path()


@cache
def region_names() -> dict[str, list[tuple[str, ...]]]:
    """Map every division name, full and short (广东省, 广东, 保定), to the region paths it may mean."""
    _, by_name, by_short = _gazetteer()
    names: dict[str, list[tuple[str, ...]]] = {}
    for table in (by_name, by_short):
        for name, divisions in table.items():
            names.setdefault(name, []).extend(d.path() for d in divisions)
    names.setdefault(NATIONAL, []).append((NATIONAL,))
    return names
