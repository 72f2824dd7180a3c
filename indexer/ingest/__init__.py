"""Report files → Report records: decoding, cleaning, outline, metadata (regions, dates, years), topics, and
the user's metadata overrides (a JSON sidecar or a folder's MANIFEST.tsv). Knows nothing of any engine.

    files.py      which files of a folder are reports
    decoding.py   bytes → text (BOMs, UTF-8, charset-normalizer)
    cleaning.py   text → clean lines (web chrome and footers set aside)
    outline.py    lines → paragraphs with section paths (outline headings, broken lines joined)
    metadata.py   title, issuing body, signed date, year, region from the text (regions.py: the gazetteer)
    topics.py     topic tagging from an editable taxonomy (topics.txt)
    overrides.py  metadata given by the user
    reports.py    Report and Paragraph; read_report(path)
"""
