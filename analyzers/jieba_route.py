"""jieba's precise mode (with HMM) for one run of Chinese characters, by jieba-rs: the same words as `jieba.cut`,
several times as fast, because segmentation is the largest part of indexing.

jieba-rs (the `rjieba` binding) is a port of jieba's algorithms: the same word graph, the likeliest route through it
by the same log-probability sums with ties to the longer word, and the same HMM for runs of unknown single
characters. `prepare` fills an empty jieba-rs dictionary with every word of jieba's as loaded now (its own and every
user dictionary, with the frequencies jieba gave them), so the two share one vocabulary. One difference is made up
for: jieba adds a word's new frequency to its total without taking the old one off (a user word that was already a
word, a word listed twice); jieba-rs takes it off. The difference goes to a word no run can hold (private-use
characters), so both divide by the same total. Runs with characters jieba does not treat as Chinese, and
dictionaries changed after `prepare`, are left to jieba. Until `prepare` (indexing calls it; 0.2 s and 53 MiB),
every run is left to jieba: a server that only segments queries does without it. A test compares the words with
`jieba.cut` over the sample corpus and the work reports.
"""

from __future__ import annotations

import re

import jieba

# what jieba.cut hands to its word graph whole (its re_han_default, less the letters and digits we split off)
_JIEBA_HAN = re.compile("[\u4e00-\u9fd5]+")
_UNREACHABLE = "\ue000\ue001"  # a dictionary word of private-use characters: no run of _JIEBA_HAN holds it

_segmenter = None  # an rjieba.Jieba once prepared
_prepared_for: tuple[int, int] | None = None  # (id of jieba's FREQ, its total) the dictionary was made from


def prepare() -> None:
    """Make jieba-rs's dictionary from jieba's loaded dictionaries (after every user dictionary is loaded)."""
    global _segmenter, _prepared_for
    import rjieba  # here, not above: importing it loads a default dictionary, which a server never needs

    rjieba.clear()  # that default dictionary: ours is made below (half its memory comes back)
    freq, total = jieba.dt.FREQ, jieba.dt.total
    segmenter = rjieba.Jieba.empty()
    add = segmenter.add_word
    for word, count in freq.items():
        if count:  # 0: a prefix of a word, not a word
            add(word, count, None)
    missing = total - sum(freq.values())
    if missing > 0:
        add(_UNREACHABLE, missing, None)
    _segmenter, _prepared_for = segmenter, (id(freq), total)


def prepared() -> bool:
    """True when jieba-rs's dictionary is made, from jieba's dictionaries as they are now."""
    return _segmenter is not None and _prepared_for == (id(jieba.dt.FREQ), jieba.dt.total)


def cut(run: str) -> list[str]:
    """jieba's words (precise mode, HMM) of a run of Chinese characters: what `list(jieba.cut(run))` gives."""
    if not prepared() or not _JIEBA_HAN.fullmatch(run):
        return list(jieba.cut(run, HMM=True))
    return _segmenter.cut(run, True)
