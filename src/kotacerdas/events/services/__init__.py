"""Everything that writes to events."""

from .agenda import create_event, delete_session, save_session, update_event
from .checkin import check_in, issue_certificates, revoke_certificate, ticket_payload
from .registration import (
    approve_registration,
    cancel_registration,
    open_delegation,
    register_in_region,
    register_participant,
    set_quota,
    waiting_reason,
)

__all__ = [
    "approve_registration",
    "cancel_registration",
    "check_in",
    "create_event",
    "delete_session",
    "issue_certificates",
    "open_delegation",
    "register_in_region",
    "register_participant",
    "revoke_certificate",
    "save_session",
    "set_quota",
    "ticket_payload",
    "update_event",
    "waiting_reason",
]
