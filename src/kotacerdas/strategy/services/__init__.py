"""Everything that writes masterplans."""

from .plans import add_comment, create_masterplan, save_version

__all__ = ["add_comment", "create_masterplan", "save_version"]
