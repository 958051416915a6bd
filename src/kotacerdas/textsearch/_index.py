"""What both storage backends share: the schema, documents, results and the search flow.

A backend keeps the analysed text, BM25 statistics, facets and the did-you-mean
vocabulary in the application's own database, and answers one question by itself: which
documents match the query groups and with what BM25 score. Everything after that
(filters, facet counts, ordering, paging, snippets) happens here, on numpy arrays held in
a per-process catalogue of all documents' ids, sort keys and facet values. The catalogue
is reloaded when the index's *generation* changes: every write stores a new random
generation token in the index's meta table, and each search reads it first.

Scores are rounded to ``SCORE_DIGITS`` significant digits before ordering, so that the
last bits of float arithmetic (summation order differs between SQLite and PostgreSQL)
cannot reorder two documents: ties fall back to the document id on both backends.
Significant digits, not decimals: a term in most documents has its idf clamped to 1e-6,
and such scores must still be told apart.
"""

from __future__ import annotations

import abc
import json
import math
import re
import secrets
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from ._analysis import (
    LANGUAGES,
    Analyzer,
    Language,
    QueryGroup,
    _Highlighter,
    default_analyzer,
)

#: BM25 parameters, as FTS5 fixes them.
K1 = 1.2
B = 0.75
#: Significant digits kept of a score before ordering (see the module docstring).
SCORE_DIGITS = 9
#: A query with fewer hits than this gets a did-you-mean suggestion.
SUGGEST_BELOW = 3
#: Query groups beyond this many are ignored (a query is a few words, not a text).
MAX_GROUPS = 32
#: FTS5 reserves these column names.
_RESERVED = {"rank", "rowid", "oid", "_rowid_"}
_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")

CursorFactory = Callable[[], Any]


@dataclass(frozen=True, slots=True)
class Field:
    """A text field of the documents and how much a match in it weighs (``boost``)."""

    name: str
    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class Schema:
    """The shape of an index: text fields, facet names and the prefix of its tables.

    Parameters
    ----------
    fields : tuple of Field
        Text fields in a fixed order; their boosts are the BM25 column weights.
    facets : tuple of str
        Names of the multi-valued facets documents may carry, to filter and count by.
    prefix : str
        The index's tables are named ``<prefix>_<table>`` (lower-case letters, digits and
        ``_``), so several indexes, and other apps' tables, share one database.
    """

    fields: tuple[Field, ...]
    facets: tuple[str, ...] = ()
    prefix: str = "textsearch"

    def __post_init__(self) -> None:
        if not self.fields:
            raise ValueError("a schema needs at least one text field")
        names = [f.name for f in self.fields]
        for name in [*names, *self.facets]:
            if not _IDENTIFIER.fullmatch(name) or name in _RESERVED:
                raise ValueError(f"{name!r} is not a usable field or facet name")
        if len(set(names)) != len(names) or len(set(self.facets)) != len(self.facets):
            raise ValueError("field and facet names must be unique")
        for f in self.fields:
            if not (math.isfinite(f.boost) and f.boost > 0):
                raise ValueError(f"boost of {f.name!r} must be a positive number")
        # PostgreSQL cuts names at 63 bytes; "<prefix>_posting_pkey" must fit.
        if not _IDENTIFIER.fullmatch(self.prefix) or len(self.prefix) > 40:
            raise ValueError(f"{self.prefix!r} is not a usable table prefix")

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


@dataclass(frozen=True, slots=True)
class Document:
    """One document to index.

    Parameters
    ----------
    id : int
        The caller's id (the practice's primary key); indexing the same id again
        replaces the document.
    fields : mapping of str to str
        Text per schema field; a missing field (or None) is empty.
    language : {"id", "en"}
        Language of the text, which picks stopwords and stemmer.
    facets : mapping of str to sequence of str
        Values per schema facet; a document may hold several values of one facet.
    sort : float
        Browsing order: an empty query lists documents by ``sort``, highest first.
    stored : mapping
        JSON-able values returned with each hit (title, slug, region, ...).
    """

    id: int
    fields: Mapping[str, str]
    language: Language = "id"
    facets: Mapping[str, Sequence[str]] = field(default_factory=dict)
    sort: float = 0.0
    stored: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Hit:
    """One search hit: ``score`` is the BM25 score (0 when browsing), ``snippets`` the
    highlighted HTML per text field."""

    id: int
    score: float
    stored: dict[str, Any]
    snippets: dict[str, str]


@dataclass(frozen=True, slots=True)
class SearchResult:
    """A page of hits and what the page was drawn from.

    Attributes
    ----------
    total : int
        Documents that match the query and the filters.
    hits : list of Hit
        The requested page, best first.
    facets : dict
        For each requested facet, ``(value, count)`` sorted by count (descending) then
        value. A filtered facet is counted as if its own filter were absent, so the
        other values show how many documents choosing them would add.
    suggestion : str or None
        A corrected query when this one found fewer than ``SUGGEST_BELOW`` hits and a
        word of it looks like a typo of an indexed word.
    query_groups : list of QueryGroup
        The analysed query.
    """

    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]
    suggestion: str | None
    query_groups: list[QueryGroup]


@dataclass(slots=True)
class _Analysed:
    """A document after analysis: index tokens per field and did-you-mean words."""

    document: Document
    tokens: dict[str, list[str]]
    words: set[str]

    @property
    def length(self) -> int:
        return sum(len(t) for t in self.tokens.values())


@dataclass(slots=True)
class _Catalog:
    """Ids (ascending), browsing order and facet values of every indexed document.

    Facet values are held as (document, value) pairs, grouped by facet: ``rows`` holds
    the catalogue position of each pair's document and ``codes`` its value's code; every
    facet owns a contiguous slice of the pairs and a range of codes (in the order of its
    sorted values). Counting facets is then one ``bincount``.
    """

    ids: np.ndarray
    browse: np.ndarray  # catalogue positions by sort descending, then id
    rows: np.ndarray
    codes: np.ndarray
    values: list[str]  # the value of each code
    code_of: dict[tuple[str, str], int]
    pairs: dict[str, tuple[int, int]]  # facet → its slice of the pairs
    code_range: dict[str, tuple[int, int]]  # facet → its range of codes

    def locate(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Catalogue positions of ``ids``, and which of ``ids`` the catalogue holds.

        A document written after the catalogue was read (a search outside a transaction,
        racing a writer) is not in it and is left out.
        """
        positions = np.searchsorted(self.ids, ids)
        known = positions < len(self.ids)
        known[known] = self.ids[positions[known]] == ids[known]
        return positions[known], known

    def mask(self, facet: str, wanted: Sequence[str]) -> np.ndarray:
        """Documents holding any of the ``wanted`` values of ``facet``, as booleans."""
        out = np.zeros(len(self.ids), dtype=bool)
        codes = [self.code_of[facet, v] for v in wanted if (facet, v) in self.code_of]
        if codes:
            start, stop = self.pairs[facet]
            hit = np.isin(self.codes[start:stop], codes)
            out[self.rows[start:stop][hit]] = True
        return out

    def count(self, selected: np.ndarray, facets: Sequence[str]) -> np.ndarray:
        """Documents per code among ``selected``, over the pairs of ``facets``."""
        slices = [self.pairs[f] for f in facets]
        rows = np.concatenate([self.rows[a:b] for a, b in slices])
        codes = np.concatenate([self.codes[a:b] for a, b in slices])
        return np.bincount(codes[selected[rows]], minlength=len(self.values))

    def listing(self, facet: str, counted: np.ndarray) -> list[tuple[str, int]]:
        """``(value, count)`` of a facet's non-zero counts, by count, then value."""
        start, stop = self.code_range[facet]
        counts = counted[start:stop]
        nonzero = np.flatnonzero(counts)
        # Codes follow the sorted values: a stable sort by count keeps ties in value order.
        order = nonzero[np.argsort(-counts[nonzero], kind="stable")]
        return [(self.values[start + c], int(counts[c])) for c in order]

    @classmethod
    def build(
        cls,
        ids: np.ndarray,
        sort: np.ndarray,
        facet_postings: Iterable[tuple[str, str, np.ndarray]],
        facet_names: Sequence[str],
    ) -> _Catalog:
        """From every document's id and sort key, and ``(facet, value, doc ids)``."""
        order = np.argsort(ids, kind="stable")
        ids, sort = ids[order], sort[order]
        grouped: dict[str, list[tuple[str, np.ndarray]]] = {name: [] for name in facet_names}
        for facet, value, doc_ids in facet_postings:
            if facet in grouped:
                grouped[facet].append((value, doc_ids))
        catalog = cls(
            ids=ids,
            browse=np.lexsort((ids, -sort)),
            rows=np.zeros(0, dtype=np.int64),
            codes=np.zeros(0, dtype=np.int32),
            values=[],
            code_of={},
            pairs={},
            code_range={},
        )
        rows: list[np.ndarray] = [catalog.rows]
        codes: list[np.ndarray] = [catalog.codes]
        size = 0
        for name, postings in grouped.items():
            postings.sort(key=lambda posting: posting[0])
            first_pair, first_code = size, len(catalog.values)
            for value, doc_ids in postings:
                positions, _ = catalog.locate(np.asarray(doc_ids, dtype=np.int64))
                code = len(catalog.values)
                catalog.values.append(value)
                catalog.code_of[name, value] = code
                rows.append(positions)
                codes.append(np.full(len(positions), code, dtype=np.int32))
                size += len(positions)
            catalog.pairs[name] = (first_pair, size)
            catalog.code_range[name] = (first_code, len(catalog.values))
        catalog.rows = np.concatenate(rows)
        catalog.codes = np.concatenate(codes)
        return catalog


@dataclass(slots=True)
class _Vocabulary:
    """Surface words of the index, most frequent first."""

    words: list[str]
    frequency: dict[str, int]

    def closest(self, word: str, max_distance: int) -> str | None:
        """The most frequent word at the smallest edit distance, at most ``max_distance``."""
        found = process.extract(
            word, self.words, scorer=Levenshtein.distance, score_cutoff=max_distance, limit=None
        )
        if not found:
            return None
        return min(found, key=lambda m: (m[1], -self.frequency[m[0]], m[0]))[0]


# Catalogues and vocabularies shared by all index objects of a process, so that a Django
# view building a new index object per request still reuses them. Keys hold the backend
# and the table prefix; the random generation token tells one database's index from
# another's.
_cache: dict[tuple[str, str, str], tuple[str, Any]] = {}
_cache_lock = threading.Lock()


def _batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class SearchIndex(abc.ABC):
    """A full-text index with BM25 ranking, facets and did-you-mean, in a SQL database.

    Parameters
    ----------
    cursor : callable
        Returns a new DB-API cursor of the database holding the index; writes join the
        transaction that cursor's connection is in and are never committed here.
    schema : Schema
        Fields, facets and table prefix.
    analyzer : Analyzer, optional
        Defaults to the packaged analysis (shared by the process).
    """

    #: Documents written per batch of statements.
    batch_size = 500
    #: The backend's tables, named ``<prefix>_<name>``.
    _table_names: tuple[str, ...] = ()

    def __init__(
        self, cursor: CursorFactory, schema: Schema, *, analyzer: Analyzer | None = None
    ) -> None:
        self._cursor = cursor
        self.schema = schema
        self.analyzer = analyzer or default_analyzer()
        self._tables = {name: self._table(name) for name in self._table_names}

    # --- the public operations -------------------------------------------------------

    @abc.abstractmethod
    def create_schema(self) -> None:
        """Create the index's tables and indexes if they do not exist yet."""

    @abc.abstractmethod
    def drop_schema(self) -> None:
        """Drop the index's tables."""

    def index(self, documents: Iterable[Document]) -> int:
        """Add or replace documents (by id); returns how many were written.

        Run it inside a transaction: the writes are many statements, batched by
        ``batch_size`` documents.
        """
        latest: dict[int, Document] = {}
        for document in documents:
            self._validate(document)
            latest[document.id] = document
        if not latest:
            return 0
        docs = list(latest.values())
        with closing(self._cursor()) as cur:
            for batch in _batches(docs, self.batch_size):
                self._write(cur, [self._analyse(d) for d in batch])
            self._touch(cur)
        return len(docs)

    def delete(self, ids: Iterable[int]) -> int:
        """Remove documents by id; returns how many were indexed."""
        wanted = sorted({int(i) for i in ids})
        removed = 0
        with closing(self._cursor()) as cur:
            for batch in _batches(wanted, self.batch_size):
                removed += self._remove(cur, list(batch))
            if removed:
                self._touch(cur)
        return removed

    @abc.abstractmethod
    def clear(self) -> None:
        """Remove every document."""

    def count(self) -> int:
        """Number of indexed documents."""
        with closing(self._cursor()) as cur:
            cur.execute(self._sql("SELECT count(*) FROM {doc}"))
            return int(cur.fetchone()[0])

    def search(
        self,
        query: str = "",
        *,
        filters: Mapping[str, Sequence[str]] | None = None,
        facets: Sequence[str] = (),
        limit: int = 20,
        offset: int = 0,
        snippet_chars: int = 240,
    ) -> SearchResult:
        """Find documents, best first, with facet counts and highlighted snippets.

        Parameters
        ----------
        query : str
            Words in Indonesian or English. A query without searchable words (empty, or
            only stopwords) browses: every document passing the filters, by ``sort``
            descending, then id.
        filters : mapping of facet to values, optional
            Keep documents holding any of a facet's values (OR), for every facet given
            (AND). An empty list of values does not filter.
        facets : sequence of str
            Facets to count over the matching documents (see ``SearchResult.facets``).
        limit, offset : int
            The page of hits.
        snippet_chars : int
            Length of the snippet of each text field (see :meth:`Analyzer.highlight`);
            0 leaves ``Hit.snippets`` empty.
        """
        wanted = self._check_filters(filters)
        for name in facets:
            if name not in self.schema.facets:
                raise ValueError(f"unknown facet {name!r}")
        if limit < 0 or offset < 0 or snippet_chars < 0:
            raise ValueError("limit, offset and snippet_chars must not be negative")
        groups = self.analyzer.analyze_query(query)[:MAX_GROUPS]
        with closing(self._cursor()) as cur:
            catalog = self._catalog(cur)
            size = len(catalog.ids)
            scores = None
            if groups:
                matched_ids, scored_ids, raw_scores = self._match(cur, groups, wanted)
                matched = np.zeros(size, dtype=bool)
                matched[catalog.locate(matched_ids)[0]] = True
                scores = np.zeros(size)
                positions, known = catalog.locate(scored_ids)
                scores[positions] = _significant(raw_scores[known], SCORE_DIGITS)
            else:
                matched = np.ones(size, dtype=bool)
            masks = {name: catalog.mask(name, values) for name, values in wanted.items()}
            selected = matched.copy()
            for mask in masks.values():
                selected &= mask
            total = int(selected.sum())
            if scores is None:
                page = catalog.browse[selected[catalog.browse]][offset : offset + limit]
            else:
                page = _best(np.flatnonzero(selected), scores, offset + limit)[offset:]
            hits = self._hits(cur, catalog.ids[page], scores, page, groups, snippet_chars)
            counts = self._facet_counts(catalog, facets, matched, selected, masks)
            suggestion = None
            if groups and total < SUGGEST_BELOW:
                suggestion = self._suggest(cur, query)
        return SearchResult(total, hits, counts, suggestion, groups)

    @staticmethod
    def _facet_counts(
        catalog: _Catalog,
        facets: Sequence[str],
        matched: np.ndarray,
        selected: np.ndarray,
        masks: dict[str, np.ndarray],
    ) -> dict[str, list[tuple[str, int]]]:
        """Counts per value of ``facets``; a filtered facet is counted over the documents
        that pass every other filter (disjunctive), the rest over ``selected``."""
        counts: dict[str, list[tuple[str, int]]] = {}
        plain = [name for name in facets if name not in masks]
        if plain:
            counted = catalog.count(selected, plain)
            for name in plain:
                counts[name] = catalog.listing(name, counted)
        for name in facets:
            if name in masks:
                base = matched.copy()
                for other, mask in masks.items():
                    if other != name:
                        base &= mask
                counts[name] = catalog.listing(name, catalog.count(base, [name]))
        return {name: counts[name] for name in facets}

    def browse_ids(
        self, *, filters: Mapping[str, Sequence[str]] | None = None, limit: int = 100
    ) -> list[int]:
        """Ids of the documents passing ``filters``, in browsing order (``sort``
        descending, then id), without reading the documents themselves: for callers that
        only need to narrow a set of candidates."""
        wanted = self._check_filters(filters)
        if limit < 0:
            raise ValueError("limit must not be negative")
        with closing(self._cursor()) as cur:
            catalog = self._catalog(cur)
            selected = np.ones(len(catalog.ids), dtype=bool)
            for name, values in wanted.items():
                selected &= catalog.mask(name, values)
            page = catalog.browse[selected[catalog.browse]][:limit]
            return [int(i) for i in catalog.ids[page]]

    def suggest(self, query: str) -> str | None:
        """The query with each word unknown to the index replaced by the closest frequent
        indexed word (edit distance ≤ 2, ≤ 1 for words of up to 4 letters), or ``None``."""
        with closing(self._cursor()) as cur:
            return self._suggest(cur, query)

    # --- shared machinery -------------------------------------------------------------

    def _table(self, name: str) -> str:
        return f"{self.schema.prefix}_{name}"

    def _sql(self, template: str, **values: str) -> str:
        """A statement from a template that names tables as ``{doc}``, ``{fts}``, ...

        Table names come from the schema's prefix, checked to be a plain identifier, and
        ``values`` only ever carry names, placeholders and numbers made here: no value
        from a document or a query is spliced into SQL.
        """
        return template.format(**self._tables, **values)

    def _validate(self, document: Document) -> None:
        if not isinstance(document.id, int) or isinstance(document.id, bool):
            raise TypeError(f"document id must be an int, not {document.id!r}")
        if document.language not in LANGUAGES:
            raise ValueError(f"document {document.id}: unknown language {document.language!r}")
        unknown = set(document.fields) - set(self.schema.field_names)
        unknown |= set(document.facets) - set(self.schema.facets)
        if unknown:
            raise ValueError(f"document {document.id}: not in the schema: {sorted(unknown)}")
        if not all(text is None or isinstance(text, str) for text in document.fields.values()):
            raise TypeError(f"document {document.id}: field texts must be str (or None)")
        for name, values in document.facets.items():
            if isinstance(values, str) or not all(isinstance(v, str) for v in values):
                raise TypeError(f"document {document.id}: facet {name!r} needs a list of str")
        if not math.isfinite(document.sort):
            raise ValueError(f"document {document.id}: sort must be finite")

    def _check_filters(self, filters: Mapping[str, Sequence[str]] | None) -> dict[str, list[str]]:
        wanted: dict[str, list[str]] = {}
        for name, values in (filters or {}).items():
            if name not in self.schema.facets:
                raise ValueError(f"unknown facet {name!r}")
            if isinstance(values, str):
                values = [values]
            if values:
                wanted[name] = [str(v) for v in values]
        return wanted

    def _analyse(self, document: Document) -> _Analysed:
        tokens = {}
        words: set[str] = set()
        for name in self.schema.field_names:
            text = document.fields.get(name) or ""
            tokens[name], found = self.analyzer._index_terms(text, document.language)
            words |= found
        return _Analysed(document, tokens, words)

    def _cached(self, kind: str, generation: str, load: Callable[[], Any]) -> Any:
        key = (type(self).__name__, self.schema.prefix, kind)
        entry = _cache.get(key)
        if entry is not None and entry[0] == generation:
            return entry[1]
        value = load()
        with _cache_lock:
            _cache[key] = (generation, value)
        return value

    def _catalog(self, cur: Any) -> _Catalog:
        return self._cached("catalog", self._generation(cur), lambda: self._load_catalog(cur))

    def _suggest(self, cur: Any, query: str) -> str | None:
        vocabulary: _Vocabulary = self._cached(
            "vocabulary", self._generation(cur), lambda: self._load_vocabulary(cur)
        )
        return self.analyzer._correct(
            query, lambda word: word in vocabulary.frequency, vocabulary.closest
        )

    def _hits(
        self,
        cur: Any,
        ids: np.ndarray,
        scores: np.ndarray | None,
        positions: np.ndarray,
        groups: list[QueryGroup],
        snippet_chars: int,
    ) -> list[Hit]:
        if not len(ids):
            return []
        rows = self._fetch(cur, [int(i) for i in ids])
        highlighter = _Highlighter(self.analyzer, groups)
        names = self.schema.field_names
        hits = []
        for doc_id, position in zip(ids.tolist(), positions.tolist(), strict=True):
            if doc_id not in rows:  # deleted since the catalogue was read
                continue
            language, stored, texts = rows[doc_id]
            snippets = {}
            if snippet_chars:
                for name in names:
                    snippets[name] = highlighter.highlight(
                        texts.get(name, ""), language, snippet_chars
                    )
            score = float(scores[position]) if scores is not None else 0.0
            hits.append(Hit(doc_id, score, stored, snippets))
        return hits

    @staticmethod
    def _new_generation() -> str:
        return secrets.token_hex(8)

    @staticmethod
    def _json(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    @staticmethod
    def _word_counts(documents: Iterable[_Analysed]) -> Counter[str]:
        counts: Counter[str] = Counter()
        for analysed in documents:
            counts.update(analysed.words)
        return counts

    # --- what each backend provides ----------------------------------------------------

    @abc.abstractmethod
    def _write(self, cur: Any, documents: list[_Analysed]) -> None:
        """Replace or insert one batch of analysed documents."""

    @abc.abstractmethod
    def _remove(self, cur: Any, ids: list[int]) -> int:
        """Remove one batch of documents; returns how many existed."""

    @abc.abstractmethod
    def _touch(self, cur: Any) -> None:
        """Record a new generation (and refresh statistics) after writes."""

    @abc.abstractmethod
    def _generation(self, cur: Any) -> str:
        """The current generation token."""

    @abc.abstractmethod
    def _match(
        self, cur: Any, groups: list[QueryGroup], filters: dict[str, list[str]]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Documents matching all groups: the ids of all of them (int64), then ids and
        BM25 scores (positive, higher is better) of at least those that pass ``filters``,
        in any order."""

    @abc.abstractmethod
    def _fetch(self, cur: Any, ids: list[int]) -> dict[int, tuple[Language, dict, dict]]:
        """Language, stored values and field texts of documents by id."""

    @abc.abstractmethod
    def _load_catalog(self, cur: Any) -> _Catalog:
        """Read every document's id, sort key and facet values."""

    @abc.abstractmethod
    def _load_vocabulary(self, cur: Any) -> _Vocabulary:
        """Read the surface words with their document frequency."""


def _significant(values: np.ndarray, digits: int) -> np.ndarray:
    """``values`` rounded to ``digits`` significant digits (zeros stay zero)."""
    out = np.array(values, dtype=np.float64)
    nonzero = out != 0
    scale = 10.0 ** (digits - 1 - np.floor(np.log10(np.abs(out[nonzero]))))
    out[nonzero] = np.round(out[nonzero] * scale) / scale
    return out


def _best(candidates: np.ndarray, scores: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` best of ``candidates`` (catalogue positions, ascending) by score, then
    position (which is id order), without sorting all of them."""
    if k <= 0:
        return candidates[:0]
    values = scores[candidates]
    if k < len(candidates):
        # Everything scoring above the k-th best score, and the ties at it: enough to
        # fill the page in (score, id) order however the ties fall.
        kth = -np.partition(-values, k - 1)[k - 1]
        keep = values >= kth
        candidates, values = candidates[keep], values[keep]
    return candidates[np.lexsort((candidates, -values))][:k]


def _vocabulary(rows: Iterable[tuple[str, int]]) -> _Vocabulary:
    pairs = sorted(((w, int(n)) for w, n in rows if n > 0), key=lambda p: (-p[1], p[0]))
    return _Vocabulary([w for w, _ in pairs], dict(pairs))
