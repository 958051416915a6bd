"""The library's search index: published practices as ``textsearch`` documents.

The index lives in the app's own database (FTS5 tables on SQLite, analysed-token tables on
PostgreSQL) and is written on the same connection as the practice, so publishing and
indexing commit or roll back together. ``kotacerdas practices reindex`` rebuilds it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils.translation import gettext_lazy

from kotacerdas import textsearch
from kotacerdas.regions.models import Province, Region

from .models import Practice, PracticeVersion, Review

FACETS = (
    "pillar",
    "province",
    "kind",
    "stage",
    "digital",
    "sdg",
    "funding",
    "cost_band",
    "year",
    "verified",
)


@functools.cache
def schema() -> Any:
    """Title outweighs summary, summary outweighs the narrative (BM25 field boosts)."""
    return textsearch.Schema(
        fields=(
            textsearch.Field("title", boost=10.0),
            textsearch.Field("summary", boost=5.0),
            textsearch.Field("places", boost=3.0),
            textsearch.Field("body", boost=1.0),
        ),
        facets=FACETS,
        prefix="practice_search",
    )


# Budget bands in rupiah: (upper bound exclusive, code).
COST_BANDS = (
    (100_000_000, "lt100m"),
    (1_000_000_000, "100m-1b"),
    (5_000_000_000, "1b-5b"),
)


def cost_band(budget: int | None) -> str:
    if budget is None:
        return "unknown"
    for bound, code in COST_BANDS:
        if budget < bound:
            return code
    return "gte5b"


def _cursor() -> Any:
    connection.ensure_connection()
    return connection.connection.cursor()


@functools.cache
def _backend_class(vendor: str) -> type:
    return textsearch.PostgresIndex if vendor == "postgresql" else textsearch.SQLiteIndex


def backend() -> Any:
    """The search backend for the database in use."""
    return _backend_class(connection.vendor)(_cursor, schema=schema())


def _body(version: PracticeVersion) -> str:
    parts = [getattr(version, name) for name in PracticeVersion.NARRATIVE]
    parts += [f"{o.name}. {o.source}" for o in version.outcomes.all()]
    parts += [p.description for p in version.prerequisites.all()]
    parts += list(version.partner_organisations)
    return "\n".join(p for p in parts if p)


def document_of(practice: Practice, review: Review | None) -> Any:
    """The search document of a practice's published version."""
    version = practice.published_version
    region = practice.lead_region
    partners = list(version.partner_regions.all())
    places = [region.name, region.province.name] + [p.name for p in partners]
    year = version.started_on.year if version.started_on else None
    return textsearch.Document(
        id=practice.pk,
        language=version.language,
        fields={
            "title": version.title,
            "summary": version.summary,
            "places": " ".join(places),
            "body": _body(version),
        },
        facets={
            "pillar": list(version.pillars),
            "province": [region.province.code],
            "kind": [region.kind],
            "stage": [version.stage],
            "digital": ["yes" if version.digital else "no"],
            "sdg": [str(n) for n in version.sdgs],
            "funding": list(version.funding_sources),
            "cost_band": [cost_band(version.budget_idr)],
            "year": [str(year)] if year else [],
            "verified": ["yes" if review is not None and review.verified else "no"],
        },
        sort=(version.published_at or practice.first_published_at).timestamp(),
        stored={"slug": practice.slug},
    )


def _published(ids: Iterable[int] | None) -> Any:
    queryset = (
        Practice.objects.filter(published_version__isnull=False)
        .select_related("lead_region__province", "published_version")
        .prefetch_related(
            "published_version__outcomes",
            "published_version__prerequisites",
            "published_version__partner_regions",
        )
        .order_by("pk")
    )
    return queryset if ids is None else queryset.filter(pk__in=list(ids))


def _reviews(version_ids: list[int]) -> dict[int, Review]:
    latest: dict[int, Review] = {}
    for review in Review.objects.filter(
        version_id__in=version_ids, decision=Review.Decision.PUBLISHED
    ).order_by("version_id", "-created_at", "-pk"):
        latest.setdefault(review.version_id, review)
    return latest


def index_practices(ids: Iterable[int] | None = None, *, batch: int = 500) -> int:
    """(Re)index the published practices among ``ids`` (all when None); practices that are
    not published are removed from the index. Returns how many documents were written."""
    index = backend()
    wanted = None if ids is None else set(ids)
    written = 0
    queryset = _published(wanted)
    chunk: list[Practice] = []

    def flush() -> None:
        nonlocal written
        reviews = _reviews([p.published_version_id for p in chunk])
        index.index([document_of(p, reviews.get(p.published_version_id)) for p in chunk])
        written += len(chunk)
        chunk.clear()

    found: set[int] = set()
    for practice in queryset.iterator(chunk_size=batch):
        found.add(practice.pk)
        chunk.append(practice)
        if len(chunk) >= batch:
            flush()
    if chunk:
        flush()
    if wanted is not None and wanted - found:
        index.delete(sorted(wanted - found))
    return written


def remove_practices(ids: Iterable[int]) -> None:
    backend().delete(list(ids))


def rebuild_index() -> int:
    """Drop and rebuild the whole index from the published practices."""
    index = backend()
    index.drop_schema()
    index.create_schema()
    return index_practices()


def create_index_schema() -> None:
    backend().create_schema()


# --- searching, for pages and the API ------------------------------------------------------


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class PracticeHit:
    practice: Practice
    score: float | None
    snippet: str  # safe HTML with <mark> around matched words


@dataclass
class PracticeSearch:
    query: str
    total: int
    hits: list[PracticeHit]
    facets: dict[str, list[FacetValue]]
    filters: dict[str, list[str]]
    suggestion: str | None
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def facet_title(name: str) -> str:
    return str(FACET_TITLES[name])


FACET_TITLES = {
    "pillar": gettext_lazy("Pillar"),
    "province": gettext_lazy("Province"),
    "kind": gettext_lazy("Region kind"),
    "stage": gettext_lazy("Stage"),
    "digital": gettext_lazy("Digital"),
    "sdg": gettext_lazy("SDG"),
    "funding": gettext_lazy("Funding source"),
    "cost_band": gettext_lazy("Budget"),
    "year": gettext_lazy("Year started"),
    "verified": gettext_lazy("Evidence verified"),
}
COST_BAND_LABELS = {
    "lt100m": gettext_lazy("under Rp 100 million"),
    "100m-1b": gettext_lazy("Rp 100 million – 1 billion"),
    "1b-5b": gettext_lazy("Rp 1 – 5 billion"),
    "gte5b": gettext_lazy("Rp 5 billion or more"),
    "unknown": gettext_lazy("not stated"),
}


def facet_label(name: str, value: str, provinces: dict[str, str]) -> str:
    from . import taxonomy
    from .models import Funding, Stage

    if name == "pillar":
        return taxonomy.node_name(value)
    if name == "province":
        return provinces.get(value, value)
    if name == "kind":
        return str(dict(Region.Kind.choices).get(value, value))
    if name == "stage":
        return str(dict(Stage.choices).get(value, value))
    if name == "funding":
        return str(dict(Funding.choices).get(value, value))
    if name == "cost_band":
        return str(COST_BAND_LABELS.get(value, value))
    if name in ("digital", "verified"):
        return str(gettext_lazy("yes")) if value == "yes" else str(gettext_lazy("no"))
    if name == "sdg":
        return str(gettext_lazy("SDG %(number)s") % {"number": value})
    return value


def clean_filters(raw: dict[str, list[str]]) -> dict[str, list[str]]:
    """Only known facets, each value at most 40 characters, at most 20 values each."""
    return {
        name: [v[:40] for v in dict.fromkeys(values) if v][:20]
        for name, values in raw.items()
        if name in FACETS and any(values)
    }


def search_practices(
    query: str, *, filters: dict[str, list[str]] | None = None, page: int = 1, per_page: int = 20
) -> PracticeSearch:
    """Published practices matching ``query`` (all when empty) and ``filters``, best first,
    with facet counts, highlighted snippets and a did-you-mean suggestion."""
    query = (query or "").strip()[:200]
    filters = clean_filters(filters or {})
    page = max(1, page)
    result = backend().search(
        query, filters=filters, facets=FACETS, limit=per_page, offset=(page - 1) * per_page
    )
    practices = (
        Practice.objects.filter(pk__in=[hit.id for hit in result.hits])
        .select_related("lead_region__province", "published_version")
        .in_bulk()
    )
    hits = [
        PracticeHit(practices[hit.id], hit.score, _snippet(hit))
        for hit in result.hits
        if hit.id in practices
    ]
    provinces = dict(Province.objects.values_list("code", "name"))
    facets = {
        name: [
            FacetValue(
                value, facet_label(name, value, provinces), count, value in filters.get(name, [])
            )
            for value, count in result.facets.get(name, [])
        ]
        for name in FACETS
    }
    return PracticeSearch(
        query=query,
        total=result.total,
        hits=hits,
        facets=facets,
        filters=filters,
        suggestion=result.suggestion,
        page=page,
        per_page=per_page,
    )


def _snippet(hit: Any) -> str:
    snippets = getattr(hit, "snippets", None) or {}
    for name in ("summary", "body", "title"):
        if snippets.get(name):
            return snippets[name]
    return ""
