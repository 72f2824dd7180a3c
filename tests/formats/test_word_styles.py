"""Word's own structure gives the section path: a heading style makes a heading even without 一、 numbering."""

from __future__ import annotations

import docx

from indexer import load_taxonomy, read_report


def test_word_heading_styles_give_the_section_path(tmp_path):
    document = docx.Document()
    document.add_heading("某某县司法局2023年工作总结", level=0)
    document.add_paragraph("2023年，县司法局全面推进法治建设，取得新成效。")
    document.add_heading("工作成效", level=1)
    document.add_heading("人民调解", level=2)
    document.add_paragraph("全县调解纠纷1200件，调解成功率98%。")
    document.add_heading("二、存在问题", level=1)  # numbered as well: the numbering decides, as in a .txt
    document.add_paragraph("基层力量还比较薄弱。")
    document.save(str(tmp_path / "styles.docx"))
    report = read_report(tmp_path / "styles.docx", load_taxonomy())
    assert report.title == "某某县司法局2023年工作总结" and report.year == 2023
    assert [(p.section, p.text[:6]) for p in report.paragraphs] == [
        ((), "2023年，"),
        (("工作成效", "人民调解"), "全县调解纠纷"),
        (("二、存在问题",), "基层力量还比"),
    ]
