"""Chinese text → search terms: folding, jieba words and exact characters; knows nothing of files or the web."""

from . import jieba_route
from .chinese import CharAnalyzer, CharTokenizer, PreAnalysed, WordAnalyzer, WordTokenizer
from .folding import fold
from .sameness import nearly_the_same, same_text_key, shingles
from .segmenter import (
    BREAK,
    DOMAIN_DICTIONARY,
    EDGE,
    Token,
    char_spans,
    char_tokens,
    index_terms,
    load_jieba,
    on_word_edges,
    straddled_words,
    token_indices,
    word_tokens,
    words,
)

__all__ = [
    "BREAK",
    "EDGE",
    "DOMAIN_DICTIONARY",
    "CharAnalyzer",
    "CharTokenizer",
    "PreAnalysed",
    "Token",
    "WordAnalyzer",
    "WordTokenizer",
    "char_spans",
    "char_tokens",
    "fold",
    "index_terms",
    "jieba_route",
    "load_jieba",
    "nearly_the_same",
    "on_word_edges",
    "same_text_key",
    "shingles",
    "straddled_words",
    "token_indices",
    "word_tokens",
    "words",
]
