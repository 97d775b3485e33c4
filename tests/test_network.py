"""The Bayesian network: layer round trips, N-aware regularisers, streamed MC prediction (run under TF and JAX)."""
import keras
import numpy as np
import pytest
from keras import ops

from bfbnb.network import (ConcreteDense, NetworkConfig, SphereProjection, build_ensemble, build_network,
                           concrete_layers, iter_mc_samples, mc_mean, mc_samples, set_length_scale, set_training_size)


@pytest.fixture
def x():
    return np.random.default_rng(0).normal(size=(64, 10)).astype("float32")


@pytest.mark.parametrize("layer", [ConcreteDense(8, "relu", length_scale=0.3, training_size=77, init_min=0.05, init_max=0.3, temperature=0.2, seed=4),
                                   ConcreteDense(3, learn_dropout=False, seed=1), SphereProjection()])
def test_custom_layers_round_trip_through_config(layer):
    clone = type(layer).from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    data = np.random.default_rng(1).normal(size=(5, 6)).astype("float32")
    assert np.array_equal(ops.convert_to_numpy(layer(data)), ops.convert_to_numpy(clone(data)))  # same seed, same noise


def test_init_range_is_respected():
    layer = ConcreteDense(4, init_min=0.2, init_max=0.4, seed=0)
    layer.build((None, 3))
    assert 0.2 - 1e-6 <= float(layer.dropout_rate) <= 0.4 + 1e-6


@pytest.mark.parametrize("builder", [build_network, build_ensemble])
def test_keras_file_round_trip_gives_identical_outputs(builder, x, tmp_path):
    model = builder(10, num_layers=2, units=8, training_size=321, seed=5, config=NetworkConfig(num_members=3))
    model(x)  # advance the noise state before saving
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert np.array_equal(ops.convert_to_numpy(model(x)), ops.convert_to_numpy(loaded(x)))
    assert all(float(layer.training_size) == 321 for layer in concrete_layers(loaded))


def test_regularisers_follow_training_size_and_length_scale(x):
    model = build_network(10, num_layers=2, units=8, training_size=100, seed=0)
    total = lambda: sum(float(ops.convert_to_numpy(layer.regularisation())) for layer in concrete_layers(model))
    weight_part = lambda: sum(float(ops.convert_to_numpy(ops.square(layer.length_scale) / layer.training_size
                                                       * (ops.sum(ops.square(layer.kernel)) + ops.sum(ops.square(layer.bias)))
                                                       / (1 - layer.dropout_rate))) for layer in concrete_layers(model))
    before, weights_before = total(), weight_part()
    set_training_size(model, 1000)
    assert np.isclose(total(), before / 10, rtol=1e-5)
    set_length_scale(model, 0.2)
    assert np.isclose(weight_part(), weights_before / 10 * 4, rtol=1e-5)
    with pytest.raises(ValueError, match="length_scale must be positive"):
        set_length_scale(model, 0)


def test_training_adds_the_regulariser_and_learns_dropout(x):
    model = build_network(10, num_layers=2, units=16, training_size=len(x), seed=0)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
    labels = (x[:, 0] > 0).astype("float32")[:, None]
    rates = [float(ops.convert_to_numpy(layer.dropout_rate)) for layer in concrete_layers(model)]
    history = model.fit(x, labels, epochs=5, batch_size=16, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert rates != [float(ops.convert_to_numpy(layer.dropout_rate)) for layer in concrete_layers(model)]


def test_mc_prediction_shapes_streaming_and_stochasticity(x):
    model = build_network(10, num_layers=2, units=8, seed=0)
    samples = mc_samples(model, x, num_mc_samples=20)
    assert samples.shape == (64, 20) and samples.dtype == np.float32 and (samples.std(1) > 0).all()
    chunks = list(iter_mc_samples(model, x, 20, max_rows=100))  # 5 points per chunk
    assert len(chunks) == 13 and chunks[0][1].shape == (5, 20) and chunks[-1][0] == slice(60, 64)
    mean = mc_mean(model, x, 400)
    assert mean.shape == (64,) and np.allclose(mean, samples.mean(1), atol=0.15)


def test_ensemble_members_are_independent_and_deterministic(x):
    ensemble = build_ensemble(10, num_layers=2, units=8, seed=0, config=NetworkConfig(num_members=4))
    samples = mc_samples(ensemble, x, None)
    assert samples.shape == (64, 4) and np.array_equal(samples, mc_samples(ensemble, x, 4))
    assert samples.std(1).min() > 0  # members disagree


def test_bad_inputs(x):
    model = build_network(10, num_layers=1, units=4)
    with pytest.raises(ValueError, match=r"x must have shape \(num_points, 10\)"):
        mc_mean(model, x[:, :3], 5)
    with pytest.raises(ValueError, match="NaN"):
        mc_samples(model, np.full((2, 10), np.inf), 5)
    with pytest.raises(ValueError, match="num_mc_samples must be a positive integer"):
        mc_mean(model, x, 0)
