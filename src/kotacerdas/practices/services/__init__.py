"""Everything that writes to the library."""

from .community import (
    answer_question,
    ask_question,
    record_adoption,
    set_priorities,
    update_adoption,
)
from .library import (
    add_attachment,
    create_practice,
    delete_practice,
    publish_version,
    remove_attachment,
    return_version,
    start_new_version,
    start_review,
    submit_version,
    update_version,
)

__all__ = [
    "add_attachment",
    "answer_question",
    "ask_question",
    "create_practice",
    "delete_practice",
    "publish_version",
    "record_adoption",
    "remove_attachment",
    "return_version",
    "set_priorities",
    "start_new_version",
    "start_review",
    "submit_version",
    "update_adoption",
    "update_version",
]
