"""The one settings schema reaches every front end: a field of RunSettings is a CLI flag, a dashboard control,
a notebook-widget control, a value checked by its rule, and part of the saved run."""
import argparse
import json
from dataclasses import fields

import pytest

from bfbnb.settings import PRESETS, RunSettings

RUN_FIELDS = [f.name for f in fields(RunSettings) if f.metadata["group"] != "potential"]


def test_every_run_setting_is_a_cli_flag_with_help():
    from bfbnb.cli import build_parser
    parser = build_parser()
    train = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices["train"]
    flags = {action.dest: action for action in train._actions}
    for name in RUN_FIELDS:
        assert name in flags, name
        assert RunSettings.__dataclass_fields__[name].metadata["help"] in flags[name].help


def test_every_run_setting_is_a_dashboard_and_a_widget_control():
    from bfbnb.dashboard import DashboardState
    from bfbnb.widgets import SettingsForm
    state = DashboardState()
    for name in RUN_FIELDS:
        assert state.param[name].doc == RunSettings.__dataclass_fields__[name].metadata["help"], name
        assert getattr(state, name) == getattr(RunSettings(), name), name
    assert list(SettingsForm().controls) == [f.name for f in fields(RunSettings)]


@pytest.mark.parametrize("preset", list(PRESETS))
def test_presets_obey_every_rule(preset):
    from bfbnb.runner import check_settings
    assert check_settings(RunSettings.preset(preset))


def test_every_loop_and_network_setting_is_saved_with_the_run(tmp_path):
    from bfbnb.runner import learner_from_settings
    settings = RunSettings(model="inert_2hdm", initial_size=200, validation_size=200, epochs=2, units=8, num_layers=1,
                           num_mc_samples=4, num_restarts=5, num_witness_directions=64)
    learner = learner_from_settings(settings)
    learner.step()
    learner.save(tmp_path / "run")
    saved = json.dumps(json.loads((tmp_path / "run" / "config.json").read_text()))
    for f in fields(RunSettings):
        if f.metadata["target"] in ("config", "network", "network_config"): assert f'"{f.name}"' in saved, f.name
