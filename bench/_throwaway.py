"""What the benchmarks share: a throwaway database for one run, SQLite in a temporary
folder or a PostgreSQL database of its own that is dropped afterwards, with production-like
settings (no debug, no query log). Not a benchmark itself: ``make bench`` skips files
whose names start with an underscore."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path


def postgres_reachable(url: str) -> tuple[bool, str]:
    import psycopg

    try:
        with psycopg.connect(conninfo(with_database(url, "postgres")), connect_timeout=5):
            return True, ""
    except psycopg.OperationalError as error:
        return False, str(error).strip().splitlines()[0]


def conninfo(url: str) -> str:
    """psycopg wants ``postgresql://``; dj-database-url also knows ``postgres://``."""
    return "postgresql://" + url.split("://", 1)[1] if "://" in url else url


def with_database(url: str, name: str) -> str:
    """``url`` pointing at database ``name`` on the same server."""
    base, _sep, _db = url.partition("?")[0].rpartition("/")
    query = url.partition("?")[2]
    return f"{base}/{name}" + (f"?{query}" if query else "")


# --- the child process: set up Django, build, measure -------------------------------------


def configure(database: str, folder: Path, server: str, label: str) -> Callable[[], None]:
    """Point the settings at a throwaway database (SQLite in ``folder``, or a PostgreSQL
    database named after ``label`` on ``server``); returns how to drop it."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "kotacerdas.web.settings"
    os.environ["KOTACERDAS_DATA_DIR"] = str(folder)
    (folder / "static").mkdir()  # WhiteNoise warns about a missing STATIC_ROOT
    # Production-like: no query log, no debug pages.
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["KOTACERDAS_TASKS"] = "eager"
    if database == "sqlite":
        os.environ.pop("DATABASE_URL", None)
        return lambda: None

    import psycopg

    name = f"kotacerdas_bench_{label}_{os.getpid()}"
    admin = conninfo(with_database(server, "postgres"))  # CREATE DATABASE runs from here
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = with_database(server, name)

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return drop
