"""OFD (GB/T 33190, the national format for electronic official documents): a zip of XML. The document root named
in OFD.xml lists its pages; each page's Content.xml holds TextObjects (a Boundary "x y w h" and TextCode runs).
Runs on one baseline make a line, lines in reading order (top to bottom, then left to right). Our own reader of the
standard's text objects, with the standard library: no code of the document runs."""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from ...errors import ReportError
from .document import Extracted
from .limits import MAX_PAGES, check_zip

NS = {"ofd": "http://www.ofdspec.org/2016"}


def _xml(archive: zipfile.ZipFile, name: str, path: Path) -> ElementTree.Element:
    try:
        return ElementTree.fromstring(archive.read(name.lstrip("/")))
    except (KeyError, ElementTree.ParseError) as exc:
        raise ReportError(path, f"a damaged OFD package ({name}: {exc})") from exc


def _page_lines(content: ElementTree.Element) -> list[str]:
    runs = []
    for obj in content.iter(f"{{{NS['ofd']}}}TextObject"):
        x, y, _, height = (float(v) for v in (obj.get("Boundary", "0 0 0 0").split() + ["0"] * 4)[:4])
        text = "".join(code.text or "" for code in obj.findall("ofd:TextCode", NS))
        if text.strip():
            runs.append((y, x, max(height, 1.0), text))
    lines: list[list[tuple[float, float, float, str]]] = []
    for run in sorted(runs):
        if lines and abs(run[0] - lines[-1][0][0]) < 0.5 * run[2]:
            lines[-1].append(run)
        else:
            lines.append([run])
    return ["".join(text for _, _, _, text in sorted(line, key=lambda r: r[1])).strip() for line in lines]


def read_ofd(path: Path) -> Extracted:
    """An OFD report's text, page by page."""
    check_zip(path)
    with zipfile.ZipFile(path) as archive:
        root = _xml(archive, "OFD.xml", path)
        doc_root = root.findtext("ofd:DocBody/ofd:DocRoot", default="", namespaces=NS).strip()
        if not doc_root:
            raise ReportError(path, "an OFD package without a document root (OFD.xml names none)")
        document = _xml(archive, doc_root, path)
        base = posixpath.dirname(doc_root.lstrip("/"))
        lines = []
        for page in document.findall("ofd:Pages/ofd:Page", NS)[:MAX_PAGES]:
            location = page.get("BaseLoc", "")
            name = location.lstrip("/") if location.startswith("/") else posixpath.join(base, location)
            lines += _page_lines(_xml(archive, name, path))
    from .pdf import without_furniture

    lines = without_furniture(["\n".join(lines)])
    if not lines:
        raise ReportError(path, "an OFD document without text")
    return Extracted("\n".join(lines), "ofd", "OFD text objects (govsearch's reader of GB/T 33190)")
