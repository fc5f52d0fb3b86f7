"""Exercise ``covariance``: the sample covariance of the rows of X, accurate far from zero.

The expected covariance is exact (Fractions). The tolerance is what an
updating algorithm (Welford's, or Chan's pairwise merges) is held to, and
two passes or sums shifted by a data row do better. With M = sum_i (x_i -
m)(x_i - m)^T the exact co-moments, ||x_a|| the 2-norm of column a,
||xc_a|| = sqrt(M_aa) that of the centred column, r_a = max_i |x_ia - m_a|
and dm_a = gamma(n) mean_i |x_ia| (the error of a plainly summed mean):

    |C_ab - exact_ab| <= (2 gamma(n + 2) (||x_a|| ||xc_b|| + ||x_b|| ||xc_a|| + n r_a r_b)
                          + n dm_a dm_b) / (n - 1)

The first term is n u times the condition number of the computation,
kappa = ||x|| / ||xc||, which an updating algorithm loses (Chan, Golub and
LeVeque 1983); n r_a r_b covers a shift by any data row, and the mean's
own error enters squared. The one-pass formula ``sum x x^T - n m m^T``
loses kappa^2 instead: with an offset of 1e9 and a spread of 1, kappa = 1e9,
an updating algorithm keeps about 6 digits and the one-pass formula none.

Reference: T. F. Chan, G. H. Golub, R. J. LeVeque, "Algorithms for computing
the sample variance: analysis and recommendations", The American
Statistician 37 (1983) 242-247.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction
from typing import Any

from purepose.textbook import linalg as textbook_linalg

from . import exact
from .core import BAD_INPUT, CAREFUL, ORDINARY, Case, Exercise, Verdict, compare, gamma, source_of

STARTER = '''\
"""Exercise covariance: the sample covariance of the rows of X, accurate even far from zero.

Task
    Write covariance(X): the d x d sample covariance of n samples (the rows
    of X) of d features. It must stay accurate when the data sit far from
    zero compared with their spread (timestamps in unix seconds, RMS
    features): an offset of 1e9 is part of the grading. Then: can you do it
    in one pass over the rows (a stream you cannot read twice)?

Math
    mean_a = (1/n) sum_i x_ia
    C_ab   = sum_i (x_ia - mean_a)(x_ib - mean_b) / (n - 1)       (ddof = 1)
    The textbook one-pass formula (sum_i x_ia x_ib - n mean_a mean_b) / (n - 1)
    subtracts two huge numbers when the mean is large: it loses every digit.

Conventions
    X is a list of n rows of d floats (n >= 2). Return a new d x d list of
    rows; never change X. Fewer than two rows, or ragged rows, should raise
    ValueError (the optional "bad input" tier).

Example
    >>> covariance([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]])
    [[1.0, 2.0], [2.0, 4.0]]
    >>> covariance([[1e9 + 1.0], [1e9 + 2.0], [1e9 + 3.0]])
    [[1.0]]

Check it:  purepose exercise check covariance covariance.py
"""


def covariance(X):
    """The d x d sample covariance (ddof = 1) of the rows of X."""
    # TODO: your code here
    raise NotImplementedError("covariance")
'''


def _data(rng: random.Random, n: int, d: int, offset: float = 0.0) -> list[list[float]]:
    """Correlated columns of random scales, each mean within its spread (plus ``offset``)."""
    scales = [10.0 ** rng.uniform(-2, 2) for _ in range(d)]
    means = [offset + s * rng.uniform(-1, 1) for s in scales]
    mix = [[rng.gauss(0, 1) for _ in range(d)] for _ in range(d)]  # correlated columns
    rows = []
    for _ in range(n):
        z = [rng.gauss(0, 1) for _ in range(d)]
        rows.append(
            [
                m + s * sum(w * v for w, v in zip(mix[a], z))
                for a, (m, s) in enumerate(zip(means, scales))
            ]
        )
    return rows


def _case(tier: str, label: str, X: list[list[float]], hint: str | None = None) -> Case:
    payload = {"f": "covariance", "args": {"X": X}}
    return Case(tier, label, payload, raises=tier == BAD_INPUT, hint=hint)


ONE_PASS_HINT = (
    "subtract the mean before multiplying (two passes), or update the mean and the "
    "centred sums one row at a time (Welford), or shift every row by the first one"
)


class CovarianceExercise(Exercise):
    name = "covariance"
    level = "core"
    summary = "the sample covariance of the rows of X, accurate even with an offset of 1e9"
    functions = ("covariance",)
    tolerance = (
        "entry (a, b) within (2 gamma(n + 2) (||x_a|| ||xc_b|| + ||x_b|| ||xc_a|| + n r_a r_b) + "
        "n dm_a dm_b) / (n - 1) of the exact covariance (xc: the centred column, r_a = max "
        "|x_a - mean_a|, dm_a = gamma(n) mean |x_a|): n u times the condition number "
        "||x|| / ||xc||, what an updating algorithm such as Welford's achieves (Chan, Golub "
        "and LeVeque 1983); the one-pass formula loses its square"
    )
    starter_text = STARTER

    def answer(self) -> str:
        return source_of(
            "The model answer of exercise covariance: purepose.textbook.linalg (two passes).",
            textbook_linalg.mean,
            textbook_linalg.covariance,
            prelude="import math",
        )

    def fast(self) -> Any:
        from types import SimpleNamespace

        from purepose.fast.comoments import covariance

        return SimpleNamespace(covariance=covariance)

    def cases(self, rng: random.Random) -> list[Case]:
        cases = []
        for n, d in sorted((rng.randint(3, 40), rng.randint(1, 5)) for _ in range(8)):
            cases.append(_case(ORDINARY, f"{n} samples of {d} features", _data(rng, n, d)))
        cases.append(
            _case(CAREFUL, "n = 2, the smallest sample: divide by n - 1 = 1", _data(rng, 2, 2))
        )
        constant = [[7.1, v] for v in (rng.gauss(0, 1) for _ in range(10))]
        cases.append(_case(CAREFUL, "a constant column (its variance is exactly 0)", constant))
        cases.append(
            _case(
                CAREFUL,
                "an offset of 1e9 (spread about 1): sum x^2 - n mean^2 cancels and loses "
                "every digit",
                _data(rng, 20, 3, offset=1e9),
                ONE_PASS_HINT,
            )
        )
        wide = [
            [1e8 * rng.gauss(1, 1), 1e-8 * rng.gauss(1, 1), rng.gauss(-1e6, 1)] for _ in range(15)
        ]
        cases.append(
            _case(
                CAREFUL, "columns of 1e8, 1e-8 and a 1e6 offset side by side", wide, ONE_PASS_HINT
            )
        )
        bad = [
            ("one row: n - 1 = 0", [[1.0, 2.0]]),
            ("no rows at all", []),
            ("ragged rows (2 values, then 3)", [[1.0, 2.0], [3.0, 4.0, 5.0], [1.0, 1.0]]),
        ]
        cases += [_case(BAD_INPUT, label, X) for label, X in bad]
        return cases

    def speed_case(self, rng: random.Random) -> Case:
        return _case(ORDINARY, "2000 samples of 16 features", _data(rng, 2000, 16))

    def check(self, case: Case, got: Any) -> Verdict:
        X = case.payload["args"]["X"]
        n, d = len(X), len(X[0])
        means, M = exact.exact_comoments(X)
        expected = [[v / (n - 1) for v in row] for row in M]
        spread = [float(max(abs(Fraction(x[a]) - means[a]) for x in X)) for a in range(d)]
        dm = [gamma(n) * math.fsum(abs(x[a]) for x in X) / n for a in range(d)]
        norm = [math.sqrt(math.fsum(x[a] * x[a] for x in X)) for a in range(d)]
        centred = [math.sqrt(float(M[a][a])) for a in range(d)]
        g = 2 * gamma(n + 2)
        allowed = [
            [
                (
                    g * (norm[a] * centred[b] + norm[b] * centred[a] + n * spread[a] * spread[b])
                    + n * dm[a] * dm[b]
                )
                / (n - 1)
                for b in range(d)
            ]
            for a in range(d)
        ]
        verdict = compare(got, expected, allowed)
        if not verdict.passed and not verdict.lines[0].startswith("the result"):
            verdict.lines += _diagnose(got, expected, X)
        return verdict


def _diagnose(got: Any, expected: list[list[Fraction]], X: list[list[float]]) -> list[str]:
    """Name the usual mistakes: dividing by n (ddof = 0), or the one-pass formula."""
    n, d = len(X), len(X[0])
    pairs = [
        (float(g), float(e))
        for grow, erow in zip(got, expected)
        for g, e in zip(grow, erow)
        if isinstance(g, int | float) and e != 0
    ]
    if pairs and all(abs(g / e - (n - 1) / n) < 1e-9 for g, e in pairs):
        return [
            f"  every entry is (n - 1) / n = {n - 1}/{n} of the expected: you divided by "
            "n (the population covariance, ddof = 0), not n - 1"
        ]
    sums = [math.fsum(x[a] for x in X) for a in range(d)]
    one_pass = [
        [(sum(x[a] * x[b] for x in X) - sums[a] * sums[b] / n) / (n - 1) for b in range(d)]
        for a in range(d)
    ]
    far = [
        (abs(g - float(e)), abs(g - o))
        for grow, erow, orow in zip(got, expected, one_pass)
        for g, e, o in zip(grow, erow, orow)
    ]
    worst_error, distance_to_one_pass = max(far)
    if worst_error > 0 and distance_to_one_pass < 0.1 * worst_error:
        return [
            "  that is what the one-pass formula (sum x x^T - n mean mean^T) / (n - 1) "
            "gives: it loses (||x|| / ||xc||)^2 of the precision, where the mean is far "
            "from zero compared with the spread"
        ]
    return []
