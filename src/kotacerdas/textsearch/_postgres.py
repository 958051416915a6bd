"""The index in PostgreSQL: our own tokens, postings, and FTS5's BM25 computed in SQL.

PostgreSQL's text search configurations (its parser, dictionaries and ts_rank) are not
used. Each document keeps its analysed terms as a ``tsvector`` of verbatim lexemes (what
the ``simple`` configuration would store, without re-parsing, so concept tokens like
``~pad`` survive); a postings table holds, per term and document, the boost-weighted hits
and the document's length. Matching and scoring are one pass over the postings of the
query terms: a document matches when its terms cover every query group, and its score is
FTS5's bm25() with the same statistics FTS5 keeps, so both backends rank alike:

    idf_i = ln((N − n_i + 0.5) / (n_i + 0.5)), or 1e-6 when that is ≤ 0
    f_i   = Σ_fields boost_c × hits_c(i)
    score = Σ_i idf_i × f_i (k1 + 1) / (f_i + k1 (1 − b + b D / avgdl))

with N documents, n_i of them holding term i (kept in a term table), D the document's
tokens over all fields and avgdl the mean D; k1 = 1.2, b = 0.75. A term that appears in
two query groups counts twice, as a repeated phrase does in FTS5.

Why no GIN index on the tsvector: matching through it and then joining the postings for
the scores was measured slower (27 ms against 15 ms for a three-word query matching 3,000
of 20,000 documents, and the planner preferred a sequential scan of the tsvectors), since
the postings of the query terms must be read for f_i anyway. The tsvector still lists a
document's terms, which is how its postings are found when it is replaced or deleted.
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from collections.abc import Iterable
from contextlib import closing
from typing import Any

import numpy as np

from ._analysis import QueryGroup
from ._index import K1, B, Document, SearchIndex, _Analysed, _Catalog, _Vocabulary, _vocabulary

# One match as PostgreSQL's binary send functions write it: big-endian int8, float8.
_PAIR = np.dtype([("id", ">i8"), ("score", ">f8")])


# Several terms: a document's postings add up, and it matches when they cover every group.
_GROUPING = "GROUP BY x.doc_id HAVING bit_or(weight.groups) = %s::bigint"


def _lexeme(term: str) -> str:
    # tsvector/tsquery input: a quoted lexeme is taken verbatim, quotes and backslashes
    # doubled (analysed terms hold neither, but the input is never trusted).
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


class PostgresIndex(SearchIndex):
    """The index in PostgreSQL 12+ (the cursor is a psycopg 3 cursor).

    Tables, named after the schema's prefix: ``<prefix>_doc`` (language, sort key, stored
    values, original texts, token count, did-you-mean words and the tsvector of terms),
    ``<prefix>_posting`` (term, document, weighted hits, document length; keyed by term
    first), ``<prefix>_term`` (documents per term), ``<prefix>_facet``,
    ``<prefix>_vocab`` (did-you-mean words and their document counts) and
    ``<prefix>_meta`` (generation, document count, total tokens).
    """

    _table_names = ("posting", "term", "facet", "vocab", "doc", "meta")
    # Postings go in sorted by term per batch, so the postings of one term sit together
    # on disk in a few runs; bigger batches mean fewer runs to read per query term.
    batch_size = 2000
    #: After writing at least this many documents, refresh the planner's statistics.
    analyze_after = 1000

    def create_schema(self) -> None:
        # The "C" collation compares bytes: terms and facet values need equality and a
        # stable order, not language rules, and byte comparison is faster.
        statements = [
            """CREATE TABLE IF NOT EXISTS {doc} (
                id bigint PRIMARY KEY,
                language text NOT NULL,
                sort double precision NOT NULL,
                length integer NOT NULL,
                stored text NOT NULL,
                fields text NOT NULL,
                words text NOT NULL,
                terms tsvector NOT NULL
            )""",
            """CREATE TABLE IF NOT EXISTS {posting} (
                term text COLLATE "C" NOT NULL,
                doc_id bigint NOT NULL,
                f double precision NOT NULL,
                dl integer NOT NULL,
                PRIMARY KEY (term, doc_id)
            )""",
            """CREATE TABLE IF NOT EXISTS {term} (
                term text COLLATE "C" PRIMARY KEY,
                df integer NOT NULL
            )""",
            """CREATE TABLE IF NOT EXISTS {facet} (
                facet text COLLATE "C" NOT NULL,
                value text COLLATE "C" NOT NULL,
                doc_id bigint NOT NULL,
                PRIMARY KEY (facet, value, doc_id)
            )""",
            "CREATE INDEX IF NOT EXISTS {facet}_doc ON {facet} (doc_id)",
            """CREATE TABLE IF NOT EXISTS {vocab} (
                word text COLLATE "C" PRIMARY KEY,
                df integer NOT NULL
            )""",
            """CREATE TABLE IF NOT EXISTS {meta} (
                id integer PRIMARY KEY CHECK (id = 1),
                generation text NOT NULL,
                n_docs bigint NOT NULL,
                total_length bigint NOT NULL
            )""",
        ]
        with closing(self._cursor()) as cur:
            for statement in statements:
                cur.execute(self._sql(statement))
            cur.execute(
                self._sql(
                    "INSERT INTO {meta} (id, generation, n_docs, total_length)"
                    " VALUES (1, %s, 0, 0) ON CONFLICT (id) DO NOTHING"
                ),
                (self._new_generation(),),
            )

    def drop_schema(self) -> None:
        with closing(self._cursor()) as cur:
            for table in self._table_names:
                cur.execute(self._sql("DROP TABLE IF EXISTS {name}", name=self._table(table)))

    def clear(self) -> None:
        with closing(self._cursor()) as cur:
            for table in ("posting", "term", "facet", "vocab", "doc"):
                cur.execute(self._sql("DELETE FROM {name}", name=self._table(table)))
            self._touch(cur)

    def index(self, documents: Iterable[Document]) -> int:
        written = super().index(documents)
        if written >= self.analyze_after:
            # Fresh statistics keep the planner on the index scans by term; autovacuum
            # would get there too, but only later.
            with closing(self._cursor()) as cur:
                for table in ("posting", "term", "doc", "facet"):
                    cur.execute(self._sql("ANALYZE {name}", name=self._table(table)))
        return written

    # --- writes ------------------------------------------------------------------------

    def _forget(self, cur: Any, ids: list[int]) -> int:
        """Delete the rows of ``ids`` and take them out of the term and word counts."""
        cur.execute(self._sql("SELECT count(*) FROM {doc} WHERE id = ANY(%s)"), (ids,))
        found = int(cur.fetchone()[0])
        if not found:
            return 0
        # A document's tsvector lists exactly the terms it has postings for.
        cur.execute(
            self._sql(
                """WITH old AS (
                    SELECT d.id, unnest(tsvector_to_array(d.terms)) AS term
                    FROM {doc} d WHERE d.id = ANY(%s)
                ), gone AS (
                    DELETE FROM {posting} x USING old
                    WHERE x.term = old.term AND x.doc_id = old.id
                )
                UPDATE {term} t SET df = t.df - c.n
                FROM (SELECT term, count(*) AS n FROM old GROUP BY term) c
                WHERE t.term = c.term"""
            ),
            (ids,),
        )
        cur.execute(
            self._sql(
                """UPDATE {vocab} v SET df = v.df - c.n
                FROM (
                    SELECT w AS word, count(*) AS n
                    FROM {doc}, unnest(string_to_array(words, ' ')) AS w
                    WHERE id = ANY(%s) GROUP BY w
                ) c
                WHERE v.word = c.word"""
            ),
            (ids,),
        )
        cur.execute(self._sql("DELETE FROM {facet} WHERE doc_id = ANY(%s)"), (ids,))
        cur.execute(self._sql("DELETE FROM {doc} WHERE id = ANY(%s)"), (ids,))
        cur.execute(self._sql("DELETE FROM {term} WHERE df <= 0"))
        cur.execute(self._sql("DELETE FROM {vocab} WHERE df <= 0"))
        return found

    def _write(self, cur: Any, documents: list[_Analysed]) -> None:
        names = self.schema.field_names
        boosts = [float(f.boost) for f in self.schema.fields]
        self._forget(cur, [a.document.id for a in documents])
        # Rows go to COPY as text made here: terms and words are letters, digits, "~"
        # and "_", numbers are digits, and JSON never holds a raw tab or line break, so
        # doubling its backslashes is all the escaping COPY's text format needs.
        docs: list[str] = []
        postings: list[str] = []
        terms: Counter[str] = Counter()
        for a in documents:
            weighted: dict[str, float] = {}
            for name, boost in zip(names, boosts, strict=True):
                for term, hits in Counter(a.tokens[name]).items():
                    weighted[term] = weighted.get(term, 0.0) + boost * hits
            terms.update(weighted.keys())
            doc_id, length = a.document.id, a.length
            tail = f"\t{doc_id}\t{{!r}}\t{length}\n"
            postings.extend(term + tail.format(f) for term, f in weighted.items())
            stored = self._json(dict(a.document.stored)).replace("\\", "\\\\")
            texts = self._json({n: a.document.fields.get(n) or "" for n in names})
            texts = texts.replace("\\", "\\\\")
            words = " ".join(sorted(a.words))
            lexemes = " ".join(_lexeme(t) for t in weighted)
            docs.append(
                f"{doc_id}\t{a.document.language}\t{float(a.document.sort)!r}\t{length}\t"
                f"{stored}\t{texts}\t{words}\t{lexemes}\n"
            )
        with cur.copy(
            self._sql(
                "COPY {doc} (id, language, sort, length, stored, fields, words, terms) FROM STDIN"
            )
        ) as copy:
            copy.write("".join(docs))
        # Sorted by term, so each term's postings of the batch land together on disk.
        postings.sort()
        with cur.copy(self._sql("COPY {posting} (term, doc_id, f, dl) FROM STDIN")) as copy:
            copy.write("".join(postings))
        with cur.copy(self._sql("COPY {facet} (facet, value, doc_id) FROM STDIN")) as copy:
            for a in documents:
                for facet, values in a.document.facets.items():
                    for value in dict.fromkeys(values):
                        copy.write_row((facet, value, a.document.id))
        for table, key, counts in (
            ("term", "term", terms),
            ("vocab", "word", self._word_counts(documents)),
        ):
            keys = sorted(counts)
            cur.execute(
                self._sql(
                    "INSERT INTO {name} ({key}, df)"
                    " SELECT * FROM unnest(%s::text[], %s::integer[])"
                    " ON CONFLICT ({key}) DO UPDATE SET df = {name}.df + excluded.df",
                    name=self._table(table),
                    key=key,
                ),
                (keys, [counts[k] for k in keys]),
            )

    def _remove(self, cur: Any, ids: list[int]) -> int:
        return self._forget(cur, ids)

    def _touch(self, cur: Any) -> None:
        cur.execute(
            self._sql(
                """UPDATE {meta} SET generation = %s,
                    n_docs = (SELECT count(*) FROM {doc}),
                    total_length = (SELECT coalesce(sum(length), 0) FROM {doc})"""
            ),
            (self._new_generation(),),
        )

    # --- reads -------------------------------------------------------------------------

    def _generation(self, cur: Any) -> str:
        cur.execute(self._sql("SELECT generation FROM {meta}"))
        return cur.fetchone()[0]

    def _match(
        self, cur: Any, groups: list[QueryGroup], filters: dict[str, list[str]]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        terms = [t for g in groups for t in g.terms]
        bits = [1 << i for i, g in enumerate(groups) for _ in g.terms]
        # One term's share of a document's score, as FTS5's bm25() computes it.
        score = self._sql(
            """weight.idf * ((x.f * ({k1}::float8 + 1.0::float8))
               / (x.f + {k1}::float8 * (1.0::float8 - {b}::float8 + {b}::float8 * x.dl / (
                   SELECT total_length::float8 / nullif(n_docs, 0)::float8 FROM {meta}
               ))))""",
            k1=repr(K1),
            b=repr(B),
        )
        # With a single term every posting is a match with its whole score: no grouping
        # (half the time of a one-word query over 18,000 documents).
        single = len(terms) == 1
        # One pass over the postings of the query terms: a document matches when the
        # groups its terms belong to cover every group. The postings are read per term (a
        # LATERAL subquery that OFFSET 0 keeps from being flattened into a join), so the
        # plan is always a range scan of the (term, doc_id) key; as a join, the planner
        # took a parallel scan of the whole table for two common terms (200 ms, not 20).
        # Literals are cast to double precision so every step is the float arithmetic
        # FTS5 does in C (a bare 1.2 would be numeric); the statistics are scalar
        # subqueries, read once. The matches come back packed as one base64 text of
        # big-endian (int8 id, float8 score) pairs: 16,000 rows as rows took 15 ms to
        # cross into Python, packed 2 ms, and the scores stay exact.
        cur.execute(
            self._sql(
                """WITH q AS (
                    SELECT term, count(*)::float8 AS times, bit_or(bit) AS groups
                    FROM unnest(%s::text[], %s::bigint[]) AS u(term, bit) GROUP BY term
                ), weight AS (
                    SELECT q.term, q.groups,
                           q.times * CASE WHEN x.idf <= 0 THEN 1e-6::float8 ELSE x.idf END AS idf
                    FROM q
                    LEFT JOIN {term} t ON t.term = q.term
                    CROSS JOIN LATERAL (
                        SELECT ln(((SELECT n_docs FROM {meta})::float8 - coalesce(t.df, 0)
                                   + 0.5::float8) / (coalesce(t.df, 0) + 0.5::float8)) AS idf
                    ) x
                ), matched AS (
                    SELECT x.doc_id, {score} AS score
                    FROM weight
                    CROSS JOIN LATERAL (
                        SELECT doc_id, f, dl FROM {posting} WHERE term = weight.term OFFSET 0
                    ) x
                    {grouping}
                )
                SELECT encode(string_agg(int8send(doc_id) || float8send(score), ''::bytea),
                              'base64')
                FROM matched""",
                score=score if single else f"sum({score})",
                grouping="" if single else _GROUPING,
            ),
            (terms, bits) if single else (terms, bits, (1 << len(groups)) - 1),
        )
        (packed,) = cur.fetchone()
        if packed is None:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0)
        pairs = np.frombuffer(base64.b64decode(packed), dtype=_PAIR)
        ids = pairs["id"].astype(np.int64)
        # Scores of every match: filtering here would not spare reading the postings.
        return ids, ids, pairs["score"].astype(np.float64)

    def _fetch(self, cur: Any, ids: list[int]) -> dict[int, tuple[Any, dict, dict]]:
        cur.execute(
            self._sql("SELECT id, language, stored, fields FROM {doc} WHERE id = ANY(%s)"),
            (ids,),
        )
        return {
            doc_id: (language, json.loads(stored), json.loads(fields))
            for doc_id, language, stored, fields in cur.fetchall()
        }

    def _load_catalog(self, cur: Any) -> _Catalog:
        cur.execute(self._sql("SELECT id, sort FROM {doc} ORDER BY id"))
        rows = cur.fetchall()
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        sort = np.array([r[1] for r in rows], dtype=np.float64)
        cur.execute(
            self._sql("SELECT facet, value, array_agg(doc_id) FROM {facet} GROUP BY facet, value")
        )
        postings = [
            (facet, value, np.sort(np.array(doc_ids, dtype=np.int64)))
            for facet, value, doc_ids in cur.fetchall()
        ]
        return _Catalog.build(ids, sort, postings, self.schema.facets)

    def _load_vocabulary(self, cur: Any) -> _Vocabulary:
        cur.execute(self._sql("SELECT word, df FROM {vocab}"))
        return _vocabulary(cur.fetchall())
