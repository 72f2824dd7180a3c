"""Facet values and counts from per-value sets of document numbers, read once per searcher."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import QueryError
from .query import parse_year_range
from .regions import region_names
from .results import FACETS, REGION_SEPARATOR, FacetValue

_FIELDS = {"region": "region", "year": "year", "topic": "topics"}
_REGION_SPLIT = re.compile(r"\s*(?:›|>|/|-|—)\s*")
_SUFFIX = re.compile(r"(省|市|特别行政区|自治区|地区|盟)$")


@dataclass
class FacetSets:
    """For each facet (region, year, topic), each indexed value → the set of documents that have it."""

    sets: dict[str, dict[str, frozenset[int]]]
    live: frozenset[int]

    @classmethod
    def read(cls, reader) -> FacetSets:
        """Read the value sets from a whoosh reader's posting lists."""
        live = frozenset(reader.all_doc_ids())
        sets: dict[str, dict[str, frozenset[int]]] = {}
        for facet, field in _FIELDS.items():
            sets[facet] = {}
            for term in reader.lexicon(field):
                docs = frozenset(reader.postings(field, term).all_ids()) & live
                if docs:
                    sets[facet][term.decode("utf-8")] = docs
        return cls(sets, live)

    def year_of(self, docnum: int) -> int:
        """The year of a document (0 when unknown), for sorting by year."""
        if not hasattr(self, "_years"):
            self._years = {d: int(y) for y, docs in self.sets["year"].items() if y.isdigit() for d in docs}
        return self._years.get(docnum, 0)

    def union(self, facet: str, values: list[str]) -> set[int]:
        """The documents with any of `values` of a facet."""
        docs: set[int] = set()
        for value in values:
            docs |= self.sets[facet].get(value, frozenset())
        return docs

    def everything(self) -> set[int]:
        """All live documents."""
        return set(self.live)

    def resolve(self, facet: str, value: str) -> list[str]:
        """The indexed values a user's filter value stands for; QueryError when it can mean nothing."""
        known = self.sets[facet]
        value = value.strip()
        if facet == "year":
            low, high = parse_year_range(value)
            return [y for y in known if y.isdigit() and low <= int(y) <= high]
        if facet == "topic":
            if value not in known:
                topics = "、".join(sorted(known)) or "none indexed yet"
                raise QueryError(f"unknown topic “{value}”; topics are: {topics}")
            return [value]
        path = REGION_SEPARATOR.join(p for p in _REGION_SPLIT.split(value) if p)
        if REGION_SEPARATOR in path:
            found = [v for v in known if v == path]
        else:
            found = [v for v in known if _last(v) == path or _SUFFIX.sub("", _last(v)) == path]
        if not found and path.split(REGION_SEPARATOR)[-1] not in region_names():
            raise QueryError(
                f"unknown region “{value}”: give a province, city or county, such as 广东省, 清远市 or 清城区"
            )
        return found

    def narrow(self, matched: set[int], chosen: dict[str, set[str]], skip: str = "") -> set[int]:
        """The matched documents that pass every facet's chosen values (OR within a facet), but `skip`'s."""
        result = matched
        for facet, values in chosen.items():
            if facet == skip:
                continue
            allowed: set[int] = set()
            for value in values:
                allowed |= self.sets[facet].get(value, frozenset())
            result = result & allowed
        return result

    def count(self, matched: set[int], chosen: dict[str, set[str]]) -> dict[str, list[FacetValue]]:
        """Counts per facet value, each facet counted under the other facets' selections only."""
        counted: dict[str, list[FacetValue]] = {}
        for facet in FACETS:
            base = self.narrow(matched, chosen, skip=facet)
            selected = chosen.get(facet, set())
            values = []
            for value, docs in self.sets[facet].items():
                n = len(base & docs) if base else 0
                if n or value in selected:
                    values.append(FacetValue(value, _last(value), n, value in selected))
            counted[facet] = _tree(values) if facet == "region" else _order(facet, values)
        return counted

    def histogram(self, docs: set[int]) -> list[tuple[int, int]]:
        """Hits per year among `docs`, oldest first."""
        counts = [(int(y), len(docs & ids)) for y, ids in self.sets["year"].items() if y.isdigit()]
        return sorted((y, n) for y, n in counts if n)


def _last(value: str) -> str:
    return value.rsplit(REGION_SEPARATOR, 1)[-1]


def _order(facet: str, values: list[FacetValue]) -> list[FacetValue]:
    if facet == "year":
        return sorted(values, key=lambda v: v.value, reverse=True)
    return sorted(values, key=lambda v: (-v.count, v.value))


def _tree(values: list[FacetValue]) -> list[FacetValue]:
    """Nest region values by path: provinces, their cities, their counties; biggest first."""
    by_path = {v.value: v for v in values}
    roots = []
    for value in sorted(values, key=lambda v: v.value.count(REGION_SEPARATOR)):
        parent = value.value.rsplit(REGION_SEPARATOR, 1)[0] if REGION_SEPARATOR in value.value else None
        (by_path[parent].children if parent in by_path else roots).append(value)
    for value in values:
        value.children.sort(key=lambda v: (-v.count, v.value))
    return sorted(roots, key=lambda v: (-v.count, v.value))


def resolve_filters(facets: FacetSets, filters: dict[str, tuple[str, ...]]) -> dict[str, set[str]]:
    """Turn a request's filters (facet → values as typed) into indexed values; unknown facets are errors."""
    chosen: dict[str, set[str]] = {}
    for facet, values in filters.items():
        if facet not in FACETS:
            raise QueryError(f"unknown filter “{facet}”; filter by {', '.join(FACETS)}")
        values = tuple(v for v in values if v and v.strip())
        if values:
            chosen[facet] = {found for v in values for found in facets.resolve(facet, v)}
    return chosen
