"""Multiplet notation: every catalogue model written as its paper writes it is the catalogue potential; gauge fixing
changes no label; a model that is not in the catalogue, written only in multiplet notation, trains end to end from
the command line, and its oracle labels agree with the certifier's proofs."""
import contextlib
import io
import json

import numpy as np
import pytest
import sympy as sp

from bfbnb.certify import Certifier
from bfbnb.cli import main
from bfbnb.learner import Learner
from bfbnb.models import MODEL_NAMES, get_model
from bfbnb.multiplets import multiplet_potential
from bfbnb.oracle import Oracle
from bfbnb.sampling import sample_sphere

ROOT2 = sp.sqrt(2)
# each multiplet component of the catalogue's multiplet text, as a linear function of the catalogue's phi0, phi1, ...
# (k: phi_k; -k: -phi_k; a float factor: the GM papers' complex entries are (re + i im)/sqrt(2))
COMPONENTS = {
    "2hdm": [(0, 1), (1, 1), (3, 1), (2, 1), (4, 1)], # the catalogue's second doublet is (phi1 + i phi3, phi2 + i phi4)
    "inert_2hdm": [(0, 1), (1, 1), (3, 1), (2, 1), (4, 1)],
    "3hdm_u1u1": [(k, 1) for k in range(9)],
    "3hdm_z2z2": [(k, 1) for k in range(9)],
    "gm": [(0, 1 / ROOT2), (5, -1 / ROOT2), (6, -1 / ROOT2), (7, 1 / ROOT2), (8, 1 / ROOT2), (1, 1 / ROOT2), (2, 1 / ROOT2), (3, -1), (4, -1), (9, 1)],
    "precustodial_gm": [(0, 1), (2, -1), (5, -1), (1, 1), (4, 1), (3, 1), (6, 1), (8, -1), (9, -1), (7, 1)],
}

# 2HDM plus a complex singlet (Y = 0): not in the catalogue, 7 real components, 15 couplings
SINGLET_2HDM = """fields: H1, H2 doublet; S complex singlet
couplings: lambda1, lambda2, lambda3, lambda4 real; lambda5, lambda6, lambda7 complex; lamS, k1, k2 real; kS complex
V = lambda1/2 (H1+ H1)^2 + lambda2/2 (H2+ H2)^2 + lambda3 (H1+ H1)(H2+ H2) + lambda4 (H1+ H2)(H2+ H1)
    + [ lambda5/2 (H1+ H2)^2 + lambda6 (H1+ H1)(H1+ H2) + lambda7 (H2+ H2)(H1+ H2) + h.c. ]
    + lamS/4 abs2(S)^2 + k1 (H1+ H1) abs2(S) + k2 (H2+ H2) abs2(S) + [ kS/4 S^4 + h.c. ]"""


# the inert 2HDM plus a real singlet: 6 real components, 8 couplings, about 3 % of the coupling sphere BFB
SINGLET_INERT = """fields: H1, H2 doublet; S real singlet
couplings: lambda1, lambda2, lambda3, lambda4, lambda5, lamS, k1, k2 real
V = lambda1/2 (H1+ H1)^2 + lambda2/2 (H2+ H2)^2 + lambda3 (H1+ H1)(H2+ H2) + lambda4 (H1+ H2)(H2+ H1)
    + [ lambda5/2 (H1+ H2)^2 + h.c. ] + lamS/4 S^4 + k1/2 (H1+ H1) S^2 + k2/2 (H2+ H2) S^2"""


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_catalogue_multiplet_text_is_the_catalogue_potential(name):
    model = get_model(name)
    written, catalogue = multiplet_potential(model.multiplet_text), model.potential
    assert written.lam_names == list(model.coupling_names) and written.num_phi == catalogue.num_phi
    phi = [sp.Symbol(f"phi{k}", real=True) for k in range(catalogue.num_phi)]
    components = {sp.Symbol(n, real=True): factor * phi[k] for n, (k, factor) in zip(written.phi_names, COMPONENTS[name])}
    couplings = {sp.Symbol(n, real=True): sp.Symbol(f"lam{k}", real=True) for k, n in enumerate(written.lam_names)}
    difference = sp.expand(written.expression.xreplace(components).xreplace(couplings) - catalogue.expression)
    assert all(abs(float(c)) < 1e-12 for c in sp.Poly(difference, *phi).coeffs()) if difference != 0 else True


def _bfb_points(model, count):
    "Uniform points of the exact BFB region (about 0.5 % of the sphere for the 2HDM)."
    lam = sample_sphere(20_000, 10, np.random.default_rng(1))
    return lam[model.truth(lam)][:count]


def test_gauge_fixing_changes_no_label_and_no_minimum():
    "The first doublet rotated to (0, real) or left free: the same labels (the exact truth as referee) and the same minimum."
    model = get_model("2hdm")
    fixed, free = multiplet_potential(model.multiplet_text), multiplet_potential(model.multiplet_text, fix_gauge=False)
    assert (fixed.num_phi, free.num_phi) == (5, 8)
    lam = np.concatenate([sample_sphere(1000, 10, np.random.default_rng(0)), _bfb_points(model, 20)])
    on, off = Oracle(fixed, 20, seed=0).label(lam), Oracle(free, 40, seed=0).label(lam)
    truth = model.truth(lam)
    assert (on.labels == truth).mean() >= 0.998 and (off.labels == truth).mean() >= 0.998 and (on.labels == off.labels).mean() >= 0.998
    bfb = on.labels & off.labels # a witness search stops at the first negative value; a BFB point's minimum is the global one
    assert bfb.sum() >= 3 and np.allclose(on.min_values[bfb], off.min_values[bfb], atol=1e-4) # the minimiser stops within ~1e-5, (on.min_values[bfb], off.min_values[bfb])


def cli(*arguments):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try: code = main([str(a) for a in arguments])
        except SystemExit as exit_: code = exit_.code
    return code, out.getvalue(), err.getvalue()


def test_a_model_written_only_in_multiplets_trains_from_the_cli(tmp_path):
    source = tmp_path / "singlet_inert.txt"
    source.write_text(SINGLET_INERT)
    out = tmp_path / "run"
    code, said, err = cli("train", "--potential", source, "--out", out, "--rounds", "2", "--initial-size", "800", "--validation-size", "400",
                          "--batch-size", "40", "--num-batches", "1", "--pool-factor", "5", "--epochs", "4", "--units", "16")
    assert code == 0, err
    assert "(2 rounds, 840 labels" in said, said
    learner = Learner.load(out)
    assert learner.potential.num_phi == 6 and learner.coupling_names[-3:] == ["lamS", "k1", "k2"]
    assert learner.potential.notation.text == SINGLET_INERT and dict(learner.potential.notation.components)["S"] == "S (real singlet)"
    assert json.loads((out / "config.json").read_text())["potential"]["notation"]["text"] == SINGLET_INERT # a saved run keeps the text as typed
    assert len(learner.records) == 2 and np.isfinite(learner.records[-1].metrics["validation_f_score"]["f1@1"])


def test_oracle_labels_of_a_multiplet_model_agree_with_the_certifier():
    potential = multiplet_potential(SINGLET_2HDM)
    rng = np.random.default_rng(3)
    lam = sample_sphere(300, potential.num_lam, rng)
    lam[:150, [0, 1, 10]] = np.abs(lam[:150, [0, 1, 10]]) + 0.5 # half of the points with positive diagonal couplings: both labels occur
    lam /= np.linalg.norm(lam, axis=1, keepdims=True)
    oracle = Oracle(potential, 50, seed=1)
    labels = oracle.label(lam).labels
    with Certifier(potential, Oracle(potential, 50, seed=2), num_workers=1) as certifier: result = certifier.certify(lam)
    decided = result.status != "undecided"
    assert labels.any() and (~labels).any() and decided.mean() >= 0.95, (labels.mean(), decided.mean())
    assert np.array_equal(labels[decided], result.status[decided] == "bfb")
