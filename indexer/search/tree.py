"""The tree a query is parsed into, which any engine's matching can evaluate: words and phrases, filters, NOT,
AND, OR, and All (filters with no words); and the walks over it that matching, highlighting and explain use."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    """A word or phrase that must occur as written."""

    text: str
    phrase: bool = False


@dataclass(frozen=True)
class Filter:
    """A metadata condition: region, year (a range) or topic."""

    field: str
    value: str


@dataclass(frozen=True)
class Not:
    """Exclude paragraphs matching `node`."""

    node: Node


@dataclass(frozen=True)
class And:
    """All of `nodes`."""

    nodes: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """Any of `nodes`."""

    nodes: tuple[Node, ...]


@dataclass(frozen=True)
class All:
    """Every paragraph: a request with filters and no query (browsing a region's or a topic's paragraphs)."""


Node = Text | Filter | Not | And | Or | All


def all_texts(node: Node) -> list[Text]:
    """Every word and phrase of a tree, excluded ones too."""
    if isinstance(node, Text):
        return [node]
    if isinstance(node, Not):
        return all_texts(node.node)
    if isinstance(node, And | Or):
        return [t for n in node.nodes for t in all_texts(n)]
    return []


def positive_texts(node: Node) -> list[Text]:
    """The words and phrases a hit is highlighted for (everything not under a NOT)."""
    if isinstance(node, Text):
        return [node]
    if isinstance(node, And | Or):
        return [t for n in node.nodes for t in positive_texts(n)]
    return []


def describe(node: Node) -> str:
    """Render the tree back as an unambiguous query string (how the query was understood)."""
    if isinstance(node, All):
        return "*"
    if isinstance(node, Text):
        return f"“{node.text}”" if node.phrase or " " in node.text else node.text
    if isinstance(node, Filter):
        return f"{node.field}:{node.value}"
    if isinstance(node, Not):
        return f"NOT {describe(node.node)}"
    joiner = " AND " if isinstance(node, And) else " OR "
    return "(" + joiner.join(describe(n) for n in node.nodes) + ")"
