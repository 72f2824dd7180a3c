"""Each text once: a paragraph copied into another report (figures changed, or a word or two) shows once, with
links to its copies, and counts once in `distinct`; glossary lines do not crowd the top of the list."""

from __future__ import annotations

import random

import numpy as np
import pytest

from analyzers.sameness import char_shingles, may_be_nearly_the_same, nearly_the_same
from indexer import Instance, SearchRequest, index_files
from indexer.search.distinct import FEW_HITS, SameTexts
from indexer.search.ranking import GLOSSARY_TOP, fewer_glossary_first, is_glossary

LAST_YEAR = (
    "某某县司法局2021年工作总结\n"
    "一、人民调解\n"
    "全县共排查化解矛盾纠纷1200件，调解成功率98%，坚持和发展新时代“枫桥经验”，做到小事不出村、大事不出镇。\n"
    "二、法律援助\n"
    "全年办理法律援助案件300件，为困难群众挽回经济损失500万元，法律援助工作站覆盖全部乡镇和行政村，群众满意度持续提升。\n"
    "三、公共法律服务\n"
    "组织法律服务进村居活动，全年解答法律咨询1500人次，受到群众好评。\n"
)
THIS_YEAR = (
    "某某县司法局2022年工作总结\n"
    "一、人民调解\n"
    "全县共排查化解矛盾纠纷1350件，调解成功率99%，坚持和发展新时代“枫桥经验”，做到小事不出村、大事不出镇。\n"
    "二、法律援助\n"
    "全年办理法律援助案件320件，为困难群众挽回经济损失600万元，法律援助工作站覆盖全部乡镇和行政村，群众满意度持续提升，再创新高。\n"
    "三、公共法律服务\n"
    "建成县乡村三级公共法律服务平台，全年解答法律咨询2000人次。\n"
)


@pytest.fixture
def copied(tmp_path, write_report, backend_of):
    """Two years of one county's report, the second copying the first with new figures and an added clause."""
    folder = tmp_path / "r"
    write_report(folder, "2021.txt", LAST_YEAR)
    write_report(folder, "2022.txt", THIS_YEAR)
    home = Instance(tmp_path / "home")
    index_files(home, [folder])
    return backend_of(home)


def test_a_paragraph_copied_with_new_figures_shows_once_with_a_link_to_its_copy(copied):
    result = copied.search(SearchRequest("枫桥经验"))
    assert result.total == 2 and result.distinct == 1
    (hit,) = result.hits
    (copy,) = hit.also_in
    assert {hit.year, copy["year"]} == {2021, 2022} and copy["report_id"] != hit.report_id


def test_a_paragraph_nearly_the_same_folds_too(copied):
    result = copied.search(SearchRequest("法律援助案件"))
    assert result.total == 2 and result.distinct == 1 and len(result.hits) == 1  # 再创新高 added: nearly the same
    assert len(result.hits[0].also_in) == 1


def test_every_copy_is_still_a_hit_of_its_own_where_each_paragraph_counts(copied):
    every = copied.search(SearchRequest("枫桥经验", collapse=False))
    assert len(every.hits) == 2 and {h.year for h in every.hits} == {2021, 2022}


def test_paragraphs_that_only_share_words_stay_apart(copied):
    result = copied.search(SearchRequest("法律咨询"))
    assert result.distinct == result.total == len(result.hits) == 2 and not any(h.also_in for h in result.hits)


def test_glossary_lines_and_endnotes_are_recognised():
    glossary = ("[4]“放管服”：简政放权、放管结合。", "〔19〕放管服：即简政放权。", "“专精特新”：是指专业化、精细化。")
    for line in glossary:
        assert is_glossary(line), line
    assert is_glossary("一般性解释", ["名词解释"])
    for line in ("深入推进“放管服”改革。加快推进“多证合一”。", "2021年：全年调解纠纷300件", "一是：加强领导"):
        assert not is_glossary(line), line


def test_beyond_the_first_few_a_glossary_line_waits_for_substantive_paragraphs():
    ranked = [(True, i) for i in range(10)] + [(False, i) for i in range(10, 20)]  # ten definitions first
    order = fewer_glossary_first(ranked)
    assert sorted(order) == list(range(20))
    assert order[:GLOSSARY_TOP] == list(range(GLOSSARY_TOP))
    top_ten = [ranked[i][0] for i in order[:10]]
    assert top_ten[GLOSSARY_TOP] is False and sum(top_ten) < 10  # then a substantive paragraph, and so on


@pytest.mark.parametrize("hits", [0, 1, 500, FEW_HITS + 1, 20_000])
def test_texts_are_counted_and_their_copies_found_by_group_as_by_key(hits):
    rng = np.random.default_rng(hits)
    keys = rng.integers(-(2**62), 2**62, size=3000)[rng.integers(0, 3000, size=30_000)]  # many texts repeated
    texts = SameTexts.of(keys)
    docs = np.sort(rng.choice(len(keys), size=hits, replace=False))
    assert texts.count(docs) == len(np.unique(keys[docs]))
    for docnum in docs[:20].tolist():
        assert texts.same(docnum).tolist() == np.flatnonzero(keys == keys[docnum]).tolist()


def test_texts_told_apart_by_their_characters_are_never_nearly_the_same():
    """The cheap test on characters that spares most shingle comparisons never rules out a pair that is nearly
    the same: random texts and copies of them with a few characters changed, added or taken out."""
    chooser = random.Random(6)
    alphabet = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说"
    nearly = 0
    for _ in range(20000):
        a = "".join(chooser.choice(alphabet) for _ in range(chooser.randint(0, 40)))
        b = list(a)
        for _ in range(chooser.randint(0, 4)):
            at = chooser.randint(0, len(b))
            if chooser.random() < 0.5 and b:
                b[min(at, len(b) - 1)] = chooser.choice(alphabet)
            elif chooser.random() < 0.5:
                b.insert(at, chooser.choice(alphabet))
            elif b:
                del b[min(at, len(b) - 1)]
        b = "".join(b)
        if nearly_the_same(char_shingles(a), char_shingles(b)):
            nearly += 1
            assert may_be_nearly_the_same(a, b, frozenset(a), frozenset(b)), (a, b)
    assert nearly > 2000  # the pairs tried include many that are nearly the same
    far = "根据本条例规定县级以上人民政府应当加强对城市绿化工作的领导"
    other = "国务院交通运输主管部门负责全国道路运输的管理和监督检查工作"
    assert not may_be_nearly_the_same(far, other, frozenset(far), frozenset(other))
