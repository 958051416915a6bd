"""Indonesian and English analysis: stems, stopwords, hyphens, synonyms, queries, highlights."""

from __future__ import annotations

import pytest
import snowballstemmer
from hypothesis import given, settings
from hypothesis import strategies as st

from kotacerdas.textsearch import Analyzer, QueryGroup, highlight

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


# --- stems ---------------------------------------------------------------------------------

HARD_WORDS = {
    "kependudukan": "duduk",
    "pengelolaan": "kelola",
    "perencanaan": "rencana",
    "pembayaran": "bayar",
    "pemberdayaan": "daya",
    "penyelenggaraan": "selenggara",
    "menyelenggarakan": "selenggara",
    "pengembangan": "kembang",
    "peningkatan": "tingkat",
    "perekonomian": "ekonomi",
    "penanggulangan": "tanggulang",
    "keberlanjutan": "lanjut",
    "berkelanjutan": "lanjut",
    "pemerintahan": "perintah",
    "pemanfaatan": "manfaat",
    "penerangan": "terang",
    "mempercepat": "cepat",
    "memperkuat": "kuat",
    "kota-kota": "kota",
}


@pytest.mark.parametrize(("word", "root"), HARD_WORDS.items())
def test_analyze_stems_hard_indonesian_words_to_their_root(analyzer, word, root):
    assert analyzer.analyze(word, "id") == [root]


@pytest.mark.parametrize(
    ("word", "tokens"),
    [
        ("persampahan", ["sampah", "~sampah"]),
        ("perizinan", ["izin", "~izin"]),
        ("kepariwisataan", ["pariwisata", "~pariwisata"]),
    ],
)
def test_analyze_stems_synonym_members_before_naming_their_concept(analyzer, word, tokens):
    assert analyzer.analyze(word, "id") == tokens


def test_snowball_indonesian_mangles_the_roots_sastrawi_gets_right():
    # Why Sastrawi: Snowball's Indonesian stemmer strips prefixes by rule and loses the
    # first letter of roots that the prefix assimilated (peN- + kelola → pengelolaan).
    snowball = snowballstemmer.stemmer("indonesian")
    words = ["kependudukan", "pengelolaan", "perencanaan", "pengembangan", "peningkatan"]
    words += ["pemanfaatan", "penerangan", "berkelanjutan"]
    assert [snowball.stemWord(w) for w in words] == [
        "nduduk",
        "elola",
        "encana",
        "embang",
        "ingkat",
        "panfaat",
        "erang",
        "kelanjut",
    ]


def test_analyze_removes_stopwords_before_stemming(analyzer):
    # "pendapatan" stems to "dapat", a stopword: it must survive, the modal "dapat" not.
    assert analyzer.analyze("Pendapatan warga dapat naik", "id") == ["dapat", "warga", "naik"]


def test_analyze_folds_case_and_accents_and_keeps_numbers(analyzer):
    assert analyzer.analyze("KOPERASI Café 2024 Rp5.000", "id") == [
        "koperasi",
        "~koperasi",
        "cafe",
        "2024",
        "rp5",
        "000",
    ]


def test_analyze_decomposed_accents_stay_in_one_word(analyzer):
    assert analyzer.analyze("Cafe\u0301 Kupang", "id") == ["cafe", "kupang"]


def test_analyze_english_uses_snowball_and_english_stopwords(analyzer):
    assert analyzer.analyze("The residents are recycling their plastic", "en") == [
        "resid",
        "recycl",
        "~daur_ulang",
        "plastic",
    ]


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        # Full reduplication is the plural: the word once.
        ("kota-kota", ["kota"]),
        ("Anak-anak", ["anak"]),
        # Other compounds keep every part, so either part finds them.
        ("sayur-mayur", ["sayur", "mayur"]),
        ("pasca-bencana", ["pasca", "bencana", "~bencana"]),
        ("Covid-19", ["covid", "19"]),
        # A one-letter first part joins the rest: one word a synonym can name.
        ("e-Government", ["egovernment", "~spbe"]),
        ("e-KTP", ["ektp", "~ektp"]),
        ("egovernment", ["egovernment", "~spbe"]),
    ],
)
def test_analyze_hyphenated_words(analyzer, text, tokens):
    assert analyzer.analyze(text, "id") == tokens


# --- synonyms as concept tokens ----------------------------------------------------------


def test_analyze_adds_the_concept_after_each_synonym_member(analyzer):
    assert analyzer.analyze("Pendapatan Asli Daerah (PAD) naik", "id") == [
        "dapat",
        "asli",
        "daerah",
        "~pad",
        "pad",
        "~pad",
        "naik",
    ]


def test_analyze_emits_a_concept_once_for_nested_members(analyzer):
    # "pemerintahan berbasis elektronik" is a member inside a longer member.
    assert analyzer.analyze("Sistem Pemerintahan Berbasis Elektronik", "id") == [
        "sistem",
        "perintah",
        "bas",
        "elektronik",
        "~spbe",
    ]


def test_analyze_emits_every_concept_found_at_a_word(analyzer):
    assert analyzer.analyze("desa wisata", "id") == [
        "desa",
        "~desa",
        "wisata",
        "~desa_wisata",
        "~pariwisata",
    ]


def test_analyze_matches_members_across_stopwords_and_inflection(analyzer):
    # Stopwords go before matching, inflections stem alike.
    assert "~umkm" in analyzer.analyze("usaha mikro, kecil, dan menengah", "id")
    assert "~sampah" in analyzer.analyze("persampahan", "id")
    assert "~pad" in analyzer.analyze("its own-source revenue", "en")


def test_packaged_synonyms_load_without_conflicts(analyzer):
    assert 40 <= len(analyzer.synonyms) <= 70
    assert analyzer.synonyms["pad"][:3] == ("PAD", "pendapatan asli daerah", "own-source revenue")


def test_synonyms_that_analyse_alike_in_two_groups_are_refused(tmp_path):
    path = tmp_path / "synonyms.txt"
    path.write_text("# comment\nsampah: sampah, waste\nlimbah: persampahan\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'persampahan' of 'limbah' analyses like a member"):
        Analyzer(synonyms=path)


@pytest.mark.parametrize("line", ["no colon here", "Bad Name: x", "empty:", "a: x\na: y"])
def test_malformed_synonym_files_are_refused(tmp_path, line):
    path = tmp_path / "synonyms.txt"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(ValueError):
        Analyzer(synonyms=path)


# --- queries -------------------------------------------------------------------------------


def test_analyze_query_gives_each_word_its_indonesian_and_english_terms(analyzer):
    assert analyzer.analyze_query("pembayaran retribusi pasar digital") == [
        QueryGroup(("bayar", "pembayaran"), "pembayaran"),
        QueryGroup(("~retribusi",), "retribusi"),
        QueryGroup(("~pasar",), "pasar"),
        QueryGroup(("digital", "digit"), "digital"),
    ]


def test_analyze_query_replaces_a_synonym_phrase_by_its_concept(analyzer):
    assert analyzer.analyze_query("Pendapatan Asli Daerah Kupang") == [
        QueryGroup(("~pad",), "pendapatan asli daerah"),
        QueryGroup(("kupang",), "kupang"),
    ]
    assert analyzer.analyze_query("PAD") == [QueryGroup(("~pad",), "pad")]
    assert analyzer.analyze_query("the waste bank") == [QueryGroup(("~bank_sampah",), "waste bank")]


def test_analyze_query_drops_stopwords_of_either_language_and_repeats(analyzer):
    assert analyzer.analyze_query("kota dan the kota-kota") == [QueryGroup(("kota",), "kota")]
    assert analyzer.analyze_query("yang dan di the of") == []
    assert analyzer.analyze_query("  ,.;  ") == []


def test_analyze_query_keeps_numbers_as_typed(analyzer):
    assert analyzer.analyze_query("UMKM 2024") == [
        QueryGroup(("~umkm",), "umkm"),
        QueryGroup(("2024",), "2024"),
    ]


def test_analyze_rejects_an_unknown_language(analyzer):
    with pytest.raises(ValueError, match="language must be one of"):
        analyzer.analyze("kota", "fr")


# --- highlighting --------------------------------------------------------------------------


def test_highlight_marks_terms_and_synonym_phrases_and_escapes_the_rest():
    text = "Kota Kupang menaikkan Pendapatan Asli Daerah (PAD) lewat <retribusi> & QRIS."
    assert highlight(text, "PAD retribusi") == (
        "Kota Kupang menaikkan <mark>Pendapatan Asli Daerah</mark> (<mark>PAD</mark>) lewat"
        " &lt;<mark>retribusi</mark>&gt; &amp; QRIS."
    )


def test_highlight_marks_inflected_forms_and_joined_words():
    assert highlight("Program e-Government mempercepat perizinan", "SPBE izin") == (
        "Program <mark>e-Government</mark> mempercepat <mark>perizinan</mark>"
    )


def test_highlight_english_text_with_typographic_punctuation():
    text = "Programme for Café owners — cashless payments “QRIS” in 2024"
    assert highlight(text, "cashless 2024 cafe", language="en") == (
        "Programme for <mark>Café</mark> owners — <mark>cashless payments</mark>"
        " “QRIS” in <mark>2024</mark>"
    )


def test_highlight_cuts_a_window_around_the_matches_at_spaces():
    text = (
        "Pada tahun pertama, program ini melatih kader di setiap kelurahan. "
        * 4
        + "Sejak 2021 warga menabung sampah plastik di bank sampah dan menukarnya dengan "
        "beras. " + "Kegiatan dilanjutkan dengan pendampingan rutin. " * 4
    )
    assert highlight(text, "pengelolaan sampah", max_chars=120) == (
        "… 2021 warga menabung <mark>sampah</mark> plastik di bank <mark>sampah</mark> dan"
        " menukarnya dengan beras. Kegiatan dilanjutkan dengan pendampingan …"
    )


def test_highlight_without_a_match_shows_the_start_and_collapses_white_space():
    # max_chars counts the text's own characters, white space included.
    text = "Warga\n\nmenanam   mangrove di pesisir. " * 10
    assert highlight(text, "stunting", max_chars=60) == (
        "Warga menanam mangrove di pesisir. Warga menanam …"
    )


def test_highlight_of_a_short_text_is_the_whole_text():
    assert highlight("Bank sampah", "") == "Bank sampah"


WORDS = [
    "sampah",
    "persampahan",
    "Pendapatan",
    "asli",
    "daerah",
    "PAD",
    "e-government",
    "kota-kota",
    "Café",
    "pembayaran",
    "nontunai",
    "non-tunai",
    "dan",
    "di",
    "2024",
    "levies",
    "city",
    "cities",
    "UMKM",
    "usaha",
    "mikro",
    "naïve",
    "“QRIS”",
    "—",
]
QUERIES = ["sampah", "PAD", "SPBE", "pembayaran nontunai", "city", "umkm 2024", "cafe levy"]


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(st.sampled_from(WORDS), max_size=40),
    separators=st.lists(st.sampled_from([" ", ", ", ". ", "\n", " - "]), min_size=40),
    query=st.sampled_from(QUERIES),
    language=st.sampled_from(["id", "en"]),
)
def test_highlight_finds_the_same_marks_as_a_full_scan(words, separators, query, language):
    # The highlighter looks for each term's core in a folded copy of the text instead of
    # analysing every word; it must find exactly what analysing every word finds.
    from kotacerdas.textsearch._analysis import _Highlighter, default_analyzer

    text = "".join(w + s for w, s in zip(words, separators, strict=False))
    analyzer = default_analyzer()
    fast = _Highlighter(analyzer, analyzer.analyze_query(query))
    full = _Highlighter(analyzer, analyzer.analyze_query(query))
    full.cores = {"id": None, "en": None}
    assert fast.marks(text, language) == full.marks(text, language)
