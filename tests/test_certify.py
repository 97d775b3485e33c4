"""Certificates must never be wrong: the first property of bfbnb.sos and bfbnb.certify."""
import numpy as np
import pytest

from bfbnb import certify as certify_module
from bfbnb.certify import Certifier, CertifyResult, verify
from bfbnb.models import get_model, sample_near_boundary
from bfbnb.oracle import Oracle
from bfbnb.potential import Potential
from bfbnb.sampling import sample_sphere
from bfbnb.sos import SosProgram, verify_bound


@pytest.mark.parametrize("name", ["2hdm", "inert_2hdm"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_no_wrong_certificate_near_the_boundary(name, seed):
    "Against the exact truth, on points straddling the boundary: no BFB proof of a non-BFB point, no witness of a BFB one."
    model = get_model(name)
    points = sample_near_boundary(model.truth, model.potential.num_lam, 300, np.random.default_rng(seed), hop_distance=0.005)
    truth = model.truth(points)
    result = Certifier(model.potential, Oracle(model.potential, 20, seed=seed), num_workers=1).certify(points)
    assert not ((result.status == "bfb") & ~truth).any()
    assert not ((result.status == "not_bfb") & truth).any()
    assert (verify(result, model.potential) == result.status).all()
    assert (result.status == "bfb").sum() >= 0.98 * truth.sum() # and the proofs are found


def test_a_proven_bound_never_exceeds_the_minimum_whatever_the_certificate():
    "verify_bound of arbitrary (random) Gram matrices and t is still a lower bound of min V: garbage cannot prove anything."
    model = get_model("2hdm")
    potential, rng = model.potential, np.random.default_rng(5)
    program = SosProgram.build(potential.exponents, potential.coefficients)
    lam = sample_sphere(200, potential.num_lam, rng)
    found = Oracle(potential, 50, seed=0).label(lam).min_values # upper bounds of min V
    honest_t, honest_gram = program.solve(lam)
    for scale in (1e-6, 1e-3, 1.0):
        gram = honest_gram + scale * rng.standard_normal(honest_gram.shape)
        t = honest_t + scale * np.abs(rng.standard_normal(len(lam))) # claims higher than the solver's
        proven = verify_bound(potential.exponents, potential.coefficients, lam, 0, t, gram)
        assert (proven <= found + 1e-9).all(), scale
    proven = verify_bound(potential.exponents, potential.coefficients, lam, 0, honest_t, honest_gram)
    assert (proven <= found + 1e-9).all() and np.abs(proven - honest_t).max() < 1e-5 # an honest certificate loses almost nothing


def test_choi_lam_form_is_never_proven():
    "The Choi-Lam quartic x2y2 + y2z2 + z2x2 + w4 - 4xyzw is >= 0 with zeros on the sphere: not strictly BFB, so never 'bfb'."
    text = ("lam0*(phi0**2*phi1**2 + phi1**2*phi2**2 + phi2**2*phi0**2 + phi3**4 - 4*phi0*phi1*phi2*phi3)"
            " + lam1*(phi0**2 + phi1**2 + phi2**2 + phi3**2)**2")
    potential = Potential.from_text(text, num_phi=4, num_lam=2)
    certifier = Certifier(potential, Oracle(potential, 50, seed=0), num_workers=1)
    result = certifier.certify(np.array([[1.0, 0.0], [1.0, -1e-3], [1.0, 0.2]]))
    assert result.status[0] != "bfb" and result.status[1] == "not_bfb" # min V = 0 exactly; then < 0 at (1, 1, 1, 1)
    assert result.status[2] == "bfb" # comfortably positive
    level0 = SosProgram.build(potential.exponents, potential.coefficients, 0).solve(np.array([[1.0, 0.0]]))[0][0]
    assert level0 < -1e-6 # not a sum of squares: level 0 cannot even reach the true minimum 0


def test_corrupted_certificate_file_is_refused(tmp_path):
    model = get_model("inert_2hdm")
    points = sample_near_boundary(model.truth, 5, 100, np.random.default_rng(3))
    result = Certifier(model.potential, Oracle(model.potential, 20, seed=0), num_workers=1).certify(points)
    result.save(tmp_path / "proofs.npz", model.potential)
    loaded, potential = CertifyResult.load(tmp_path / "proofs.npz")
    assert (verify(loaded, potential) == result.status).all()
    proven = np.flatnonzero(loaded.status == "bfb")
    rng = np.random.default_rng(0)
    for row in rng.choice(len(loaded.certificates[0].index), size=10, replace=False):
        corrupted, _ = CertifyResult.load(tmp_path / "proofs.npz")
        corrupted.certificates[0].gram[row, rng.integers(corrupted.certificates[0].gram.shape[1])] += 0.5
        point = corrupted.certificates[0].index[row]
        assert verify(corrupted, potential)[point] == "undecided", point
    assert len(proven) > 10


def test_workers_and_dask_give_the_same_proofs(monkeypatch):
    "Local worker processes and Dask workers solve the same programmes: the same statuses and bounds as this process."
    model = get_model("2hdm")
    points = sample_near_boundary(model.truth, 10, 600, np.random.default_rng(4))
    here = Certifier(model.potential, Oracle(model.potential, 20, seed=0), num_workers=1).certify(points)
    monkeypatch.setattr(certify_module, "POOL_AFTER_SECONDS", 0.0) # start the worker processes even for this small job
    with Certifier(model.potential, Oracle(model.potential, 20, seed=0), num_workers=2) as certifier:
        pooled = certifier.certify(points)
        assert certifier.workers_started
    on_dask = Certifier(model.potential, Oracle(model.potential, 20, seed=0), client="local").certify(points)
    for other in (pooled, on_dask):
        assert (other.status == here.status).all()
        assert np.allclose(other.lower_bound, here.lower_bound, equal_nan=True, rtol=0, atol=1e-12)
