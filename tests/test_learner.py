"""The learner: records, exact resume after save/load, survival of SIGKILL mid-run, bad input."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from bfbnb.learner import Learner, LearnerConfig, NetworkSpec
from bfbnb.models import get_model
from bfbnb.network import mean_field
from bfbnb.oracle import Oracle
from bfbnb.persistence import RunDirectoryError
from bfbnb.witness import witness_layer

TINY = dict(initial_size=400, validation_size=1000, num_batches=2, batch_size=40, pool_factor=10,
            num_mc_samples=8, epochs=15, patience=5, seed=11)


def _sha256(path):
    import hashlib
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def tiny(model_name="2hdm", spec=None, **overrides):
    model = get_model(model_name)
    config = LearnerConfig(**{**TINY, **overrides})
    return Learner(model.potential, Oracle(model.potential, 10, seed=config.seed), config, spec or NetworkSpec(2, 16), truth=model.truth)


def test_round_records(tmp_path):
    learner = tiny("2hdm", initial_size=3000)
    records = learner.run(2, directory=tmp_path / "run")
    assert [r.round_index for r in records] == [0, 1]
    assert records[0].num_labels == 3000 and records[1].num_labels == 3080 and records[1].num_train >= 3080
    assert set(records[1].timings) == {"candidates", "scoring", "labelling", "training", "metrics"}
    assert "validation_f_score" in records[1].metrics and records[1].epoch_losses and records[1].messages
    assert learner.validation_source == "truth" and learner.train.is_from("convex").any()  # convex-combination positives
    assert (tmp_path / "run" / "output.txt").read_text().startswith("Round 0")
    for name in ("metrics.png", "training.png"):
        assert (tmp_path / "run" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


BAD_FIELDS = [("initial_size", 1, "integer >= 2"), ("initial_size", 10.0, "integer"), ("validation_size", 0, "integer >= 1"),
              ("min_bfb_fraction", 1.0, "[0, 1)"), ("witness_negatives", -1.0, "[0, 100]"), ("min_bfb_fraction", -0.1, "[0, 1)"), ("num_batches", 0, "integer >= 1"),
              ("batch_size", -5, "integer >= 1"), ("pool_factor", 0, "integer >= 1"), ("uniform_fraction", 1.5, "[0, 1]"),
              ("hop_distance", 0.0, "(0, pi]"), ("hop_distance", 4.0, "(0, pi]"), ("score", "entropy", "score name"),
              ("selection", "greedy", "top_k, power"), ("beta", 0.0, "(0, inf)"), ("center_score", "nope", "None or a score name"),
              ("num_mc_samples", 1, "integer >= 2"), ("epochs", 0, "integer >= 1"), ("patience", 0, "integer >= 1"),
              ("train_batch_size", 0, "integer >= 1"), ("learning_rate", float("nan"), "(0, 1]"), ("learning_rate", 0, "(0, 1]"),
              ("reduce_lr_patience", -1, "integer >= 0"), ("from_scratch", "yes", "True or False"),
              ("full_train_interval", 0, "integer >= 1"), ("reshuffle_epochs", "yes", "True or False"), ("use_truth", 1, "True or False"),
              ("seed", -1, "integer >= 0"),
              ("seed", True, "integer >= 0"), ("validation", "proofs", "one of auto, truth, oracle, certified"),
              ("certify", "yes", "True or False")]


@pytest.mark.parametrize("name, value, expected", BAD_FIELDS, ids=[f"{n}={v!r}" for n, v, _ in BAD_FIELDS])
def test_config_field_errors_name_field_value_and_rule(name, value, expected):
    with pytest.raises(ValueError) as error:
        LearnerConfig(**{name: value})
    message = str(error.value)
    assert message.startswith(f"LearnerConfig.{name} = {value!r} is invalid") and expected in message


def test_every_config_field_is_checked():
    checked = {name for name, _, _ in BAD_FIELDS}
    assert checked == set(LearnerConfig.__dataclass_fields__), set(LearnerConfig.__dataclass_fields__) - checked
    with pytest.raises(ValueError, match="NetworkSpec.num_layers = 0 is invalid"):
        NetworkSpec(num_layers=0)
    with pytest.raises(TypeError, match="NetworkSpec.config must be a bfbnb.network.NetworkConfig"):
        NetworkSpec(config={"length_scale": 0.1})
    with pytest.raises(ValueError, match=r"NetworkSpec.num_witness_directions = -1 is invalid: it must be an integer >= 0"):
        NetworkSpec(num_witness_directions=-1)


@pytest.mark.parametrize("from_scratch", [True, False])
def test_resume_equals_uninterrupted_run(tmp_path, from_scratch):
    # the general 2HDM (10 couplings; ~0.4% of uniform points are BFB, hence 3,000 initial points); warm-started, the
    # loaded run goes on with the saved optimiser state
    straight = tiny("2hdm", initial_size=3000, from_scratch=from_scratch)
    for _ in range(3):
        straight.step()
    interrupted = tiny("2hdm", initial_size=3000, from_scratch=from_scratch)
    interrupted.run(2, directory=tmp_path / "run")
    assert (tmp_path / "run" / "optimizer.npz").exists() == (not from_scratch)
    resumed = Learner.load(tmp_path / "run", truth=get_model("2hdm").truth)
    resumed.step()
    for field in ("x", "labels", "certain", "source"):
        assert np.array_equal(getattr(resumed.train, field), getattr(straight.train, field)), field
    assert np.array_equal(resumed.train.min_values, straight.train.min_values, equal_nan=True)
    assert np.array_equal(resumed.train.witnesses, straight.train.witnesses, equal_nan=True)
    assert witness_layer(resumed.model) is not None  # the default network sees the witness margin
    assert [r.num_labels for r in resumed.records] == [r.num_labels for r in straight.records]
    probe = np.random.default_rng(0).normal(size=(200, 10))
    assert np.allclose(mean_field(resumed.model, probe), mean_field(straight.model, probe), atol=1e-5)
    for name, values in straight.records[-1].metrics.items():
        assert resumed.records[-1].metrics[name] == pytest.approx(values, abs=1e-6), name


def test_looking_at_a_run_does_not_change_it(tmp_path):
    # a map drawn, a point clicked and an analysis table made between rounds (and after the reload):
    # the run goes on exactly as the uninterrupted one
    from bfbnb.analysis import accuracy_table, boundary_distance, slice_scan
    from bfbnb.explore import SliceSpec, default_base, point_details, slice_map
    model = get_model("inert_2hdm")

    def look(learner):
        spec = SliceSpec(0, 1, default_base(learner), resolution=12)
        slice_map(learner, spec, num_mc_samples=8)
        point_details(learner, learner.validation.x[3], num_mc_samples=8)
        calibration = learner.calibration_scores(num_points=2000, num_mc_samples=8)
        slice_scan(learner, spec, calibration, num_random=50, truth="oracle")
        boundary_distance(learner, learner.validation.x[:5], num_directions=4, num_angles=4, num_mc_samples=8)
        accuracy_table(learner, {"validation": learner.validation.x[:300]}, model.truth, num_mc_samples=8)
        learner.predict(learner.validation.x[:50]); learner.calibration_uncertainties(num_points=2000)

    straight = tiny("inert_2hdm")
    for _ in range(3):
        straight.step()
    watched = tiny("inert_2hdm")
    for _ in range(2):
        watched.step()
        look(watched)
    watched.save(tmp_path / "run")
    resumed = Learner.load(tmp_path / "run", truth=model.truth)
    from bfbnb.explore import uncertain_points
    kept = uncertain_points(watched, 10)
    assert len(kept["score"]) == 10 and (np.diff(kept["score"]) <= 0).all()
    assert all(np.array_equal(kept[name], value) for name, value in uncertain_points(resumed, 10).items())  # a resumed run shows its last pool
    look(resumed)
    resumed.step()
    for field in ("x", "labels", "certain", "source"):
        assert np.array_equal(getattr(resumed.train, field), getattr(straight.train, field)), field
    assert len(resumed.oracle.cache) == len(straight.oracle.cache)
    for name, values in straight.records[-1].metrics.items():
        assert resumed.records[-1].metrics[name] == pytest.approx(values, abs=1e-6), name


@pytest.mark.slow
def test_sigkill_mid_run_leaves_a_loadable_checkpoint(tmp_path):
    directory = tmp_path / "run"
    script = textwrap.dedent(f"""
        import sys; sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_learner import tiny
        tiny("inert_2hdm").run(100, save_every=1, directory={str(directory)!r})
    """)
    process = subprocess.Popen([sys.executable, "-c", script], env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    try:
        deadline = time.time() + 240
        while time.time() < deadline and not (directory / "history.json").exists():
            time.sleep(0.05)
        assert (directory / "history.json").exists(), "the run never saved"
        while time.time() < deadline and not list(tmp_path.glob("run.saving-*")):  # kill during the next save
            time.sleep(0.001)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    resumed = Learner.load(directory, truth=get_model("inert_2hdm").truth)
    rounds = resumed.round_index
    assert rounds >= 1 and len(resumed.train) > 0
    record = resumed.step()
    assert record.round_index == rounds


def test_bad_input(tmp_path):
    model = get_model("2hdm")
    with pytest.raises(ValueError, match="use_truth needs an exact truth"):
        Learner(model.potential, config=LearnerConfig(use_truth=True))
    with pytest.raises(ValueError, match="num_rounds = 0 is invalid: it must be an integer >= 1"):
        tiny().run(0)
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "config.json").write_text('{"format": "something-else"}')
    with pytest.raises(RunDirectoryError, match="config.json: not a bfbnb run"):
        Learner.load(tmp_path / "foreign")
    with pytest.raises(RunDirectoryError, match="metrics.json: missing"):
        learner = tiny()
        learner.step()
        learner.save(tmp_path / "partial")
        (tmp_path / "partial" / "metrics.json").unlink()
        Learner.load(tmp_path / "partial")


def test_bad_witness_arrays_and_runs_saved_before_witness_features(tmp_path):
    learner = tiny("inert_2hdm", NetworkSpec(2, 16, num_proof_directions=0)) # its model.keras stands in for one saved before the proof gate
    learner.step()
    learner.save(tmp_path / "run")
    with np.load(tmp_path / "run" / "train.npz") as stored:
        arrays = {key: stored[key] for key in stored.files}
    np.savez(tmp_path / "run" / "train.npz", **{**arrays, "witnesses": arrays["witnesses"][:, :2]})
    with pytest.raises(RunDirectoryError, match="train.npz: damaged or replaced"):  # the checksum in config.json catches it first
        Learner.load(tmp_path / "run")
    config = json.loads((tmp_path / "run" / "config.json").read_text())
    config["files"]["train.npz"] = _sha256(tmp_path / "run" / "train.npz")  # a consistent checksum: the shapes are still checked
    (tmp_path / "run" / "config.json").write_text(json.dumps(config))
    with pytest.raises(RunDirectoryError, match="train.npz: arrays have inconsistent shapes .* 5 field components"):
        Learner.load(tmp_path / "run")
    # a run saved before witnesses were kept (format version 1: no run id, no checksums, no witness array,
    # no num_witness_directions, num_proof_directions or reshuffle_epochs entry) -> loads, uses the plain network from
    # then on, and keeps Keras' batch order (reshuffle_epochs off) as when it was started
    np.savez(tmp_path / "run" / "train.npz", **{key: value for key, value in arrays.items() if key != "witnesses"})
    assert config["learner"]["reshuffle_epochs"] is True
    del config["network"]["num_witness_directions"], config["network"]["num_proof_directions"], config["files"], config["run_id"]
    del config["learner"]["reshuffle_epochs"]
    config["learner"]["from_scratch"] = True  # the default then: every round a fresh network
    config["version"] = 1
    (tmp_path / "run" / "config.json").write_text(json.dumps(config))
    old = Learner.load(tmp_path / "run", truth=get_model("inert_2hdm").truth)
    assert np.isnan(old.train.witnesses).all() and old.network.num_witness_directions == 0 and old.network.num_proof_directions == 0
    assert old.config.reshuffle_epochs is False
    old.step()
    proven = old.train.is_from("selected") & old.train.certain  # witnesses are kept again for new labels
    assert witness_layer(old.model) is None and proven.any() and np.isfinite(old.train.witnesses[proven]).all()


def test_export_is_usable_with_plain_tensorflow(tmp_path):
    learner = tiny("inert_2hdm")
    learner.step()
    exported = learner.export(tmp_path / "exported")
    code = textwrap.dedent(f"""
        import sys, numpy as np, tensorflow as tf
        network = tf.saved_model.load({str(exported)!r})
        points = np.random.default_rng(0).normal(size=(10, 5)).astype("float32")
        probability = network.serve(np.repeat(points, 2000, axis=0)).numpy().reshape(10, 2000).mean(1)
        assert not any(name.startswith("bfbnb") for name in sys.modules), "bfbnb was imported"
        print(",".join(map(repr, probability.tolist())))
    """)
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    plain = np.array([float(v) for v in output.stdout.strip().splitlines()[-1].split(",")])
    points = np.random.default_rng(0).normal(size=(10, 5)).astype("float32")
    from bfbnb.network import mc_mean
    assert np.abs(plain - mc_mean(learner.model, points, 2000)).max() < 0.05
    assert "lam0, lam1, lam2, lam3, lam4" in (exported / "README.txt").read_text()


def test_a_proof_gated_run_saves_loads_and_exports(tmp_path):
    from bfbnb.sampling import sample_sphere
    from bfbnb.witness import proof_gate, witness_directions, witness_margin
    model = get_model("inert_2hdm")
    config = LearnerConfig(**TINY)
    spec = NetworkSpec(2, 16, num_proof_directions=50_000)
    learner = Learner(model.potential, Oracle(model.potential, 10, seed=config.seed), config, spec, truth=model.truth)
    learner.run(2, directory=tmp_path / "run")
    loaded = Learner.load(tmp_path / "run", truth=model.truth)
    assert loaded.network.num_proof_directions == 50_000 and proof_gate(loaded.model) is not None
    probe = sample_sphere(3000, 5, np.random.default_rng(0)).astype("float32")
    assert np.allclose(mean_field(loaded.model, probe), mean_field(learner.model, probe), atol=1e-6)
    proven = witness_margin(witness_directions(model.potential, learner.train.minimisers, 50_000), probe) < -1e-5
    assert proven.sum() > 100 and (mean_field(loaded.model, probe)[proven] == 0).all()
    assert not model.truth(probe[proven]).any()  # every gated point is non-BFB by the exact condition
    import tensorflow as tf
    network = tf.saved_model.load(str(learner.export(tmp_path / "exported")))  # kept: its variables live as long as it does
    served = network.serve(probe).numpy()
    assert (served[proven] == 0).all() and (served[~proven] > 0).any()  # the exported network keeps the gate
