"""Run state without a browser: the runner's worker and the dashboard's state object (no server, no page)."""
import time

import pytest

from bfbnb.runner import Runner, RunnerBusy, RunSettings, learner_from_settings

TINY = dict(initial_size=400, validation_size=800, batch_size=30, num_batches=2, pool_factor=10, num_mc_samples=8, epochs=10,
            patience=3, num_restarts=10, num_layers=2, units=16)


def _settle(state, condition, seconds=180):
    deadline = time.time() + seconds
    while not condition() and time.time() < deadline:
        state.poll()
        time.sleep(0.05)
    state.poll()
    assert condition()


def test_runner_two_rounds_pause_stop_and_refusal():
    runner = Runner()
    runner.start(learner_from_settings(RunSettings(model="inert_2hdm", **TINY)), 2)
    with pytest.raises(RunnerBusy):
        runner.start(runner.learner, 1)
    assert runner.join(180) and runner.last_reason == "done"
    assert [e.round_index for e in runner.drain() if e.kind == "round"] == [0, 1]
    runner.resume(10)
    runner.pause()
    assert runner.join(180) and runner.last_reason == "paused" and runner.learner.round_index <= 3
    runner.resume(10)
    runner.stop()
    assert runner.join(180) and runner.last_reason == "stopped" and not runner.running


def test_dashboard_state_runs_pauses_stops_and_rejects_bad_potentials():
    from bfbnb.dashboard import DashboardState
    bad = DashboardState(model="custom (type V below)", potential_text="lam0*phi0**4 + lam1*__import__('os')", num_lam=2)
    assert not bad.start() and "Invalid potential" in bad.error and bad.learner is None and not bad.runner.running
    state = DashboardState(model="inert 2HDM", rounds=2, **{k: v for k, v in TINY.items() if k != "patience"})
    assert state.start() and state.running
    assert not state.start() and "already in progress" in state.error
    _settle(state, lambda: not state.running)
    assert state.num_records == 2 and [r.round_index for r in state.records] == [0, 1] and "(finished)" in state.status
    state.rounds = 10
    assert state.resume()
    state.pause()
    _settle(state, lambda: not state.running)
    assert state.runner.last_reason == "paused" and len(state.records) <= 3
    assert state.resume()
    state.stop()
    _settle(state, lambda: not state.running)
    assert state.runner.last_reason == "stopped" and not state.runner.running
