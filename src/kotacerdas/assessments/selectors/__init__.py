"""Reads of assessment data for pages, exports and the API.

``public`` holds what visitors may see (published results only), ``manage`` what the
secretariat and officers need to run cycles, ``readiness`` the self-assessments. All are
re-exported here.
"""

from .api import *  # noqa: F403
from .manage import *  # noqa: F403
from .public import *  # noqa: F403
from .readiness import *  # noqa: F403
