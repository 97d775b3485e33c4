"""Nothing a user does loses a run: the three data-loss paths users hit, and fault injection over every file of a saved run."""
import contextlib
import hashlib
import io
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from bfbnb.cli import main
from bfbnb.learner import Learner, LearnerConfig, NetworkSpec
from bfbnb.models import get_model
from bfbnb.oracle import Oracle
from bfbnb.persistence import DATA_FILES, VIEW_FILES, RunExistsError

OUTPUT = Path(__file__).parent / "output"
TINY = dict(initial_size=400, validation_size=600, num_batches=1, batch_size=40, pool_factor=10, num_mc_samples=8, epochs=8, patience=3)


def tiny(seed=0, model_name="inert_2hdm"):
    model = get_model(model_name)
    learner = Learner(model.potential, Oracle(model.potential, 10, seed=seed), LearnerConfig(**TINY, seed=seed), NetworkSpec(2, 16),
                      truth=model.truth)
    learner.model_name = model_name
    return learner


def tree(directory):
    "Every file under `directory` with its SHA-256: a directory that is 'unchanged' has the same tree."
    directory = Path(directory)
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.rglob("*")) if p.is_file()}


def cli(*arguments):
    "Run the bfbnb command in this process; (exit code, stdout, stderr)."
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try: code = main([str(a) for a in arguments])
        except SystemExit as exit_: code = exit_.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def saved_runs(tmp_path_factory):
    "A 2-round run, the same run after one more round (the reference), and an unrelated run whose files replace ours."
    root = tmp_path_factory.mktemp("runs")
    learner = tiny(seed=0)
    learner.run(2, directory=root / "run", progress=False)
    other = tiny(seed=1)
    other.run(2, directory=root / "other", progress=False)
    reference = Learner.load(root / "run")
    reference.step()
    return root / "run", root / "other", reference


# --- the three data-loss paths -------------------------------------------------------------------------

def test_train_into_an_existing_run_is_refused_and_force_moves_it_aside(tmp_path):
    out = tmp_path / "x"
    code, _, _ = cli("train", "--model", "inert_2hdm", "--rounds", "2", "--out", out)
    assert code == 0
    before = tree(out)
    code, _, err = cli("train", "--model", "gm", "--rounds", "1", "--out", out)
    assert code == 2 and err.count("\n") == 1 and "already holds another run" in err and "bfbnb resume" in err and "--force" in err
    assert tree(out) == before  # not a byte changed
    code, said, _ = cli("train", "--model", "gm", "--rounds", "1", "--out", out, "--force")
    assert code == 0 and "moved what was in" in said
    assert tree(tmp_path / "x.replaced-1") == before and Learner.load(out).model_name == "gm"
    assert Learner.load(tmp_path / "x.replaced-1").round_index == 2


def test_resume_without_the_network_is_refused_unless_retrain(tmp_path, saved_runs):
    run = tmp_path / "run"
    shutil.copytree(saved_runs[0], run)
    (run / "model.keras").unlink()
    before, rows = tree(run), len(Learner.load(saved_runs[0]).train)
    code, _, err = cli("resume", run, "--rounds", "1")
    assert code == 2 and err.count("\n") == 1 and "model.keras: missing, so the trained network is lost" in err and "--retrain" in err
    assert tree(run) == before  # no silent restart from fresh initial data
    code, said, _ = cli("resume", run, "--rounds", "1", "--retrain")
    resumed = Learner.load(run)
    assert code == 0 and resumed.round_index == 3 and len(resumed.train) >= rows  # the acquired labels are kept
    assert np.array_equal(resumed.train.x[:rows], Learner.load(saved_runs[0]).train.x)


def test_dashboard_resume_loads_the_typed_run_instead_of_saving_the_session_learner_over_it(tmp_path):
    from bfbnb.dashboard import DashboardState
    settings = dict(initial_size=500, validation_size=600, batch_size=30, num_batches=1, pool_factor=10, num_mc_samples=8, epochs=8,
                    num_restarts=10, num_layers=2, units=16, rounds=1)

    def finish(state):
        deadline = time.time() + 120
        while state.running and time.time() < deadline: state.poll(); time.sleep(0.05)
        state.poll()
        assert not state.running

    saved = DashboardState(model="inert 2HDM", directory=str(tmp_path / "saved"), **{**settings, "rounds": 2})
    assert saved.start(); finish(saved)
    saved_id, saved_labels = Learner.load(tmp_path / "saved").run_id, Learner.load(tmp_path / "saved").num_labels
    session = DashboardState(model="GM", **settings)  # an unrelated run held in memory
    assert session.start(); finish(session)
    session.directory = str(tmp_path / "saved")
    before = tree(tmp_path / "saved")
    assert not session.start() and "holds another run" in session.error and tree(tmp_path / "saved") == before
    assert session.resume(); finish(session)
    after = Learner.load(tmp_path / "saved")
    assert after.run_id == saved_id and after.model_name == "inert_2hdm" and after.round_index == 3 and after.num_labels > saved_labels
    session.directory = str(tmp_path / "nowhere")
    assert not session.resume() and session.error.startswith("Cannot resume:") and "no such run directory" in session.error


def test_library_save_refuses_another_run_and_run_checks_before_training(tmp_path, saved_runs):
    run = tmp_path / "run"
    shutil.copytree(saved_runs[0], run)
    before = tree(run)
    stranger = tiny(seed=5)
    with pytest.raises(RunExistsError, match="already holds another run"):
        stranger.run(1, directory=run, progress=False)
    assert stranger.round_index == 0 and tree(run) == before  # refused before any training
    (tmp_path / "notes").mkdir(); (tmp_path / "notes" / "thesis.tex").write_text("precious")
    with pytest.raises(RunExistsError, match="not a readable bfbnb run"):
        stranger.save(tmp_path / "notes")
    assert (tmp_path / "notes" / "thesis.tex").read_text() == "precious"


def test_run_saves_after_every_round_by_default(tmp_path):
    learner, saves = tiny(), []
    original = learner.save
    learner.save = lambda directory, force=False: saves.append(learner.round_index) or original(directory, force)
    learner.run(2, directory=tmp_path / "run", progress=False)
    assert saves == [1, 2]


# --- fault injection over every file of a saved run -----------------------------------------------------

def _damage(path: Path, how: str, other: Path):
    data = path.read_bytes()
    if how == "deleted": path.unlink()
    elif how == "truncated to 0 bytes": path.write_bytes(b"")
    elif how == "truncated to half": path.write_bytes(data[:len(data) // 2])
    elif how == "last byte cut": path.write_bytes(data[:-1])
    elif how == "bytes flipped":
        middle = bytearray(data)
        for offset in (len(data) // 3, len(data) // 2, 2 * len(data) // 3): middle[offset] ^= 0xFF
        path.write_bytes(bytes(middle))
    elif how == "another run's file": shutil.copy(other / path.name, path)


DAMAGES = ("deleted", "truncated to 0 bytes", "truncated to half", "last byte cut", "bytes flipped", "another run's file")
FILES = ("config.json",) + DATA_FILES + VIEW_FILES


@pytest.mark.slow
def test_fault_injection_every_file_every_damage(tmp_path, saved_runs):
    run, other, reference = saved_runs
    assert sorted(p.name for p in run.iterdir()) == sorted(FILES)  # the table covers every file a save writes
    table = []
    for name in FILES:
        for how in DAMAGES:
            case = tmp_path / f"{name}-{how}".replace(" ", "_").replace("'", "")
            shutil.copytree(run, case)
            _damage(case / name, how, other)
            before = tree(case)
            code, _, err = cli("resume", case, "--rounds", "1")
            if code == 0:
                resumed = Learner.load(case)
                same = (resumed.round_index == reference.round_index and np.array_equal(resumed.train.x, reference.train.x)
                        and np.array_equal(resumed.train.labels, reference.train.labels)
                        and resumed.records[-1].metrics == reference.records[-1].metrics)
                assert same, f"{name} {how}: loaded but did not resume identically"
                outcome = "identical resume (a view for people, rewritten by every save)"
            else:
                assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, (name, how, err)
                assert f"{case.name}/{name}" in err or (name == "config.json" and str(case) in err), (name, how, err)
                assert tree(case) == before, f"{name} {how}: the failed resume changed the directory"
                outcome = "one-line error: " + err.split("error: ", 1)[1].strip().replace(str(case), "RUN")
            table.append(f"| {name} | {how} | {outcome} |")
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / "fault_injection.md").write_text("| file | damage | outcome |\n|---|---|---|\n" + "\n".join(table) + "\n")
    assert len(table) == len(FILES) * len(DAMAGES)


# --- points in and out, and the command line ------------------------------------------------------------

CSV_CASES = {
    "header in the papers' names, any order": ("lambda5,lambda1,lambda2,lambda3,lambda4\n0.5,0.1,0.2,0.3,0.4\n", None),
    "no header, trailing blank lines": ("0.1,0.2,0.3,0.4,0.5\n\n\n", None),
    "semicolons": ("0.1;0.2;0.3;0.4;0.5\n", None),
    "tabs and the potential's names": ("lam0\tlam1\tlam2\tlam3\tlam4\n0.1\t0.2\t0.3\t0.4\t0.5\n", None),
    "spaces, blank line first": ("\n0.1 0.2  0.3 0.4 0.5\n", None),
    "a bad cell in the first (numeric) row": ("0.1,0.2,oops,0.4,0.5\n", "line 1, column 3 (lambda3) 'oops' is not a finite number"),
    "a bad cell later": ("0.1,0.2,0.3,0.4,0.5\n0.1,0.2,0.3,,0.5\n", "line 2, column 4 (lambda4) is empty"),
    "decimal commas": ("0,1;0,2;0,3;0,4;0,5\n", "has both commas and semicolons"),
    "too few values": ("0.1,0.2,0.3\n", "line 1 has 3 values, expected 5"),
    "unknown column": ("lambda1,lambda2,lambda3,lambda4,m_H\n1,2,3,4,5\n", "column 'm_H' is not a coupling of this model"),
}


@pytest.mark.parametrize("case", list(CSV_CASES))
def test_points_csv(tmp_path, case):
    text, message = CSV_CASES[case]
    (tmp_path / "points.csv").write_text(text)
    code, said, err = cli("label", tmp_path / "points.csv", "--model", "inert_2hdm", "--restarts", "5", "--out", tmp_path / "labels.csv")
    if message is None:
        assert code == 0, err
        header, row = (tmp_path / "labels.csv").read_text().splitlines()[:2]
        assert header.split(",")[:7] == ["lambda1", "lambda2", "lambda3", "lambda4", "lambda5", "bfb", "evidence"] or header.startswith("lam0")
        assert np.allclose([float(v) for v in row.split(",")[:5]], [0.1, 0.2, 0.3, 0.4, 0.5])
        assert "BFB presumed" in said and "witness" in said
    else:
        assert code == 2 and message in err and err.count("\n") == 1 and "numpy" not in err, err
        assert not (tmp_path / "labels.csv").exists()


def test_help_does_not_import_tensorflow():
    import subprocess
    code = ("import sys, time; start = time.perf_counter(); from bfbnb.cli import main\n"
            "try: main(['--help'])\nexcept SystemExit: pass\n"
            "for command in ('train', 'resume', 'label', 'predict', 'demo', 'serve'):\n"
            "    try: main([command, '--help'])\n    except SystemExit: pass\n"
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'TensorFlow imported by --help'\n"
            "print(f'HELP {time.perf_counter() - start:.2f}')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "re_lambda5, im_lambda5" in result.stdout and "--retrain" in result.stdout and "HELP" in result.stdout


def test_every_option_has_help_text():
    import argparse
    from bfbnb.cli import build_parser
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    for name, sub in {"bfbnb": parser, **commands}.items():
        for action in sub._actions:
            if not isinstance(action, argparse._SubParsersAction):
                assert action.help, f"{name} {action.option_strings or action.dest} has no help text"
