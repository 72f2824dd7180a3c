"""Report files → paragraphs → an engine's index → hits; knows nothing of the web.

Three layers, dependencies pointing one way (ingest and search never import an engine):

    ingest/         file → Report: decoding, cleaning, outline, metadata, regions, topics, overrides
    search/         engine-neutral search semantics: query language, synonyms, facets, matching, scoring,
                    tiers, re-ranking, highlighting; SearchService composes them over an engine's primitives
    engine/         base.py: the Engine, EngineView and SearchBackend protocols; one sub-package per engine

`open_backend(instance)` gives the SearchBackend every front end uses; it deals in the records of records.py.
"""

from .backend import open_backend
from .build import IndexSummary, index_files, remove_reports
from .engine import DEFAULT_ENGINE, ENGINES, Rebuild, SearchBackend
from .errors import (
    ClusterError,
    ConfigFileError,
    IndexBusy,
    IndexMissing,
    IndexOutdated,
    QueryError,
    ReportError,
    SettingError,
)
from .ingest.files import find_report_files
from .ingest.reports import Paragraph, Report, read_report
from .ingest.topics import Taxonomy, TaxonomyError, load_taxonomy
from .instance import BUNDLED_CORPUS, Instance
from .records import (
    FACETS,
    FOUND_ZH,
    SECTION_SEPARATOR,
    SORTS,
    FacetValue,
    Hit,
    ReportInfo,
    SearchRequest,
    SearchResult,
    StoredParagraph,
    region_line,
)
from .search.query import describe, parse_query
from .search.synonyms import SynonymError

__all__ = [
    "ClusterError",
    "BUNDLED_CORPUS",
    "DEFAULT_ENGINE",
    "ENGINES",
    "FACETS",
    "FOUND_ZH",
    "SECTION_SEPARATOR",
    "SORTS",
    "ConfigFileError",
    "FacetValue",
    "Hit",
    "IndexBusy",
    "IndexMissing",
    "IndexOutdated",
    "IndexSummary",
    "Instance",
    "Paragraph",
    "QueryError",
    "Rebuild",
    "Report",
    "ReportError",
    "ReportInfo",
    "SearchBackend",
    "SearchRequest",
    "SearchResult",
    "SettingError",
    "StoredParagraph",
    "SynonymError",
    "Taxonomy",
    "TaxonomyError",
    "describe",
    "find_report_files",
    "index_files",
    "load_taxonomy",
    "open_backend",
    "parse_query",
    "read_report",
    "region_line",
    "remove_reports",
]
