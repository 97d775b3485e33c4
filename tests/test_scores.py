"""Acquisition functions: known rankings, properties, registry, selection (run under TF and JAX)."""
import numpy as np
import pytest

from bfbnb.network import NetworkConfig, build_ensemble, build_network
from bfbnb.scores import (SCORES, bald, binary_entropy, get_score, least_confidence, margin, max_entropy,
                          predictive_variance, qbdc, select, variation_ratios)

SAMPLES = np.array([[0.99, 0.98, 0.99, 0.97],   # confident
                    [0.5, 0.5, 0.5, 0.5],       # uncertain data, models agree
                    [0.01, 0.99, 0.02, 0.98],   # models disagree
                    [0.3, 0.6, 0.4, 0.7]])      # mildly uncertain, some disagreement


def test_known_rankings():
    assert np.argsort(-bald(SAMPLES)).tolist()[:2] == [2, 3] and bald(SAMPLES)[1] < 1e-12
    assert np.argmax(max_entropy(SAMPLES)) == 1 and np.argmin(max_entropy(SAMPLES)) == 0
    assert variation_ratios(SAMPLES).tolist() == [0.0, 0.0, 0.5, 0.5]
    assert np.argsort(-predictive_variance(SAMPLES)).tolist()[:2] == [2, 3]
    for function in (qbdc, least_confidence, margin):
        assert np.argmin(function(SAMPLES)) == 0 and np.argmax(function(SAMPLES)) == 1


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_properties_and_dtypes(dtype):
    samples = np.random.default_rng(0).beta(0.4, 0.4, size=(2000, 30)).astype(dtype)
    for function in (bald, max_entropy, variation_ratios, predictive_variance, qbdc, least_confidence, margin):
        assert function(samples).dtype == dtype, function.__name__
    assert (bald(samples) >= 0).all() and (bald(samples) <= max_entropy(samples) + 1e-6).all()
    assert (variation_ratios(samples) <= 0.5).all() and (max_entropy(samples) <= np.log(2) + 1e-6).all()
    extreme = np.array([[0.0, 1.0], [0.0, 0.0], [1.0, 1.0]], dtype)
    assert np.isfinite(bald(extreme)).all() and bald(extreme)[1] == 0 and binary_entropy(extreme).max() == 0


def test_deterministic_predictor_has_zero_bald():
    ensemble = build_ensemble(10, num_layers=2, units=8, seed=0, config=NetworkConfig(num_members=3))
    names = lambda m: [layer for layer in ensemble.layers if layer.name.startswith(f"member{m}_")]
    for member in (1, 2):
        for source, target in zip(names(0), names(member)):
            target.set_weights(source.get_weights())
    x = np.random.default_rng(2).normal(size=(100, 10)).astype("float32")
    assert np.abs(get_score("BALD")(ensemble, x, None)).max() < 1e-6


def test_registry_names_and_custom_scores():
    for name in ("BALD", "MaxEntropy", "variation_ratios", "predictive_variance", "QBDC", "random", *SCORES):
        assert callable(get_score(name))
    network = build_network(10, num_layers=1, units=8, seed=0)
    x = np.random.default_rng(3).normal(size=(50, 10)).astype("float32")
    for name in ("BALD", "MaxEntropy", "variation_ratios", "predictive_variance", "QBDC"):
        scores = get_score(name)(network, x, num_mc_samples=16)
        assert scores.shape == (50,) and np.isfinite(scores).all()
    seen = {}
    def custom(model, x, num_mc_samples):
        seen["num_mc_samples"] = num_mc_samples
        return x[:, 1]
    assert np.array_equal(get_score(custom)(network, x, num_mc_samples=9), x[:, 1]) and seen["num_mc_samples"] == 9
    assert np.array_equal(get_score(lambda model, x: x[:, 2])(network, x, 5), x[:, 2])
    first = get_score("random")(network, x, rng=np.random.default_rng(7))
    assert np.array_equal(first, get_score("random")(network, x, rng=np.random.default_rng(7)))
    with pytest.raises(ValueError, match="unknown score"):
        get_score("entropy_of_everything")
    with pytest.raises(ValueError, match="returned shape"):
        get_score(lambda model, x: x)(network, x)


@pytest.mark.parametrize("method", ["power", "softmax", "soft_rank"])
def test_stochastic_selection(method):
    scores = np.random.default_rng(0).random(5000)
    first = select(scores, 200, method, beta=2.0, rng=np.random.default_rng(1))
    second = select(scores, 200, method, beta=2.0, rng=np.random.default_rng(1))
    assert np.array_equal(first.indices, second.indices) and len(set(first.indices)) == 200
    assert 0 <= first.overlap_with_top_k < 1
    colder = select(scores, 200, method, beta=200.0, rng=np.random.default_rng(1))
    assert colder.overlap_with_top_k > first.overlap_with_top_k
    assert select(scores, 200).overlap_with_top_k == 1.0
    assert len(select(-scores, 10, method, rng=np.random.default_rng(2)).indices) == 10  # negative scores guarded
