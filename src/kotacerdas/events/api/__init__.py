"""Events in the REST API: the public list, agenda, delegations and quotas, registration
of participants with the waiting list, approval, check-in, attendance and the public
verification of certificates.

Endpoints are thin: they parse input, call one selector or service and shape the output
with the schemas of :mod:`.schemas`. The event, its agenda, its delegations (counted, never
named) and its quotas are public, as is the verification of a certificate by its code;
a draft event is the secretariat's (a 404 for anyone else).

Writes need a bearer token, and the services decide who may write: an officer opens and
fills their own region's delegation and cancels its participants; the secretariat may do
that for every region and alone sets quotas, approves registrations and checks people in.
Participant data (names, contacts, ticket codes) and attendance are reads that need a
token too: a 401 without one, a 403 for someone who may not see them. The ticket's QR
token is never part of any answer. A registration that the event refuses (closed, bad
kecamatan) is a 422 in the API's one error shape, each problem naming its body field.
"""

from .endpoints import router

__all__ = ["router"]
