"""The index in SQLite: an FTS5 table of analysed tokens, ranked by FTS5's own bm25()."""

from __future__ import annotations

import json
from collections import Counter
from contextlib import closing
from typing import Any

import numpy as np

from ._analysis import QueryGroup
from ._index import SearchIndex, _Analysed, _Catalog, _Vocabulary, _vocabulary


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def fts5_query(groups: list[QueryGroup]) -> str:
    """The FTS5 MATCH expression of query groups: AND across groups, OR within one.

    Every term is quoted, so words like ``AND`` or ``NEAR`` stay words.
    """
    parts = []
    for group in groups:
        terms = [_quote(t) for t in group.terms]
        parts.append(terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")")
    return " AND ".join(parts)


class SQLiteIndex(SearchIndex):
    """The index in SQLite 3.24+ with FTS5 (the cursor is a ``sqlite3`` cursor).

    Tables, named after the schema's prefix: ``<prefix>_fts`` (FTS5, one column per text
    field holding the space-joined analysed tokens), ``<prefix>_doc`` (language, sort key,
    stored values, original texts, did-you-mean words), ``<prefix>_facet``,
    ``<prefix>_vocab`` (did-you-mean words and their document counts) and
    ``<prefix>_meta`` (the generation token).
    """

    _table_names = ("fts", "doc", "facet", "vocab", "meta")

    def create_schema(self) -> None:
        statements = [
            "CREATE TABLE IF NOT EXISTS {doc} (id INTEGER PRIMARY KEY, language TEXT NOT NULL,"
            " sort REAL NOT NULL, stored TEXT NOT NULL, fields TEXT NOT NULL,"
            " words TEXT NOT NULL)",
            # The columns hold tokens the analyzer made. The ascii tokenizer splits them at
            # the spaces only (every non-ASCII character is a token character to it), and
            # '~' and '_' keep concept tokens ("~bank_sampah") whole: nothing is folded,
            # split or stemmed again, so FTS5 counts exactly our tokens.
            "CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({columns},"
            " tokenize = \"ascii tokenchars '~_'\")",
            "CREATE TABLE IF NOT EXISTS {facet} (facet TEXT NOT NULL, value TEXT NOT NULL,"
            " doc_id INTEGER NOT NULL, PRIMARY KEY (facet, value, doc_id)) WITHOUT ROWID",
            "CREATE INDEX IF NOT EXISTS {facet}_doc ON {facet} (doc_id)",
            "CREATE TABLE IF NOT EXISTS {vocab} (word TEXT PRIMARY KEY,"
            " df INTEGER NOT NULL) WITHOUT ROWID",
            "CREATE TABLE IF NOT EXISTS {meta} (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        ]
        columns = ", ".join(self.schema.field_names)
        with closing(self._cursor()) as cur:
            for statement in statements:
                cur.execute(self._sql(statement, columns=columns))
            cur.execute(
                self._sql("INSERT OR IGNORE INTO {meta} (key, value) VALUES ('generation', ?)"),
                (self._new_generation(),),
            )

    def drop_schema(self) -> None:
        with closing(self._cursor()) as cur:
            for table in self._table_names:
                cur.execute(self._sql("DROP TABLE IF EXISTS {name}", name=self._table(table)))

    def clear(self) -> None:
        with closing(self._cursor()) as cur:
            for table in ("fts", "doc", "facet", "vocab"):
                cur.execute(self._sql("DELETE FROM {name}", name=self._table(table)))
            self._touch(cur)

    # --- writes ------------------------------------------------------------------------

    def _forget(self, cur: Any, ids: list[int]) -> int:
        """Delete the rows of ``ids`` and take their words out of the vocabulary."""
        marks = ",".join("?" * len(ids))
        cur.execute(self._sql("SELECT words FROM {doc} WHERE id IN ({marks})", marks=marks), ids)
        old: Counter[str] = Counter()
        found = 0
        for (words,) in cur.fetchall():
            old.update(words.split())
            found += 1
        if not found:
            return 0
        for statement in (
            "DELETE FROM {fts} WHERE rowid IN ({marks})",
            "DELETE FROM {doc} WHERE id IN ({marks})",
            "DELETE FROM {facet} WHERE doc_id IN ({marks})",
        ):
            cur.execute(self._sql(statement, marks=marks), ids)
        cur.executemany(
            self._sql("UPDATE {vocab} SET df = df - ? WHERE word = ?"),
            [(n, w) for w, n in old.items()],
        )
        cur.execute(self._sql("DELETE FROM {vocab} WHERE df <= 0"))
        return found

    def _write(self, cur: Any, documents: list[_Analysed]) -> None:
        names = self.schema.field_names
        self._forget(cur, [a.document.id for a in documents])
        cur.executemany(
            self._sql(
                "INSERT INTO {doc} (id, language, sort, stored, fields, words)"
                " VALUES (?, ?, ?, ?, ?, ?)"
            ),
            [
                (
                    a.document.id,
                    a.document.language,
                    float(a.document.sort),
                    self._json(dict(a.document.stored)),
                    self._json({n: a.document.fields.get(n) or "" for n in names}),
                    " ".join(sorted(a.words)),
                )
                for a in documents
            ],
        )
        cur.executemany(
            self._sql(
                "INSERT INTO {fts} (rowid, {columns}) VALUES (?, {marks})",
                columns=", ".join(names),
                marks=", ".join("?" * len(names)),
            ),
            [(a.document.id, *(" ".join(a.tokens[n]) for n in names)) for a in documents],
        )
        cur.executemany(
            self._sql("INSERT OR IGNORE INTO {facet} (facet, value, doc_id) VALUES (?, ?, ?)"),
            [
                (facet, value, a.document.id)
                for a in documents
                for facet, values in a.document.facets.items()
                for value in values
            ],
        )
        cur.executemany(
            self._sql(
                "INSERT INTO {vocab} (word, df) VALUES (?, ?)"
                " ON CONFLICT (word) DO UPDATE SET df = df + excluded.df"
            ),
            sorted(self._word_counts(documents).items()),
        )

    def _remove(self, cur: Any, ids: list[int]) -> int:
        return self._forget(cur, ids)

    def _touch(self, cur: Any) -> None:
        cur.execute(
            self._sql("UPDATE {meta} SET value = ? WHERE key = 'generation'"),
            (self._new_generation(),),
        )

    # --- reads -------------------------------------------------------------------------

    def _generation(self, cur: Any) -> str:
        cur.execute(self._sql("SELECT value FROM {meta} WHERE key = 'generation'"))
        return cur.fetchone()[0]

    def _match(
        self, cur: Any, groups: list[QueryGroup], filters: dict[str, list[str]]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        expression = fts5_query(groups)
        weights = ", ".join(repr(float(f.boost)) for f in self.schema.fields)
        if not filters:
            cur.execute(
                self._sql(
                    "SELECT rowid, bm25({fts}, {weights}) FROM {fts} WHERE {fts} MATCH ?",
                    weights=weights,
                ),
                (expression,),
            )
            ids, scores = self._pairs(cur.fetchall())
            return ids, ids, scores
        # bm25() costs about a microsecond a row, more than matching itself: with filters,
        # score only the documents that pass them; the plain match still feeds the facet
        # counts, which ignore a facet's own filter.
        cur.execute(self._sql("SELECT rowid FROM {fts} WHERE {fts} MATCH ?"), (expression,))
        matched = np.array([r[0] for r in cur.fetchall()], dtype=np.int64)
        conditions = []
        values: list[Any] = [expression]
        for name, wanted in filters.items():
            conditions.append(
                self._sql(
                    "+rowid IN (SELECT doc_id FROM {facet} WHERE facet = ? AND value IN ({marks}))",
                    marks=",".join("?" * len(wanted)),
                )
            )
            values += [name, *wanted]
        cur.execute(
            self._sql(
                "SELECT rowid, bm25({fts}, {weights}) FROM {fts} WHERE {fts} MATCH ? AND {rest}",
                weights=weights,
                rest=" AND ".join(conditions),
            ),
            values,
        )
        ids, scores = self._pairs(cur.fetchall())
        return matched, ids, scores

    @staticmethod
    def _pairs(rows: list[tuple[int, float]]) -> tuple[np.ndarray, np.ndarray]:
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        ids, scores = zip(*rows, strict=True)
        # FTS5 returns the score negated (better is lower, for ORDER BY ascending).
        return np.array(ids, dtype=np.int64), -np.array(scores, dtype=np.float64)

    def _fetch(self, cur: Any, ids: list[int]) -> dict[int, tuple[Any, dict, dict]]:
        cur.execute(
            self._sql(
                "SELECT id, language, stored, fields FROM {doc} WHERE id IN ({marks})",
                marks=",".join("?" * len(ids)),
            ),
            ids,
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
            self._sql(
                "SELECT facet, value, group_concat(doc_id) FROM {facet} GROUP BY facet, value"
            )
        )
        postings = [
            (facet, value, np.sort(np.array(doc_ids.split(","), dtype=np.int64)))
            for facet, value, doc_ids in cur.fetchall()
        ]
        return _Catalog.build(ids, sort, postings, self.schema.facets)

    def _load_vocabulary(self, cur: Any) -> _Vocabulary:
        cur.execute(self._sql("SELECT word, df FROM {vocab}"))
        return _vocabulary(cur.fetchall())
