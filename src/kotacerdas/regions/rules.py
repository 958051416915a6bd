"""Who may change what in the registry and the network.

Objects passed to the object permissions are a Region (profile, contacts, heads).
Network-wide data (networks, memberships, cohorts) belongs to the secretariat.
"""

from __future__ import annotations

import rules

from kotacerdas.core.rules import is_officer_of_region, is_secretariat

can_edit_region = is_secretariat | is_officer_of_region

rules.add_perm("regions.edit_region_profile", can_edit_region)
rules.add_perm("regions.manage_region_contacts", can_edit_region)
rules.add_perm("regions.manage_region_heads", can_edit_region)
rules.add_perm("regions.manage_network", is_secretariat)

# Model permissions for the Django admin: the secretariat keeps the network there.
for model in ("network", "membership", "cohort", "cohortmember", "regionhead", "contact"):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"regions.{action}_{model}", is_secretariat)
# The registry itself is written only by the sync; the secretariat may read it in admin.
rules.add_perm("regions.view_region", is_secretariat)
rules.add_perm("regions.view_province", is_secretariat)
rules.add_perm("regions.change_region", is_secretariat)
