"""Web pages as portals serve them (often GB2312/GBK, with navigation, share buttons, footers): the article's main
text by trafilatura (precision mode: it leaves out navigation, breadcrumbs, share and print links, footers and ICP
lines on these pages; our cleaning drops what chrome is left), the title from the page's metadata. MHTML (a page
saved whole) is unpacked with the standard library's email parser first. No script runs: lxml parses, nothing
executes."""

from __future__ import annotations

import email
import email.policy
import re
from importlib.metadata import version
from pathlib import Path

from ...errors import ReportError
from ..outline import HEADING_MARK, heading_level
from .document import Extracted

MAX_PAGE_BYTES = 20 * 2**20  # a page this large is no report page (trafilatura's tree would take GBs)


def _html_of_mhtml(data: bytes, path: Path) -> bytes:
    message = email.message_from_bytes(data, policy=email.policy.default)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True) or b""
            charset = part.get_content_charset()
            if charset:  # give the page its charset back: the MIME header had it, the HTML may not
                payload = payload.decode(charset, errors="replace").encode("utf-8")
                payload = b'<meta charset="utf-8">' + payload
            return payload
    raise ReportError(path, "an MHTML file without an HTML page in it")


_BLOCKS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "tr", "pre", "blockquote", "dd", "dt"}
_CHROME = re.compile(
    r"^(?:发布时间|发布日期|来源[:：]|信息来源|作者[:：]|浏览次数|点击数|阅读次数|【?字体[:：]?|分享到|打印本页|关闭窗口|"
    r"相关链接|相关阅读|上一篇|下一篇|附件[:：]|扫一扫|当前位置|您当前的位置)"
)


def _container(tree, wanted: list[str]):
    """The deepest element holding nearly all of the article's paragraphs as trafilatura found them."""
    best = tree
    for element in tree.iter("div", "article", "section", "td", "main"):
        text = element.text_content()
        found = sum(1 for line in wanted if line[:30] in text)
        if found >= 0.9 * len(wanted):
            best = element  # iter() goes depth first: a later match lies inside the earlier one or after it
    return best


def _block_lines(container) -> list[str]:
    """The container's blocks in document order, a line each (a block inside another counts once)."""
    lines: list[str] = []
    for element in container.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag not in _BLOCKS and not (tag == "div" and not any(c.tag in _BLOCKS | {"div"} for c in element)):
            continue
        if any(ancestor.tag in _BLOCKS for ancestor in element.iterancestors()):
            continue
        if tag == "tr":
            text = "　".join(" ".join(cell.text_content().split()) for cell in element if isinstance(cell.tag, str))
        else:
            text = " ".join(element.text_content().split())
        if text and not _CHROME.match(text):
            if tag in ("h2", "h3", "h4", "h5") and not heading_level(text):  # an unnumbered heading stays one
                text = f"{HEADING_MARK}{int(tag[1]) - 1}{text}"
            lines.append(text)
    return lines


def read_web_page(path: Path) -> Extracted:
    """The main text of a saved web page (HTML or MHTML), its title first: trafilatura finds the article (and
    its title); its headings, which trafilatura's text leaves out, come from the article's own blocks."""
    import trafilatura
    from trafilatura.utils import load_html

    data = path.read_bytes()
    kind = "html"
    if path.suffix.lower() in (".mht", ".mhtml") or data[:1024].lower().find(b"mime-version:") >= 0:
        data, kind = _html_of_mhtml(data, path), "mhtml"
    if len(data) > MAX_PAGE_BYTES:
        raise ReportError(path, f"a web page larger than {MAX_PAGE_BYTES // 2**20} MiB: no report page is")
    text = trafilatura.extract(data, output_format="txt", include_tables=True, favor_precision=True, deduplicate=True)
    if not text or not text.strip():
        raise ReportError(path, "no article text found on the page (only navigation or scripts)")
    tree = load_html(data)
    for script in tree.iter("script", "style", "noscript"):
        script.drop_tree() if hasattr(script, "drop_tree") else None
    wanted = [line.strip() for line in text.splitlines() if len(line.strip()) >= 10]
    lines = _block_lines(_container(tree, wanted)) if wanted else text.splitlines()
    metadata = trafilatura.extract_metadata(data)
    title = (metadata.title or "").strip() if metadata else ""
    if title and (not lines or lines[0].strip() != title):
        lines.insert(0, title)
    return Extracted("\n".join(lines), kind, f"trafilatura {version('trafilatura')} + article blocks")
