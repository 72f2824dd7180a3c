"""Ingestion: the reports as users really have them, read into clean paragraphs with metadata."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer import BUNDLED_CORPUS, ReportError, load_taxonomy, read_report
from indexer.ingest.cleaning import clean_text
from indexer.ingest.outline import split_sections

TAXONOMY = load_taxonomy()
SEEDS = {
    "000_95bebef6734a544e.txt": (("广东省", "清远市", "清城区"), 2021),
    "001_702fe8ffd98e2516.txt": (("山东省", "威海市", "乳山市"), 2022),
    "002_e0cd47a7b08ce18d.txt": (("上海市", "普陀区"), 2020),
    "003_e6e3b2f4a4e89e50.txt": (("天津市", "东丽区"), 2021),
    "004_b7cffffbc446fd03.txt": (("广东省", "广州市", "花都区"), 2024),
}
REPORT = (
    "某某区司法局2021年工作总结\n一、主要工作\n(一)人民调解\n全区调解纠纷100件。\n"
    "二、下一步计划\n继续做好调解。\n某某区司法局\n2021年12月1日\n"
)


@pytest.mark.parametrize(("name", "expected"), SEEDS.items())
def test_seeds_get_the_right_region_and_year(name, expected):
    report = read_report(BUNDLED_CORPUS / name, TAXONOMY)
    assert (report.region, report.year) == expected


def test_a_report_signed_in_january_about_the_year_before_gets_that_year():
    report = read_report(BUNDLED_CORPUS / "001_702fe8ffd98e2516.txt", TAXONOMY)
    assert report.date == "2023-01-05" and report.year == 2022


@pytest.mark.parametrize(
    ("name", "title", "org"),
    [
        ("000_95bebef6734a544e.txt", "清远市清城区司法局2021年上半年工作总结及下半年工作计划", "清远市清城区司法局"),
        ("001_702fe8ffd98e2516.txt", "乳山市司法局2022年法治政府建设情况报告", "乳山市司法局"),
        ("003_e6e3b2f4a4e89e50.txt", "东丽区司法局2021年法治政府建设情况报告", "东丽区司法局"),
    ],
)
def test_title_comes_from_the_title_line_or_from_issuing_body_and_year(name, title, org):
    report = read_report(BUNDLED_CORPUS / name, TAXONOMY)
    assert (report.title, report.org) == (title, org)


def test_a_title_repeated_at_the_top_counts_once():
    report = read_report(BUNDLED_CORPUS / "002_e0cd47a7b08ce18d.txt", TAXONOMY)
    assert report.title == "2020年度普陀区司法局法治政府建设情况报告"
    assert all(p.text != report.title for p in report.paragraphs)


def test_the_broken_paragraph_of_the_qingcheng_report_is_whole_again():
    report = read_report(BUNDLED_CORPUS / "000_95bebef6734a544e.txt", TAXONOMY)
    texts = [p.text for p in report.paragraphs]
    assert "2.扎实做好帮教安置工作。全区现有2447名刑满释放人员,截至2021年6月,我区共接收刑满释放人员共261人" in "".join(
        texts
    )
    assert not any(t.startswith("截至2021年6月,我区共接收") for t in texts)


@pytest.mark.parametrize("chrome", ["验证码", "全部评论", "版权所有", "津ICP备17009684号", "公网安备", "网站标识码"])
def test_web_chrome_is_not_searchable(seeds, chrome, search_ids):
    assert search_ids(seeds, f'"{chrome}"') == []


def test_signature_lines_are_metadata_not_paragraphs():
    report = read_report(BUNDLED_CORPUS / "000_95bebef6734a544e.txt", TAXONOMY)
    assert report.date == "2021-06-16"
    assert report.paragraphs[-1].text.endswith("扩大远程视频督察系统五级联通覆盖面。")


def test_paragraphs_carry_their_section_path():
    report = read_report(BUNDLED_CORPUS / "000_95bebef6734a544e.txt", TAXONOMY)
    para = next(p for p in report.paragraphs if p.text.startswith("1.充分发挥人民调解委员会作用"))
    assert para.section[:2] == ("一、上半年工作回顾", "(四)积极化解基层矛盾纠纷,全力维护社会和谐稳定")


def test_full_width_outline_markers_are_headings():
    lines = clean_text(
        "一、总体情况\n（一）调解工作\n１．加强调解。全年调解100件。\n（２）做好援助\n援助50件。\n"
    ).lines
    sections = split_sections(list(lines))
    assert sections[-1].path == ("一、总体情况", "（一）调解工作", "１．加强调解", "（２）做好援助")


def test_odd_whitespace_is_normalised():
    lines = clean_text("第一\u00a0\u00a0段\u3000内容。\n\u200b\n").lines
    assert [line.text for line in lines] == ["第一 段 内容。"]


def test_topics_come_from_text_and_headings():
    report = read_report(BUNDLED_CORPUS / "000_95bebef6734a544e.txt", TAXONOMY)
    para = next(p for p in report.paragraphs if p.text.startswith("1.强化特殊人群监管"))
    assert "社区矫正" in para.topics


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_reports_in_common_encodings_are_decoded(tmp_path, encoding, write_report):
    path = write_report(tmp_path, f"r-{encoding}.txt", REPORT, encoding)
    report = read_report(path, TAXONOMY)
    assert report.title == "某某区司法局2021年工作总结"
    assert "全区调解纠纷100件。" in [p.text for p in report.paragraphs]


def test_empty_and_binary_files_are_refused_with_a_reason(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"  \n")
    binary = tmp_path / "image.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ReportError, match="empty"):
        read_report(empty, TAXONOMY)
    with pytest.raises(ReportError, match="binary|not text"):
        read_report(binary, TAXONOMY)


def test_a_json_sidecar_overrides_what_the_text_says(tmp_path, write_report):
    path = write_report(tmp_path, "r.txt", REPORT)
    Path(str(path) + ".json").write_text(json.dumps({"year": 2020, "region": "广东省-清远市"}), encoding="utf-8")
    report = read_report_with_overrides(path)
    assert (report.year, report.region) == (2020, ("广东省", "清远市"))


def test_a_manifest_row_overrides_fields_for_a_folder(tmp_path, write_report):
    path = write_report(tmp_path, "r.txt", REPORT)
    (tmp_path / "MANIFEST.tsv").write_text("file\ttitle\tregion\nr.txt\t自定标题\t上海市 › 普陀区\n", encoding="utf-8")
    report = read_report_with_overrides(path)
    assert (report.title, report.region) == ("自定标题", ("上海市", "普陀区"))


def read_report_with_overrides(path: Path):
    from indexer.ingest.overrides import read_manifest, read_overrides

    return read_report(path, TAXONOMY, read_overrides(path, read_manifest(path.parent)))


def test_a_subscript_the_web_page_set_on_its_own_line_is_joined_back(tmp_path, write_report):
    text = "某某省2025年政府工作报告\n持续改善空气质量，PM\n\n2.5\n\n年平均浓度降至25微克/立方米。\n\n二、下一步\n"
    report = read_report(write_report(tmp_path, "r.txt", text), TAXONOMY)
    assert [p.text for p in report.paragraphs] == ["持续改善空气质量，PM2.5年平均浓度降至25微克/立方米。"]


def test_a_taxonomy_file_with_no_topics_tags_nothing_and_reports_still_read(tmp_path):
    path = tmp_path / "topics.txt"
    path.write_text("# every topic commented out\n# 社区矫正: 矫正\n", encoding="utf-8")
    taxonomy = load_taxonomy(path)
    report = read_report(BUNDLED_CORPUS / sorted(p.name for p in BUNDLED_CORPUS.glob("*.txt"))[0], taxonomy)
    assert report.paragraphs and all(p.topics == () for p in report.paragraphs)
