"""The house PDF page: DejaVu Sans when the machine has it (Debian's fonts-dejavu-core, or
the copy inside matplotlib), Helvetica otherwise, and every character printed somehow: a
glyph the font lacks falls back to its base letter (``ő`` → ``o``), else ``?``.

Events (tickets, badges, certificates, agendas) and masterplans print on it.
"""

from __future__ import annotations

import functools
import importlib.util
import unicodedata
from pathlib import Path

from fpdf import FPDF

UNICODE_FAMILY = "DejaVuSans"
_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)


@functools.cache
def unicode_font() -> tuple[Path, Path] | None:
    """DejaVu Sans (regular, bold) from a package on this machine, or None."""
    dirs = list(_FONT_DIRS)
    spec = importlib.util.find_spec("matplotlib")
    if spec is not None and spec.submodule_search_locations:
        dirs.append(Path(spec.submodule_search_locations[0]) / "mpl-data" / "fonts" / "ttf")
    for folder in dirs:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


class HousePDF(FPDF):
    """A page in the house font that prints every character it is given somehow."""

    def __init__(self, *, orientation: str = "portrait", page: str | tuple[float, float] = "A4"):
        super().__init__(orientation=orientation, unit="mm", format=page)
        fonts = unicode_font()
        if fonts is None:
            self.typeface = "Helvetica"
            self.core_fonts_encoding = "windows-1252"
        else:
            self.typeface = UNICODE_FAMILY
            self.add_font(UNICODE_FAMILY, "", fonts[0])
            self.add_font(UNICODE_FAMILY, "B", fonts[1])
        self.set_creator("KotaCerdas")
        # The characters known to print, per font: a long document sets tens of thousands.
        self._known: dict[tuple[str, str], set[str]] = {}

    def _has_glyph(self, char: str) -> bool:
        if unicodedata.category(char) == "Cc":  # line breaks are layout, not glyphs
            return True
        if self.is_ttf_font:
            return ord(char) in self.current_font.cmap
        try:
            char.encode(self.core_fonts_encoding)
        except UnicodeEncodeError:
            return False
        return True

    def _printable(self, char: str) -> str:
        if self._has_glyph(char):
            return char
        base = unicodedata.normalize("NFKD", char)
        base = "".join(c for c in base if not unicodedata.combining(c))
        return base if base and all(self._has_glyph(c) for c in base) else "?"

    def normalize_text(self, text: str) -> str:
        known = self._known.setdefault((self.font_family, self.font_style), set())
        chars = set(text)
        if not chars <= known:
            known.update(c for c in chars - known if self._has_glyph(c))
            if not chars <= known:
                text = "".join(self._printable(c) for c in text)
        return super().normalize_text(text)

    def font(self, size: float, *, bold: bool = False) -> None:
        self.set_font(self.typeface, "B" if bold else "", size)
