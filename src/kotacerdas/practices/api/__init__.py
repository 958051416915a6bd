"""The best-practice library in the REST API: search, records, the review workflow,
adoption, questions, transferability, recommendations and bulk import.

Endpoints are thin: they parse input, call one selector or service and shape the output
with the schemas below; every operation has its own input and output schemas. Published
practices, their questions, fit reports, recommendations and the learning network are
public. A version that is not published is working data: ``GET /practices/{slug}``
accepts a bearer token without requiring one and shows it to the lead region's officers
and the secretariat only (a 404 for anyone else, as if it did not exist).

Writes need a bearer token and the services decide who may write (an officer on their own
region's practices, the secretariat reviews and publishes). A practice's content is
checked by :func:`kotacerdas.practices.content.parse_record`; its problems come back as
the API's one error shape, each naming the body field (``outcomes.0.unit``). A request
that is allowed but comes at the wrong step of the workflow (editing a submitted version,
publishing one that is not in review) is a 422 that says which step the version is at;
to anyone who may not act on the practice at all it stays a 403.
"""

from .endpoints import router

__all__ = ["router"]
