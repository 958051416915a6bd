"""Masterplans in the REST API: drafting a region's masterplan, its versions with their
documents and readings, edits, the secretariat's comments and the yearly scorecards.

Masterplans are the region's working documents, not public pages: every endpoint needs a
bearer token (a 401 without one). The region's officers and the secretariat read them (a
403 for anyone else); an officer of the region or the secretariat drafts one; only the
region's officers save edited versions and report progress; the secretariat comments.
Endpoints are thin: they parse input, call one selector or service and shape the output
with the schemas of :mod:`.schemas`. A document with problems is a 422 naming each field
(``content.programmes.2.start_year``) and changes nothing.
"""

from .endpoints import router

__all__ = ["router"]
