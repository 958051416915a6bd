"""Map of Indonesia with one coloured circle per region."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from . import _colour, _svg
from ._svg import Fmt, default_fmt, el, ref

LON_MIN, LON_MAX = 94.5, 141.5
LAT_MIN, LAT_MAX = -11.5, 6.5
LEGEND_HEIGHT = 62.0
"""Height of the legend band under the map, in user units."""
_LAND = "#e6e9ee"
_LAND_EDGE = "#aab3bf"
_NEIGHBOUR = "#f3f4f6"
_NEIGHBOUR_EDGE = "#d6dbe1"
_SEA = "#f6f9fc"
_RING = "#111827"
_GRADIENT_WIDTH = 220.0


@dataclass(frozen=True, slots=True)
class MapPoint:
    """One region on the map.

    Attributes
    ----------
    key
        Stable identifier (e.g. the region code), written to ``data-key``.
    label
        Region name, already translated; shown in the tooltip.
    lon, lat
        Position in decimal degrees.
    value
        The score to colour by, or ``None`` when missing (drawn grey).
    href
        Link for the circle, or ``None``.
    highlight
        Draw the point larger with a dark ring (e.g. the region being viewed).
    """

    key: str
    label: str
    lon: float
    lat: float
    value: float | None
    href: str | None = None
    highlight: bool = False


@functools.cache
def outline() -> dict:
    """The simplified outline of Indonesia shipped in ``data/indonesia.json``, read once.

    Returns
    -------
    dict
        ``source``, ``licence``, ``bbox`` and ``polygons`` (rings of ``[lon, lat]``), plus
        ``neighbours``: the parts of neighbouring countries inside the map frame.
    """
    data = resources.files(__package__).joinpath("data/indonesia.json").read_text("utf-8")
    return json.loads(data)


def project(lon: float, lat: float, width: float) -> tuple[float, float]:
    """Equirectangular projection of the map frame onto ``width`` user units.

    ``x = (lon - 94.5) * k`` and ``y = (6.5 - lat) * k`` with ``k = width / 47``; the
    frame is centred near the equator (cos 2° ≈ 0.999), so one scale serves both axes.
    """
    k = width / (LON_MAX - LON_MIN)
    return (lon - LON_MIN) * k, (LAT_MAX - lat) * k


def _coord(value: float) -> str:
    # A tenth of a user unit is far below a pixel; one decimal halves the path size.
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


@functools.cache
def _land_paths(width: float) -> tuple[str, str]:
    """Path data of Indonesia and of its neighbours at this width, computed once."""

    def path(rings: list[list[list[float]]]) -> str:
        parts = []
        for ring in rings:
            xy = [project(lon, lat, width) for lon, lat in ring]
            parts.append("M" + "L".join(f"{_coord(x)} {_coord(y)}" for x, y in xy) + "Z")
        return "".join(parts)

    data = outline()
    return path(data["polygons"]), path(data.get("neighbours", []))


def indonesia_map(
    points: Sequence[MapPoint],
    *,
    title: str,
    desc: str,
    legend_title: str,
    missing_label: str,
    vmin: float = 0,
    vmax: float = 100,
    width: int = 900,
    fmt: Fmt = default_fmt,
    id_prefix: str | None = None,
) -> str:
    """Draw the regions as circles on an outline map of Indonesia, coloured by value.

    The map frame is lon 94.5..141.5, lat -11.5..6.5 (see :func:`project`), so the map is
    ``width`` by ``width * 18 / 47`` user units, with a legend band of 62 units below.
    Colours follow the viridis scale from ``vmin`` to ``vmax`` (see
    :func:`kotacerdas.charts.sequential`); a missing value is grey. Each point is one
    ``<circle class="region" data-key=...>`` with a ``<title>`` of its label and value,
    inside ``<a href>`` when it has a link. Highlighted points are drawn last, larger and
    with a dark ring, and carry the class ``highlight``; missing ones carry ``missing``.

    Parameters
    ----------
    points
        The regions to draw.
    title, desc
        Accessible name and description of the chart.
    legend_title
        Text above the colour scale, e.g. "Index score (0-100)".
    missing_label
        Text of the grey swatch and of the tooltip of a region without a value.
    vmin, vmax
        Values at the two ends of the colour scale.
    width
        Width of the drawing in user units.
    fmt
        Formats values for the legend and the tooltips.
    id_prefix
        Prefix of the ids inside the SVG; by default derived from the content.

    Returns
    -------
    str
        One ``<svg>`` element.
    """
    if vmax <= vmin:
        raise ValueError("vmax must be greater than vmin")
    w = float(width)
    map_height = project(LON_MIN, LAT_MIN, w)[1]
    # Marker sizes follow the map, so clusters such as Java look the same at any width.
    unit = w / 900
    land, neighbours = _land_paths(w)

    body = [
        el("rect", x=0.0, y=0.0, width=w, height=map_height, fill=_SEA, rx="6"),
        el(
            "g",
            el("path", d=neighbours, fill=_NEIGHBOUR, stroke=_NEIGHBOUR_EDGE, stroke_width="0.6")
            + el("path", d=land, fill=_LAND, stroke=_LAND_EDGE, stroke_width="0.6"),
            class_="land",
            aria_hidden="true",
            stroke_linejoin="round",
            clip_path=ref("url(#{id}-frame)"),
        ),
    ]

    # Grey first so coloured values stay on top; highlighted last so their ring shows.
    order = sorted(
        range(len(points)),
        key=lambda i: (points[i].highlight, points[i].value is not None, i),
    )
    markers = []
    for i in order:
        p = points[i]
        x, y = project(p.lon, p.lat, w)
        value_text = missing_label if p.value is None else fmt(p.value)
        classes = ["region"]
        if p.value is None:
            classes.append("missing")
        if p.highlight:
            classes.append("highlight")
        circle = el(
            "circle",
            _svg.title(f"{p.label}: {value_text}"),
            cx=x,
            cy=y,
            r=(9.0 if p.highlight else 5.5) * unit,
            fill=_colour.sequential(p.value, vmin, vmax),
            stroke=_RING if p.highlight else "#ffffff",
            stroke_width=_svg.num((2.5 if p.highlight else 1.0) * unit),
            class_=" ".join(classes),
            data_key=p.key,
        )
        markers.append(_svg.link(p.href, circle))
    body.append(el("g", "".join(markers), class_="regions"))

    y0 = map_height + 12
    gradient = el(
        "linearGradient",
        "".join(
            el("stop", offset=_svg.num(offset), stop_color=colour)
            for offset, colour in _colour.gradient_stops()
        ),
        id=ref("{id}-scale"),
        x1="0",
        y1="0",
        x2="1",
        y2="0",
    )
    x_missing = 16 + _GRADIENT_WIDTH + 36
    legend = [
        _svg.text(16, y0 + 12, legend_title, font_weight="600"),
        el(
            "rect",
            x=16.0,
            y=y0 + 20,
            width=_GRADIENT_WIDTH,
            height=10.0,
            fill=ref("url(#{id}-scale)"),
            stroke=_LAND_EDGE,
            stroke_width="0.5",
        ),
    ]
    for fraction, anchor in ((0.0, "start"), (0.5, "middle"), (1.0, "end")):
        value = vmin + fraction * (vmax - vmin)
        x = 16 + fraction * _GRADIENT_WIDTH
        legend.append(
            el("line", x1=x, y1=y0 + 30, x2=x, y2=y0 + 34, stroke=_svg.MUTED_TEXT)
            + _svg.text(
                x, y0 + 46, fmt(value), text_anchor=anchor, fill=_svg.MUTED_TEXT, font_size="11"
            )
        )
    legend.append(
        el(
            "rect",
            x=x_missing,
            y=y0 + 20,
            width=10.0,
            height=10.0,
            rx="5",
            fill=_colour.MISSING,
            class_="missing-swatch",
        )
        + _svg.text(x_missing + 16, y0 + 29, missing_label, fill=_svg.MUTED_TEXT)
    )
    body.append(el("g", "".join(legend), class_="legend"))
    # Neighbouring land extends past the frame (see the extraction script) and would
    # otherwise spill into the legend band.
    frame = el(
        "clipPath",
        el("rect", x=0.0, y=0.0, width=w, height=map_height, rx="6"),
        id=ref("{id}-frame"),
    )
    return _svg.document(
        "map", w, map_height + LEGEND_HEIGHT, title, desc, body, id_prefix, defs=[gradient, frame]
    )
