"""Writes to one region's own profile: description, website, contacts, heads of region."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from kotacerdas.core.services import delete_instance, require, save_instance

from ..models import Contact, Region, RegionHead

PROFILE_FIELDS = ("website", "description")
CONTACT_FIELDS = (
    "name",
    "position",
    "agency",
    "email",
    "phone",
    "is_primary",
    "is_demo",
    "source",
)
HEAD_FIELDS = ("title", "name", "deputy_name", "term_start", "term_end", "is_demo", "source")


def update_region_profile(*, actor: Any, region: Region, website: str, description: str) -> Region:
    require(actor, "regions.edit_region_profile", region)
    return save_instance(
        actor=actor,
        instance=region,
        values={"website": website, "description": description},
        region_code=region.code,
    )


def save_contact(
    *, actor: Any, region: Region, contact: Contact | None = None, **values: Any
) -> Contact:
    """Create or update a contact of ``region``; one primary contact per region."""
    require(actor, "regions.manage_region_contacts", region)
    contact = contact or Contact(region=region)
    if contact.region_id != region.pk:
        raise ValueError("contact belongs to another region")
    with transaction.atomic():
        if values.get("is_primary"):
            for other in region.contacts.filter(is_primary=True).exclude(pk=contact.pk):
                save_instance(
                    actor=actor,
                    instance=other,
                    values={"is_primary": False},
                    region_code=region.code,
                )
        return save_instance(
            actor=actor,
            instance=contact,
            values={k: values[k] for k in CONTACT_FIELDS if k in values},
            region_code=region.code,
        )


def delete_contact(*, actor: Any, contact: Contact) -> None:
    require(actor, "regions.manage_region_contacts", contact.region)
    delete_instance(actor=actor, instance=contact, region_code=contact.region.code)


def save_region_head(
    *, actor: Any, region: Region, head: RegionHead | None = None, **values: Any
) -> RegionHead:
    require(actor, "regions.manage_region_heads", region)
    head = head or RegionHead(region=region)
    if head.region_id != region.pk:
        raise ValueError("head belongs to another region")
    return save_instance(
        actor=actor,
        instance=head,
        values={k: values[k] for k in HEAD_FIELDS if k in values},
        region_code=region.code,
    )


def delete_region_head(*, actor: Any, head: RegionHead) -> None:
    require(actor, "regions.manage_region_heads", head.region)
    delete_instance(actor=actor, instance=head, region_code=head.region.code)
