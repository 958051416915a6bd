"""Weights from a rule (equal) or from the data (first principal component)."""

from __future__ import annotations

import numpy as np
import pytest

from kotacerdas import engine

pytestmark = pytest.mark.unit


def test_equal_weights_give_every_sibling_the_same_share(asem_framework):
    weights = engine.equal_weights(asem_framework)
    effective = asem_framework.effective_weights(weights)

    assert set(weights.values()) == {1.0}
    physical = asem_framework.children("Physical")
    assert [effective[c] for c in physical] == pytest.approx([1 / 2 / 5 / len(physical)] * 8)


def _reference_pc1(frame) -> np.ndarray:
    """PC1 of the correlation matrix, computed another way (eigenvectors, not SVD)."""
    x = frame.dropna().to_numpy(dtype=float)
    values, vectors = np.linalg.eigh(np.corrcoef(x, rowvar=False))
    return vectors[:, np.argmax(values)]


def test_pca_weights_are_the_first_component_loadings_per_group(asem_framework, asem_data):
    result = engine.compute(asem_framework, asem_data, engine.Recipe())
    weights = engine.pca_weights(result, orient=False)

    normalised = result.datasets["Aggregated"]
    for pillar in asem_framework.codes_at(2):
        members = list(asem_framework.children(pillar))
        ours = np.array([weights[c] for c in members])
        reference = _reference_pc1(normalised[members])
        # A principal component's sign is arbitrary: equal up to sign, unit length.
        assert min(np.abs(ours - reference).max(), np.abs(ours + reference).max()) < 1e-9
        assert np.linalg.norm(ours) == pytest.approx(1.0)


def test_oriented_pca_weights_sum_to_a_positive_number_per_group(asem_framework, asem_data):
    result = engine.compute(asem_framework, asem_data, engine.Recipe())
    raw = engine.pca_weights(result, level=2, orient=False)
    oriented = engine.pca_weights(result, level=2)

    for index in asem_framework.codes_at(3):
        members = asem_framework.children(index)
        assert sum(oriented[c] for c in members) > 0
        sign = np.sign(sum(raw[c] for c in members))
        assert [oriented[c] for c in members] == pytest.approx([sign * raw[c] for c in members])


def test_pca_over_the_whole_level_and_a_recomputation_with_those_weights(asem_framework, asem_data):
    result = engine.compute(asem_framework, asem_data, engine.Recipe())
    weights = engine.pca_weights(result, by_groups=False)
    reference = _reference_pc1(result.datasets["Aggregated"][list(asem_framework.indicators)])

    ours = np.array([weights[c] for c in asem_framework.indicators])
    assert min(np.abs(ours - reference).max(), np.abs(ours + reference).max()) < 1e-9
    again = engine.compute(asem_framework, asem_data, engine.Recipe().with_weights(weights))
    assert not np.allclose(again.scores["Index"], result.scores["Index"])


def test_pca_needs_complete_rows_with_variance():
    framework = engine.framework_from_records(
        [
            {"code": "I", "type": "Aggregate", "level": 2, "parent": None},
            {"code": "a", "type": "Indicator", "level": 1, "parent": "I"},
            {"code": "b", "type": "Indicator", "level": 1, "parent": "I"},
        ]
    )
    data = engine.UnitData(
        codes=np.array(["X", "Y", "Z"]),
        names=np.array(["X", "Y", "Z"]),
        values=np.array([[1.0, np.nan], [2.0, 5.0], [3.0, np.nan]]),
    )
    result = engine.compute(framework, data, engine.Recipe(treat=None))

    with pytest.raises(engine.InputError) as caught:
        engine.pca_weights(result)
    assert [i.code for i in caught.value.issues] == ["bad_option"]
