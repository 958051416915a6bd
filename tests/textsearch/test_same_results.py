"""The same corpus indexed in SQLite and PostgreSQL gives the same results for a query."""

from __future__ import annotations

import random
import sqlite3

import pytest

from kotacerdas.textsearch import Document, PostgresIndex, SQLiteIndex

from .conftest import _schema

pytestmark = pytest.mark.integration

TOPICS = [
    "bank sampah",
    "pengelolaan persampahan",
    "retribusi pasar",
    "pembayaran nontunai",
    "pendapatan asli daerah",
    "PAD",
    "UMKM",
    "usaha mikro kecil menengah",
    "BUMDes",
    "e-government",
    "sistem pemerintahan berbasis elektronik",
    "stunting",
    "posyandu",
    "puskesmas",
    "desa wisata",
    "pariwisata",
    "angkutan umum",
    "banjir",
    "air bersih",
    "ruang terbuka hijau",
]


def words(text: str) -> list[str]:
    return text.split()


WORDS = words(
    "program masyarakat warga pelayanan inovasi aplikasi data sistem pengembangan "
    "peningkatan pelaksanaan kerja sama kebijakan anggaran dinas hasil manfaat kualitas "
    "kolaborasi teknologi dampak akses koordinasi pelatihan evaluasi kelurahan kecamatan "
    "komunitas mitra target capaian indikator kader relawan petugas dasbor portal kanal"
)
VERBS = words("meningkatkan mengembangkan menyediakan memudahkan mempercepat mengelola")
ENGLISH = words(
    "waste bank recycling cashless payment market levy own-source revenue tourism village "
    "public transport flood clean water residents city programme data training"
)
REGIONS = ["Kota Kupang", "Kota Surabaya", "Kabupaten Banyuwangi", "Kota Makassar"]


def corpus(n: int, seed: int) -> list[Document]:
    rng = random.Random(seed)
    documents = []
    for doc_id in range(1, n + 1):
        region = rng.choice(REGIONS)
        if rng.random() < 0.15:
            language = "en"
            title = " ".join(rng.sample(ENGLISH, 3)) + f" in {region}"
            summary = " ".join(rng.choices(ENGLISH, k=20))
            body = " ".join(rng.choices(ENGLISH, k=80))
        else:
            language = "id"
            topic = rng.choice(TOPICS)
            title = f"{topic} {rng.choice(WORDS)} di {region}"
            summary = " ".join(
                [rng.choice(VERBS), topic, "yang", *rng.choices(WORDS, k=15), region]
            )
            body = ". ".join(
                " ".join([rng.choice(WORDS), rng.choice(VERBS), rng.choice(TOPICS)])
                for _ in range(15)
            )
        if doc_id % 50 == 0:  # exact duplicates of an earlier practice: ties by id
            title, summary, body = (documents[-1].fields[f] for f in ("title", "summary", "body"))
            language = documents[-1].language
        documents.append(
            Document(
                id=doc_id * 3,  # ids with gaps, not in insertion order of their scores
                fields={"title": title, "summary": summary, "body": body},
                language=language,
                facets={
                    "pillar": rng.sample(["env", "eco", "gov", "soc"], rng.randrange(1, 3)),
                    "province": [str(rng.randrange(51, 55))],
                    "year": [str(rng.randrange(2020, 2025))],
                },
                sort=float(rng.randrange(100)),
                stored={"region": region},
            )
        )
    return documents


QUERIES = [
    "sampah",
    "bank sampah",
    "waste bank",
    "pengelolaan sampah",
    "retribusi",
    "retribusi pasar",
    "pasar",
    "pembayaran",
    "cashless",
    "PAD",
    "pendapatan asli daerah",
    "own-source revenue",
    "UMKM",
    "usaha mikro",
    "BUMDes",
    "SPBE",
    "e-government",
    "stunting Kupang",
    "posyandu",
    "puskesmas",
    "desa wisata",
    "tourism",
    "tourism village",
    "angkutan umum",
    "public transport",
    "banjir",
    "flood",
    "air bersih",
    "clean water",
    "program",
    "program masyarakat",
    "inovasi pelayanan",
    "data",
    "aplikasi data",
    "kerja sama",
    "Kota Kupang",
    "Surabaya",
    "Banyuwangi",
    "mengembangkan aplikasi",
    "meningkatkan kualitas",
    "pelatihan kader",
    "relawan",
    "recycling",
    "residents training",
    "sampah sampah",
    "program program data",
    "retribsi",
    "kupamg",
    "",
]
FILTERS = [None, {"pillar": ["env", "gov"]}, {"province": ["52"], "year": ["2021", "2022"]}]


@pytest.fixture(scope="module")
def documents() -> list[Document]:
    return corpus(400, seed=7)


def test_sqlite_and_postgres_give_the_same_results(documents, pg_connection):
    schema = _schema()
    sqlite = SQLiteIndex(sqlite3.connect(":memory:").cursor, schema)
    postgres = PostgresIndex(pg_connection.cursor, schema)
    for index in (sqlite, postgres):
        index.create_schema()
        index.index(documents)
    compared = 0
    for query in QUERIES:
        for filters in FILTERS:
            options = {"filters": filters, "facets": ("pillar", "province", "year"), "limit": 20}
            left, right = sqlite.search(query, **options), postgres.search(query, **options)
            assert left.total == right.total, (query, filters)
            assert [h.id for h in left.hits] == [h.id for h in right.hits], (query, filters)
            assert [h.score for h in left.hits] == pytest.approx(
                [h.score for h in right.hits], rel=1e-8
            )
            assert left.hits == right.hits
            assert left.facets == right.facets
            assert left.suggestion == right.suggestion
            compared += len(left.hits)
    assert compared > 1500
    # Deep pages agree too, not only the first.
    for query in ("program", "data", "sampah"):
        for offset in (20, 100, 300):
            left = sqlite.search(query, limit=50, offset=offset, snippet_chars=0)
            right = postgres.search(query, limit=50, offset=offset, snippet_chars=0)
            assert [h.id for h in left.hits] == [h.id for h in right.hits]
