"""An export of saved searches, checked whole before anything is imported: one message names the first bad entry."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from indexer import FACETS

from .saved_store import NAME_LIMIT, SavedError

MAX_BYTES = 5 * 2**20  # an export of a thousand searches with what they have seen is well under this
MAX_ENTRIES = 1000
MAX_SEEN = 100_000  # seen passages per search
_PASSAGE = re.compile(r"[0-9a-f]{20}")  # a passage key (indexer.records.passage_key)


@dataclass(frozen=True)
class Entry:
    """One saved search of an export, its fields checked for type and size."""

    name: str
    query: str
    filters: dict[str, tuple[str, ...]]
    seen: tuple[str, ...] | None  # None: the export says nothing of what was seen


def _text(value: object, what: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be non-empty text, not {json.dumps(value, ensure_ascii=False)[:40]}")
    if len(value) > limit:
        raise ValueError(f"{what} is longer than {limit} characters")
    return value.strip()


def _filters(value: object) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError('filters must be an object such as {"region": ["广东省"]}')
    filters = {}
    for facet, values in value.items():
        if facet not in FACETS:
            raise ValueError(f"filters has an unknown facet “{facet}”; facets are {', '.join(FACETS)}")
        values = [values] if isinstance(values, str) else values
        if not isinstance(values, list) or not all(isinstance(v, str) and len(v) <= 100 for v in values):
            raise ValueError(f"filters.{facet} must be text or a list of texts")
        if kept := tuple(v.strip() for v in values if v.strip()):
            filters[facet] = kept
    return filters


def _seen(value: object) -> tuple[str, ...] | None:
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or len(value) > MAX_SEEN
        or not all(isinstance(v, str) and _PASSAGE.fullmatch(v) for v in value)
    ):
        raise ValueError(f"seen must be a list of at most {MAX_SEEN:,} passage keys (20 hexadecimal digits)")
    return tuple(value)


def _entry(raw: object) -> Entry:
    if not isinstance(raw, dict):
        raise ValueError("must be an object with a name and a query")
    return Entry(
        name=" ".join(_text(raw.get("name"), "name", NAME_LIMIT).split()),
        query=_text(raw.get("query"), "query", 500),
        filters=_filters(raw.get("filters")),
        seen=_seen(raw.get("seen")),
    )


def parse_export(data: bytes) -> list[Entry]:
    """Every entry of an exported file, or SavedError naming the first thing wrong (nothing is imported then)."""
    if len(data) > MAX_BYTES:
        raise SavedError(f"the file is larger than {MAX_BYTES // 2**20} MiB; split it and import the parts")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise SavedError(f"the file is not UTF-8 text (byte {exc.start})") from exc
    except RecursionError as exc:
        raise SavedError("the file nests too deeply to be an export of saved searches") from exc
    except ValueError as exc:
        raise SavedError(f"the file is not JSON ({exc})") from exc
    if not isinstance(document, dict) or not isinstance(document.get("saved"), list):
        raise SavedError("not a govsearch saved-search export (expected a JSON object with a “saved” list)")
    if len(document["saved"]) > MAX_ENTRIES:
        raise SavedError(f"the file holds {len(document['saved']):,} saved searches; import at most {MAX_ENTRIES:,}")
    entries = []
    for number, raw in enumerate(document["saved"], start=1):
        try:
            entries.append(_entry(raw))
        except ValueError as exc:
            label = raw.get("name") if isinstance(raw, dict) and isinstance(raw.get("name"), str) else None
            named = f"entry {number}" + (f" (“{label[:40]}”)" if label else "")
            raise SavedError(f"{named}: {exc}; nothing was imported") from exc
    return entries
