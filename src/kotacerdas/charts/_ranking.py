"""Ranking chart: one row per region, a dot at its rank and a bar over its rank interval."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from . import _svg
from ._svg import Fmt, el

ROW_HEIGHT = 22.0
"""Vertical distance between rows, in user units."""
TOP = 52.0
"""y of the first row's centre line."""
RIGHT_MARGIN = 24.0
PLOT_GAP = 16.0
_DOT = _svg.BLUE
_INTERVAL = "#9cc3e0"
_ACCENT = _svg.VERMILLION
_ACCENT_INTERVAL = "#f0b48a"
_ACCENT_BAND = "#fdf1e7"


def rank_fmt(value: float) -> str:
    """Format a rank without decimals, the ranking chart's default."""
    return f"{value:.0f}"


@dataclass(frozen=True, slots=True)
class RankRow:
    """One row of a ranking chart.

    Attributes
    ----------
    key
        Stable identifier (e.g. the region code), written to ``data-key``.
    label
        Row label, already translated.
    rank
        Nominal rank; 1 is best.
    low, high
        Bounds of the rank interval (e.g. the 5th and 95th percentile over the
        uncertainty simulation); ``None`` when unknown.
    href
        Link for the row, or ``None``.
    """

    key: str
    label: str
    rank: float
    low: float | None = None
    high: float | None = None
    href: str | None = None


def rank_x(rank: float, rank_max: float, width: float, label_width: float) -> float:
    """The documented horizontal scale of :func:`ranking`.

    ``x = left + (rank - 1) / (rank_max - 1) * (right - left)`` with
    ``left = label_width + 16`` and ``right = width - 24``, so rank 1 is on the left.
    """
    left = label_width + PLOT_GAP
    right = width - RIGHT_MARGIN
    return left + (rank - 1) / max(rank_max - 1, 1e-9) * (right - left)


def ranking(
    rows: Sequence[RankRow],
    *,
    title: str,
    desc: str,
    axis_label: str,
    highlight: str | None = None,
    width: int = 640,
    rank_max: float | None = None,
    label_width: float = 180.0,
    fmt: Fmt = rank_fmt,
    id_prefix: str | None = None,
) -> str:
    """Draw a dot-and-whisker ranking, best rank first (top) and leftmost.

    Rows are sorted by rank (ties by label). Row ``i`` (0-based, after sorting) is centred
    at ``y = 52 + 22 * i``; a rank maps to ``x`` by :func:`rank_x`. Each row is a
    ``<g class="row" data-key=...>`` holding the label, a ``<line class="interval">`` from
    ``low`` to ``high`` and a ``<circle class="rank">`` at the rank; the highlighted row also
    carries the class ``highlight`` and is drawn in the accent colour.

    Parameters
    ----------
    rows
        The rows to draw.
    title, desc
        Accessible name and description of the chart.
    axis_label
        Text above the rank axis, e.g. "Rank (1 = best), 5-95 % interval".
    highlight
        Key of the row to emphasise, or ``None``.
    width
        Width of the drawing in user units.
    rank_max
        The rank at the right end of the axis; by default the largest of the row count, the
        ranks and the interval ends (pass the network size when drawing a subset).
    label_width
        Room for the row labels, left of the plot; longer labels are shortened.
    fmt
        Formats ranks for the axis and the tooltips; whole numbers by default.
    id_prefix
        Prefix of the ids inside the SVG; by default derived from the content.

    Returns
    -------
    str
        One ``<svg>`` element.
    """
    for row in rows:
        if not all(math.isfinite(v) for v in (row.rank, row.low, row.high) if v is not None):
            raise ValueError(f"rank or interval of {row.key!r} is not finite")
    ordered = sorted(rows, key=lambda r: (r.rank, r.label, r.key))
    if rank_max is None:
        ends = [v for r in ordered for v in (r.rank, r.low, r.high) if v is not None]
        rank_max = max([float(len(ordered)), 1.0, *ends])
    width_f = float(width)
    left = rank_x(1, rank_max, width_f, label_width)
    right = rank_x(rank_max, rank_max, width_f, label_width)
    bottom = TOP + ROW_HEIGHT * max(len(ordered) - 1, 0) + ROW_HEIGHT / 2
    height = bottom + 12

    def x_of(rank: float) -> float:
        return rank_x(min(max(rank, 1.0), rank_max), rank_max, width_f, label_width)

    axis = [
        _svg.text(left, 16, axis_label, fill=_svg.MUTED_TEXT, font_size="12"),
        el(
            "line",
            x1=left,
            y1=TOP - ROW_HEIGHT / 2 - 4,
            x2=right,
            y2=TOP - ROW_HEIGHT / 2 - 4,
            stroke=_svg.AXIS,
        ),
    ]
    tick_values = [1.0] + [t for t in _svg.ticks(0, rank_max, 6) if t > 1 and t <= rank_max]
    if len(tick_values) > 1 and x_of(tick_values[1]) - left < 18:
        # A round tick right next to 1 would overprint its label.
        tick_values.pop(1)
    for t in tick_values:
        x = x_of(t)
        axis.append(
            el(
                "line",
                x1=x,
                y1=TOP - ROW_HEIGHT / 2 - 4,
                x2=x,
                y2=bottom,
                stroke=_svg.GRID,
            )
            + _svg.text(
                x,
                TOP - ROW_HEIGHT / 2 - 10,
                fmt(t),
                text_anchor="middle",
                fill=_svg.MUTED_TEXT,
                font_size="11",
            )
        )
    body = [el("g", "".join(axis), class_="axis", aria_hidden="true")]

    max_chars = max(4, int((label_width - 8) / 6.6))
    for i, row in enumerate(ordered):
        y = TOP + ROW_HEIGHT * i
        is_highlight = highlight is not None and row.key == highlight
        dot, interval = (_ACCENT, _ACCENT_INTERVAL) if is_highlight else (_DOT, _INTERVAL)
        tooltip = f"{row.label}: {fmt(row.rank)}"
        has_interval = row.low is not None and row.high is not None
        if has_interval:
            lo, hi = sorted((row.low, row.high))
            tooltip += f" ({fmt(lo)}{_svg.EN_DASH}{fmt(hi)})"
        parts = [
            _svg.title(tooltip),
            # The band spans the whole row: it marks the highlighted row and, invisible on
            # the others, makes the whole row clickable rather than just its glyphs.
            el(
                "rect",
                x=0.0,
                y=y - ROW_HEIGHT / 2,
                width=width_f,
                height=ROW_HEIGHT,
                fill=_ACCENT_BAND if is_highlight else "#ffffff",
                fill_opacity=None if is_highlight else "0",
            ),
            _svg.text(
                label_width,
                y + 4,
                _svg.truncate(row.label, max_chars),
                text_anchor="end",
                font_weight="700" if is_highlight else None,
                fill=_ACCENT if is_highlight else _svg.TEXT,
            ),
        ]
        if has_interval:
            parts.append(
                el(
                    "line",
                    x1=x_of(lo),
                    y1=y,
                    x2=x_of(hi),
                    y2=y,
                    stroke=interval,
                    stroke_width="6",
                    stroke_linecap="round",
                    class_="interval",
                )
            )
        parts.append(
            el(
                "circle",
                cx=x_of(row.rank),
                cy=y,
                r=5.5 if is_highlight else 4.5,
                fill=dot,
                stroke="#ffffff",
                stroke_width="1.5",
                class_="rank",
            )
        )
        group = el(
            "g",
            "".join(parts),
            class_="row highlight" if is_highlight else "row",
            data_key=row.key,
            data_rank=fmt(row.rank),
        )
        body.append(_svg.link(row.href, group))
    return _svg.document("ranking", width_f, height, title, desc, body, id_prefix)
