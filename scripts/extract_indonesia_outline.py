"""Extract the simplified outline of Indonesia that ``kotacerdas.charts`` draws its map on.

The source is Natural Earth's Admin 0 country boundaries at 1:50m (public domain), as
redistributed in TopoJSON by the npm package ``world-atlas`` 2.0.2 (ISC licence, Natural
Earth 4.1.0). The script decodes the TopoJSON arcs (quantized and delta-encoded), takes
the country with ISO 3166-1 numeric id 360 (Indonesia), drops lakes and the tiniest
islets, simplifies every ring with Douglas-Peucker and writes
``src/kotacerdas/charts/data/indonesia.json``, which the project ships. The parts of the
neighbouring countries that share an island with Indonesia or lie inside the map frame
(Malaysia, Brunei, Singapore, Timor-Leste, Papua New Guinea, the Philippines, Australia)
are clipped to just beyond the frame and written as ``neighbours`` so the map can draw whole islands
in a fainter tone. Nothing here is needed at run time.

Usage::

    cd "$(mktemp -d)" && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python scripts/extract_indonesia_outline.py "$PWD/package"
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src/kotacerdas/charts/data/indonesia.json"
SOURCE = (
    "Natural Earth 4.1.0 Admin 0 countries 1:50m, via npm world-atlas 2.0.2 "
    "(countries-50m.json); simplified by scripts/extract_indonesia_outline.py"
)
INDONESIA = "360"
NEIGHBOURS = {"458", "096", "702", "626", "598", "608", "036"}
# The map frame of kotacerdas.charts (lon 94.5..141.5, lat -11.5..6.5) plus half a degree,
# so the cut edges fall outside the drawing, which clips to the exact frame.
FRAME = (94.0, -12.0, 142.0, 7.0)
# About 3 km: finer detail is invisible on a 900-pixel-wide map of a 5,000 km country.
TOLERANCE = 0.03
# Square degrees (about 60 km²): smaller islets would be a single pixel or less.
MIN_AREA = 0.005
NEIGHBOUR_MIN_AREA = 0.02
DECIMALS = 3

Point = tuple[float, float]
Ring = list[Point]


def decode_arcs(topology: dict) -> list[Ring]:
    """Turn quantized, delta-encoded TopoJSON arcs into lists of absolute lon/lat points."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_points(indexes: list[int], arcs: list[Ring]) -> Ring:
    """Join a ring's arcs; a negative index ``~i`` is arc ``i`` reversed (TopoJSON spec)."""
    ring: Ring = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        # Consecutive arcs share their joining point.
        ring.extend(arc if not ring else arc[1:])
    return ring


def exterior_rings(geometry: dict, arcs: list[Ring]) -> list[Ring]:
    """The outer ring of every polygon; holes (lakes) are dropped at this scale."""
    polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    return [ring_points(polygon[0], arcs) for polygon in polygons]


def area(ring: Ring) -> float:
    """Unsigned shoelace area in square degrees."""
    total = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        total += x1 * y2 - x2 * y1
    return abs(total) / 2


def _distance(p: Point, a: Point, b: Point) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    if dx == dy == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def douglas_peucker(line: Ring, tolerance: float) -> Ring:
    """Simplify an open polyline, keeping both ends (iterative, so deep coasts do not
    hit the recursion limit)."""
    keep = [False] * len(line)
    keep[0] = keep[-1] = True
    stack = [(0, len(line) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, -1
        for i in range(first + 1, last):
            d = _distance(line[i], line[first], line[last])
            if d > best:
                best, index = d, i
        if best > tolerance:
            keep[index] = True
            stack.extend([(first, index), (index, last)])
    return [p for p, k in zip(line, keep, strict=True) if k]


def simplify_ring(ring: Ring, tolerance: float) -> Ring:
    """Simplify a closed ring by splitting it at the point farthest from its start, since
    Douglas-Peucker on a line whose ends coincide would keep nothing."""
    if ring[0] == ring[-1]:
        ring = ring[:-1]
    if len(ring) < 4:
        return ring
    far = max(range(len(ring)), key=lambda i: math.dist(ring[0], ring[i]))
    half1 = douglas_peucker(ring[: far + 1], tolerance)
    half2 = douglas_peucker([*ring[far:], ring[0]], tolerance)
    return half1[:-1] + half2[:-1]


def clip(ring: Ring, frame: tuple[float, float, float, float]) -> Ring:
    """Sutherland-Hodgman clipping to the map frame; the frame is convex, so this is exact
    for filling (it may leave edges running along the frame, which is harmless)."""
    x0, y0, x1, y1 = frame
    edges = [
        (lambda p: p[0] >= x0, lambda a, b: _cross_x(a, b, x0)),
        (lambda p: p[0] <= x1, lambda a, b: _cross_x(a, b, x1)),
        (lambda p: p[1] >= y0, lambda a, b: _cross_y(a, b, y0)),
        (lambda p: p[1] <= y1, lambda a, b: _cross_y(a, b, y1)),
    ]
    out = ring
    for inside, cross in edges:
        if not out:
            break
        src, out = out, []
        for i, cur in enumerate(src):
            prev = src[i - 1]
            if inside(cur):
                if not inside(prev):
                    out.append(cross(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(cross(prev, cur))
    return out


def _cross_x(a: Point, b: Point, x: float) -> Point:
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _cross_y(a: Point, b: Point, y: float) -> Point:
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def rounded(ring: Ring) -> list[list[float]]:
    """Round to the output precision and drop points that then coincide."""
    out: list[list[float]] = []
    for x, y in ring:
        point = [round(x, DECIMALS), round(y, DECIMALS)]
        if not out or point != out[-1]:
            out.append(point)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    return out


def prepare(rings: list[Ring], min_area: float, frame=None) -> list[list[list[float]]]:
    """Clip, filter and simplify rings; sorted so the output is stable and largest first."""
    result = []
    for ring in rings:
        if frame is not None:
            ring = clip(ring, frame)
        if len(ring) < 3 or area(ring) < min_area:
            continue
        simple = rounded(simplify_ring(ring, TOLERANCE))
        if len(simple) >= 3 and area([tuple(p) for p in simple]) > 0:
            result.append(simple)
    result.sort(key=lambda r: (-area([tuple(p) for p in r]), r))
    return result


def main(package_dir: str) -> None:
    topology = json.loads(Path(package_dir, "countries-50m.json").read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    geometries = topology["objects"]["countries"]["geometries"]
    indonesia = [g for g in geometries if g.get("id") == INDONESIA]
    if len(indonesia) != 1 or indonesia[0]["properties"]["name"] != "Indonesia":
        raise SystemExit("countries-50m.json holds no single feature 360 named Indonesia")
    polygons = prepare(exterior_rings(indonesia[0], arcs), MIN_AREA)
    neighbour_rings = [
        ring
        for g in sorted(geometries, key=lambda g: g.get("id", ""))
        if g.get("id") in NEIGHBOURS
        for ring in exterior_rings(g, arcs)
    ]
    neighbours = prepare(neighbour_rings, NEIGHBOUR_MIN_AREA, frame=FRAME)
    lons = [p[0] for ring in polygons for p in ring]
    lats = [p[1] for ring in polygons for p in ring]
    data = {
        "source": SOURCE,
        "licence": "public domain (Natural Earth)",
        "bbox": [min(lons), min(lats), max(lons), max(lats)],
        "polygons": polygons,
        "neighbours": neighbours,
    }
    # One ring per line keeps the file small and diffs readable.
    lines = [
        "{",
        f'"source": {json.dumps(data["source"])},',
        f'"licence": {json.dumps(data["licence"])},',
        f'"bbox": {json.dumps(data["bbox"])},',
    ]
    for key in ("polygons", "neighbours"):
        rings = [json.dumps(r, separators=(",", ":")) for r in data[key]]
        closing = "]," if key == "polygons" else "]"
        lines += [f'"{key}": [', ",\n".join(rings), closing]
    lines.append("}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    points = sum(len(r) for r in polygons)
    print(
        f"{OUT}: {len(polygons)} polygons, {points} points, "
        f"{len(neighbours)} neighbour polygons, {OUT.stat().st_size} bytes"
    )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(sys.argv[1])
