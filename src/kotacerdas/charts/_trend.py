"""Trend chart: values by year as lines, with gaps where a year has no value."""

from __future__ import annotations

import math
from collections.abc import Sequence

from . import _svg
from ._svg import Fmt, default_fmt, el

Points = Sequence[tuple[int, float | None]]

LEFT = 56.0
RIGHT = 20.0
TOP = 14.0
BOTTOM = 30.0
INSET = 14.0
# Colour and dash per extra series; dashes keep them apart without colour vision.
_EXTRA_STYLES = (
    (_svg.VERMILLION, "6 3"),
    (_svg.GREEN, "2 3"),
    (_svg.PURPLE, "8 3 2 3"),
    (_svg.ORANGE, "4 2"),
    (_svg.MUTED, "1 3"),
)


def _year_ticks(first: int, last: int) -> list[int]:
    if last - first <= 10:
        return list(range(first, last + 1))
    step = max(1, int(_svg.nice_step(last - first, 8)))
    return [y for y in range(first, last + 1) if y % step == 0] or [first, last]


def trend(
    points: Points,
    *,
    title: str,
    desc: str,
    y_label: str,
    y_min: float = 0,
    y_max: float = 100,
    series_label: str,
    extra: Sequence[tuple[str, Points]] = (),
    fmt: Fmt = default_fmt,
    width: int = 640,
    height: int = 260,
    id_prefix: str | None = None,
) -> str:
    """Draw one main series and optional comparison series as lines over years.

    Years map linearly to ``x`` between ``56 + 14`` and ``width - 20 - 14``; values map
    linearly to ``y`` between ``y_min`` (bottom) and ``y_max`` (top) and are clamped to
    that range. A ``None`` value breaks the line; every known value also gets a marker,
    so isolated years stay visible.

    Parameters
    ----------
    points
        ``(year, value)`` pairs of the main series, in any order.
    title, desc
        Accessible name and description of the chart.
    y_label
        Text of the vertical axis.
    y_min, y_max
        The value range of the vertical axis.
    series_label
        Legend text of the main series.
    extra
        ``(label, points)`` of comparison series, drawn in other colours and dashes.
    fmt
        Formats values for the axis and the tooltips.
    width, height
        Size of the plot block in user units; the legend adds rows below it.
    id_prefix
        Prefix of the ids inside the SVG; by default derived from the content.

    Returns
    -------
    str
        One ``<svg>`` element.
    """
    if y_max <= y_min:
        raise ValueError("y_max must be greater than y_min")
    all_series: list[tuple[str, Points, str, str | None, float]] = [
        (series_label, points, _svg.BLUE, None, 2.5)
    ]
    for i, (label, pts) in enumerate(extra):
        colour, dash = _EXTRA_STYLES[i % len(_EXTRA_STYLES)]
        all_series.append((label, pts, colour, dash, 2.0))

    years = sorted({year for _, pts, *_ in all_series for year, _ in pts})
    tick_years = _year_ticks(years[0], years[-1]) if years else []
    first, last = (years[0], years[-1]) if years else (0, 1)
    if first == last:
        # One year: centre it rather than divide by zero.
        first, last = first - 1, last + 1
    w, h = float(width), float(height)
    x0, x1 = LEFT + INSET, w - RIGHT - INSET
    y0, y1 = h - BOTTOM, TOP

    def sx(year: float) -> float:
        return x0 + (year - first) / (last - first) * (x1 - x0)

    def sy(value: float) -> float:
        clamped = min(max(value, y_min), y_max)
        return y0 + (clamped - y_min) / (y_max - y_min) * (y1 - y0)

    axis = []
    for t in _svg.ticks(y_min, y_max, 5):
        y = sy(t)
        axis.append(
            el("line", x1=LEFT, y1=y, x2=w - RIGHT, y2=y, stroke=_svg.GRID)
            + _svg.text(
                LEFT - 6, y + 4, fmt(t), text_anchor="end", fill=_svg.MUTED_TEXT, font_size="11"
            )
        )
    axis.append(el("line", x1=LEFT, y1=y0, x2=w - RIGHT, y2=y0, stroke=_svg.AXIS))
    for year in tick_years:
        x = sx(year)
        axis.append(
            el("line", x1=x, y1=y0, x2=x, y2=y0 + 4, stroke=_svg.AXIS)
            + _svg.text(
                x, y0 + 17, str(year), text_anchor="middle", fill=_svg.MUTED_TEXT, font_size="11"
            )
        )
    mid = (y0 + y1) / 2
    axis.append(
        _svg.text(
            14,
            mid,
            y_label,
            text_anchor="middle",
            fill=_svg.MUTED_TEXT,
            transform=f"rotate(-90 14 {_svg.num(mid)})",
        )
    )
    body = [el("g", "".join(axis), class_="axis", aria_hidden="true")]

    # Comparison series go underneath the main one.
    for index in [*range(1, len(all_series)), 0]:
        label, pts, colour, dash, stroke_width = all_series[index]
        path: list[str] = []
        markers: list[str] = []
        pen_down = False
        for year, value in sorted(pts, key=lambda p: p[0]):
            if value is None or math.isnan(value):
                pen_down = False
                continue
            x, y = sx(year), sy(value)
            path.append(f"{'L' if pen_down else 'M'}{_svg.num(x)} {_svg.num(y)}")
            pen_down = True
            markers.append(
                el(
                    "circle",
                    _svg.title(f"{label} {year}: {fmt(value)}"),
                    cx=x,
                    cy=y,
                    r=3.5 if index == 0 else 3.0,
                    fill=colour,
                    stroke="#ffffff",
                    stroke_width="1",
                )
            )
        line = (
            el(
                "path",
                d="".join(path),
                fill="none",
                stroke=colour,
                stroke_width=str(stroke_width),
                stroke_dasharray=dash,
                stroke_linejoin="round",
                stroke_linecap="round",
            )
            if path
            else ""
        )
        body.append(
            el(
                "g",
                line + "".join(markers),
                class_="series main" if index == 0 else "series extra",
                data_series=str(index),
            )
        )

    legend = []
    x, y = LEFT, h + 6
    for label, _, colour, dash, stroke_width in all_series:
        entry_width = 40 + 6.6 * len(label) + 18
        if x > LEFT and x + entry_width > w - RIGHT:
            x, y = LEFT, y + 20
        legend.append(
            el(
                "line",
                x1=x,
                y1=y - 4,
                x2=x + 28,
                y2=y - 4,
                stroke=colour,
                stroke_width=str(stroke_width),
                stroke_dasharray=dash,
            )
            + _svg.text(x + 36, y, label)
        )
        x += entry_width
    body.append(el("g", "".join(legend), class_="legend"))
    return _svg.document("trend", w, y + 10, title, desc, body, id_prefix)
