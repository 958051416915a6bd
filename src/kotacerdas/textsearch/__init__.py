"""Indonesian-aware full-text search, in plain Python (no Django).

Analysis (:class:`Analyzer`): Indonesian and English tokens, stopwords removed before
stemming (Sastrawi, Snowball), domain synonyms as concept tokens, query groups for a
query of unknown language, highlighted snippets (:func:`highlight`).

Storage (:class:`SQLiteIndex`, :class:`PostgresIndex`): the index lives in the
application's own database, written through cursors the caller hands in (so writes join
the caller's transaction), ranked by FTS5's BM25 with the same scores on both backends,
with facets, browsing and did-you-mean::

    schema = Schema(
        fields=(Field("title", boost=10.0), Field("summary", boost=5.0), Field("body")),
        facets=("pillar", "province"),
        prefix="practice_search",
    )
    index = SQLiteIndex(lambda: connection.connection.cursor(), schema)
    index.create_schema()
    index.index([Document(id=1, fields={"title": "Bank sampah"}, facets={...})])
    result = index.search("pengelolaan sampah", filters={"province": ["53"]},
                          facets=("pillar", "province"))

Region-name folding (:func:`fold`, :func:`split_region_query`) lives here too.
"""

from ._analysis import LANGUAGES, Analyzer, Language, QueryGroup, highlight
from ._index import Document, Field, Hit, Schema, SearchIndex, SearchResult
from ._names import RegionQuery, fold, split_region_query, strip_region_prefix
from ._postgres import PostgresIndex
from ._sqlite import SQLiteIndex

__all__ = [
    "LANGUAGES",
    "Analyzer",
    "Document",
    "Field",
    "Hit",
    "Language",
    "PostgresIndex",
    "QueryGroup",
    "RegionQuery",
    "SQLiteIndex",
    "Schema",
    "SearchIndex",
    "SearchResult",
    "fold",
    "highlight",
    "split_region_query",
    "strip_region_prefix",
]
