"""The compiled kernels agree with the sympy expressions of every catalogue model."""
import numpy as np
import pytest
import sympy as sp

from bfbnb.models import MODEL_NAMES, get_model


def exact_values(potential, phi, lam):
    function = sp.lambdify([sp.symbols(potential.phi_names, real=True), sp.symbols(potential.lam_names, real=True)],
                           potential.expression)
    return np.array([function(p, l) for p, l in zip(phi, lam)])


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_kernel_matches_sympy(name, rng):
    potential = get_model(name).potential
    phi, lam = rng.normal(size=(200, potential.num_phi)), rng.normal(size=(200, potential.num_lam))
    exact = exact_values(potential, phi, lam)
    value, gradient = potential.value_and_gradient(phi, lam)
    assert value.dtype == np.float64 and np.allclose(value, exact, rtol=1e-12, atol=1e-12)
    value32 = potential.value(phi.astype(np.float32), lam.astype(np.float32))
    assert value32.dtype == np.float32 and np.allclose(value32, exact, rtol=1e-4, atol=1e-3)
    assert np.allclose((potential.coupling_vector(phi) * lam).sum(-1), exact)
    # Euler's theorem for a quartic form: phi . grad V = 4 V
    assert np.allclose((phi * gradient).sum(-1), 4 * exact)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_gradient_matches_finite_differences(name, rng):
    potential = get_model(name).potential
    phi, lam = rng.normal(size=(20, potential.num_phi)), rng.normal(size=(20, potential.num_lam))
    gradient = potential.gradient(phi, lam)
    step = 1e-6
    for i in range(potential.num_phi):
        shift = np.zeros(potential.num_phi); shift[i] = step
        numeric = (potential.value(phi + shift, lam) - potential.value(phi - shift, lam)) / (2 * step)
        assert np.allclose(gradient[:, i], numeric, rtol=1e-5, atol=1e-5)


def test_broadcasting_and_chunking(rng, monkeypatch):
    potential = get_model("gm").potential
    phi, lam = rng.normal(size=(30, 1, 10)), rng.normal(size=(1, 7, 5))
    value, gradient = potential.value_and_gradient(phi, lam)
    assert value.shape == (30, 7) and gradient.shape == (30, 7, 10)
    assert np.allclose(value[4, 5], potential.value(phi[4, 0], lam[0, 5]))
    monkeypatch.setattr(type(potential.kernel), "chunk_size", 16)
    chunked = potential.value_and_gradient(phi, lam)
    assert np.allclose(chunked[0], value) and np.allclose(chunked[1], gradient)
