"""Who may do what with events.

The secretariat runs events (agenda, quotas, approval, check-in, certificates). A region's
officers manage their own region's delegation: register, edit and cancel its participants.
Object permissions take the Delegation or Registration they are about (or the Event).
"""

from __future__ import annotations

from typing import Any

import rules

from kotacerdas.core.rules import is_officer_of_region, is_secretariat

from .models import Delegation


@rules.predicate
def is_delegation_officer(user: Any, obj: Any) -> bool:
    """An officer of the region whose delegation ``obj`` is (or belongs to)."""
    delegation = obj if isinstance(obj, Delegation) else getattr(obj, "delegation", None)
    # Anything else (the event, a check-in) is no region's: is_officer_of_region would
    # compare its primary key with the officer's region.
    if not isinstance(delegation, Delegation) or delegation.region_id is None:
        return False
    return is_officer_of_region(user, delegation)


rules.add_perm("events.manage_event", is_secretariat)
rules.add_perm("events.manage_delegation", is_secretariat | is_delegation_officer)
rules.add_perm("events.view_participants", is_secretariat | is_delegation_officer)
rules.add_perm("events.approve_registration", is_secretariat)
rules.add_perm("events.check_in", is_secretariat)
rules.add_perm("events.issue_certificates", is_secretariat)

for model in ("event", "session", "speaker", "quota", "delegation", "registration", "checkin"):
    rules.add_perm(f"events.view_{model}", is_secretariat)
