"""Ranking, each improvement pinned on its own small example (real jieba, real whoosh index on disk).

Nothing here depends on the judged queries of ../shared/eval: benchmarks/relevance.py measures those.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from indexer import Instance, SearchRequest, index_files, open_backend
from search_app import create_app
from search_app.cli import main

FILLER = "全县上下坚持稳中求进工作总基调，统筹发展和安全，各项工作取得新的进展，人民群众获得感不断增强。"


@pytest.fixture(scope="module")
def ranked(tmp_path_factory, write_report):
    """An instance with small reports, each written to show one ranking behaviour."""
    folder = tmp_path_factory.mktemp("reports")
    reports = {
        "elderly.txt": "甲县2023年政府工作报告\n一、民生\n新建社区食堂，为老年人提供助餐服务。\n"
        "为独居老人提供上门探访和助餐服务。\n",
        "near.txt": "乙县2023年政府工作报告\n一、法治\n" + FILLER + "推进社区矫正教育帮扶，落实帮扶责任。\n",
        "far.txt": "丙县2023年政府工作报告\n一、法治\n社区矫正工作稳步推进。" + FILLER + "各项教育帮扶措施落实到位。\n",
        "one-word.txt": "丁县2023年政府工作报告\n一、法治\n社区矫正对象监管实现全覆盖，" + FILLER + "\n",
        "glossary.txt": "戊县2023年政府工作报告\n一、民营经济\n" + FILLER * 2 + "\n附件：名词解释\n[1]民营经济。\n"
        "二、发展\n大力发展民营经济，落实支持民营经济发展的各项政策，民营经济增加值增长8%，民营企业数量达到1.2万户。\n",
        "heading.txt": "己县2023年政府工作报告\n一、就业优先\n" + FILLER + "\n",
        "jobs.txt": "庚县2023年政府工作报告\n一、民生\n实施就业优先政策，全年城镇新增就业5000人，" + FILLER + "\n",
        "baoding.txt": "保定市2023年政府工作报告\n一、生态\n深入开展大气污染综合治理，PM2.5平均浓度下降10%。\n",
        "shijiazhuang.txt": "石家庄市2023年政府工作报告\n一、生态\n深入开展大气污染综合治理，空气质量持续改善。\n",
        # a plain-words question (出狱 帮扶) answered in official words (刑满释放), and a passing mention as typed
        "released.txt": "辛县2023年政府工作报告\n一、安置帮教\n刑满释放人员帮扶：刑满释放人员衔接率100%，"
        "刑满释放人员帮扶到位。\n",
        "mention.txt": "壬县2023年政府工作报告\n一、综述\n" + FILLER * 3 + "另有出狱人员帮扶。\n",
    }
    for name, text in reports.items():
        write_report(folder, name, text)
    home = tmp_path_factory.mktemp("ranking-home")
    summary = index_files(Instance(home), [folder])
    assert summary.reports == len(reports)
    backend = open_backend(Instance(home))
    yield backend
    backend.close()


def texts(backend, query, **kwargs):
    result = backend.search(SearchRequest(query, page_size=50, **kwargs))
    return result, [h.text for h in result.hits]


def test_synonyms_widen_a_word_and_rank_below_the_word_as_typed(ranked):
    result, found = texts(ranked, "老人")
    assert found == ["为独居老人提供上门探访和助餐服务。", "新建社区食堂，为老年人提供助餐服务。"]
    assert result.hits[1].highlight.count("<mark>老年人</mark>") == 1  # the expansion is highlighted exactly
    assert result.explain["expansions"]["老人"][0] == "老年人"


def test_a_word_as_typed_is_a_prior_not_a_rule_over_everything_else(ranked):
    # each as-typed word counts 10% more; here the paragraph about released prisoners in official words outranks
    # a long one that mentions 出狱 in passing (before, any as-typed paragraph came first, however weak)
    result, found = texts(ranked, "出狱 帮扶")
    assert result.total == 2
    assert found[0].startswith("刑满释放人员帮扶") and "出狱" in found[1]
    assert result.hits[0].highlight.startswith("<mark>刑满释放")


def test_quoted_phrases_are_never_expanded(ranked):
    _, found = texts(ranked, '"老人"')
    assert found == ["为独居老人提供上门探访和助餐服务。"]


def test_own_synonyms_file_applies_without_reindexing(ranked):
    own = ranked.home / "synonyms.txt"
    own.write_text("银发族, 老年人\n", encoding="utf-8")
    try:
        _, found = texts(ranked, "银发族")
        assert found == ["新建社区食堂，为老年人提供助餐服务。"]
    finally:
        own.unlink()
    assert texts(ranked, "银发族")[1] == []


def test_words_close_together_rank_above_the_same_words_far_apart(ranked):
    result, found = texts(ranked, "社区矫正 教育帮扶")
    assert result.total == 2
    assert found[0].startswith(FILLER) and "社区矫正教育帮扶" in found[0]
    assert found[1].startswith("社区矫正工作稳步推进")


def test_paragraphs_missing_one_word_follow_those_with_all_and_say_what_they_miss(ranked):
    result, _ = texts(ranked, "社区矫正 教育帮扶")
    assert result.total == 2 and result.partial == 1
    assert [h.missing for h in result.hits] == [[], [], ["教育帮扶"]]
    assert texts(ranked, "社区矫正 教育帮扶", relaxed=False)[0].partial == 0


def test_a_glossary_line_does_not_outrank_the_paragraph_that_discusses_the_topic(ranked):
    _, found = texts(ranked, "民营经济")
    assert found[0].startswith("大力发展民营经济") and "[1]民营经济。" in found


def test_a_word_in_the_text_outranks_the_same_word_only_in_a_heading(ranked):
    result, found = texts(ranked, "就业")
    assert found[0].startswith("实施就业优先政策")
    assert result.hits[1].section == "一、就业优先" and "就业" not in result.hits[1].text


def test_a_place_name_beside_other_words_also_matches_the_reports_region(ranked):
    result, found = texts(ranked, "保定 大气污染")
    assert result.total == 1 and "保定" not in found[0] and result.hits[0].region[-1] == "保定市"
    assert result.hits[1].region[-1] == "石家庄市" and result.hits[1].missing == ["保定"]
    assert result.explain["regions"] == {"保定": ["河北省/保定市"]}


def test_explain_shows_words_expansions_and_regions_in_the_cli_and_the_web(ranked):
    cli = CliRunner().invoke(main, ["search", "老人 保定", "--explain", "--home", str(ranked.home)])
    assert "expanded:    老人 → 老年人" in cli.output and "region word: 保定 → 河北省 › 保定市" in cli.output
    as_json = CliRunner().invoke(main, ["search", "老人", "--explain", "--json", "--home", str(ranked.home)])
    lines = as_json.stdout.splitlines()
    assert lines and all(json.loads(line)["id"] for line in lines)  # one hit per line; the explanation goes to stderr
    assert "expanded:    老人 → 老年人" in as_json.stderr
    page = create_app({"HOME": str(ranked.home)}).test_client().get("/?q=老人").get_data(as_text=True)
    assert "扩展：老人→老年人" in page


@pytest.mark.parametrize("query", ["老人", "保定 大气污染", "社区矫正 教育帮扶", "民营经济"])
def test_scores_of_the_hits_alone_are_every_paragraph_s_scores_there_to_the_last_bit(ranked, query, monkeypatch):
    from indexer.search import scoring

    with ranked.engine.reading() as view:
        sel = ranked._select(view, SearchRequest(query))
        for wanted in (sel.matched, sel.partial | sel.matched):
            docs = np.flatnonzero(wanted)
            assert len(docs)
            every = scoring.scores(view, sel.plan, sel.facets, wanted)
            assert scoring.scores_of(view, sel.plan, sel.facets, wanted, docs).tolist() == every[docs].tolist()
            assert not any(array.any() for array in scoring._scratch(view.size))  # left zeroed for the next

        real = view.term_scores

        def fails(*args, **kwargs):
            real(*args, **kwargs)  # its scores added, then a failure
            raise OSError("a file could not be read")

        monkeypatch.setattr(view, "term_scores", fails)  # a failure half-way never leaves scores for the next
        with pytest.raises(OSError):
            scoring.scores_of(view, sel.plan, sel.facets, sel.matched, np.flatnonzero(sel.matched))
        monkeypatch.undo()
        docs = np.flatnonzero(sel.matched)
        again = scoring.scores_of(view, sel.plan, sel.facets, sel.matched, docs)
        assert again.tolist() == scoring.scores(view, sel.plan, sel.facets, sel.matched)[docs].tolist()
