"""The minimisation oracle: accuracy against exact truths, provenance, witness cache, determinism, bad input."""

import numpy as np
import pytest

from bfbnb.models import get_model, sample_near_boundary
from bfbnb.oracle import Oracle, OracleConfig, OracleResult, TruthOracle, WitnessCache, as_oracle
from bfbnb.robustness import robustness_check
from bfbnb.sampling import sample_sphere


@pytest.fixture(scope="module")
def two_hdm():
    return get_model("2hdm")


@pytest.fixture(scope="module")
def near_2hdm(two_hdm):
    return sample_near_boundary(two_hdm.truth, 10, 800, np.random.default_rng(5))


def test_no_false_labels_on_uniform_and_near_boundary_2hdm(two_hdm, near_2hdm, rng):
    oracle = Oracle(two_hdm.potential, num_restarts=50, seed=1, use_cache=False)
    for points in (sample_sphere(2000, 10, rng), near_2hdm):
        result = oracle.label(points)
        assert np.array_equal(result.labels, two_hdm.truth(points))


def test_gm_near_boundary_false_bfb_rate(rng):
    model = get_model("gm")
    points = sample_near_boundary(model.truth, 5, 1000, rng)
    result = Oracle(model.potential, num_restarts=50, seed=2).label(points)
    exact = model.truth(points)
    assert (result.labels & ~exact).sum() <= 1 and (~result.labels & exact).sum() == 0


def test_provenance(two_hdm, near_2hdm):
    oracle = Oracle(two_hdm.potential, num_restarts=30, seed=3)
    result = oracle.label(near_2hdm)
    tolerance = oracle.config.tolerance
    assert np.array_equal(result.certain, ~result.labels)  # a minimisation oracle proves only non-BFB
    assert (result.min_values[result.certain] < -tolerance).all() and (result.min_values[~result.certain] >= -tolerance).all()
    witnesses = result.witnesses[result.certain]
    assert np.allclose(np.linalg.norm(witnesses, axis=1), 1)
    assert np.allclose(two_hdm.potential.value(witnesses, near_2hdm[result.certain]), result.min_values[result.certain])
    assert np.isnan(result.witnesses[~result.certain]).all() and not result.from_cache.any()
    assert "certain" in result.summary() and result.labels_per_second > 0


def test_witness_cache_settles_points_and_agrees_with_minimisation(two_hdm, rng):
    oracle = Oracle(two_hdm.potential, num_restarts=30, seed=4, cache_capacity=64)
    oracle.label(sample_sphere(3000, 10, rng))
    assert 0 < len(oracle.cache) <= 64
    points = sample_sphere(3000, 10, rng)
    warm = oracle.label(points)
    assert warm.from_cache.mean() > 0.9
    assert np.array_equal(warm.labels, two_hdm.truth(points))
    cached = warm.from_cache
    assert (two_hdm.potential.value(warm.witnesses[cached], points[cached]) < 0).all()
    size = len(oracle.cache)
    assert oracle.cache.add(oracle.cache.phis) == 0 and len(oracle.cache) == size  # duplicates are skipped


def test_same_seed_same_labels(near_2hdm, two_hdm):
    first = Oracle(two_hdm.potential, 20, seed=9, use_cache=False).label(near_2hdm)
    second = Oracle(two_hdm.potential, 20, seed=9, use_cache=False).label(near_2hdm)
    assert np.array_equal(first.labels, second.labels) and np.array_equal(first.min_values, second.min_values)


def test_witness_cache_file_round_trip_and_atomic_save(two_hdm, rng, tmp_path, monkeypatch):
    oracle = Oracle(two_hdm.potential, 20, seed=0)
    oracle.label(sample_sphere(500, 10, rng))
    path = tmp_path / "witnesses.npz"
    oracle.cache.save(path)
    loaded = WitnessCache.load(path, two_hdm.potential)
    assert np.allclose(loaded.phis, oracle.cache.phis) and np.array_equal(loaded.hits, oracle.cache.hits)

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("killed mid-save")
    monkeypatch.setattr(np, "savez", crash)
    with pytest.raises(KeyboardInterrupt):
        oracle.cache.save(path)
    monkeypatch.undo()
    assert len(WitnessCache.load(path, two_hdm.potential)) == len(loaded)  # the previous file survived
    assert [p.name for p in tmp_path.iterdir()] == ["witnesses.npz"]  # no temporary left behind


def test_corrupted_or_foreign_cache_files(two_hdm, tmp_path):
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"\x00" * 100)
    with pytest.raises(ValueError, match="not a readable witness cache"):
        WitnessCache.load(garbage, two_hdm.potential)
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, x=np.ones(3))
    with pytest.raises(ValueError, match="not a bfbnb witness cache"):
        WitnessCache.load(foreign, two_hdm.potential)
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, format=np.array("bfbnb-witnesses"), phis=np.array([object()], dtype=object), hits=np.zeros(1))
    with pytest.raises(ValueError):
        WitnessCache.load(pickled, two_hdm.potential)


def test_bad_input_and_settings(two_hdm):
    oracle = Oracle(two_hdm.potential, 10)
    with pytest.raises(ValueError, match=r"lam must have shape \(\.\.\., 10\)"):
        oracle.label(np.ones((4, 9)))
    with pytest.raises(ValueError, match="NaN"):
        oracle.label(np.array([[np.nan] * 10]))
    with pytest.raises(ValueError, match="num_restarts must be at least 1"):
        Oracle(two_hdm.potential, 0)
    with pytest.raises(TypeError, match="unknown oracle settings"):
        Oracle(two_hdm.potential, 10, tolerence=1e-9)
    with pytest.raises(ValueError, match="chunk_size must be at least 1"):
        OracleConfig(chunk_size=0)


def test_robustness_check_recommends_a_setting(rng):
    for name in ("2hdm", "gm"):
        model = get_model(name)
        sample = sample_near_boundary(model.truth, model.potential.num_lam, 200, rng)
        report = robustness_check(model.potential, sample, start=4, count_success=2)
        assert report.recommended is not None and len(report.steps) >= 3
        assert report.steps[-1].num_changed == 0 and "recommended" in report.table()


def test_custom_and_truth_oracles(two_hdm, near_2hdm):
    truth = TruthOracle(two_hdm).label(near_2hdm)
    assert np.array_equal(truth.labels, two_hdm.truth(near_2hdm)) and truth.certain.all()
    custom = as_oracle(lambda lam: (lam[:, 0] > 0, lam[:, 1]), num_phi=5).label(near_2hdm)
    assert isinstance(custom, OracleResult) and np.array_equal(custom.min_values, near_2hdm[:, 1])
    with pytest.raises(ValueError, match="bool array"):
        as_oracle(lambda lam: np.ones(3, bool), 5).label(near_2hdm)
