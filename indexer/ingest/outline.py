"""Clean lines → paragraphs with section paths: outline headings, and lines broken mid-sentence joined."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .cleaning import Line

# Outline markers, outermost first: 一、  (一)  1.  (1)   (ASCII and full-width forms alike).
_LEVELS = (
    re.compile(r"^[一二三四五六七八九十百]+[、]"),
    re.compile(r"^[（(][一二三四五六七八九十百]+[)）]"),
    re.compile(r"^[0-9０-９]{1,2}[.．、](?![0-9０-９])"),
    re.compile(r"^[（(][0-9０-９]{1,2}[)）]"),
)
_SENTENCE_END = "。；！？;!?…"
MAX_PARAGRAPH = 3000  # characters: a longer "paragraph" is split at sentence ends (a hit stays readable, and
# highlighting, re-ranking and indexing stay bounded per paragraph)
_TERMINATORS = _SENTENCE_END + "：:"
_CLOSERS = "”’」』)）》"
_MID_SENTENCE = "，,、"
_SUBSCRIPT = re.compile(r"^[0-9A-Za-z.]{1,4}$")  # PM / 2.5 / 年平均浓度: a subscript the web page put on its own line
_HEADING_MAX = 60  # a heading line is short …
_LEAD_MAX = 40  # … and a heading that leads its paragraph ("1.加强队伍建设。一是…") shorter still


@dataclass(frozen=True)
class Block:
    """A paragraph of text, or a heading line (level 1–4) that opens a section."""

    text: str
    level: int = 0  # 0: a paragraph; otherwise the outline level of a heading-only line
    lead: str = ""  # for a paragraph that begins with its own heading, that heading
    lead_level: int = 0


HEADING_MARK = "\ue000"  # + a digit: a reader's word that this line is a heading of that level (a Word heading style)


def heading_level(line: str) -> int:
    """Return the outline level (1–4) of a line that starts with an outline marker (or a reader's HEADING_MARK),
    else 0."""
    if line.startswith(HEADING_MARK) and line[1:2].isdigit():
        return min(max(int(line[1]), 1), len(_LEVELS))
    for level, pattern in enumerate(_LEVELS, start=1):
        if pattern.match(line):
            return level
    return 0


def ends_sentence(text: str) -> bool:
    """Whether `text` ends a sentence (。；：！？, or one of them inside a closing quote or bracket)."""
    stripped = text.rstrip(_CLOSERS)
    if stripped != text:
        return bool(stripped) and stripped[-1] in _TERMINATORS
    return text[-1] in _TERMINATORS


def classify(line: str) -> Block:
    """Tell a heading-only line, a paragraph led by its own heading, and a plain paragraph apart."""
    level = heading_level(line)
    if not level:
        return Block(line)
    if line.startswith(HEADING_MARK):
        return Block(line[2:].strip(), level=level)
    body = line.rstrip(_SENTENCE_END)
    if len(line) <= _HEADING_MAX and not any(ch in body for ch in "。；！？;!?"):
        return Block(body, level=level)
    first = re.split(r"[。；！？;!?]", line, maxsplit=1)[0]
    if len(first) <= _LEAD_MAX:
        return Block(line, lead=first, lead_level=level)
    return Block(line)


def _continues(previous: str, line: Line) -> bool:
    """Whether `line` continues the paragraph `previous` that a line break cut in two."""
    if ends_sentence(previous) or heading_level(line.text):
        return False
    if line.after_blank:
        return previous[-1] in _MID_SENTENCE
    return len(previous) >= 15 or previous[-1] in _MID_SENTENCE


def _subscript(previous: str, line: Line) -> bool:
    """Whether `line` is a subscript cut out of `previous` (PM + 2.5, CO + 2), set apart by blank lines."""
    return bool(_SUBSCRIPT.match(line.text)) and previous[-1].isascii() and previous[-1].isalpha()


def join_broken_lines(lines: list[Line]) -> list[str]:
    """Join lines that continue a sentence cut by a line break; headings are never joined."""
    merged: list[str] = []
    can_continue = False
    after_subscript = False
    for line in lines:
        if merged and can_continue and _subscript(merged[-1], line):
            merged[-1] += line.text
            after_subscript = True
            continue
        if (
            merged
            and can_continue
            and (_continues(merged[-1], line) or (after_subscript and not heading_level(line.text)))
        ):
            glue = " " if merged[-1][-1].isascii() and line.text[0].isascii() and not after_subscript else ""
            merged[-1] += glue + line.text
        else:
            merged.append(line.text)
        after_subscript = False
        can_continue = classify(merged[-1]).level == 0
    return merged


@dataclass(frozen=True)
class Section:
    """A paragraph's text with the headings it sits under, outermost first."""

    text: str
    path: tuple[str, ...]


def split_sections(lines: list[Line]) -> list[Section]:
    """Split clean lines into paragraphs, each with its section path; heading-only lines open sections."""
    stack: list[tuple[int, str]] = []
    sections: list[Section] = []
    for text in join_broken_lines(lines):
        block = classify(text)
        level = block.level or block.lead_level
        if level:
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, block.lead or block.text))
        if block.level:
            continue
        # A lead heading stays on the stack: it also heads the lines after it, until a sibling heading.
        path = tuple(heading for _, heading in stack)
        sections.extend(Section(piece, path) for piece in bound_paragraph(block.text))
    return sections


def bound_paragraph(text: str, limit: int = MAX_PARAGRAPH) -> list[str]:
    """A paragraph longer than `limit` characters (a page saved without line breaks) as pieces of at most `limit`,
    cut after the last sentence end before the limit, or at the limit where a piece has none."""
    pieces = []
    while len(text) > limit:
        window = text[:limit]
        cut = max(window.rfind(end) for end in _SENTENCE_END) + 1
        cut = cut if cut > limit // 4 else limit
        pieces.append(text[:cut].strip())
        text = text[cut:].strip()
    return [p for p in (*pieces, text) if p]
