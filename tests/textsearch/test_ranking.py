"""Ordering helpers of the search flow: rounding and the partial sort of the best hits."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from kotacerdas.textsearch._index import _best, _significant

pytestmark = pytest.mark.unit


def test_significant_keeps_nine_digits_at_every_magnitude():
    values = np.array([0.0, 1.0547198956408592, 2.0637898686679174e-06, 123.456789012345])
    assert_array_equal(_significant(values, 9), [0.0, 1.05471990, 2.06378987e-06, 123.456789])


@given(
    scores=st.lists(st.sampled_from([0.5, 1.0, 1.5, 2.0, 3.25]), min_size=0, max_size=60),
    k=st.integers(min_value=0, max_value=70),
)
def test_best_is_the_head_of_the_full_ordering(scores, k):
    # Few distinct scores, so ties at the k-th score are the rule, not the exception.
    values = np.array(scores, dtype=np.float64)
    candidates = np.arange(len(values))
    full = candidates[np.lexsort((candidates, -values))]
    assert_array_equal(_best(candidates, values, k), full[:k])
