"""Raw report text → clean lines: odd whitespace normalised, web chrome and footers set aside."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Lines that are web-page furniture, never content.
_ALWAYS_CHROME = re.compile(r"ICP备|ICP证|公网安备|网站标识码")
_EDGE_COPYRIGHT = re.compile(r"版权所有|©|Copyright", re.IGNORECASE)
_EDGE_CHROME = re.compile(
    r"^(验证码|全部评论|发表评论|我要评论|打印本页|关闭窗口|返回顶部|分享到|扫一扫|【?字[体号]|浏览次数|阅读次数"
    r"|主办[:：]|承办[:：]|主办单位[:：]|承办单位[:：]|技术支持[:：]|联系我们|网站地图|上一篇|下一篇|相关链接)"
)
_ODD_SPACE = re.compile(r"[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff\t\f\v]+")
_MULTI_SPACE = re.compile(r" {2,}")
_LINE_BREAK = re.compile(r"\r\n|[\r\n\u2028\u2029\x85]")
_EDGE = 10  # chrome other than copyright lines sits within this many lines of either end


@dataclass(frozen=True)
class Line:
    """A clean non-empty line; `after_blank` says a blank line came before it."""

    text: str
    after_blank: bool


@dataclass(frozen=True)
class CleanText:
    """The content lines of a report and the chrome lines removed from it (kept for metadata)."""

    lines: tuple[Line, ...]
    chrome: tuple[str, ...]


def normalise_space(text: str) -> str:
    """Turn non-breaking, ideographic and zero-width spaces into plain spaces, and collapse runs."""
    return _MULTI_SPACE.sub(" ", _ODD_SPACE.sub(" ", text)).strip()


def clean_text(text: str) -> CleanText:
    """Split `text` into clean lines, dropping chrome and a title repeated at the top."""
    raw = [normalise_space(line) for line in _LINE_BREAK.split(text)]
    nonblank = [i for i, line in enumerate(raw) if line]
    edge = set(nonblank[:3] + nonblank[-_EDGE:])
    lines: list[Line] = []
    chrome: list[str] = []
    blank = False
    for i, line in enumerate(raw):
        if not line:
            blank = True
            continue
        if len(line) <= 150 and (
            _ALWAYS_CHROME.search(line) or (i in edge and (_EDGE_CHROME.match(line) or _EDGE_COPYRIGHT.search(line)))
        ):
            chrome.append(line)
            continue
        if lines and len(lines) <= 3 and line == lines[0].text:
            continue  # the title again (pages that print it twice)
        lines.append(Line(line, blank))
        blank = False
    return CleanText(tuple(lines), tuple(chrome))
