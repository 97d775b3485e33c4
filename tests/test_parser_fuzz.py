"""The potential parser under fire (hypothesis): random token streams and expression trees, huge exponents, deep
nesting, long inputs. Every input either parses or raises the parser's own error with a position; nothing is
evaluated; nothing takes more than a second."""
import time
import warnings

import numpy as np
import pytest
import sympy as sp

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from bfbnb.parse import ExpressionError, parse_expression  # noqa: E402
from bfbnb.potential import Potential, PotentialError  # noqa: E402

NAMES = ["phi0", "phi1", "phi2", "lam0", "lam1", "lam2"]
SYMBOLS = {name: sp.Symbol(name) for name in NAMES}
VECTORS = {"phi": NAMES[:3], "lam": NAMES[3:]}
SENTINEL = []  # anything that ran Python code from the text would have to reach this through a name the parser refuses
HOSTILE = ["__import__", "__class__", "__globals__", "os", "system", "eval", "exec", "open", "lambda", "import", "SENTINEL",
           "append", "getattr", "'x'", '"rm -rf"', "f'{1}'", "b''", "`", "$", "!", ";", ":", "=", "==", ":=", "@", "^", "%", "//",
           ".", "...", "[", "]", "{", "}", "\\", "\n", "\t", "#", "1j", "1e999", "nan", "inf", "if", "else", "for"]
TOKENS = NAMES + ["phi9", "lam9", "x", "I", "pi", "sqrt", "conjugate", "re", "im", "Abs", "0", "1", "2", "4", "0.5", "1e308",
                  "99999999", "+", "-", "*", "/", "**", "(", ")", ","] + HOSTILE
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)


def _outcome(call, text):
    "Run a parse; it must succeed or raise the parser's own errors (with a position), within a second."
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = call(text)
        kind = "parsed"
    except ExpressionError as error:
        assert 0 <= error.offset <= max(len(text), 1) and error.line >= 1 and error.column >= 1, (text, error)
        result, kind = error, "refused"
    except PotentialError as error:
        result, kind = error, "not a quartic form"
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, f"{elapsed:.2f} s for {text[:80]!r}"
    assert SENTINEL == []
    return kind, result


@FAST
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=40))
def test_random_token_streams(tokens):
    text = " ".join(tokens)
    kind, result = _outcome(lambda t: parse_expression(t, SYMBOLS, VECTORS), text)
    if kind == "parsed":
        assert isinstance(result, sp.Expr) and result.free_symbols <= set(SYMBOLS.values())
        for word in HOSTILE:  # a text with a hostile word never parses (except operators that are also allowed elsewhere)
            assert word not in tokens or word in ("[", "]", "1e999", "nan", "inf"), (text, word)


def _trees():
    leaves = st.sampled_from(NAMES + ["1", "2", "3", "0.25", "I", "pi", "1e300", "7"])
    def extend(children):
        return st.one_of(
            st.tuples(children, st.sampled_from(["+", "-", "*", "/"]), children).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(children, st.sampled_from(["0", "1", "2", "3", "4", "5", "64", "65", "99999999", "(1/2)", "-1", "2**2"])).map(
                lambda t: f"({t[0]})**{t[1]}"),
            children.map(lambda c: f"-({c})"),
            st.tuples(st.sampled_from(["sqrt", "conjugate", "re", "im", "Abs"]), children).map(lambda t: f"{t[0]}({t[1]})"))
    return st.recursive(leaves, extend, max_leaves=24)


@FAST
@given(_trees())
def test_random_expression_trees_build_finite_potentials_or_refuse(text):
    kind, result = _outcome(lambda t: Potential.from_text(t, 3, 3), text)
    if kind == "parsed":  # a potential that is accepted is a real quartic form with finite coefficients
        data = result.to_dict()
        assert np.isfinite(np.asarray(data["coefficients"], float)).all(), text
        assert (np.asarray(data["exponents"]).sum(axis=1) == 4).all(), text


@pytest.mark.parametrize("text", [
    "(" * 3000 + "phi0" + ")" * 3000, "-" * 20000 + "phi0", "+".join(["lam0*phi0**4"] * 5000), "phi0" + "**2" * 500,
    "2**" * 300 + "2", "lam0*phi0**4*" + "*".join(["(1+1e-9)"] * 2000), "x" * 100_001, "lam0*(" * 400 + "phi0**4" + ")" * 400,
    "9**9**9**9*lam0*phi0**4", "lam0*phi0**4 + 10**100000", "1e308*1e308*lam0*phi0**4", "lam0*phi0**4/1e-320"])
def test_huge_deep_and_long_inputs(text):
    _outcome(lambda t: Potential.from_text(t, 3, 3), text)


MULTIPLET_HEAD = "fields: H1, H2 doublet; S real singlet; A complex triplet\ncouplings: lam1, lam2 real; lam5 complex\nV = "
MULTIPLET_TOKENS = (["H1", "H2", "S", "A", "lam1", "lam2", "lam5", "H1+", "H2+", "A+", "tr", "dag", "conj", "abs2", "tilde", "vec",
                     "transpose", "eps", "sigma3", "h.c.", "^", "^+", "†", "[", "]", "2", "4", "1/2"] + TOKENS)


@FAST
@given(st.lists(st.sampled_from(MULTIPLET_TOKENS), min_size=1, max_size=30))
def test_random_multiplet_texts(tokens):
    "Multiplet notation goes through the same safe parser: a random text builds a checked potential or is refused with a position."
    from bfbnb.multiplets import multiplet_potential
    text = MULTIPLET_HEAD + " ".join(tokens)
    kind, result = _outcome(multiplet_potential, text)
    if kind == "parsed":
        assert isinstance(result, Potential) and result.notation.text == text
        assert not any(word in tokens for word in ("__import__", "__class__", "__globals__", "eval", "exec", "open", "lambda", "import", "SENTINEL")), text
    elif kind == "refused": assert result.text == text  # the error points into the text as typed
