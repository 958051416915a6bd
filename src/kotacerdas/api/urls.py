"""The REST API, version 1: one NinjaAPI with a router per app."""

from __future__ import annotations

from ninja import NinjaAPI

from kotacerdas import __version__

api = NinjaAPI(
    title="KotaCerdas API",
    version=__version__,
    urls_namespace="api-v1",
    description="Regions, the network and (later) assessments, practices and events.",
)
