"""Folding and prefix handling for Indonesian region names."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

RegionKind = Literal["kota", "kabupaten"]

# Longest first, so "kota administrasi" wins over "kota" and "kabupaten" over "kab".
_PREFIXES: tuple[tuple[str, RegionKind], ...] = (
    ("kabupaten administrasi", "kabupaten"),
    ("kota administrasi", "kota"),
    ("kabupaten", "kabupaten"),
    ("regency of", "kabupaten"),
    ("city of", "kota"),
    ("kab", "kabupaten"),
    ("kota", "kota"),
)
_SPACE = re.compile(r"[\s\-_./,]+")


def fold(text: str) -> str:
    """Lower-case, strip accents and collapse punctuation and spaces to single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACE.sub(" ", plain.casefold()).strip()


@dataclass(frozen=True, slots=True)
class RegionQuery:
    """A search for a region: the folded name part and the kind the prefix named, if any."""

    name: str
    kind: RegionKind | None


def split_region_query(text: str) -> RegionQuery:
    """Split ``"Kota Kupang"`` into ``RegionQuery("kupang", "kota")``.

    ``"Kab. Kupang"``, ``"kabupaten kupang"`` and ``"Kupang"`` are understood too; a query
    that is only a prefix (``"kota"``) keeps it as the name.
    """
    folded = fold(text)
    for prefix, kind in _PREFIXES:
        if folded.startswith(prefix + " "):
            rest = folded[len(prefix) + 1 :].strip()
            if rest:
                return RegionQuery(name=rest, kind=kind)
    return RegionQuery(name=folded, kind=None)


def strip_region_prefix(name: str) -> str:
    """The folded name of a region without its kind prefix: ``"Kota Kupang"`` → ``"kupang"``."""
    return split_region_query(name).name
