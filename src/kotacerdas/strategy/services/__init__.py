"""Everything that writes masterplans."""

from .plans import add_comment, create_masterplan, save_version
from .progress import save_report

__all__ = ["add_comment", "create_masterplan", "save_report", "save_version"]
