"""Indexes on both backends for the textsearch tests.

SQLite indexes live in a fresh in-memory database per test. PostgreSQL indexes are
created inside a transaction that is rolled back after the test, so their tables are
never visible to anyone else (the Django test database included) and never outlive it.
PostgreSQL is reached at ``DATABASE_URL`` when set, else at the local default; the tests
that need it are skipped when it cannot be reached.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator

import pytest

from kotacerdas.textsearch import Field, PostgresIndex, Schema, SearchIndex, SQLiteIndex

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
FIELDS = (Field("title", boost=10.0), Field("summary", boost=5.0), Field("body", boost=1.0))
FACETS = ("pillar", "province", "year")

MakeIndex = Callable[..., SearchIndex]


@pytest.fixture
def pg_connection() -> Iterator[object]:
    psycopg = pytest.importorskip("psycopg")
    try:
        # libpq reads "postgres://" URLs (dj-database-url style) as well as "postgresql://".
        connection = psycopg.connect(os.environ.get("DATABASE_URL", DEFAULT_URL), connect_timeout=3)
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL is unreachable: {error}")
    try:
        yield connection
    finally:
        connection.rollback()
        connection.close()


@pytest.fixture
def sqlite_connection() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:")
    try:
        yield connection
    finally:
        connection.close()


def _schema(facets: tuple[str, ...] = FACETS, fields: tuple[Field, ...] = FIELDS) -> Schema:
    # A prefix of its own per index: the catalogue cache is keyed by it.
    return Schema(fields=fields, facets=facets, prefix=f"ts_test_{uuid.uuid4().hex[:10]}")


@pytest.fixture(params=["sqlite", "postgres"])
def make_index(request) -> MakeIndex:
    """Builds an index with its tables created, on the backend the test is run for."""
    if request.param == "sqlite":
        connection = request.getfixturevalue("sqlite_connection")
        backend: type[SearchIndex] = SQLiteIndex
    else:
        connection = request.getfixturevalue("pg_connection")
        backend = PostgresIndex

    def make(**schema_options) -> SearchIndex:
        index = backend(connection.cursor, _schema(**schema_options))
        index.create_schema()
        return index

    return make
