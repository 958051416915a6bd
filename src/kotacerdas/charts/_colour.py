"""A colour-blind-safe sequential scale (viridis) and the grey used for missing values."""

from __future__ import annotations

import math

# viridis sampled at 11 evenly spaced points (matplotlib's colormap, CC0): perceptually
# uniform, readable in greyscale and with every common colour-vision deficiency.
VIRIDIS = (
    "#440154",
    "#482475",
    "#414487",
    "#355f8d",
    "#2a788e",
    "#21918c",
    "#22a884",
    "#44bf70",
    "#7ad151",
    "#bddf26",
    "#fde725",
)
MISSING = "#c4c4c4"
"""Neutral grey: viridis holds no grey, so a missing value cannot be read as a score."""


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16)


def sequential(value: float | None, vmin: float = 0.0, vmax: float = 100.0) -> str:
    """Map ``value`` to a hex colour on the viridis scale between ``vmin`` and ``vmax``.

    Parameters
    ----------
    value
        The value to colour; ``None`` or NaN gives :data:`MISSING`.
    vmin, vmax
        The values mapped to the darkest and the lightest colour; values outside are clamped.

    Returns
    -------
    str
        A ``#rrggbb`` colour.
    """
    if value is None or math.isnan(value):
        return MISSING
    if vmax <= vmin:
        raise ValueError(f"vmax ({vmax}) must be greater than vmin ({vmin})")
    t = min(1.0, max(0.0, (value - vmin) / (vmax - vmin))) * (len(VIRIDIS) - 1)
    i = min(int(t), len(VIRIDIS) - 2)
    frac = t - i
    a, b = _rgb(VIRIDIS[i]), _rgb(VIRIDIS[i + 1])
    r, g, bl = (round(ca + (cb - ca) * frac) for ca, cb in zip(a, b, strict=True))
    return f"#{r:02x}{g:02x}{bl:02x}"


def gradient_stops() -> list[tuple[float, str]]:
    """The scale as ``(offset 0..1, colour)`` pairs for an SVG ``linearGradient``."""
    last = len(VIRIDIS) - 1
    return [(i / last, colour) for i, colour in enumerate(VIRIDIS)]
