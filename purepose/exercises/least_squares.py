"""Exercise ``lstsq``: least squares by Householder QR, and when it beats the normal equations.

The exact least-squares solution is known (the normal equations solved in
Fractions), and a backward-stable solver's error is bounded by the
perturbation theory of least squares (Higham 2002, theorem 20.3 and
section 20.1): for each right-hand side b, with kappa = cond_2(A) and
r = b - A x,

    ||x_hat - x|| <= 8 m n u (kappa ||x|| + kappa^2 ||r|| / ||A||_2)

Householder QR meets it. The normal equations square kappa whatever the
residual, so on a consistent system with kappa = 1e6 they miss it by a
factor of a million: that is the careful case. The condition number is
measured from the exact A^T A (eigenvalues by Jacobi rotations).
"""

from __future__ import annotations

import math
import random
from fractions import Fraction
from typing import Any

from purepose.textbook import linalg as textbook_linalg

from . import exact
from .core import (
    BAD_INPUT,
    CAREFUL,
    ORDINARY,
    Case,
    Exercise,
    U,
    Verdict,
    finite_problem,
    source_of,
    structure_problem,
    ulps,
)

STARTER = '''\
"""Exercise lstsq: least squares by Householder QR.

Task
    Write lstsq(A, B): the X that minimizes ||A X - B|| (2-norm, column by
    column) for an m x n matrix A of full column rank (m >= n) and m x t
    right-hand sides B, by Householder QR, with the standard library only.
    Then: why not solve the normal equations A^T A X = A^T B instead?

Math
    Step k reflects column k of A, below row k, onto (beta, 0, ..., 0):
        H = I - tau v v^T,  v = (1, x_1 / (x_0 - beta), ...),  beta = -sign(x_0) ||x||,
        tau = (beta - x_0) / beta
    and applies the same H to the later columns and to B. Then A = Q R and
        ||A x - b||^2 = ||R x - (Q^T b)[:n]||^2 + ||(Q^T b)[n:]||^2,
    so x solves R x = (Q^T b)[:n] by back substitution.
    Error: QR loses about log10(cond(A)) digits, the normal equations about
    log10(cond(A)^2).

Conventions
    A is a list of m rows of n floats, B a list of m rows of t floats; return
    the n x t solution as a new list of rows. If A is rank deficient (a
    column is a combination of the others: |R_kk| tiny next to ||a_k||),
    raise ValueError rather than return a meaningless answer. Fewer rows
    than columns, or B with another number of rows, should raise ValueError
    (the optional "bad input" tier).

Example
    >>> X = lstsq([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]], [[1.0], [2.0], [3.0]])
    >>> [[round(x, 12) for x in row] for row in X]      # y = 1 + x fits exactly
    [[1.0], [1.0]]

Check it:  purepose exercise check lstsq lstsq.py
"""


def lstsq(A, B):
    """The n x t least-squares solution of A X ~ B (A is m x n with full column rank)."""
    # TODO: your code here
    raise NotImplementedError("lstsq")
'''


def _gauss(rng: random.Random, rows: int, cols: int) -> list[list[float]]:
    return [[rng.gauss(0, 1) for _ in range(cols)] for _ in range(rows)]


def conditioned(rng: random.Random, m: int, n: int, cond: float) -> list[list[float]]:
    """An m x n matrix U diag(s) V^T with singular values from 1 down to 1 / cond."""
    from purepose.fast.linalg import matmul, qr

    Q_left, _ = qr(_gauss(rng, m, m))
    Q_right, _ = qr(_gauss(rng, n, n))
    s = [cond ** (-k / max(n - 1, 1)) for k in range(n)]
    US = [[Q_left[i][k] * s[k] for k in range(n)] for i in range(m)]
    return matmul(US, [list(col) for col in zip(*Q_right)])


def eigenvalues(S: list[list[float]]) -> list[float]:
    """Eigenvalues of a symmetric matrix, descending (Jacobi rotations)."""
    from purepose.fast.eigensolvers import jacobi_eigh

    values, _ = jacobi_eigh([row[:] for row in S])
    return values


def _case(tier: str, label: str, A: list, B: list, **kw: Any) -> Case:
    payload = {"f": "lstsq", "args": {"A": A, "B": B}}
    return Case(tier, label, payload, raises=kw.pop("raises", tier == BAD_INPUT), **kw)


class LstsqExercise(Exercise):
    name = "lstsq"
    level = "hard"
    summary = "least squares by Householder QR: survive a condition number of 1e6"
    functions = ("lstsq",)
    tolerance = (
        "each column within ||x - x_exact|| <= 8 m n u (kappa ||x|| + kappa^2 ||r|| / ||A||) "
        "of the exact least-squares solution (kappa = cond_2(A), r the residual): the "
        "perturbation bound a backward-stable solver meets (Higham, theorem 20.3)"
    )
    starter_text = STARTER

    def answer(self) -> str:
        return source_of(
            "The model answer of exercise lstsq: purepose.textbook.linalg's Householder QR.",
            textbook_linalg.householder_reflector,
            textbook_linalg.reflect,
            textbook_linalg.lstsq,
            prelude="import math\nimport sys\n\nfrom purepose.errors import RankDeficientError\n"
            "from purepose.textbook.linalg import back_substitution, dot, transpose",
        )

    def fast(self) -> Any:
        from types import SimpleNamespace

        from purepose.fast.decompositions import lstsq

        return SimpleNamespace(lstsq=lstsq)

    def cases(self, rng: random.Random) -> list[Case]:
        cases = []
        shapes = sorted(
            (rng.randint(1, 5), rng.randint(0, 20), rng.randint(1, 3)) for _ in range(5)
        )
        for n, extra, t in shapes:
            m = n + extra
            cases.append(
                _case(
                    ORDINARY,
                    f"{m} x {n} with {t} right-hand side(s)",
                    _gauss(rng, m, n),
                    _gauss(rng, m, t),
                )
            )
        cases.append(_case(CAREFUL, "square (m = n = 6)", _gauss(rng, 6, 6), _gauss(rng, 6, 1)))
        A = conditioned(rng, 30, 5, 1e6)
        x_true = [[rng.gauss(0, 1)] for _ in range(5)]
        B = [[math.fsum(a * x[0] for a, x in zip(row, x_true))] for row in A]
        cases.append(
            _case(
                CAREFUL,
                "condition number 1e6, a consistent system (b = A x): the normal equations "
                "A^T A x = A^T b keep about 4 digits here, QR about 10",
                A,
                B,
                hint="reflect A itself (Householder QR); never form A^T A",
            )
        )
        xs = [i / 29 for i in range(30)]
        powers = [[x**p for p in range(1, 9)] for x in xs]
        cases.append(
            _case(
                CAREFUL,
                "the columns x, x^2, ..., x^8 on [0, 1] (nearly collinear)",
                powers,
                [[1.0 + sum(row)] for row in powers],
            )
        )
        dependent = [
            [float(a), float(b), float(a + b)]
            for a, b in ((rng.randint(-9, 9), rng.randint(-9, 9)) for _ in range(8))
        ]
        cases.append(
            _case(
                CAREFUL,
                "rank deficient: column 2 = column 0 + column 1 (raise, do not divide by ~0)",
                dependent,
                _gauss(rng, 8, 1),
                raises=True,
                hint="after the reflections, |R_kk| <= (about 10 m u) ||a_k|| means column k "
                "depends on the earlier ones: raise ValueError",
            )
        )
        zero_column = [[rng.gauss(0, 1), 0.0] for _ in range(6)]
        cases.append(
            _case(
                CAREFUL,
                "a column of zeros (raise: rank deficient)",
                zero_column,
                _gauss(rng, 6, 1),
                raises=True,
            )
        )
        cases += [
            _case(
                BAD_INPUT, "more columns than rows (3 x 5)", _gauss(rng, 3, 5), _gauss(rng, 3, 1)
            ),
            _case(BAD_INPUT, "A has 4 rows, B has 3", _gauss(rng, 4, 2), _gauss(rng, 3, 1)),
        ]
        return cases

    def speed_case(self, rng: random.Random) -> Case:
        return _case(
            ORDINARY,
            "lstsq of 200 x 10 with 2 right-hand sides",
            _gauss(rng, 200, 10),
            _gauss(rng, 200, 2),
        )

    def check(self, case: Case, got: Any) -> Verdict:
        A, B = case.payload["args"]["A"], case.payload["args"]["B"]
        m, n, t = len(A), len(A[0]), len(B[0])
        problem = structure_problem(got, [[0.0] * t for _ in range(n)]) or finite_problem(got)
        if problem:
            return Verdict.fail(problem)
        Aq = exact.rationals(A)
        AtA = exact.exact_matmul([list(c) for c in zip(*Aq)], Aq)
        AtB = exact.exact_matmul([list(c) for c in zip(*Aq)], exact.rationals(B))
        X = exact.solve(AtA, AtB)
        values = eigenvalues(exact.floats(AtA))
        norm_A = math.sqrt(max(values[0], 0.0))
        kappa = math.sqrt(values[0] / values[-1]) if values[-1] > 0 else math.inf
        for j in range(t):
            x = [row[j] for row in X]
            r = [Fraction(B[i][j]) - exact.exact_dot(A[i], x) for i in range(m)]
            norm_x = math.hypot(*(float(v) for v in x))
            norm_r = math.hypot(*(float(v) for v in r))
            allowed = 8 * m * n * U * (kappa * norm_x + kappa**2 * norm_r / norm_A)
            diff = [float(Fraction(got[i][j]) - x[i]) for i in range(n)]
            error = math.hypot(*diff)
            if error > allowed:
                i = max(range(n), key=lambda k: abs(diff[k]))
                off = ulps(abs(diff[i]), x[i])
                in_ulps = f" ({off:.2g} ulps)" if off is not None else ""
                return Verdict.fail(
                    f"column {j}: ||x - x_exact|| = {error:.3g}; allowed {allowed:.3g} "
                    f"(cond(A) = {kappa:.3g}, ||x|| = {norm_x:.3g}, ||r|| = {norm_r:.3g})",
                    f"worst entry [{i}][{j}]: expected {float(x[i])!r}, got {got[i][j]!r}"
                    f"{in_ulps}",
                )
        return Verdict.ok()
