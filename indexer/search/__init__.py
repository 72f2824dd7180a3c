"""Search semantics, engine-neutral: what a query means and how hits are found, ranked and shown.

query.py          the query language → a small tree
understanding.py  the words' synonym expansions and region readings; which words a partial hit may miss
synonyms.py       synonyms and abbreviations (synonyms.txt)
facets.py         facet values and counts, filters; sets of paragraphs as boolean masks
matching.py       the tree evaluated over an engine's exact-character matches: all words, missing one
scoring.py        BM25F of each word's readings over the ranked fields
tiers.py          hits in rank order, worked out only as far as a page needs
ranking.py        re-ranking on a paragraph's own text (length, coverage, occurrences, proximity)
highlight.py      exact highlights and snippets, HTML-escaped
service.py        SearchService: all of the above over any engine's primitives
"""
