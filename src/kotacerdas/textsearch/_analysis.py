"""Indonesian and English text analysis: index tokens, query groups and highlights.

The pipeline for one language is: split into words (letters and digits, Unicode-aware),
fold accents and case, treat hyphenated words, drop stopwords *on the surface form*, stem
(Sastrawi for Indonesian, Snowball for English; words with digits are kept as they are),
then add concept tokens for the domain synonyms in ``data/synonyms.txt``.

Stopwords go before stemming because Sastrawi maps content words onto function words:
``pendapatan`` (revenue) stems to ``dapat`` (can), a stopword. Removing stopwords after
stemming would throw the revenue away.
"""

from __future__ import annotations

import functools
import html
import re
import threading
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from itertools import chain, islice
from operator import itemgetter
from os import PathLike
from pathlib import Path
from typing import Literal

import snowballstemmer

Language = Literal["id", "en"]
LANGUAGES: tuple[Language, ...] = ("id", "en")

#: Prefix of concept tokens. Words are made of letters and digits only, so no text can
#: produce a token that starts with it.
CONCEPT_MARK = "~"

_DASHES = "-\u2010\u2011"
# A word is letters and digits, with any combining accents that follow them (text that
# arrives decomposed, NFD, must not be split at its accents).
_WORD = r"(?:[^\W_][\u0300-\u036f]*)+"
_RAW_TOKEN = re.compile(rf"{_WORD}(?:[{_DASHES}]{_WORD})*")
# The same tokens for text without combining accents, twice as fast to scan.
_RAW_TOKEN_PLAIN = re.compile(rf"[^\W_]+(?:[{_DASHES}][^\W_]+)*")
_COMBINING = re.compile("[\u0300-\u036f]")
_WORD_PART = re.compile(_WORD)
_FOLDED_WORD = re.compile(r"[^\W_]+")
_SPACES = re.compile(r"\s+")
_CONCEPT_NAME = re.compile(r"[a-z0-9_]+")

# Sastrawi takes tens of microseconds a word and more on long garbage; such words are
# kept whole.
_MAX_STEM_LENGTH = 40
# The per-text memos are cleared when they grow past this many distinct raw words.
_MEMO_LIMIT = 200_000
# Words shorter than this never enter the did-you-mean vocabulary.
VOCABULARY_MIN_LENGTH = 3


@dataclass(frozen=True, slots=True)
class QueryGroup:
    """One unit of a query: a document matches it when it contains any of ``terms``.

    Parameters
    ----------
    terms : tuple of str
        Alternative index terms: the Indonesian and the English analysis of one query word
        (deduplicated), or a single concept token (``"~pad"``) for a synonym phrase.
    text : str
        The folded query words the group stands for, for display.
    """

    terms: tuple[str, ...]
    text: str


# A surface word of a raw token: its term (None for a stopword), its span inside the raw
# token and the folded word itself.
_Token = tuple[str | None, int, int, str]


def _raw_tokens_of(text: str) -> list[str]:
    """The raw tokens of ``text``: letters and digits, joined by single dashes."""
    pattern = _RAW_TOKEN if _COMBINING.search(text) else _RAW_TOKEN_PLAIN
    return pattern.findall(text)


def fold_word(word: str) -> str:
    """Strip accents and fold case: ``"Pendidikan"`` → ``"pendidikan"``, ``"Été"`` → ``"ete"``."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _surface_words(raw: str) -> tuple[tuple[str, int, int], ...]:
    """The folded words of one raw token (``kota-kota``, ``e-Government``, ``Rp5``).

    Hyphens are resolved here, once for every spelling:

    - a one-letter first part joins the rest (``e-government`` → ``egovernment``), so the
      word is one token that a synonym can name and that matches ``egovernment`` written
      without the hyphen;
    - full reduplication (``kota-kota``, plural) gives the word once: the plural carries
      no other meaning for search;
    - any other compound (``sayur-mayur``, ``pasca-bencana``, ``covid-19``) keeps every
      part as a word of its own, so a search for either part finds it.

    Returns ``(word, start, end)`` with offsets inside ``raw``.
    """
    parts: list[tuple[list[str], int, int]] = []
    for match in _WORD_PART.finditer(raw):
        words = _FOLDED_WORD.findall(fold_word(match.group()))
        if words:
            parts.append((words, match.start(), match.end()))
    if len(parts) > 1:
        first = parts[0][0]
        if len(first) == 1 and len(first[0]) == 1 and first[0].isalpha():
            return (("".join(w for words, _, _ in parts for w in words), 0, len(raw)),)
        if all(words == first for words, _, _ in parts):
            return tuple((w, 0, len(raw)) for w in first)
    return tuple((w, start, end) for words, start, end in parts for w in words)


@functools.cache
def _sastrawi():  # Sastrawi ships no type hints
    # Imported and built on first use: the factory reads a dictionary of ~30,000 roots.
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    # The factory wraps the stemmer in a cache that keeps every word it ever sees;
    # stem_indonesian's bounded cache replaces it, so use the plain stemmer beneath.
    return StemmerFactory().create_stemmer().delegatedStemmer


# Sastrawi is slow on the first sight of a word (it tries its affix rules against the
# dictionary); every distinct word is stemmed once per process, up to the cache's size.
@functools.lru_cache(maxsize=1 << 18)
def stem_indonesian(word: str) -> str:
    """Sastrawi's root of one folded word; words with digits or non-ASCII letters stay."""
    if not (word.isascii() and word.isalpha()) or len(word) > _MAX_STEM_LENGTH:
        return word
    return _sastrawi().stem_word(word) or word


_snowball_lock = threading.Lock()
_snowball_english = snowballstemmer.stemmer("english")


@functools.lru_cache(maxsize=1 << 18)
def stem_english(word: str) -> str:
    """Snowball (Porter 2) stem of one folded English word; words with digits stay."""
    if any(c.isdigit() for c in word) or len(word) > _MAX_STEM_LENGTH:
        return word
    # Snowball stemmer objects keep state while stemming: one word at a time.
    with _snowball_lock:
        return _snowball_english.stemWord(word)


def _read_lines(path: Path | resources.abc.Traversable) -> Iterator[str]:
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            yield line


def _data_file(name: str) -> resources.abc.Traversable:
    return resources.files("kotacerdas.textsearch").joinpath("data", name)


@functools.cache
def _stopwords(language: Language) -> frozenset[str]:
    return frozenset(fold_word(w) for w in _read_lines(_data_file(f"stopwords_{language}.txt")))


def parse_synonyms(lines: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Read synonym groups (``concept: member, member``) into ``{concept: members}``.

    Raises
    ------
    ValueError
        On a line without a colon, a concept name that is not lower-case ASCII, a group
        without members or a concept named twice.
    """
    groups: dict[str, tuple[str, ...]] = {}
    for line in lines:
        name, colon, rest = line.partition(":")
        name = name.strip()
        members = tuple(m.strip() for m in rest.split(",") if m.strip())
        if not colon or not _CONCEPT_NAME.fullmatch(name) or not members:
            raise ValueError(f"not a synonym group: {line!r}")
        if name in groups:
            raise ValueError(f"synonym group {name!r} appears twice")
        groups[name] = members
    return groups


class Analyzer:
    """Turns texts into index tokens and queries into groups of alternative terms.

    Parameters
    ----------
    synonyms : path, optional
        A synonym file in the format of the packaged ``data/synonyms.txt`` (the default).

    Notes
    -----
    An analyzer memoises the analysis of every distinct raw word, so reuse one instance
    (the backends share a default one). Changing the synonyms or the stopword lists
    changes index tokens: rebuild the index afterwards.
    """

    def __init__(self, *, synonyms: str | PathLike[str] | None = None) -> None:
        source = Path(synonyms) if synonyms is not None else _data_file("synonyms.txt")
        self.synonyms: dict[str, tuple[str, ...]] = parse_synonyms(_read_lines(source))
        self._stop = {lang: _stopwords(lang) for lang in LANGUAGES}
        self._stop_any = self._stop["id"] | self._stop["en"]
        self._entries: dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
            lang: {} for lang in LANGUAGES
        }
        self._tokens: dict[str, dict[str, tuple[_Token, ...]]] = {lang: {} for lang in LANGUAGES}
        # Phrase tables per language: the whole analysed member → concept, and the first
        # term → the members starting with it, longest first (longest match wins).
        self._phrase: dict[str, dict[tuple[str, ...], str]] = {lang: {} for lang in LANGUAGES}
        self._first: dict[str, dict[str, list[tuple[tuple[str, ...], str]]]] = {
            lang: {} for lang in LANGUAGES
        }
        for concept, members in self.synonyms.items():
            for member in members:
                for lang in LANGUAGES:
                    key = tuple(self._plain_terms(member, lang))
                    if not key:
                        continue
                    other = self._phrase[lang].setdefault(key, concept)
                    if other != concept:
                        raise ValueError(
                            f"synonym {member!r} of {concept!r} analyses like a member of "
                            f"{other!r} ({' '.join(key)!r} in {lang})"
                        )
        for lang in LANGUAGES:
            for key, concept in self._phrase[lang].items():
                self._first[lang].setdefault(key[0], []).append((key, concept))
            for candidates in self._first[lang].values():
                candidates.sort(key=lambda item: (-len(item[0]), item[0]))
        self._longest = max((len(k) for t in self._phrase.values() for k in t), default=1)

    # --- words -------------------------------------------------------------------------

    def _term(self, word: str, language: Language) -> str | None:
        """The index term of one folded word, or ``None`` when it is a stopword."""
        if word in self._stop[language]:
            return None
        if any(c.isdigit() for c in word):
            return word
        return stem_indonesian(word) if language == "id" else stem_english(word)

    def _raw_entry(self, raw: str, language: Language) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The terms of one raw word and the words of it did-you-mean may propose (not
        stopwords, letters only, at least ``VOCABULARY_MIN_LENGTH`` long), memoised."""
        memo = self._entries[language]
        entry = memo.get(raw)
        if entry is None:
            if len(memo) > _MEMO_LIMIT:
                memo.clear()
            words = [w for w, _, _ in _surface_words(raw)]
            terms = (self._term(w, language) for w in words)
            entry = memo[raw] = (
                tuple(t for t in terms if t is not None),
                tuple(
                    w
                    for w in words
                    if len(w) >= VOCABULARY_MIN_LENGTH
                    and w.isalpha()
                    and w not in self._stop[language]
                ),
            )
        return entry

    def _raw_terms(self, raw: str, language: Language) -> tuple[str, ...]:
        return self._raw_entry(raw, language)[0]

    def _raw_tokens(self, raw: str, language: Language) -> tuple[_Token, ...]:
        memo = self._tokens[language]
        tokens = memo.get(raw)
        if tokens is None:
            if len(memo) > _MEMO_LIMIT:
                memo.clear()
            tokens = memo[raw] = tuple(
                (self._term(w, language), s, e, w) for w, s, e in _surface_words(raw)
            )
        return tokens

    def _entries_of(
        self, text: str, language: Language
    ) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
        raws = _raw_tokens_of(text)
        # One C-level pass of memo lookups; the analyser runs only for unseen raw words.
        entries = list(map(self._entries[language].get, raws))
        if None in entries:
            entries = [
                e if e is not None else self._raw_entry(raw, language)
                for e, raw in zip(entries, raws, strict=True)
            ]
        return entries

    def _plain_terms(self, text: str, language: Language) -> list[str]:
        return list(chain.from_iterable(map(itemgetter(0), self._entries_of(text, language))))

    def _index_terms(self, text: str, language: Language) -> tuple[list[str], set[str]]:
        """What indexing needs of one text: :meth:`analyze`'s tokens and the vocabulary
        words, in one pass over the text."""
        entries = self._entries_of(text, language)
        terms = list(chain.from_iterable(map(itemgetter(0), entries)))
        words = set(chain.from_iterable(map(itemgetter(1), entries)))
        return self._add_concepts(terms, language), words

    def _words(self, text: str) -> list[str]:
        """The folded surface words of ``text``, hyphens resolved, stopwords kept."""
        return [w for raw in _raw_tokens_of(text) for w, _, _ in _surface_words(raw)]

    # --- documents ---------------------------------------------------------------------

    def analyze(self, text: str, language: Language = "id") -> list[str]:
        """Index tokens of ``text`` in order, with concept tokens after each synonym.

        Parameters
        ----------
        text : str
            Any text.
        language : {"id", "en"}
            The text's language: it picks the stopwords and the stemmer.

        Returns
        -------
        list of str
            Stemmed terms in text order. After the last term of every synonym member
            found (longest first, matched on terms) comes its concept token, e.g.
            ``"PAD naik"`` → ``["pad", "~pad", "naik"]``.
        """
        _check_language(language)
        return self._add_concepts(self._plain_terms(text, language), language)

    def _add_concepts(self, terms: list[str], language: Language) -> list[str]:
        first = self._first[language]
        if first.keys().isdisjoint(terms):
            return terms
        # Concepts to emit after the term at an index; a concept is emitted once for
        # overlapping members ("sistem pemerintahan berbasis elektronik" holds the
        # member "pemerintahan berbasis elektronik" too), and every concept found at a
        # position is emitted ("desa wisata" is both ~desa_wisata and ~desa).
        pending: dict[int, list[str]] = {}
        covered: dict[str, int] = {}
        size = len(terms)
        for i in [i for i, term in enumerate(terms) if term in first]:
            for key, concept in first[terms[i]]:
                end = i + len(key)
                # Cheap tests first: most candidates fail on their second term.
                if end > size or (end > i + 1 and terms[i + 1] != key[1]):
                    continue
                if covered.get(concept, -1) > i or (end > i + 2 and tuple(terms[i:end]) != key):
                    continue
                covered[concept] = end
                pending.setdefault(end - 1, []).append(CONCEPT_MARK + concept)
        out: list[str] = []
        done = 0
        for last in sorted(pending):
            out.extend(terms[done : last + 1])
            out.extend(pending[last])
            done = last + 1
        out.extend(terms[done:])
        return out

    # --- queries -----------------------------------------------------------------------

    def analyze_query(self, text: str) -> list[QueryGroup]:
        """Groups of alternative terms for a query in Indonesian or English.

        A document matches the query when it matches every group (AND) and it matches a
        group when it holds any of its terms (OR). Each query word gives one group with
        its Indonesian and its English analysis, since the query's language is unknown;
        a synonym member (longest first) gives one group with just its concept token.

        Words that are stopwords in either language are dropped: the group would hold
        "any document" as an alternative in that language, which is always true.
        Identical groups are kept once.
        """
        words = [w for w in self._words(text) if w not in self._stop_any]
        # No word left is a stopword in either language, so every word has both terms.
        per_language = {lang: [self._term(w, lang) or w for w in words] for lang in LANGUAGES}
        groups: list[QueryGroup] = []
        i = 0
        while i < len(words):
            found = None
            for n in range(min(self._longest, len(words) - i), 0, -1):
                for lang in LANGUAGES:
                    concept = self._phrase[lang].get(tuple(per_language[lang][i : i + n]))
                    if concept is not None:
                        found = (n, concept)
                        break
                if found:
                    break
            if found:
                n, concept = found
                group = QueryGroup((CONCEPT_MARK + concept,), " ".join(words[i : i + n]))
            else:
                n = 1
                alternatives = dict.fromkeys(per_language[lang][i] for lang in LANGUAGES)
                group = QueryGroup(tuple(alternatives), words[i])
            if all(g.terms != group.terms for g in groups):
                groups.append(group)
            i += n
        return groups

    def _correct(
        self, text: str, known: Callable[[str], bool], closest: Callable[[str, int], str | None]
    ) -> str | None:
        """The query with each unknown word replaced by ``closest(word, max_distance)``.

        Stopwords, words with digits and words shorter than ``VOCABULARY_MIN_LENGTH`` are
        kept as typed; short words (up to 4 letters) may move by one edit, longer by two.
        Returns ``None`` when no word changed.
        """
        words = self._words(text)
        changed = False
        for i, word in enumerate(words):
            if (
                len(word) < VOCABULARY_MIN_LENGTH
                or not word.isalpha()
                or word in self._stop_any
                or known(word)
            ):
                continue
            better = closest(word, 1 if len(word) <= 4 else 2)
            if better is not None and better != word:
                words[i] = better
                changed = True
        return " ".join(words) if changed else None

    # --- highlighting ------------------------------------------------------------------

    def highlight(
        self,
        text: str,
        query: str | Sequence[QueryGroup],
        *,
        language: Language = "id",
        max_chars: int = 240,
    ) -> str:
        """An HTML snippet of ``text`` around the best match, matches in ``<mark>``.

        Parameters
        ----------
        text : str
            The original text (plain, not HTML).
        query : str or sequence of QueryGroup
            The query, as typed or as analysed by :meth:`analyze_query`.
        language : {"id", "en"}
            The text's language, as it was indexed.
        max_chars : int
            Longest snippet, in characters of ``text`` (the ellipses and markup come on
            top). A text this short or shorter is returned whole.

        Returns
        -------
        str
            Safe HTML: everything but the ``<mark>`` tags is escaped with
            :func:`html.escape`. Words whose term is one of the query's terms are marked,
            and so is every synonym member of a concept in the query ("pendapatan asli
            daerah" for a query of "PAD"). Runs of white space become one space; "… "
            and " …" show where the text was cut.
        """
        _check_language(language)
        if max_chars < 1:
            raise ValueError("max_chars must be positive")
        groups = self.analyze_query(query) if isinstance(query, str) else query
        return _Highlighter(self, groups).highlight(text, language, max_chars)


class _Highlighter:
    """Finds the spans to mark in texts for one query; build once, use for many texts."""

    def __init__(self, analyzer: Analyzer, groups: Sequence[QueryGroup]) -> None:
        self.analyzer = analyzer
        self.terms = {t for g in groups for t in g.terms if not t.startswith(CONCEPT_MARK)}
        concepts = {t[1:] for g in groups for t in g.terms if t.startswith(CONCEPT_MARK)}
        # Per language: the synonym members of the query's concepts by first term, and
        # every term that can start a mark.
        self.members = {
            lang: {
                first: found
                for first, candidates in analyzer._first[lang].items()
                if (found := [(k, c) for k, c in candidates if c in concepts])
            }
            for lang in LANGUAGES
        }
        self.starts = {lang: self.terms | set(self.members[lang]) for lang in LANGUAGES}
        self.cores = {lang: _cores(self.starts[lang], lang) for lang in LANGUAGES}

    def highlight(self, text: str, language: Language, max_chars: int) -> str:
        marks = self.marks(text, language)
        start, end = _window(text, marks, max_chars)
        return _render(text, start, end, [m for m in marks if m[0] >= start and m[1] <= end])

    def marks(self, text: str, language: Language) -> list[tuple[int, int, str]]:
        """Character spans ``(start, end, key)`` to mark, sorted and not overlapping."""
        if not self.starts[language]:
            return []
        spans = self._candidates(text, language)
        if spans is None:
            spans = [m.span() for m in _RAW_TOKEN.finditer(text)]
        analyzer = self.analyzer
        members = self.members[language]
        marks: list[tuple[int, int, str]] = []
        for base, stop in spans:
            tokens = analyzer._raw_tokens(text[base:stop], language)
            for k, (term, start, end, _) in enumerate(tokens):
                if term is None:
                    continue
                if term in self.terms:
                    marks.append((base + start, base + end, term))
                for key, concept in members.get(term, ()):
                    following = self._terms_from(text, language, tokens[k:], base, stop)
                    found = list(islice(following, len(key)))
                    if tuple(t for t, _, _ in found) == key:
                        marks.append((found[0][1], found[-1][2], CONCEPT_MARK + concept))
                        break
        marks.sort()
        merged: list[tuple[int, int, str]] = []
        for start, end, key in marks:
            if merged and start < merged[-1][1]:
                last = merged[-1]
                merged[-1] = (last[0], max(last[1], end), last[2])
            else:
                merged.append((start, end, key))
        return merged

    def _candidates(self, text: str, language: Language) -> list[tuple[int, int]] | None:
        """Spans of the raw words that may hold a query term, or ``None`` to scan them all.

        Tokenising a whole 400-word body costs ~0.4 ms, and a page has twenty. Instead,
        look for each term's core in a folded copy of the text of the same length:
        Sastrawi only changes a root's first letter (``kelola`` in ``pengelolaan``), so
        an Indonesian word holds its term without the first letter; Snowball only
        changes a stem's end (``citi`` for ``city``), so an English word holds its term
        without the first and last letters (the first, for a joined ``e-`` word). The
        raw words around the hits are then analysed for real, so a core only has to
        find too much, never too little. Terms too short to have a telling core, and
        texts that do not fold letter for letter to ASCII, are scanned whole.
        """
        cores = self.cores[language]
        if cores is None:
            return None
        folded = _fold_aligned(text)
        if folded is None:
            return None
        found: dict[int, int] = {}
        for core in cores:
            at = folded.find(core)
            while at >= 0:
                start, end = _raw_bounds(folded, at, at + len(core))
                found[start] = end
                at = folded.find(core, end)
        return sorted(found.items())

    def _terms_from(
        self, text: str, language: Language, tokens: Sequence[_Token], base: int, position: int
    ) -> Iterator[tuple[str, int, int]]:
        """Non-stopword terms with their spans: ``tokens`` (of the raw word at ``base``),
        then those of the text from ``position`` on."""
        for term, start, end, _ in tokens:
            if term is not None:
                yield term, base + start, base + end
        for match in _RAW_TOKEN.finditer(text, position):
            offset = match.start()
            for term, start, end, _ in self.analyzer._raw_tokens(match.group(), language):
                if term is not None:
                    yield term, offset + start, offset + end


def _cores(terms: Iterable[str], language: Language) -> list[str] | None:
    """Substrings that every word analysing to one of ``terms`` contains (see
    ``_Highlighter._candidates``), or ``None`` when a term is too short to have one."""
    cores = set()
    for term in terms:
        if any(c.isdigit() for c in term):
            cores.add(term)  # words with digits are their own term
        elif term.isascii() and len(term) >= (3 if language == "id" else 4):
            # Sastrawi may change a root's first letter, Snowball a stem's last; and a
            # word like "e-government" holds its term "egovernment" minus the first
            # letter only, the hyphen comes after it.
            cores.add(term[1:] if language == "id" else term[1:-1])
        else:
            return None
    return sorted(cores)


@functools.cache
def _aligned_fold_table() -> dict[int, str]:
    """A translation to ASCII that keeps every character's place: accented Latin letters
    to their folded letter, word-joining dashes to ``-``, other punctuation to a space."""
    table: dict[int, str] = {}
    for code in [0xA0, *range(0xA1, 0x250), *range(0x2000, 0x2070)]:
        char = chr(code)
        folded = fold_word(char)
        if char in _DASHES:
            table[code] = "-"
        elif len(folded) == 1 and folded.isascii() and folded.isalnum():
            table[code] = folded
        elif not char.isalnum() and not unicodedata.combining(char):
            table[code] = " "
    return table


def _fold_aligned(text: str) -> str | None:
    """``text`` folded to lower-case ASCII letter for letter, or ``None`` if it cannot be."""
    if text.isascii():
        return text.lower()
    folded = text.translate(_aligned_fold_table())
    return folded.lower() if folded.isascii() else None


def _raw_bounds(folded: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` of a folded text to the raw token around it: letters and
    digits, joined by single dashes, as ``_RAW_TOKEN`` would cut them."""
    while start > 0 and (
        folded[start - 1].isalnum()
        or (folded[start - 1] == "-" and start > 1 and folded[start - 2].isalnum())
    ):
        start -= 1
    size = len(folded)
    while end < size and (
        folded[end].isalnum()
        or (folded[end] == "-" and end + 1 < size and folded[end + 1].isalnum())
    ):
        end += 1
    return start, end


def _window(text: str, marks: list[tuple[int, int, str]], max_chars: int) -> tuple[int, int]:
    """The ``[start, end)`` of ``text`` to show: the window of ``max_chars`` that holds the
    most distinct matched keys (then the most marks, then the earliest), cut at spaces."""
    if len(text) <= max_chars:
        return 0, len(text)
    best = (0, 0, 0)
    start = 0
    # A little context before the first mark reads better than a mark at the very start.
    lead = max_chars // 6
    # Marks do not overlap, so their ends are sorted as their starts are.
    starts = [m[0] for m in marks]
    ends = [m[1] for m in marks]
    for j, anchor in enumerate(starts):
        begin = max(0, min(anchor - lead, len(text) - max_chars))
        inside = marks[bisect_left(starts, begin) : bisect_right(ends, begin + max_chars)]
        score = (len({m[2] for m in inside}), len(inside), -begin)
        if score > best or j == 0:
            best, start = score, begin
    first_mark = next((m[0] for m in marks if m[0] >= start), start)
    if start > 0 and not text[start - 1].isspace():
        space = _SPACES.search(text, start, first_mark)
        if space is not None:
            start = space.end()
    end = min(len(text), start + max_chars)
    if end < len(text) and not text[end].isspace():
        cut = max((m.start() for m in _SPACES.finditer(text, start, end)), default=-1)
        if cut > start:
            end = cut
    return start, end


def _render(text: str, start: int, end: int, marks: list[tuple[int, int, str]]) -> str:
    pieces: list[str] = ["… "] if start > 0 else []
    position = start
    for mark_start, mark_end, _ in marks:
        pieces.append(_escape(text[position:mark_start]))
        pieces.append(f"<mark>{_escape(text[mark_start:mark_end])}</mark>")
        position = mark_end
    pieces.append(_escape(text[position:end]))
    body = "".join(pieces).strip() if start == 0 else "".join(pieces).rstrip()
    return body + " …" if end < len(text) else body


def _escape(text: str) -> str:
    return html.escape(_SPACES.sub(" ", text))


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")


@functools.cache
def default_analyzer() -> Analyzer:
    """The analyzer with the packaged stopwords and synonyms, built once per process."""
    return Analyzer()


def highlight(
    text: str,
    query: str | Sequence[QueryGroup],
    *,
    language: Language = "id",
    max_chars: int = 240,
) -> str:
    """:meth:`Analyzer.highlight` with the default analyzer."""
    return default_analyzer().highlight(text, query, language=language, max_chars=max_chars)
