"""Who may do what with practices.

Object permissions take the object they are about: a Practice, a PracticeVersion, a
Replication, a Question or a Region. An officer writes only for their own region: the
practices their region leads, the adoptions their region records, the questions their
region asks. The secretariat reviews and publishes; a published version never changes.
"""

from __future__ import annotations

from typing import Any

import rules

from kotacerdas.core.rules import is_officer, is_officer_of_region, is_secretariat


def _practice(obj: Any) -> Any:
    return getattr(obj, "practice", obj)


@rules.predicate
def is_lead_officer(user: Any, obj: Any) -> bool:
    """An officer of the practice's lead region (``obj`` is a practice or one of its rows)."""
    practice = _practice(obj)
    return practice is not None and is_officer(user) and user.region_id == practice.lead_region_id


@rules.predicate
def is_editable(user: Any, version: Any) -> bool:
    return version is not None and version.is_editable


@rules.predicate
def is_submitted(user: Any, version: Any) -> bool:
    return version is not None and version.status == "submitted"


@rules.predicate
def is_in_review(user: Any, version: Any) -> bool:
    return version is not None and version.status == "in_review"


@rules.predicate
def is_published(user: Any, obj: Any) -> bool:
    """A published practice, or the published version of one."""
    if obj is None:
        return False
    if hasattr(obj, "number"):
        return obj.status == "published"
    return _practice(obj).published_version_id is not None


@rules.predicate
def is_adopting_officer(user: Any, replication: Any) -> bool:
    return replication is not None and is_officer_of_region(user, replication)


can_write_practice = is_secretariat | is_lead_officer

# Creating: an officer creates for their own region (object: the Region), the
# secretariat for any region.
rules.add_perm("practices.add_practice", is_secretariat | is_officer_of_region)
# Importing: the secretariat for every region, an officer rows of their own region only
# (checked row by row by the import).
rules.add_perm("practices.import_practices", is_secretariat | is_officer)
# Reading a version that is not published: its region and the secretariat.
rules.add_perm("practices.view_version", is_published | can_write_practice)
rules.add_perm("practices.edit_version", can_write_practice & is_editable)
rules.add_perm("practices.submit_version", can_write_practice & is_editable)
rules.add_perm("practices.start_review", is_secretariat & is_submitted)
rules.add_perm("practices.decide_review", is_secretariat & is_in_review)
# A published practice changes only through a new version that is reviewed again.
rules.add_perm("practices.new_version", can_write_practice & is_published)
rules.add_perm("practices.delete_practice", is_secretariat)
# Adopting: an officer records their own region's adoption of another region's practice.
rules.add_perm(
    "practices.record_adoption", is_published & (is_secretariat | (is_officer & ~is_lead_officer))
)
rules.add_perm("practices.change_replication", is_secretariat | is_adopting_officer)
# Questions: any officer may ask about a published practice; the lead region answers.
rules.add_perm("practices.ask_question", is_officer & is_published & ~is_lead_officer)
rules.add_perm("practices.answer_question", is_secretariat | is_lead_officer)
rules.add_perm("practices.set_priorities", is_secretariat | is_officer_of_region)
rules.add_perm("practices.view_reviews", can_write_practice)

# Django admin: the secretariat reads library records there (the admin is read-only: changes
# go through the workflow).
for model in (
    "practice",
    "practiceversion",
    "review",
    "replication",
    "question",
    "answer",
    "attachment",
):
    rules.add_perm(f"practices.view_{model}", is_secretariat)
