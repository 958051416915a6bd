"""Word-by-word differences between two versions of a text (a practice's summary, a
masterplan's section), for pages that show what an edit changed."""

from __future__ import annotations

import difflib
import re

_TOKENS = re.compile(r"\n|[^\S\n]*\S+")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """``(kind, text)`` parts of ``old`` → ``new``, word by word: kind is ``same``,
    ``removed`` or ``added``. Line breaks are words of their own, so a changed paragraph
    does not mark its neighbours."""
    before = [t.strip(" \t") or t for t in _TOKENS.findall(old)]
    after = [t.strip(" \t") or t for t in _TOKENS.findall(new)]
    parts: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(("same", _join(before[a1:a2])))
            continue
        if a2 > a1:
            parts.append(("removed", _join(before[a1:a2])))
        if b2 > b1:
            parts.append(("added", _join(after[b1:b2])))
    return parts


def _join(tokens: list[str]) -> str:
    return re.sub(r" ?\n ?", "\n", " ".join(tokens))
