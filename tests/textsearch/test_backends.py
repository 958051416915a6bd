"""Both storage backends: BM25 scores, synonyms, facets, browsing, writes, did-you-mean."""

from __future__ import annotations

import math

import pytest

from kotacerdas.textsearch import Document, Field, Hit, PostgresIndex, QueryGroup

pytestmark = pytest.mark.integration

K1, B = 1.2, 0.75


def doc(doc_id, title="", summary="", body="", *, language="id", sort=0.0, **facets):
    return Document(
        id=doc_id,
        fields={"title": title, "summary": summary, "body": body},
        language=language,
        facets=facets,
        sort=sort,
        stored={"slug": f"p{doc_id}"},
    )


# Five practices whose tokens are easy to count; the analysis is asserted in the test.
TINY = [
    doc(1, "Kompos warga", "Kompos dari dapur warga", "Warga mengolah kompos di taman"),
    doc(2, "Taman kota", "Taman untuk warga", "Kompos"),
    doc(3, "Beras murah", "Harga beras", "Pedagang menjual beras"),
    doc(4, "Lampu jalan", "Lampu hemat energi", "Jalan terang"),
    doc(5, "Bus sekolah", "Bus gratis", "Anak naik bus"),
]


def bm25(idf: float, f: float, length: float, avgdl: float) -> float:
    """One term's share of an FTS5 bm25() score."""
    return idf * (f * (K1 + 1)) / (f + K1 * (1 - B + B * length / avgdl))


def shown(*scores: float) -> list:
    """Scores as hits report them: rounded to 9 significant digits."""
    return [pytest.approx(float(f"{s:.9g}"), rel=1e-12) for s in scores]


def test_search_scores_are_fts5_bm25_computed_by_hand(make_index):
    index = make_index()
    analyzer = index.analyzer
    assert [
        [analyzer.analyze(d.fields[f]) for f in ("title", "summary", "body")] for d in TINY[:2]
    ] == [
        [["kompos", "warga"], ["kompos", "dapur", "warga"], ["warga", "olah", "kompos", "taman"]],
        [["taman", "kota"], ["taman", "warga"], ["kompos"]],
    ]
    index.index(TINY)
    # N = 5 documents of 9, 5, 7, 7 and 7 tokens: avgdl = 35 / 5 = 7. "kompos" and
    # "taman" are each in 2 documents: idf = ln((5 − 2 + 0.5) / (2 + 0.5)) = ln(1.4).
    idf = math.log(3.5 / 2.5)
    # f = 10 × title hits + 5 × summary hits + 1 × body hits.
    kompos = {1: bm25(idf, 10 + 5 + 1, 9, 7), 2: bm25(idf, 1, 5, 7)}
    taman = {1: bm25(idf, 1, 9, 7), 2: bm25(idf, 10 + 5, 5, 7)}

    result = index.search("kompos")
    # The query group is ("kompos", "kompo"): the English stem is in no document and
    # adds nothing to either score.
    assert result.query_groups == [QueryGroup(("kompos", "kompo"), "kompos")]
    assert result.total == 2
    assert [h.id for h in result.hits] == [1, 2]
    assert [h.score for h in result.hits] == shown(kompos[1], kompos[2])

    result = index.search("kompos taman")
    assert [h.id for h in result.hits] == [2, 1]
    assert [h.score for h in result.hits] == shown(kompos[2] + taman[2], kompos[1] + taman[1])


def test_search_clamps_the_idf_of_a_term_in_most_documents(make_index):
    index = make_index()
    index.index(TINY)
    index.index([doc(3, "Beras warga"), doc(4, "Lampu warga")])
    # "warga" is now in 4 of 5 documents: ln((5 − 4 + 0.5) / (4 + 0.5)) < 0, which FTS5
    # replaces by 1e-6. Documents of 9, 5, 2, 2 and 7 tokens: avgdl = 25 / 5.
    result = index.search("warga")
    assert [h.id for h in result.hits] == [3, 4, 1, 2]
    assert [result.hits[0].score] == shown(bm25(1e-6, 10, 2, 5))


def test_search_finds_synonyms_both_ways_and_across_languages(make_index):
    index = make_index()
    index.index(
        [
            doc(1, "PAD Kota Kupang naik"),
            doc(2, "Pendapatan asli daerah dari pasar"),
            doc(3, "Own-source revenue of the city", language="en"),
            doc(4, "Pendapatan warga desa"),
        ]
    )
    for query in (
        "PAD",
        "pendapatan asli daerah",
        "own-source revenue",
        "Pendapatan-Asli-Daerah",
    ):
        assert sorted(h.id for h in index.search(query).hits) == [1, 2, 3], query
    # Without the phrase, "pendapatan" is a plain word (its stem "dapat" is not a stopword
    # once stemmed: stopwords go first).
    assert sorted(h.id for h in index.search("pendapatan").hits) == [2, 4]


def test_search_matches_inflections_and_english_queries(make_index):
    index = make_index()
    index.index(
        [
            doc(1, "Pengelolaan persampahan terpadu"),
            doc(2, "Bank sampah kelurahan"),
            doc(3, "Waste bank for schools", language="en"),
            doc(4, "Pembayaran nontunai di pasar"),
        ]
    )
    assert sorted(h.id for h in index.search("kelola sampah").hits) == [1]
    assert sorted(h.id for h in index.search("waste bank").hits) == [2, 3]
    assert sorted(h.id for h in index.search("waste").hits) == [1, 2, 3]
    assert sorted(h.id for h in index.search("cashless").hits) == [4]
    assert index.search("kompos").total == 0


def test_search_filters_or_within_a_facet_and_across_facets(make_index):
    index = make_index()
    index.index(
        [
            doc(1, "sampah", pillar=["env"], province=["51"], year=["2023"]),
            doc(2, "sampah", pillar=["env", "gov"], province=["53"], year=["2024"]),
            doc(3, "sampah", pillar=["gov"], province=["53"], year=["2024"]),
            doc(4, "sampah", pillar=["eco"], province=["51"]),
            doc(5, "taman", pillar=["env"], province=["53"], year=["2024"]),
        ]
    )
    ids = lambda **kw: sorted(h.id for h in index.search("sampah", **kw).hits)  # noqa: E731
    assert ids(filters={"pillar": ["env", "eco"]}) == [1, 2, 4]
    assert ids(filters={"pillar": ["env", "eco"], "province": ["53"]}) == [2]
    assert ids(filters={"pillar": []}) == [1, 2, 3, 4]
    assert ids(filters={"pillar": ["unknown"]}) == []


def test_search_counts_facets_disjunctively_for_filtered_facets(make_index):
    index = make_index()
    index.index(
        [
            doc(1, "sampah", pillar=["env"], province=["51"], year=["2023"]),
            doc(2, "sampah", pillar=["env", "gov"], province=["53"], year=["2024"]),
            doc(3, "sampah", pillar=["gov"], province=["53"], year=["2024"]),
            doc(4, "sampah", pillar=["eco"], province=["51"]),
            doc(5, "taman", pillar=["env"], province=["53"], year=["2024"]),
        ]
    )
    result = index.search("sampah", facets=("pillar", "province", "year"))
    assert result.facets == {
        "pillar": [("env", 2), ("gov", 2), ("eco", 1)],
        "province": [("51", 2), ("53", 2)],
        "year": [("2024", 2), ("2023", 1)],
    }
    result = index.search(
        "sampah",
        filters={"pillar": ["env"], "province": ["53"]},
        facets=("pillar", "province", "year"),
    )
    assert [h.id for h in result.hits] == [2]
    assert result.facets == {
        # Counted as if the pillar filter were absent: sampah in province 53.
        "pillar": [("gov", 2), ("env", 1)],
        # Counted as if the province filter were absent: sampah in pillar env.
        "province": [("51", 1), ("53", 1)],
        # Not filtered: counted over the hits.
        "year": [("2024", 1)],
    }


def test_search_without_words_browses_by_sort_then_id(make_index):
    index = make_index()
    index.index(
        [
            doc(1, "a", sort=1.0, pillar=["env"]),
            doc(2, "b", sort=3.0, pillar=["gov"]),
            doc(3, "c", sort=3.0, pillar=["env"]),
            doc(4, "d", sort=2.0, pillar=["env"]),
        ]
    )
    for query in ("", "   ", "yang dan di"):
        result = index.search(query, facets=("pillar",))
        assert [h.id for h in result.hits] == [2, 3, 4, 1]
        assert [h.score for h in result.hits] == [0.0] * 4
        assert result.facets == {"pillar": [("env", 3), ("gov", 1)]}
        assert result.query_groups == []
    result = index.search("", filters={"pillar": ["env"]}, limit=2, offset=1)
    assert result.total == 3
    assert [h.id for h in result.hits] == [4, 1]
    assert index.browse_ids() == [2, 3, 4, 1]
    assert index.browse_ids(filters={"pillar": ["env"]}, limit=2) == [3, 4]


def test_search_orders_equal_scores_by_id_and_pages(make_index):
    index = make_index()
    index.index([doc(i, "Bank sampah") for i in (5, 3, 9, 1)] + [doc(7, "Bank sampah sampah")])
    result = index.search("sampah")
    assert [h.id for h in result.hits] == [7, 1, 3, 5, 9]
    assert len({h.score for h in result.hits[1:]}) == 1
    assert [h.id for h in index.search("sampah", limit=2, offset=2).hits] == [3, 5]
    assert index.search("sampah", limit=0).hits == []


def test_search_hits_carry_stored_values_and_highlighted_snippets(make_index):
    index = make_index()
    index.index(
        [
            doc(
                1,
                "Retribusi pasar nontunai",
                "Kota Kupang menaikkan PAD <lewat> QRIS.",
                "Pedagang membayar retribusi dengan QRIS.",
            )
        ]
    )
    result = index.search("pendapatan asli daerah retribusi")
    assert result.hits == [
        Hit(
            id=1,
            score=result.hits[0].score,
            stored={"slug": "p1"},
            snippets={
                "title": "<mark>Retribusi</mark> pasar nontunai",
                "summary": "Kota Kupang menaikkan <mark>PAD</mark> &lt;lewat&gt; QRIS.",
                "body": "Pedagang membayar <mark>retribusi</mark> dengan QRIS.",
            },
        )
    ]
    assert index.search("retribusi", snippet_chars=0).hits[0].snippets == {}


def test_index_replaces_a_document_with_the_same_id(make_index):
    index = make_index()
    index.index([doc(1, "Bank sampah", pillar=["env"]), doc(2, "Taman kota", pillar=["env"])])
    index.index([doc(1, "Pasar malam", pillar=["eco"])])
    assert index.count() == 2
    assert index.search("sampah").total == 0
    assert [h.id for h in index.search("pasar").hits] == [1]
    assert index.search("", facets=("pillar",)).facets == {"pillar": [("eco", 1), ("env", 1)]}
    # The old words left the did-you-mean vocabulary, the new ones came in.
    assert index.suggest("sampha") is None
    assert index.suggest("malem") == "malam"


def test_index_keeps_the_last_of_repeated_ids(make_index):
    index = make_index()
    assert index.index([doc(1, "Bank sampah"), doc(1, "Pasar malam")]) == 1
    assert [h.id for h in index.search("pasar").hits] == [1]
    assert index.search("sampah").total == 0


def test_delete_removes_documents_and_their_statistics(make_index):
    index = make_index()
    index.index(TINY)
    assert index.delete([2, 3, 99]) == 2
    assert index.count() == 3
    assert [h.id for h in index.search("kompos").hits] == [1]
    # N = 3, avgdl = (9 + 7 + 7) / 3, "kompos" in 1 document.
    idf = math.log(2.5 / 1.5)
    assert [index.search("kompos").hits[0].score] == shown(bm25(idf, 16, 9, 23 / 3))
    assert index.delete([]) == 0


def test_clear_empties_the_index(make_index):
    index = make_index()
    index.index(TINY)
    index.clear()
    assert index.count() == 0
    assert index.search("kompos").total == 0
    assert index.search("").hits == []
    index.index(TINY[:1])
    assert [h.id for h in index.search("kompos").hits] == [1]


def test_search_suggests_a_correction_when_few_documents_match(make_index):
    index = make_index()
    index.index(
        [
            doc(1, "Retribusi pasar Kota Kupang"),
            doc(2, "Retribusi parkir Kota Kupang"),
            doc(3, "Retribusi pagar Kabupaten Kupang"),
            doc(4, "Retribusi pasar Kota Makassar"),
        ]
    )
    result = index.search("retribsi kupamg")
    assert result.total == 0
    assert result.suggestion == "retribusi kupang"
    assert index.suggest("Retribsi di Kupamg") == "retribusi di kupang"
    # Known words, stopwords and numbers stay; nothing to correct gives None.
    assert index.suggest("retribusi kupang 2024") is None
    assert index.search("retribusi").suggestion is None
    # The closest word wins ("parkir", one edit, over "pasar", two), then the more
    # frequent: "pasar" (in 2 documents) over "pagar" (in 1), both one edit from "paxar".
    assert index.suggest("paskir") == "parkir"
    assert index.suggest("paxar") == "pasar"


def test_create_schema_is_idempotent_and_keeps_the_documents(make_index):
    index = make_index()
    index.index(TINY)
    index.create_schema()
    assert index.count() == 5


def test_drop_schema_removes_the_tables(make_index):
    index = make_index()
    index.index(TINY)
    index.drop_schema()
    index.drop_schema()
    index.create_schema()
    assert index.count() == 0


def test_index_and_search_validate_their_input(make_index):
    index = make_index()
    with pytest.raises(ValueError, match="not in the schema"):
        index.index([Document(1, {"abstract": "x"})])
    with pytest.raises(ValueError, match="unknown language"):
        index.index([Document(1, {"title": "x"}, language="fr")])
    with pytest.raises(TypeError, match="needs a list of str"):
        index.index([Document(1, {"title": "x"}, facets={"pillar": "env"})])
    with pytest.raises(ValueError, match="unknown facet"):
        index.search("x", facets=("colour",))
    with pytest.raises(ValueError, match="unknown facet"):
        index.search("x", filters={"colour": ["red"]})


def test_postgres_works_through_a_client_side_binding_cursor(pg_connection):
    # Django's psycopg connections bind parameters on the client by default.
    import psycopg

    from .conftest import _schema

    index = PostgresIndex(lambda: psycopg.ClientCursor(pg_connection), _schema())
    index.create_schema()
    index.index(TINY)
    result = index.search("kompos taman", filters={"pillar": []}, facets=("pillar",))
    assert [h.id for h in result.hits] == [2, 1]
    assert result.hits[0].stored == {"slug": "p2"}
    assert index.delete([1]) == 1
    assert [h.id for h in index.search("kompos").hits] == [2]


@pytest.mark.parametrize("boost", [0.0, -1.0, math.inf])
def test_schema_refuses_a_boost_that_is_not_positive(boost):
    from .conftest import _schema

    with pytest.raises(ValueError, match="must be a positive number"):
        _schema(fields=(Field("title", boost=boost),))


class Rollback(Exception):
    pass


def test_sqlite_writes_join_the_callers_transaction(sqlite_connection):
    from kotacerdas.textsearch import SQLiteIndex

    from .conftest import _schema

    index = SQLiteIndex(sqlite_connection.cursor, _schema())
    index.create_schema()
    sqlite_connection.commit()
    sqlite_connection.execute("SAVEPOINT indexing")
    index.index(TINY)
    assert index.search("kompos").total == 2
    sqlite_connection.execute("ROLLBACK TO indexing")
    sqlite_connection.execute("RELEASE indexing")
    assert index.count() == 0
    assert index.search("kompos").total == 0


def test_postgres_writes_join_the_callers_transaction(pg_connection):
    from .conftest import _schema

    index = PostgresIndex(pg_connection.cursor, _schema())
    index.create_schema()
    with pytest.raises(Rollback), pg_connection.transaction():  # a savepoint
        index.index(TINY)
        assert index.search("kompos").total == 2
        raise Rollback
    assert index.count() == 0
    assert index.search("kompos").total == 0
