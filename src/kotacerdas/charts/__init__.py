"""Server-side SVG charts for pages that must work without internet access.

Every chart function returns one self-contained, accessible ``<svg>`` element as a string,
for a template to insert with ``|safe``: ``role="img"`` with a ``<title>`` and ``<desc>``,
a ``viewBox`` that scales to its container, no scripts, images or external references,
and all caller text XML-escaped. The caller passes every piece of text, already
translated, and may pass ``fmt`` to format numbers for the locale. Output is
deterministic: ids are derived from the content unless ``id_prefix`` is given, which a
page showing the same chart twice must do.

This package is plain Python: it imports neither Django nor any other kotacerdas app.

Charts
------
radar
    Spider chart of pillar scores, one polygon per :class:`Series`.
ranking
    Dot-and-whisker chart of ranks with their uncertainty intervals, one :class:`RankRow`
    per region.
trend
    Values by year as lines with gaps.
bars
    Horizontal bars with optional intervals (sensitivity indices, weakest elements).
indonesia_map
    Outline map of Indonesia with one coloured circle per :class:`MapPoint`.
"""

from ._bars import bars
from ._colour import MISSING as MISSING_COLOUR
from ._colour import sequential
from ._map import MapPoint, indonesia_map, outline, project
from ._radar import Series, radar
from ._ranking import RankRow, rank_fmt, rank_x, ranking
from ._svg import default_fmt
from ._trend import trend

__all__ = [
    "MISSING_COLOUR",
    "MapPoint",
    "RankRow",
    "Series",
    "bars",
    "default_fmt",
    "indonesia_map",
    "outline",
    "project",
    "radar",
    "rank_fmt",
    "rank_x",
    "ranking",
    "sequential",
    "trend",
]
