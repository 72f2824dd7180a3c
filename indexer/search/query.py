"""The query language, parsed into a small tree that any backend can compile.

    社区矫正 教育帮扶          both words (AND is the default)
    调解 OR 仲裁              either word (also: |)
    调解 -仲裁, NOT 仲裁       exclude a word
    "法治政府建设"             an exact phrase (also “…” and 「…」)
    (调解 OR 仲裁) 社区        grouping
    region:广东省 year:2020-2022 topic:社区矫正   filters (also 地区: 年份: 主题:)

Every word matches as an exact substring of a paragraph, its section headings or its report's title
(after folding full-width and traditional forms), so 调解 finds 人民调解委员会 and nothing is missed
because jieba split a word differently; ranking then uses jieba's words.
"""

from __future__ import annotations

import re
import unicodedata

from ..errors import QueryError
from .tree import All, And, Filter, Node, Not, Or, Text, all_texts, describe, positive_texts

__all__ = [
    "All", "And", "Filter", "Node", "Not", "Or", "Text", "all_texts", "describe", "parse_query",
    "parse_year_range", "positive_texts",
]  # fmt: skip

MAX_QUERY_LENGTH = 500
MAX_WORDS = 32  # distinct words and phrases in one query: each costs a match, a score and highlights
FIELD_ALIASES = {
    "region": "region",
    "地区": "region",
    "地域": "region",
    "year": "year",
    "年份": "year",
    "年度": "year",
    "topic": "topic",
    "主题": "topic",
    "title": "title",  # the report title on purpose (a word's own match uses the title as context only)
    "标题": "title",
}
_YEAR_VALUE = re.compile(r"^(\d{4})(?:\s*(?:-|–|—|~|～|\.\.|至|到)\s*(\d{4}))?$")
_QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』", "”": "”"}
_FIELD = re.compile(r"^([A-Za-z]+|地区|地域|年份|年度|主题|标题)[:：](.*)$", re.S)


def parse_year_range(value: str) -> tuple[int, int]:
    """Read `2021` or `2020-2022` as an inclusive range of years."""
    match = _YEAR_VALUE.match(value.strip())
    if not match:
        raise QueryError(
            f"year “{value}” is not a year: write 2021, or a range such as 2020-2022",
            f"“{value}”不是年份：请写 2021，或 2020-2022 这样的区间",
        )
    low = int(match.group(1))
    high = int(match.group(2) or low)
    if low > high:
        raise QueryError(
            f"year range “{value}” runs backwards: write the earlier year first, e.g. {high}-{low}",
            f"年份区间“{value}”前后颠倒：请先写较早的年份，如 {high}-{low}",
        )
    return low, high


def _lex(query: str) -> list[tuple[str, str, int]]:
    """Split a query into (kind, value, position) tokens: ( ) OR AND NOT - word phrase."""
    tokens: list[tuple[str, str, int]] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            tokens.append((ch, ch, i))
            i += 1
        elif ch in _QUOTES:
            close = query.find(_QUOTES[ch], i + 1)
            if close < 0:
                raise QueryError(
                    f"the quote opened at character {i + 1} is never closed: add a closing {_QUOTES[ch]}",
                    f"第 {i + 1} 个字符处的引号没有闭合：请补上 {_QUOTES[ch]}",
                )
            tokens.append(("phrase", query[i + 1 : close], i))
            i = close + 1
        elif ch == "|":
            tokens.append(("OR", ch, i))
            i += 1
        elif (
            ch == "-"
            and (i + 1 < n and not query[i + 1].isspace())
            and (not tokens or query[i - 1].isspace() or query[i - 1] == "(")
        ):
            tokens.append(("NOT", ch, i))
            i += 1
        else:
            j = i
            while j < n and not query[j].isspace() and query[j] not in "()|" and query[j] not in _QUOTES:
                j += 1
            word = query[i:j]
            field = _FIELD.match(word)
            if field and j < n and query[j] in _QUOTES and not field.group(2):
                close = query.find(_QUOTES[query[j]], j + 1)
                if close < 0:
                    raise QueryError(
                        f"the quote opened at character {j + 1} is never closed: add a closing quote",
                        f"第 {j + 1} 个字符处的引号没有闭合：请补上引号",
                    )
                word, j = word + query[j + 1 : close], close + 1
            kind = word if word in ("OR", "AND", "NOT") else "word"
            tokens.append((kind, word, i))
            i = j
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str, int]]) -> None:
        self.tokens = tokens
        self.i = 0

    def peek(self) -> str | None:
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str, int]:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse(self) -> Node:
        node = self.or_expr()
        if self.peek() == ")":
            at = self.tokens[self.i][2] + 1
            raise QueryError(
                f"the “)” at character {at} has no matching “(”: remove it",
                f"第 {at} 个字符处的“)”没有对应的“(”：请删去",
            )
        return node

    def or_expr(self) -> Node:
        nodes = [self.and_expr()]
        while self.peek() == "OR":
            self.take()
            if self.peek() in (None, ")", "OR"):
                raise QueryError("OR needs a word on each side, e.g. 调解 OR 仲裁", "OR 两边都要有词，如：调解 OR 仲裁")
            nodes.append(self.and_expr())
        nodes = list(dict.fromkeys(nodes))  # a word given twice means it once
        return nodes[0] if len(nodes) == 1 else Or(tuple(nodes))

    def and_expr(self) -> Node:
        nodes = []
        while self.peek() not in (None, ")", "OR"):
            if self.peek() == "AND":
                self.take()
                if self.peek() in (None, ")", "OR", "AND"):
                    raise QueryError(
                        "AND needs a word on each side, e.g. 调解 AND 仲裁", "AND 两边都要有词，如：调解 AND 仲裁"
                    )
                continue
            nodes.append(self.unary())
        if not nodes:
            if self.peek() == "OR":
                raise QueryError("OR needs a word on each side, e.g. 调解 OR 仲裁", "OR 两边都要有词，如：调解 OR 仲裁")
            raise QueryError("empty query", "检索式是空的：请输入检索词")
        nodes = list(dict.fromkeys(nodes))
        return nodes[0] if len(nodes) == 1 else And(tuple(nodes))

    def unary(self) -> Node:
        kind, value, pos = self.take()
        if kind == "NOT":
            if self.peek() in (None, ")", "OR", "AND"):
                raise QueryError(
                    f"“{value}” at character {pos + 1} must be followed by the word to exclude",
                    f"第 {pos + 1} 个字符处的“{value}”后面要跟上要排除的词",
                )
            return Not(self.unary())
        if kind == "(":
            if self.peek() is None:
                raise QueryError(
                    f"the “(” at character {pos + 1} is never closed: add a “)”",
                    f"第 {pos + 1} 个字符处的“(”没有闭合：请补上“)”",
                )
            if self.peek() == ")":
                raise QueryError(
                    f"the parentheses at character {pos + 1} are empty: put words inside or remove them",
                    f"第 {pos + 1} 个字符处的括号是空的：请在括号里写上词，或删去括号",
                )
            node = self.or_expr()
            if self.peek() != ")":
                raise QueryError(
                    f"the “(” at character {pos + 1} is never closed: add a “)”",
                    f"第 {pos + 1} 个字符处的“(”没有闭合：请补上“)”",
                )
            self.take()
            return node
        if kind == "phrase":
            if not value.strip():
                raise QueryError(
                    f"the quotes at character {pos + 1} are empty: put a phrase inside or remove them",
                    f"第 {pos + 1} 个字符处的引号是空的：请在引号里写上短语，或删去引号",
                )
            return Text(value.strip(), phrase=True)
        if kind == "word":
            field = _FIELD.match(value)
            if field:
                return _filter(field.group(1), field.group(2).strip(), value)
            return Text(value)
        raise QueryError(f"unexpected “{value}” at character {pos + 1}", f"第 {pos + 1} 个字符处不应出现“{value}”")


def _filter(name: str, value: str, raw: str) -> Node:
    key = FIELD_ALIASES.get(name.lower())
    if key is None:
        if not name.isascii():
            return Text(raw)
        raise QueryError(
            f"unknown field “{name}:”; filter with region:, year:, topic: or title: (地区: 年份: 主题: 标题:)",
            f"没有“{name}:”这个筛选项：请用 地区: 年份: 主题: 标题:（或 region: year: topic: title:）",
        )
    if not value:
        example = {"region": "广东省", "year": "2021", "topic": "社区矫正", "title": "司法局"}[key]
        raise QueryError(f"“{raw}” needs a value, e.g. {key}:{example}", f"“{raw}”后面要写上值，如 {key}:{example}")
    if key == "year":
        parse_year_range(value)
    return Filter(key, value)


def _has_positive(node: Node) -> bool:
    """Whether a tree asks for something: a word, or a filter (region:广东省 alone lists that region's paragraphs)."""
    if isinstance(node, Text | Filter):
        return True
    if isinstance(node, And):
        return any(_has_positive(n) for n in node.nodes)
    if isinstance(node, Or):
        return all(_has_positive(n) for n in node.nodes)
    return False


def parse_query(query: str) -> Node:
    """Parse a query string into a tree, or raise QueryError saying what is wrong and how to fix it."""
    query = unicodedata.normalize("NFKC", query).strip()
    if not query:
        raise QueryError("empty query: type one or more words, e.g. 社区矫正", "请输入检索词，如：社区矫正")
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryError(
            f"the query is {len(query)} characters long; shorten it to {MAX_QUERY_LENGTH} or fewer",
            f"检索式有 {len(query)} 个字符，请缩短到 {MAX_QUERY_LENGTH} 个以内",
        )
    node = _Parser(_lex(query)).parse()
    count = len(set(all_texts(node)))
    if count > MAX_WORDS:
        raise QueryError(
            f"the query has {count} different words and phrases; use at most {MAX_WORDS}",
            f"检索式含 {count} 个不同的词和短语，最多 {MAX_WORDS} 个",
        )
    if not _has_positive(node):
        raise QueryError(
            "the query only excludes: add at least one word to search for (or a filter such as region:广东省)",
            "检索式只有排除词：请至少写一个要找的词（或筛选条件，如 地区:广东省）",
        )
    return node
