"""Report files → paragraphs → whoosh index → hits; knows nothing of the web.

The search engine sits behind `SearchBackend` (whoosh is the embedded default); everything above it
deals in `SearchRequest`, `SearchResult` and `Hit`.
"""

from .build import IndexSummary, find_report_files, index_files, remove_reports
from .errors import IndexBusy, IndexMissing, IndexOutdated, QueryError, ReportError
from .instance import BUNDLED_CORPUS, Instance
from .query import describe, parse_query
from .reports import Paragraph, Report, read_report
from .results import FACETS, SORTS, FacetValue, Hit, SearchRequest, SearchResult
from .topics import Taxonomy, TaxonomyError, load_taxonomy
from .whoosh_backend import WhooshBackend

SearchBackend = WhooshBackend  # the default backend; a clustered one will offer the same methods

__all__ = [
    "BUNDLED_CORPUS",
    "FACETS",
    "SORTS",
    "FacetValue",
    "Hit",
    "IndexBusy",
    "IndexMissing",
    "IndexOutdated",
    "IndexSummary",
    "Instance",
    "Paragraph",
    "QueryError",
    "Report",
    "ReportError",
    "SearchBackend",
    "SearchRequest",
    "SearchResult",
    "Taxonomy",
    "TaxonomyError",
    "WhooshBackend",
    "describe",
    "find_report_files",
    "index_files",
    "load_taxonomy",
    "parse_query",
    "read_report",
    "remove_reports",
]
