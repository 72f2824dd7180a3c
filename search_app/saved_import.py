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
_ZH = {"name": "名称（name）", "query": "检索式（query）"}


@dataclass(frozen=True)
class Entry:
    """One saved search of an export, its fields checked for type and size."""

    name: str
    query: str
    filters: dict[str, tuple[str, ...]]
    seen: tuple[str, ...] | None  # None: the export says nothing of what was seen


def _text(value: object, what: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        shown = json.dumps(value, ensure_ascii=False)[:40]
        raise SavedError(f"{what} must be non-empty text, not {shown}", f"{_ZH[what]}要是非空的文字，而不是 {shown}")
    if len(value) > limit:
        raise SavedError(f"{what} is longer than {limit} characters", f"{_ZH[what]}超过 {limit} 个字")
    return value.strip()


def _filters(value: object) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        example = '{"region": ["广东省"]}'
        raise SavedError(f"filters must be an object such as {example}", f"筛选（filters）要是对象，如 {example}")
    filters = {}
    for facet, values in value.items():
        if facet not in FACETS:
            raise SavedError(
                f"filters has an unknown facet “{facet}”; facets are {', '.join(FACETS)}",
                f"筛选中没有“{facet}”这一项；可用的是 {', '.join(FACETS)}",
            )
        values = [values] if isinstance(values, str) else values
        if not isinstance(values, list) or not all(isinstance(v, str) and len(v) <= 100 for v in values):
            raise SavedError(
                f"filters.{facet} must be text or a list of texts", f"filters.{facet} 要是文字或文字的列表"
            )
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
        raise SavedError(
            f"seen must be a list of at most {MAX_SEEN:,} passage keys (20 hexadecimal digits)",
            f"seen 要是至多 {MAX_SEEN:,} 个段落键（20 位十六进制数）的列表",
        )
    return tuple(value)


def _entry(raw: object) -> Entry:
    if not isinstance(raw, dict):
        raise SavedError("must be an object with a name and a query", "要是含名称（name）和检索式（query）的对象")
    return Entry(
        name=" ".join(_text(raw.get("name"), "name", NAME_LIMIT).split()),
        query=_text(raw.get("query"), "query", 500),
        filters=_filters(raw.get("filters")),
        seen=_seen(raw.get("seen")),
    )


def parse_export(data: bytes) -> list[Entry]:
    """Every entry of an exported file, or SavedError naming the first thing wrong (nothing is imported then)."""
    if len(data) > MAX_BYTES:
        raise SavedError(
            f"the file is larger than {MAX_BYTES // 2**20} MiB; split it and import the parts",
            f"文件超过 {MAX_BYTES // 2**20} MiB，请拆开分别导入",
        )
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise SavedError(
            f"the file is not UTF-8 text (byte {exc.start})", f"文件不是 UTF-8 文本（第 {exc.start} 字节）"
        ) from exc
    except RecursionError as exc:
        raise SavedError(
            "the file nests too deeply to be an export of saved searches", "文件嵌套过深，不是导出的已保存检索"
        ) from exc
    except ValueError as exc:
        raise SavedError(f"the file is not JSON ({exc})", f"文件不是 JSON（{exc}）") from exc
    if not isinstance(document, dict) or not isinstance(document.get("saved"), list):
        raise SavedError(
            "not a govsearch saved-search export (expected a JSON object with a “saved” list)",
            "不是 govsearch 导出的已保存检索（应为含“saved”列表的 JSON 对象）",
        )
    if len(document["saved"]) > MAX_ENTRIES:
        raise SavedError(
            f"the file holds {len(document['saved']):,} saved searches; import at most {MAX_ENTRIES:,}",
            f"文件中有 {len(document['saved']):,} 个检索，一次最多导入 {MAX_ENTRIES:,} 个",
        )
    entries = []
    for number, raw in enumerate(document["saved"], start=1):
        try:
            entries.append(_entry(raw))
        except ValueError as exc:
            label = raw.get("name") if isinstance(raw, dict) and isinstance(raw.get("name"), str) else None
            named = f"entry {number}" + (f" (“{label[:40]}”)" if label else "")
            zh = f"第 {number} 条：{getattr(exc, 'zh', exc)}；没有导入任何检索"
            raise SavedError(f"{named}: {exc}; nothing was imported", zh) from exc
    return entries
