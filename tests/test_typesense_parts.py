"""The scale-out engine's parts that need no cluster: its BM25F lengths are whoosh's, its tokens stay distinct, and
its settings say what is wrong with them."""

from __future__ import annotations

import pytest
from whoosh.util.numeric import byte_to_length, length_to_byte

from indexer import SettingError
from indexer.engine.typesense.config import parse_nodes
from indexer.engine.typesense.documents import GAP, chars_field, token_of
from indexer.engine.typesense.mirror import edge_rule, token_key
from indexer.engine.typesense.scoring import quantised


def test_field_lengths_are_quantised_as_whoosh_stores_them():
    """Every length up to 120,000 rounds to the value whoosh's scorer sees, so both engines rank alike."""
    for length in range(120_000):
        assert quantised(length) == byte_to_length(length_to_byte(length)), length


def test_tokens_that_typesense_would_drop_or_merge_stay_whole_and_distinct():
    """%, 95.52, letters and the punctuation token become distinct alphanumeric tokens; GAP is none of them."""
    tokens = ["%", "95.52", "pm2.5", "调", "\x1f", "ア"]
    written = [token_of(t) for t in tokens]
    assert len(set(written)) == len(tokens) and all(w.isalnum() for w in written)
    assert GAP not in written
    assert chars_field(["一"], ["调", "解"]).split() == [token_of("一"), GAP, token_of("调"), token_of("解")]


def test_the_word_edge_rule_on_token_keys():
    """调解 is found inside 人民调解 and from edge to edge, not across 协调|解决."""
    key = token_key(list("协调解决"))
    assert not edge_rule(key, [0, 2, 4], token_key(["调", "解"]), 2)
    assert edge_rule(token_key(list("人民调解")), [0, 2, 4], token_key(["调", "解"]), 2)
    assert edge_rule(key, [0, 2, 4], token_key(list("协调解决")), 4)


def test_a_node_list_that_is_not_host_port_is_named():
    """GOVSEARCH_TYPESENSE_NODES with a bad entry: a SettingError quoting it."""
    assert [n.port for n in parse_nodes("127.0.0.1:8108, 10.0.0.2:8108")] == [8108, 8108]
    with pytest.raises(SettingError, match="10.0.0.2"):
        parse_nodes("127.0.0.1:8108,10.0.0.2")
