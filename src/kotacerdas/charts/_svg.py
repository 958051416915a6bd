"""SVG building blocks: escaping, elements, coordinates, ticks and the document shell.

Every chart is built with the id placeholder :data:`ID` in its ids; :func:`document`
replaces it at the end with the caller's prefix or a hash of the finished drawing, so
the same input always yields the same text while different charts on one page get
different ids.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

Fmt = Callable[[float], str]

ID = "\x00"
"""Placeholder for the id prefix; escaping removes NUL from caller text, so it is unique."""


class Ref(str):
    """Attribute text made here that holds :data:`ID`; :func:`attrs` writes it unescaped."""

    __slots__ = ()


def ref(template: str) -> Ref:
    """An id or a reference to one: ``ref("url(#{id}-scale)")`` (``{id}`` is the prefix)."""
    return Ref(template.replace("{id}", ID))


# Ranges and "no value" marks; written as an escape so the source stays ASCII-unambiguous.
EN_DASH = "\u2013"
FONT = "system-ui, sans-serif"
TEXT = "#1f2937"
MUTED_TEXT = "#4b5563"
GRID = "#e5e7eb"
AXIS = "#9ca3af"
# Okabe-Ito colours: distinguishable with every common colour-vision deficiency.
BLUE = "#0072b2"
VERMILLION = "#d55e00"
GREEN = "#009e73"
PURPLE = "#cc79a7"
ORANGE = "#e69f00"
MUTED = "#8b95a1"

# Characters XML 1.0 forbids; dropping them keeps the output well-formed whatever the caller
# passes (and frees NUL for the id placeholder).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ID_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
_SAFE_SCHEMES = {"", "http", "https"}


def default_fmt(value: float) -> str:
    """Format a number with one decimal, the default for every chart."""
    return f"{value:.1f}"


def esc(text: object) -> str:
    """Escape text for XML element content and double- or single-quoted attributes."""
    text = _INVALID_XML.sub("", str(text))
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def num(value: float) -> str:
    """Format a coordinate compactly: at most two decimals, no trailing zeros, no ``-0``."""
    if not math.isfinite(value):
        raise ValueError(f"cannot draw a non-finite coordinate: {value!r}")
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def safe_href(href: str) -> str:
    """Return ``href`` if it is a relative, http or https link, else raise ``ValueError``.

    Charts are inserted into pages unescaped, so a ``javascript:`` link must never get
    through; browsers ignore tabs and newlines inside URLs, hence the control check.
    """
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in href):
        raise ValueError(f"link contains whitespace or control characters: {href!r}")
    if urlsplit(href).scheme.lower() not in _SAFE_SCHEMES:
        raise ValueError(f"only relative, http and https links are allowed: {href!r}")
    return href


def attrs(pairs: dict[str, object]) -> str:
    """Render attributes in the given order; ``None`` values are left out."""
    out = []
    for name, value in pairs.items():
        if value is None:
            continue
        if isinstance(value, Ref):
            out.append(f' {name}="{value}"')
        else:
            out.append(f' {name}="{esc(num(value) if isinstance(value, float) else value)}"')
    return "".join(out)


def el(tag: str, content: str | None = None, /, **kwargs: object) -> str:
    """One element; keyword names map ``_`` to ``-`` and drop a trailing ``_`` (``class_``).

    ``content`` is inserted as is: pass text through :func:`esc` first.
    """
    pairs = {name.rstrip("_").replace("_", "-"): value for name, value in kwargs.items()}
    if content is None:
        return f"<{tag}{attrs(pairs)}/>"
    return f"<{tag}{attrs(pairs)}>{content}</{tag}>"


def text(x: float, y: float, content: str, **kwargs: object) -> str:
    """A ``<text>`` element holding escaped ``content``."""
    kwargs.setdefault("fill", TEXT)
    return el("text", esc(content), x=float(x), y=float(y), **kwargs)


def title(content: str) -> str:
    """A ``<title>`` child: the tooltip and accessible name of its parent."""
    return el("title", esc(content))


def link(href: str | None, content: str) -> str:
    """Wrap ``content`` in ``<a href>`` when a link is given."""
    if href is None:
        return content
    return el("a", content, href=safe_href(href))


def points_attr(points: Iterable[tuple[float, float]]) -> str:
    """The ``points`` attribute of a polygon or polyline."""
    return " ".join(f"{num(x)},{num(y)}" for x, y in points)


def truncate(label: str, max_chars: int) -> str:
    """Shorten a label to fit a column; the full text stays in the element's ``<title>``."""
    return label if len(label) <= max_chars else label[: max_chars - 1].rstrip() + "…"


def wrap(label: str, max_chars: int, max_lines: int = 3) -> list[str]:
    """Break a label into lines of at most ``max_chars`` at spaces (SVG does not wrap)."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= max_chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], truncate(" ".join(lines[max_lines - 1 :]), max_chars)]
    return lines or [""]


def nice_step(span: float, max_ticks: int) -> float:
    """The smallest 1-2-2.5-5 x 10^k step that cuts ``span`` into at most ``max_ticks`` parts."""
    if span <= 0:
        return 1.0
    raw = span / max(1, max_ticks)
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * magnitude >= raw:
            return factor * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def ticks(low: float, high: float, max_ticks: int = 5) -> list[float]:
    """Round tick values covering ``[low, high]`` from the inside."""
    step = nice_step(high - low, max_ticks)
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)
    return [round(i * step, 10) for i in range(first, last + 1)]


def validate_prefix(id_prefix: str | None) -> None:
    """Ids end up in CSS selectors and ``aria-labelledby``; keep them to a safe alphabet."""
    if id_prefix is not None and not _ID_PREFIX.fullmatch(id_prefix):
        raise ValueError(
            "id_prefix must start with a letter and hold only letters, digits, _ and -: "
            f"{id_prefix!r}"
        )


def document(
    kind: str,
    width: float,
    height: float,
    title_text: str,
    desc_text: str,
    body: Iterable[str],
    id_prefix: str | None,
    defs: Iterable[str] = (),
) -> str:
    """Wrap the chart body in the accessible, scalable ``<svg>`` shell and fix its ids."""
    validate_prefix(id_prefix)
    defs_text = "".join(defs)
    parts = [
        el("title", esc(title_text), id=ref("{id}-title")),
        el("desc", esc(desc_text), id=ref("{id}-desc")),
        el("defs", defs_text) if defs_text else "",
        *body,
    ]
    inner = "".join(parts)
    svg = el(
        "svg",
        inner,
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {num(width)} {num(height)}",
        width="100%",
        style=f"max-width:{num(width)}px;height:auto;display:block",
        role="img",
        aria_labelledby=ref("{id}-title {id}-desc"),
        font_family=FONT,
        font_size="12",
        class_=f"kc-chart kc-{kind}",
    )
    if id_prefix is None:
        digest = hashlib.sha256(svg.encode("utf-8")).hexdigest()[:10]
        id_prefix = f"kc-{kind}-{digest}"
    return svg.replace(ID, id_prefix)
