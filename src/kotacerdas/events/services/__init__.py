"""Everything that writes to events."""

from .checkin import check_in, issue_certificates, revoke_certificate, ticket_payload
from .registration import (
    approve_registration,
    cancel_registration,
    open_delegation,
    register_participant,
    set_quota,
)

__all__ = [
    "approve_registration",
    "cancel_registration",
    "check_in",
    "issue_certificates",
    "open_delegation",
    "register_participant",
    "revoke_certificate",
    "set_quota",
    "ticket_payload",
]
