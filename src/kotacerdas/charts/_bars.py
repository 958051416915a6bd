"""Horizontal bar chart with optional intervals (sensitivity indices, weakest elements)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from . import _svg
from ._svg import Fmt, default_fmt, el

Item = tuple[str, float, float | None, float | None]

ROW_HEIGHT = 26.0
BAR_HEIGHT = 14.0
TOP = 12.0
RIGHT_MARGIN = 52.0
PLOT_GAP = 12.0
_BAR = _svg.BLUE
_WHISKER = "#1f2937"


def bars(
    items: Sequence[Item],
    *,
    title: str,
    desc: str,
    x_label: str,
    x_max: float | None = None,
    fmt: Fmt = default_fmt,
    width: int = 640,
    label_width: float = 200.0,
    id_prefix: str | None = None,
) -> str:
    """Draw one horizontal bar per item, in the given order, with an optional interval.

    Bars start at zero. The value axis runs from ``min(0, smallest value or low)`` at
    ``x = label_width + 12`` to ``x_max`` at ``x = width - 52``; values beyond it are
    clamped. Each item is a ``<g class="bar">`` holding its label, a ``<rect>``, an
    interval ``<path class="interval">`` when ``low`` and ``high`` are given, and the
    formatted value.

    Parameters
    ----------
    items
        ``(label, value, low, high)``; ``low`` and ``high`` may be ``None``.
    title, desc
        Accessible name and description of the chart.
    x_label
        Text under the value axis.
    x_max
        Right end of the value axis; by default the largest value or ``high`` rounded up
        to a tick.
    fmt
        Formats values for the axis, the bar ends and the tooltips.
    width
        Width of the drawing in user units.
    label_width
        Room for the item labels, left of the plot; longer labels are shortened.
    id_prefix
        Prefix of the ids inside the SVG; by default derived from the content.

    Returns
    -------
    str
        One ``<svg>`` element.
    """
    numbers = [v for _, value, low, high in items for v in (value, low, high) if v is not None]
    if any(not math.isfinite(v) for v in numbers):
        raise ValueError("bar values must be finite")
    x_min = min([0.0, *numbers])
    if x_max is None:
        top = max([0.0, *numbers])
        if top <= x_min:
            top = x_min + 1.0
        step = _svg.nice_step(top - x_min, 5)
        x_max = math.ceil(top / step - 1e-9) * step
    if x_max <= x_min:
        raise ValueError("x_max must be greater than the smallest value and zero")
    w = float(width)
    left, right = label_width + PLOT_GAP, w - RIGHT_MARGIN

    def sx(value: float) -> float:
        clamped = min(max(value, x_min), x_max)
        return left + (clamped - x_min) / (x_max - x_min) * (right - left)

    bottom = TOP + ROW_HEIGHT * len(items)
    axis = []
    for t in _svg.ticks(x_min, x_max, 5):
        x = sx(t)
        axis.append(
            el("line", x1=x, y1=TOP, x2=x, y2=bottom, stroke=_svg.GRID)
            + _svg.text(
                x, bottom + 16, fmt(t), text_anchor="middle", fill=_svg.MUTED_TEXT, font_size="11"
            )
        )
    axis.append(el("line", x1=sx(0), y1=TOP, x2=sx(0), y2=bottom, stroke=_svg.AXIS))
    axis.append(
        _svg.text(
            (left + right) / 2, bottom + 36, x_label, text_anchor="middle", fill=_svg.MUTED_TEXT
        )
    )
    body = [el("g", "".join(axis), class_="axis", aria_hidden="true")]

    max_chars = max(4, int((label_width - 8) / 6.6))
    zero = sx(0)
    for i, (label, value, low, high) in enumerate(items):
        y = TOP + ROW_HEIGHT * (i + 0.5)
        end = sx(value)
        tooltip = f"{label}: {fmt(value)}"
        parts = [
            _svg.text(label_width, y + 4, _svg.truncate(label, max_chars), text_anchor="end"),
            el(
                "rect",
                x=min(zero, end),
                y=y - BAR_HEIGHT / 2,
                width=abs(end - zero),
                height=BAR_HEIGHT,
                fill=_BAR,
                fill_opacity="0.85",
                rx="2",
            ),
        ]
        label_x = max(end, zero)
        if low is not None and high is not None:
            lo, hi = sorted((low, high))
            tooltip += f" ({fmt(lo)}{_svg.EN_DASH}{fmt(hi)})"
            xl, xh = sx(lo), sx(hi)
            cap = BAR_HEIGHT / 2 - 2
            parts.append(
                el(
                    "path",
                    d=(
                        f"M{_svg.num(xl)} {_svg.num(y)}H{_svg.num(xh)}"
                        f"M{_svg.num(xl)} {_svg.num(y - cap)}V{_svg.num(y + cap)}"
                        f"M{_svg.num(xh)} {_svg.num(y - cap)}V{_svg.num(y + cap)}"
                    ),
                    stroke=_WHISKER,
                    stroke_width="1.5",
                    fill="none",
                    class_="interval",
                )
            )
            label_x = max(label_x, xh)
        parts.append(
            _svg.text(label_x + 6, y + 4, fmt(value), fill=_svg.MUTED_TEXT, font_size="11")
        )
        body.append(el("g", _svg.title(tooltip) + "".join(parts), class_="bar", data_index=str(i)))
    return _svg.document("bars", w, bottom + 48, title, desc, body, id_prefix)
