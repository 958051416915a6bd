"""Indonesian stemmers side by side: Sastrawi (uncached and cached) and Snowball.

Run ``make bench`` or ``.venv/bin/python bench/stemmers.py``. It stems a gold list of
inflected Indonesian words, as practice texts use them, whose roots were checked by hand
against KBBI, and prints each stemmer's accuracy and its time per word, then the words
each one gets wrong. The search library stems with Sastrawi behind a per-word cache
(``kotacerdas.textsearch._analysis.stem_indonesian``). It prints figures and always exits
with status 0: there is no floor to meet.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

import snowballstemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

from kotacerdas.textsearch._analysis import stem_indonesian

# word → root (KBBI)
GOLD = {
    "kependudukan": "duduk",
    "pengelolaan": "kelola",
    "perencanaan": "rencana",
    "persampahan": "sampah",
    "pembayaran": "bayar",
    "pendapatan": "dapat",
    "pemberdayaan": "daya",
    "penyelenggaraan": "selenggara",
    "perizinan": "izin",
    "pembangunan": "bangun",
    "kesehatan": "sehat",
    "ketahanan": "tahan",
    "pengembangan": "kembang",
    "pelayanan": "layan",
    "perekonomian": "ekonomi",
    "penanggulangan": "tanggulang",
    "keberlanjutan": "lanjut",
    "permukiman": "mukim",
    "pemerintahan": "perintah",
    "menyelenggarakan": "selenggara",
    "diberdayakan": "daya",
    "berkelanjutan": "lanjut",
    "peningkatan": "tingkat",
    "kemiskinan": "miskin",
    "kebersihan": "bersih",
    "penerangan": "terang",
    "penghijauan": "hijau",
    "pencegahan": "cegah",
    "pengolahan": "olah",
    "pemanfaatan": "manfaat",
    "perdagangan": "dagang",
    "pertanian": "tani",
    "perikanan": "ikan",
    "kelautan": "laut",
    "kebudayaan": "budaya",
    "pengawasan": "awas",
    "pemantauan": "pantau",
    "pengaduan": "adu",
    "perlindungan": "lindung",
    "pemberantasan": "berantas",
    "pengusaha": "usaha",
    "perusahaan": "usaha",
    "penanaman": "tanam",
    "keuangan": "uang",
    "kepegawaian": "pegawai",
    "pendidikan": "didik",
    "perhubungan": "hubung",
    "penerimaan": "terima",
    "pengeluaran": "keluar",
    "pembiayaan": "biaya",
    "mempercepat": "cepat",
    "memperkuat": "kuat",
    "menyediakan": "sedia",
    "berbasis": "basis",
    "pemasaran": "pasar",
    "penyandang": "sandang",
    "dikembangkan": "kembang",
    "kebijakan": "bijak",
    "keterbukaan": "buka",
    "pelatihan": "latih",
    "pendampingan": "damping",
    "penilaian": "nilai",
    "pengumpulan": "kumpul",
    "penyaluran": "salur",
    "pembinaan": "bina",
    "menjangkau": "jangkau",
    "keselamatan": "selamat",
    "kemudahan": "mudah",
    "kesetaraan": "setara",
    "penanganan": "tangan",
}


def per_word_microseconds(stem: Callable[[str], str], words: list[str], repeat: int) -> float:
    """Median over ``repeat`` runs of the time to stem every word, per word, in µs."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for word in words:
            stem(word)
        runs.append((time.perf_counter() - start) / len(words) * 1e6)
    return statistics.median(runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    words = list(GOLD)

    factory = StemmerFactory()
    plain = factory.create_stemmer().delegatedStemmer  # Sastrawi without any cache
    snowball = snowballstemmer.stemmer("indonesian")
    stemmers: list[tuple[str, Callable[[str], str]]] = [
        ("Sastrawi, uncached", plain.stem_word),
        ("Sastrawi, cached (ours)", stem_indonesian),
        ("Snowball Indonesian", snowball.stemWord),
    ]
    for word in words:  # fill our cache: the cached figure is the steady state
        stem_indonesian(word)

    print(f"{len(words)} inflected Indonesian words with hand-checked roots")
    for name, stem in stemmers:
        wrong = {w: stem(w) for w in words if stem(w) != GOLD[w]}
        accuracy = 1 - len(wrong) / len(words)
        micro = per_word_microseconds(stem, words, args.repeat)
        print(f"{name:24s} accuracy {accuracy:6.1%}  {micro:8.2f} µs/word")
        shown = ", ".join(f"{w}→{s} (not {GOLD[w]})" for w, s in list(wrong.items())[:8])
        print(f"{'':24s} wrong: {shown or 'none'}{' …' if len(wrong) > 8 else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
