"""Radar (spider) chart: one axis per pillar, one polygon per series."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from . import _svg
from ._svg import Fmt, default_fmt, el, esc

Style = Literal["primary", "secondary", "muted"]

# (stroke, stroke width, dash, fill opacity, marker radius); dashes repeat the colour
# difference so series stay apart in greyscale print.
_STYLES: dict[str, tuple[str, float, str | None, float, float]] = {
    "primary": (_svg.BLUE, 2.25, None, 0.18, 3.5),
    "secondary": (_svg.VERMILLION, 2.0, "6 3", 0.06, 3.0),
    "muted": (_svg.MUTED, 1.5, "2 3", 0.0, 2.5),
}
_PAINT_ORDER = {"muted": 0, "secondary": 1, "primary": 2}
_LINE = 13.0
_CHAR_WIDTH = 7.2  # average advance of a bold 12-unit system-ui character
_EDGE = 6.0
_LABEL_GAP = 10.0
_LEGEND_ROW = 20.0


@dataclass(frozen=True, slots=True)
class Series:
    """One polygon of a radar chart.

    Attributes
    ----------
    label
        Legend text, already translated.
    values
        One value per axis, in axis order; ``None`` for a missing value.
    style
        ``"primary"`` (the region shown), ``"secondary"`` (a comparison, dashed) or
        ``"muted"`` (a background reference such as the network median, dotted grey).
    """

    label: str
    values: Sequence[float | None]
    style: Style = "primary"


def radar(
    axes: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    desc: str,
    max_value: float = 100.0,
    size: int = 360,
    fmt: Fmt = default_fmt,
    missing_label: str = _svg.EN_DASH,
    id_prefix: str | None = None,
) -> str:
    """Draw a radar chart of several series over the same axes.

    Axis ``i`` points at ``i * 360 / len(axes)`` degrees clockwise from straight up; a value
    ``v`` lies at ``v / max_value`` of the radius (clamped to 0..1). The radius is at most
    ``0.34 * size``, less when the estimated width of the side labels needs the room. Five
    grid rings mark fifths of ``max_value``. A missing value is drawn at the centre with a
    hollow marker, and a note under the legend names its axes.

    Parameters
    ----------
    axes
        Axis labels (at least three), already translated; wrapped at spaces.
    series
        The series, each with one value per axis. Drawn muted first and primary last.
    title, desc
        Accessible name and description of the chart.
    max_value
        The value at the outer ring.
    size
        Width of the drawing in user units; the height follows from the labels and legend.
    fmt
        Formats values for the grid labels and tooltips.
    missing_label
        Short text for a missing value (tooltip and note), e.g. "no data".
    id_prefix
        Prefix of the ids inside the SVG; by default derived from the content.

    Returns
    -------
    str
        One ``<svg>`` element.
    """
    n = len(axes)
    if n < 3:
        raise ValueError("a radar chart needs at least three axes")
    if max_value <= 0:
        raise ValueError("max_value must be positive")
    for s in series:
        if len(s.values) != n:
            raise ValueError(f"series {s.label!r} has {len(s.values)} values for {n} axes")
        if s.style not in _STYLES:
            raise ValueError(f"unknown style {s.style!r}")

    width = float(size)
    angles = [2 * math.pi * i / n for i in range(n)]
    wrapped = [_svg.wrap(a, max(8, int(width / 30))) for a in axes]
    radius = 0.34 * width
    # SVG cannot measure text: shrink the radius until the estimated width of every side
    # label fits between its axis end and the edge of the drawing.
    for angle, lines in zip(angles, wrapped, strict=True):
        reach = abs(math.sin(angle))
        if reach > 0.1:
            label_width = max(len(line) for line in lines) * _CHAR_WIDTH
            radius = min(radius, (width / 2 - _EDGE - label_width) / reach - _LABEL_GAP)
    radius = max(radius, 0.2 * width)
    top_lines = len(wrapped[0])
    cx = width / 2
    cy = 16 + top_lines * _LINE + _LABEL_GAP + radius

    def at(i: int, fraction: float) -> tuple[float, float]:
        return (
            cx + radius * fraction * math.sin(angles[i]),
            cy - radius * fraction * math.cos(angles[i]),
        )

    body: list[str] = []
    grid: list[str] = []
    for k in range(1, 6):
        grid.append(
            el(
                "polygon",
                points=_svg.points_attr(at(i, k / 5) for i in range(n)),
                fill="none" if k < 5 else "#f9fafb",
                stroke=_svg.GRID if k < 5 else _svg.AXIS,
                stroke_width="1",
            )
        )
    # The outer ring is filled, so it goes underneath the inner rings.
    grid.insert(0, grid.pop())
    grid.extend(
        el("line", x1=cx, y1=cy, x2=at(i, 1)[0], y2=at(i, 1)[1], stroke=_svg.GRID) for i in range(n)
    )
    body.append(el("g", "".join(grid), class_="grid", aria_hidden="true"))
    # Ring values go on top of the series, left of the first axis, with a white halo so
    # lines crossing them do not make them unreadable.
    ring_labels = "".join(
        _svg.text(
            cx - 5,
            at(0, k / 5)[1] + 3.5,
            fmt(max_value * k / 5),
            text_anchor="end",
            fill=_svg.MUTED_TEXT,
            font_size="10",
            stroke="#ffffff",
            stroke_width="3",
            stroke_linejoin="round",
            paint_order="stroke",
        )
        for k in range(1, 6)
    )

    labels = []
    bottom = cy + radius
    for i, lines in enumerate(wrapped):
        dx, dy = math.sin(angles[i]), -math.cos(angles[i])
        x, y = at(i, 1)
        x += dx * _LABEL_GAP
        y += dy * _LABEL_GAP
        anchor = "middle" if abs(dx) < 0.1 else ("start" if dx > 0 else "end")
        if dy < -0.1:
            first = y - (len(lines) - 1) * _LINE - 2
        elif dy > 0.1:
            first = y + 10
        else:
            first = y + 4 - (len(lines) - 1) * _LINE / 2
        tspans = "".join(
            el("tspan", esc(line), x=x, dy="0" if j == 0 else _svg.num(_LINE))
            for j, line in enumerate(lines)
        )
        labels.append(
            el(
                "text",
                tspans,
                x=x,
                y=first,
                text_anchor=anchor,
                fill=_svg.TEXT,
                font_weight="600",
            )
        )
        bottom = max(bottom, first + (len(lines) - 1) * _LINE + 4)
    body.append(el("g", "".join(labels), class_="axes"))

    missing_axes: set[int] = set()
    drawn = sorted(enumerate(series), key=lambda p: (_PAINT_ORDER[p[1].style], p[0]))
    for index, s in drawn:
        stroke, stroke_width, dash, opacity, marker_r = _STYLES[s.style]
        vertices = []
        markers = []
        for i, value in enumerate(s.values):
            if value is None or math.isnan(value):
                missing_axes.add(i)
                vertices.append((cx, cy))
                markers.append(
                    el(
                        "circle",
                        _svg.title(f"{s.label} · {axes[i]}: {missing_label}"),
                        cx=cx,
                        cy=cy,
                        r=marker_r + 1.5,
                        fill="#ffffff",
                        stroke=stroke,
                        stroke_width="1.5",
                        class_="missing",
                    )
                )
                continue
            fraction = min(1.0, max(0.0, value / max_value))
            x, y = at(i, fraction)
            vertices.append((x, y))
            markers.append(
                el(
                    "circle",
                    _svg.title(f"{s.label} · {axes[i]}: {fmt(value)}"),
                    cx=x,
                    cy=y,
                    r=marker_r,
                    fill=stroke,
                    stroke="#ffffff",
                    stroke_width="1",
                )
            )
        polygon = el(
            "polygon",
            points=_svg.points_attr(vertices),
            fill=stroke if opacity else "none",
            fill_opacity=str(opacity) if opacity else None,
            stroke=stroke,
            stroke_width=str(stroke_width),
            stroke_dasharray=dash,
            stroke_linejoin="round",
        )
        body.append(
            el(
                "g",
                polygon + "".join(markers),
                class_=f"series {s.style}",
                data_series=str(index),
            )
        )

    body.append(el("g", ring_labels, class_="ring-values", aria_hidden="true"))

    y = bottom + 22
    legend = []
    for s in series:
        stroke, stroke_width, dash, opacity, marker_r = _STYLES[s.style]
        x0 = 16.0
        legend.append(
            el(
                "line",
                x1=x0,
                y1=y - 4,
                x2=x0 + 26,
                y2=y - 4,
                stroke=stroke,
                stroke_width=str(stroke_width + 0.75),
                stroke_dasharray=dash,
            )
            + el("circle", cx=x0 + 13, cy=y - 4, r=marker_r, fill=stroke)
            + _svg.text(x0 + 36, y, _svg.truncate(s.label, int((width - 60) / 6.5)))
        )
        y += _LEGEND_ROW
    if missing_axes:
        names = ", ".join(axes[i] for i in sorted(missing_axes))
        note = f"{missing_label}: {names}"
        legend.append(
            el(
                "circle",
                cx=29.0,
                cy=y - 4,
                r=4.0,
                fill="#ffffff",
                stroke=_svg.MUTED_TEXT,
                stroke_width="1.5",
            )
            + _svg.text(52, y, _svg.truncate(note, int((width - 60) / 6.5)), fill=_svg.MUTED_TEXT)
        )
        y += _LEGEND_ROW
    body.append(el("g", "".join(legend), class_="legend"))
    height = y - _LEGEND_ROW + 12
    return _svg.document("radar", width, height, title, desc, body, id_prefix)
