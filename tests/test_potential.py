"""Bad input of every class gets a clear error naming the culprit; serialisation round-trips exactly."""
import builtins
import json
import warnings

import numpy as np
import pytest
import sympy as sp

from bfbnb.models import MODEL_NAMES, get_model
from bfbnb.parse import ExpressionError
from bfbnb.potential import Potential, PotentialError


def text_error(text, num_phi=2, num_lam=3, error=PotentialError):
    with pytest.raises(error) as info:
        Potential.from_text(text, num_phi, num_lam)
    return str(info.value)


def test_not_quartic_names_term_and_degree():
    message = text_error("lam0*phi0**4 + lam1*phi0**2 + lam2*phi1**4")
    assert "lam1*phi0**2" in message and "degree 2" in message
    message = text_error("lam0*phi0**4 + lam1*phi0**3*phi1**2 + lam2*phi1**4")
    assert "degree 5" in message and "phi0**3*phi1**2" in message


def test_not_linear_in_couplings():
    assert "lam1**2*phi0**2*phi1**2" in text_error("lam0*phi0**4 + lam1**2*phi0**2*phi1**2 + lam2*phi1**4")
    assert "not linear" in text_error("lam0*phi0**4 + lam0*lam1*phi0**2*phi1**2 + lam2*phi1**4")
    assert "not linear" in text_error("lam0*phi0**4 + phi0**2*phi1**2/lam1 + lam2*phi1**4")
    assert "no coupling" in text_error("lam0*phi0**4 + 3*phi0**2*phi1**2 + lam2*phi1**4")


def test_complex_valued_potential():
    message = text_error("lam0*phi0**4 + I*lam1*phi0**2*phi1**2 + lam2*phi1**4")
    assert "imaginary part" in message and "lam1" in message
    # a term plus its hermitian conjugate is real and accepted
    z = "(phi0 + I*phi1)"
    real = Potential.from_text(f"lam0*{z}**2*conjugate({z})**2 + lam1*({z}**4 + conjugate({z})**4) + lam2*phi1**4", 2, 3)
    assert real.num_monomials > 0


def test_not_polynomial_in_fields():
    assert "not a polynomial" in text_error("lam0*phi0**4*sqrt(phi1) + lam1*phi1**4 + lam2*phi0**4")
    assert "not a polynomial" in text_error("lam0*Abs(phi0)*phi0**3 + lam1*phi1**4 + lam2*phi0**4")


@pytest.mark.parametrize("text, token, column", [
    ("lam0*phi0.real", ".", 10),
    ("__import__('os').system('true')", "__import__", 1),
    ("import os", "import", 1),
    ("(lambda: 1)()", "lambda", 2),
    ("sum([x for x in phi])", "for", 8),
    ("exp(lam0)*phi0**4", "exp", 1),
    ("lam0*phi0^4", "^", 10),
    ("2phi0**4*lam0", "phi0", 2),
    ("lam0*'phi0'", "'phi0'", 6),
])
def test_unparsable_or_unsafe_text_names_token_and_position(text, token, column):
    with pytest.raises(ExpressionError) as info:
        Potential.from_text(text, 2, 3)
    assert info.value.token == token and info.value.column == column
    assert f"'{token}'" in str(info.value) and f"column {column}" in str(info.value)


def test_syntax_error_has_position():
    with pytest.raises(ExpressionError) as info:
        Potential.from_text("lam0*phi0**4 +* lam1", 2, 3)
    assert info.value.column == 15 and "invalid syntax" in str(info.value)


def test_text_is_never_evaluated(monkeypatch, tmp_path):
    marker = tmp_path / "pwned"
    def refuse(*args, **kwargs):
        raise AssertionError("eval/exec was called")
    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    monkeypatch.setattr(sp, "sympify", refuse)
    with pytest.raises(ExpressionError):
        Potential.from_text(f"__import__('pathlib').Path('{marker}').touch()", 2, 3)
    assert not marker.exists()
    assert Potential.from_text("lam0*phi0**4 + lam1*phi0**2*phi1**2 + lam2*phi1**4", 2, 3).num_monomials == 3


def test_unknown_symbols_and_wrong_counts():
    assert "unknown symbol 'x'" in text_error("lam0*x**4", error=ExpressionError)
    message = text_error("lam11*phi0**4", num_lam=10, error=ExpressionError)
    assert "'lam11' is used but only 10 couplings are declared (lam0..lam9)" in message
    message = text_error("lam0*phi2**4", num_phi=2, error=ExpressionError)
    assert "'phi2' is used but only 2 field components" in message
    with pytest.raises(PotentialError, match=r"uses lam\[11\] but only 10 couplings"):
        Potential.from_function(lambda phi, lam: lam[11] * phi[0] ** 4 + lam[0] * phi[0] ** 4, 1, 10)
    with pytest.raises(PotentialError, match="unknown symbol"):
        Potential.from_function(lambda phi, lam: lam[0] * phi[0] ** 4 * sp.Symbol("mu"), 1, 1)


def test_unused_coupling_warns():
    with pytest.warns(UserWarning, match="lam2 appears nowhere"):
        Potential.from_text("lam0*phi0**4 + lam1*phi1**4", 2, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Potential.from_text("lam0*phi0**4 + lam1*phi1**4 + lam2*phi0**2*phi1**2", 2, 3)


def test_wrong_shapes_and_nans():
    potential = get_model("2hdm").potential
    with pytest.raises(ValueError, match=r"phi must have shape \(\.\.\., 5\).*got shape \(10, 4\)"):
        potential.value(np.ones((10, 4)), np.ones((10, 10)))
    with pytest.raises(ValueError, match=r"lam must have shape \(\.\.\., 10\)"):
        potential.gradient(np.ones((10, 5)), np.ones((10, 9)))
    lam = np.ones((10, 10)); lam[3, 2] = np.nan
    with pytest.raises(ValueError, match=r"lam contains 1 NaN or infinite value\(s\), the first at index \(3, 2\)"):
        potential.value(np.ones((10, 5)), lam)
    with pytest.raises(ValueError, match="cannot be broadcast"):
        potential.value(np.ones((3, 5)), np.ones((4, 10)))
    with pytest.raises(TypeError, match="numeric"):
        potential.value(np.array([["a"] * 5]), np.ones(10))


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_serialisation_round_trip_is_exact(name, rng):
    potential = get_model(name).potential
    text = potential.to_json()
    copy = Potential.from_json(text)
    assert copy == potential and copy.to_json() == text
    assert json.loads(text)["expression"] == potential.expression_text
    phi, lam = rng.normal(size=(100, potential.num_phi)), rng.normal(size=(100, potential.num_lam))
    assert np.array_equal(copy.value_and_gradient(phi, lam)[1], potential.value_and_gradient(phi, lam)[1])


def test_corrupted_or_foreign_saves_are_refused():
    good = get_model("2hdm").potential.to_dict()
    cases = {
        "format": {**good, "format": "bfbrain-pickle"},
        "version": {**good, "version": 99},
        "missing entries": {k: v for k, v in good.items() if k != "coefficients"},
        "not a quartic monomial": {**good, "exponents": [[3, 0, 0, 0, 0]] + good["exponents"][1:]},
        "must have shape": {**good, "coefficients": [row[:-1] for row in good["coefficients"]]},
        "numbers only": {**good, "coefficients": [["1"] * len(good["exponents"])] * 10},
        "NaN": {**good, "coefficients": [[float("nan")] * len(good["exponents"])] * 10},
        "names given": {**good, "lam_names": good["lam_names"][:3]},
        "repeated monomials": {**good, "exponents": [good["exponents"][0]] * len(good["exponents"])},
    }
    for expected, data in cases.items():
        with pytest.raises(PotentialError, match=expected):
            Potential.from_dict(data)
    with pytest.raises(PotentialError, match="not JSON"):
        Potential.from_json('{"format": "bfbnb-potential", ')
    with pytest.raises(PotentialError, match="expected a dict"):
        Potential.from_json("[1, 2, 3]")
