import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kotacerdas.textsearch import RegionQuery, fold, split_region_query, strip_region_prefix

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kota Kupang", RegionQuery("kupang", "kota")),
        ("kabupaten kupang", RegionQuery("kupang", "kabupaten")),
        ("Kab. Kupang", RegionQuery("kupang", "kabupaten")),
        ("  KUPANG ", RegionQuery("kupang", None)),
        ("Kota Administrasi Jakarta Pusat", RegionQuery("jakarta pusat", "kota")),
        ("Kabupaten Kotawaringin Barat", RegionQuery("kotawaringin barat", "kabupaten")),
        ("Kotabaru", RegionQuery("kotabaru", None)),
        ("kota", RegionQuery("kota", None)),
        ("City of Kupang", RegionQuery("kupang", "kota")),
    ],
)
def test_split_region_query_understands_prefixes(text, expected):
    assert split_region_query(text) == expected


def test_fold_strips_accents_case_and_punctuation():
    assert fold("  Pangkal-Pinang,  KÉPULAUAN ") == "pangkal pinang kepulauan"


def test_strip_region_prefix_of_registry_names():
    assert strip_region_prefix("Kabupaten Aceh Selatan") == "aceh selatan"
    assert strip_region_prefix("Kota Kupang") == "kupang"


@given(st.text(max_size=40))
def test_fold_is_idempotent_for_any_text(text):
    assert fold(fold(text)) == fold(text)


@given(
    st.sampled_from(["Kota", "Kabupaten", "kab.", "KOTA"]),
    st.from_regex(r"[A-Za-z]{3,12}( [A-Za-z]{3,12})?", fullmatch=True),
)
def test_split_region_query_name_never_keeps_the_prefix(prefix, name):
    assume(not fold(name).startswith("administrasi"))  # part of the longer prefix
    query = split_region_query(f"{prefix} {name}")
    assert query.name == fold(name)
    assert query.kind in {"kota", "kabupaten"}
