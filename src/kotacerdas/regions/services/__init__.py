"""Everything that writes to the registry and the network."""

from .imports import import_cohort_members, import_memberships, import_region_heads
from .network import (
    end_membership,
    remove_cohort_member,
    save_cohort,
    save_cohort_member,
    save_membership,
    save_network,
)
from .profile import (
    delete_contact,
    delete_region_head,
    save_contact,
    save_region_head,
    update_region_profile,
)
from .registry import SyncReport, sync_registry

__all__ = [
    "SyncReport",
    "delete_contact",
    "delete_region_head",
    "end_membership",
    "import_cohort_members",
    "import_memberships",
    "import_region_heads",
    "remove_cohort_member",
    "save_cohort",
    "save_cohort_member",
    "save_contact",
    "save_membership",
    "save_network",
    "save_region_head",
    "sync_registry",
    "update_region_profile",
]
