"""One seed report written in every format a portal publishes, each by a real tool: python-docx (Word with heading
styles), Chromium (a PDF with page numbers, and a saved MHTML page), poppler + img2pdf (a scan without a text
layer), LibreOffice (a .doc), a GB2312 portal page around the report; OFD is written as its standard lays it out."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from html import escape
from pathlib import Path

import pytest

from indexer import BUNDLED_CORPUS, load_taxonomy, read_report
from tests.chromium import CHROMIUM

SEED = BUNDLED_CORPUS / "000_95bebef6734a544e.txt"
if os.environ.get("CI"):
    missing = [tool for tool in ("chromium", "pdftoppm", "tesseract", "soffice") if not shutil.which(tool)]
    if missing:
        pytest.fail(f"CI must have {', '.join(missing)} (.ci/run installs them)", pytrace=False)
PORTAL = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{title}_清城区人民政府门户网站</title></head>
<body><div class="top"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | <a href="/hdjl/">互动交流</a></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 工作总结</div>
<div class="article"><h1>{title}</h1><div class="info">发布时间：2021-07-12 来源：区司法局 【字体：大 中 小】</div>
{body}
<div class="fj">附件：<a href="/fj/1.doc">1.doc</a></div></div>
<div class="share">分享到：<a>微信</a> <a>微博</a> <a>QQ空间</a></div>
<div class="tools"><a href="#print">打印本页</a> <a href="#close">关闭窗口</a></div>
<div class="related">相关链接：<a href="/a">上一篇</a> <a href="/b">下一篇</a></div>
<div class="footer">主办：清远市清城区人民政府 版权所有 网站标识码：4418020001 粤ICP备12345678号</div>
<script>document.title = "x";</script></body></html>"""


def report_lines(report) -> list[str]:
    """The report as lines: its title, then each paragraph under the headings it newly enters (depth, text)."""
    lines: list[tuple[int, str]] = [(0, report.title)]
    path: tuple[str, ...] = ()
    for para in report.paragraphs:
        for depth, heading in enumerate(para.section, start=1):
            if depth > len(path) or path[depth - 1] != heading:
                if not para.text.startswith(heading):
                    lines.append((depth, heading))
        path = para.section
        lines.append((-1, para.text))
    return lines


@pytest.fixture(scope="session")
def seed_report():
    """The seed report as the .txt path reads it: the yardstick every format is measured against."""
    return read_report(SEED, load_taxonomy())


@pytest.fixture(scope="session")
def made(tmp_path_factory, seed_report, request) -> dict[str, Path]:
    """The seed report in every format this machine has the tools for: name → file."""
    folder = tmp_path_factory.mktemp("formats")
    lines = report_lines(seed_report)
    files = {"txt": folder / "report.txt"}
    shutil.copy(SEED, files["txt"])
    files["docx"] = _docx(lines, folder / "report.docx")
    files["html"] = _portal_page(lines, folder / "report.html")
    files["ofd"] = _ofd(lines, folder / "report.ofd")
    if CHROMIUM:
        files["pdf"], files["mhtml"] = _chromium(request.getfixturevalue("browser"), lines, files["html"], folder)
        if shutil.which("pdftoppm"):
            files["scan"] = _scan(files["pdf"], folder / "scan.pdf")
    if shutil.which("soffice"):
        files["doc"] = _libreoffice(files["docx"], folder, "doc")
    return files


def _docx(lines, path: Path) -> Path:
    import docx

    document = docx.Document()
    for depth, text in lines:
        if depth == 0:
            document.add_heading(text, level=0)
        elif depth > 0:
            document.add_heading(text, level=min(depth, 9))
        else:
            document.add_paragraph(text)
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, (("项目", "数量"), ("调解案件", "824宗")), strict=True):
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    document.save(str(path))
    return path


def _article(lines) -> str:
    parts = []
    for depth, text in lines[1:]:
        parts.append(
            f"<h{min(depth + 1, 6)}>{escape(text)}</h{min(depth + 1, 6)}>" if depth > 0 else f"<p>{escape(text)}</p>"
        )
    return "\n".join(parts)


def _portal_page(lines, path: Path) -> Path:
    page = PORTAL.format(title=escape(lines[0][1]), body=_article(lines))
    path.write_bytes(page.encode("gb2312", errors="xmlcharrefreplace"))  # as portals do for characters past GB2312
    return path


def _chromium(browser, lines, portal: Path, folder: Path) -> tuple[Path, Path]:
    clean = folder / "print.html"
    clean.write_text(f'<!doctype html><meta charset="utf-8"><h1>{escape(lines[0][1])}</h1>{_article(lines)}', "utf-8")
    context = browser.new_context()
    page = context.new_page()
    page.goto(clean.as_uri())
    footer = '<div style="font-size:9px;width:100%;text-align:center">- <span class="pageNumber"></span> -</div>'
    pdf = folder / "report.pdf"
    page.pdf(
        path=str(pdf),
        format="A4",
        display_header_footer=True,
        header_template="<div></div>",
        footer_template=footer,
        margin={"top": "20mm", "bottom": "20mm"},
    )
    page.goto(portal.as_uri())
    session = context.new_cdp_session(page)
    snapshot = session.send("Page.captureSnapshot", {"format": "mhtml"})["data"]
    context.close()
    mhtml = folder / "report.mhtml"
    mhtml.write_text(snapshot, encoding="utf-8", newline="")
    return pdf, mhtml


def _scan(pdf: Path, path: Path) -> Path:
    import img2pdf

    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(pdf.with_name("scan-page"))], check=True)
    pages = sorted(pdf.parent.glob("scan-page*.png"))
    path.write_bytes(img2pdf.convert([str(p) for p in pages]))
    return path


def _libreoffice(source: Path, folder: Path, kind: str) -> Path:
    out = folder / kind
    profile = folder / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            kind,
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return next(out.glob(f"*.{kind}"))


def _ofd(lines, path: Path) -> Path:
    """An OFD package as GB/T 33190 lays it out, its XML written by ElementTree: OFD.xml → Doc_0/Document.xml → a
    Content.xml per page of 30 lines, each line a TextObject with its Boundary and TextCode."""
    from xml.etree import ElementTree as ET

    ns = "http://www.ofdspec.org/2016"
    ET.register_namespace("ofd", ns)

    def node(parent, tag, text=None, **attributes):
        element = (
            ET.Element(f"{{{ns}}}{tag}", attributes)
            if parent is None
            else ET.SubElement(parent, f"{{{ns}}}{tag}", attributes)
        )
        element.text = text
        return element

    def xml(root) -> bytes:
        return ET.tostring(root, encoding="utf-8", xml_declaration=True)

    texts = [text for _, text in lines]
    pages = [texts[i : i + 30] for i in range(0, len(texts), 30)]
    root = node(None, "OFD", Version="1.1", DocType="OFD")
    body = node(root, "DocBody")
    node(node(body, "DocInfo"), "DocID", "1")
    node(body, "DocRoot", "Doc_0/Document.xml")
    document = node(None, "Document")
    area = node(node(document, "CommonData"), "PageArea")
    node(area, "PhysicalBox", "0 0 210 297")
    listed = node(document, "Pages")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("OFD.xml", xml(root))
        for number, page in enumerate(pages):
            node(listed, "Page", ID=str(number + 1), BaseLoc=f"Pages/Page_{number}/Content.xml")
            content = node(None, "Page")
            layer = node(node(content, "Content"), "Layer", ID="1")
            for i, text in enumerate(page):
                obj = node(layer, "TextObject", ID=str(100 + i), Boundary=f"20 {20 + 8 * i} 170 6", Font="1", Size="4")
                node(obj, "TextCode", text, X="0", Y="5")
            archive.writestr(f"Doc_0/Pages/Page_{number}/Content.xml", xml(content))
        archive.writestr("Doc_0/Document.xml", xml(document))
    return path
