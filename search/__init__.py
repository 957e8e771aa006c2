"""sokbo's search library: schema, Korean analysis, queries, facets and snippets.

Everything that touches Whoosh lives in this package; the indexer and the web app use
:class:`SearchService` and the plain data types below.
"""

from .document import Post
from .request import BadParameter, SearchRequest
from .response import Hit, SearchResponse
from .service import SearchService
from .store import IndexBusy, IndexDamaged, IndexMissing, IndexWriteError
from .writer import IndexWriter

__all__ = [
    "BadParameter",
    "Hit",
    "IndexBusy",
    "IndexDamaged",
    "IndexMissing",
    "IndexWriteError",
    "IndexWriter",
    "Post",
    "SearchRequest",
    "SearchResponse",
    "SearchService",
]
