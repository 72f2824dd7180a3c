"""Facet values and counts from per-value arrays of paragraph numbers (an engine's `facet_arrays`); sets of
paragraphs are boolean masks over paragraph numbers."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..errors import QueryError
from ..ingest.regions import region_names
from ..records import FACETS, REGION_SEPARATOR, FacetValue
from .query import parse_year_range

_REGION_SPLIT = re.compile(r"\s*(?:›|>|/|-|—)\s*")
_SUFFIX = re.compile(r"(省|市|特别行政区|自治区|地区|盟)$")
_EMPTY = np.zeros(0, dtype=np.int64)


Docs = np.ndarray  # a boolean mask over document numbers: True where a document is in the set


@dataclass
class FacetSets:
    """For each facet (region, year, topic), each indexed value → the sorted array of paragraphs that have it."""

    arrays: dict[str, dict[str, np.ndarray]]
    live: Docs
    years: np.ndarray  # each document's year (0 when unknown), for sorting by year
    stable: np.ndarray  # each document's place by (report id, paragraph): ties break alike in every build
    reports: np.ndarray | None = None  # each document's report: a number below report_count, or it for none
    report_count: int = 0
    _indexes: dict[str, FacetIndex] = field(default_factory=dict, repr=False)  # see _index

    @classmethod
    def of_arrays(cls, arrays: dict[str, dict[str, np.ndarray]], live: Docs) -> FacetSets:
        """Facet sets over an engine's facet arrays (facet → value → sorted live paragraph numbers)."""
        years = np.zeros(len(live), dtype=np.int32)
        for year, ids in arrays.get("year", {}).items():
            if year.isdigit() and len(year) <= 4:  # a value no check let in cannot overflow the column
                years[ids] = int(year)
        stable = np.arange(len(live), dtype=np.int64)
        reports = np.full(len(live), len(arrays.get("report", {})), dtype=np.int64)
        offset = 0
        for number, report_id in enumerate(sorted(arrays.get("report", {}))):  # ids are stable; docnums are not
            docs = arrays["report"][report_id]
            stable[docs] = offset + np.arange(len(docs))
            reports[docs] = number
            offset += len(docs)
        facets = {facet: dict(arrays.get(facet, {})) for facet in FACETS}
        return cls(facets, live, years, stable, reports, len(arrays.get("report", {})))

    @property
    def size(self) -> int:
        """Document numbers run below this."""
        return len(self.live)

    def none(self) -> Docs:
        """An empty set of documents."""
        return np.zeros(self.size, dtype=bool)

    def of(self, docnums) -> Docs:
        """The set of the given document numbers."""
        mask = self.none()
        mask[np.asarray(docnums, dtype=np.int64)] = True
        return mask

    def union(self, facet: str, values: list[str]) -> Docs:
        """The documents with any of `values` of a facet."""
        mask = self.none()
        for value in values:
            mask[self.arrays[facet].get(value, _EMPTY)] = True
        return mask

    def everything(self) -> Docs:
        """All live documents."""
        return self.live.copy()

    def resolve(self, facet: str, value: str) -> list[str]:
        """The indexed values a user's filter value stands for; QueryError when it can mean nothing."""
        known = self.arrays[facet]
        value = value.strip()
        if facet == "year":
            low, high = parse_year_range(value)
            return [y for y in known if y.isdigit() and low <= int(y) <= high]
        if facet == "topic":
            if value not in known:
                topics = "、".join(sorted(known))
                raise QueryError(
                    f"unknown topic “{value}”; topics are: {topics or 'none indexed yet'}",
                    f"没有“{value}”这个主题；可选的主题：{topics or '（尚无）'}",
                )
            return [value]
        path = REGION_SEPARATOR.join(p for p in _REGION_SPLIT.split(value) if p)
        if REGION_SEPARATOR in path:
            found = [v for v in known if v == path]
        else:
            found = [v for v in known if _last(v) == path or _SUFFIX.sub("", _last(v)) == path]
        if not found and path.split(REGION_SEPARATOR)[-1] not in region_names():
            raise QueryError(
                f"unknown region “{value}”: give a province, city or county, such as 广东省, 清远市 or 清城区",
                f"不认识地区“{value}”：请写省、市或县区名，如 广东省、清远市、清城区",
            )
        return found

    def narrow(self, matched: Docs, chosen: dict[str, set[str]], skip: str = "") -> Docs:
        """The matched documents that pass every facet's chosen values (OR within a facet), but `skip`'s."""
        result = matched
        for facet, values in chosen.items():
            if facet != skip:
                result = result & self.union(facet, list(values))
        return result

    def count(
        self, matched: Docs, chosen: dict[str, set[str]], members: Callable[[Docs], np.ndarray] | None = None
    ) -> dict[str, list[FacetValue]]:
        """Counts per facet value, each facet counted under the other facets' selections only. Values stay in the
        order of their counts without any selection, so choosing one never moves the others about. `members`
        lists a set's paragraphs (a request's Selection.members: once per set)."""
        counted: dict[str, list[FacetValue]] = {}
        hits: dict[int, tuple[Docs, np.ndarray]] = {}  # id of a mask → (it, its paragraphs): once per mask

        def counts_in(index: FacetIndex, mask: Docs) -> np.ndarray:
            if members is not None:
                return index.counts(mask, members(mask))
            found = hits.get(id(mask))
            if found is None:
                found = hits[id(mask)] = (mask, np.flatnonzero(mask))
            return index.counts(mask, found[1])

        for facet in FACETS:
            index = self._index(facet)
            selected = chosen.get(facet, set())
            counts = counts_in(index, self.narrow(matched, chosen, skip=facet))
            unselected = counts_in(index, matched) if chosen else counts
            values, rank = [], {}
            names, labels, counts_of, unselected_of = index.names, index.labels, counts.tolist(), unselected.tolist()
            for i in np.flatnonzero(counts).tolist() + [index.place[v] for v in selected if v in index.place]:
                value = names[i]
                if value not in rank:
                    values.append(FacetValue(value, labels[i], counts_of[i], value in selected))
                    rank[value] = unselected_of[i]
            counted[facet] = _tree(values, rank) if facet == "region" else _order(facet, values, rank)
        return counted

    def histogram(self, docs: Docs, members: np.ndarray | None = None) -> list[tuple[int, int]]:
        """Hits per year among `docs` (`members`: its paragraph numbers, when known), oldest first."""
        index = self._index("year")
        counts = index.counts(docs, members)
        found = [(int(index.names[i]), int(counts[i])) for i in np.flatnonzero(counts) if index.names[i].isdigit()]
        return sorted(found)

    def _index(self, facet: str) -> FacetIndex:
        """A facet's values indexed both ways (made once per facet sets)."""
        if facet not in self._indexes:
            self._indexes[facet] = FacetIndex.of(self.arrays[facet], self.size, self.reports, self.report_count)
        return self._indexes[facet]


@dataclass(frozen=True)
class FacetIndex:
    """One facet's (paragraph, value) pairs in paragraph order, with where each paragraph's start, so that a set of
    hits is counted per value in one pass: over the hits' own pairs when they are few, over all pairs when not.
    A facet whose every value holds whole reports (region, year) is kept as (report, value) pairs instead: hits
    are counted per report first, then per value, over a few thousand pairs rather than every paragraph's."""

    names: list[str]
    place: dict[str, int]
    docs: np.ndarray  # the paragraph (or, `grouped`, the report) of each pair, ascending
    values: np.ndarray  # the value (its place in names) of each pair
    rows: np.ndarray  # per paragraph, where its pairs start (size + 1 offsets); empty when grouped
    groups: np.ndarray | None = None  # grouped: each paragraph's report (a number below `reports`)
    reports: int = 0  # grouped: reports, and one more for paragraphs without one

    @functools.cached_property
    def labels(self) -> list[str]:
        """Per value, its last part (a region's own name)."""
        return [_last(name) for name in self.names]

    @classmethod
    def of(
        cls, arrays: dict[str, np.ndarray], size: int, reports: np.ndarray | None = None, count: int = 0
    ) -> FacetIndex:
        """The index of a facet's value → sorted paragraphs arrays (`reports`: each paragraph's report number,
        `count` for none; used when every value holds whole reports)."""
        names = list(arrays)
        docs = np.concatenate([arrays[n] for n in names]).astype(np.int64) if names else _EMPTY
        values = np.repeat(np.arange(len(names), dtype=np.int64), [len(arrays[n]) for n in names])
        grouped = _by_report(docs, values, len(names), reports, count) if reports is not None else None
        if grouped is not None:
            return cls(names, {n: i for i, n in enumerate(names)}, *grouped, _EMPTY, reports, count + 1)
        order = np.argsort(docs, kind="stable")
        docs, values = docs[order], values[order]
        rows = np.searchsorted(docs, np.arange(size + 1))
        return cls(names, {n: i for i, n in enumerate(names)}, docs, values, rows)

    def counts(self, mask: Docs, hits: np.ndarray | None = None) -> np.ndarray:
        """How many paragraphs of `mask` have each value (`hits`: its paragraphs, when known)."""
        hits = np.flatnonzero(mask) if hits is None else hits
        if self.groups is not None:  # per report, then per value
            per_report = np.bincount(self.groups[hits], minlength=self.reports)
            return np.bincount(self.values, per_report[self.docs], minlength=len(self.names)).astype(np.int64)
        if len(hits) * 4 < len(self.docs):  # few hits: their own pairs
            starts, ends = self.rows[hits], self.rows[hits + 1]
            lengths = ends - starts
            total = int(lengths.sum())
            where = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
            return np.bincount(self.values[where], minlength=len(self.names))
        return np.bincount(self.values[mask[self.docs]], minlength=len(self.names))  # in paragraph order


def _by_report(
    docs: np.ndarray, values: np.ndarray, names: int, reports: np.ndarray, count: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """A facet's (paragraph, value) pairs as (report, value) pairs, by report, when every value holds each of its
    reports whole (and no paragraph without a report: `count` in `reports`); else None."""
    sizes = np.bincount(reports, minlength=count + 1)
    pairs, held = np.unique(reports[docs] * names + values, return_counts=True)
    report, value = pairs // max(names, 1), pairs % max(names, 1)
    if np.any(report == count) or np.any(held != sizes[report]):
        return None
    return report, value


def _last(value: str) -> str:
    return value.rsplit(REGION_SEPARATOR, 1)[-1]


def _order(facet: str, values: list[FacetValue], rank: dict[str, int]) -> list[FacetValue]:
    if facet == "year":
        return sorted(values, key=lambda v: v.value, reverse=True)
    return sorted(values, key=lambda v: (-rank[v.value], v.value))


def _tree(values: list[FacetValue], rank: dict[str, int]) -> list[FacetValue]:
    """Nest region values by path: provinces, their cities, their counties; biggest (before selection) first."""
    by_path = {v.value: v for v in values}
    roots = []
    for value in sorted(values, key=lambda v: v.value.count(REGION_SEPARATOR)):
        parent = value.value.rsplit(REGION_SEPARATOR, 1)[0] if REGION_SEPARATOR in value.value else None
        (by_path[parent].children if parent in by_path else roots).append(value)
    for value in values:
        value.children.sort(key=lambda v: (-rank[v.value], v.value))
    return sorted(roots, key=lambda v: (-rank[v.value], v.value))


def resolve_filters(facets: FacetSets, filters: dict[str, tuple[str, ...]]) -> dict[str, set[str]]:
    """Turn a request's filters (facet → values as typed) into indexed values; unknown facets are errors."""
    chosen: dict[str, set[str]] = {}
    for facet, values in filters.items():
        if facet not in FACETS:
            raise QueryError(
                f"unknown filter “{facet}”; filter by {', '.join(FACETS)}",
                f"没有“{facet}”这个筛选项：可按{'、'.join(FACETS.values())}筛选",
            )
        values = tuple(v for v in values if v and v.strip())
        if values:
            chosen[facet] = {found for v in values for found in facets.resolve(facet, v)}
    return chosen
