"""Exercise ``cholesky``: the Cholesky factor and the two triangular solves.

A factorization and a solve are judged by their backward error, the test
that holds for any correct ordering of the operations and for
ill-conditioned inputs too (Higham 2002, theorems 8.5 and 10.3). The
residuals are computed exactly:

    cholesky             |L L^T - A|_ij  <= 2 gamma(n + 1) (|L| |L^T|)_ij
    triangular solves    |b - T x|_i     <= 2 gamma(n) (|T| |x|)_i

(twice the theorems' bounds). Forward errors depend on the condition
number; these do not, so a Hilbert matrix is graded as strictly as the
identity.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction
from typing import Any

from purepose.textbook import linalg as textbook_linalg

from .core import (
    BAD_INPUT,
    CAREFUL,
    ORDINARY,
    Case,
    Exercise,
    Verdict,
    finite_problem,
    gamma,
    source_of,
    structure_problem,
    ulps,
)

STARTER = '''\
"""Exercise cholesky: the Cholesky factor A = L L^T and the two triangular solves.

Task
    Write cholesky(A), forward_substitution(L, b) and back_substitution(U, b)
    with the standard library only. Together they solve A x = b for a
    symmetric positive definite A: L y = b, then L^T x = y.

Math
    L_ii = sqrt(A_ii - sum_{k<i} L_ik^2)                     (the pivot must be > 0)
    L_ij = (A_ij - sum_{k<j} L_ik L_jk) / L_jj    for j < i,  L_ij = 0 for j > i
    forward:  x_i = (b_i - sum_{j<i} L_ij x_j) / L_ii,   i = 0, 1, ..., n - 1
    back:     x_i = (b_i - sum_{j>i} U_ij x_j) / U_ii,   i = n - 1, ..., 0
    Cost: n^3 / 6 multiply-adds for the factor, n^2 / 2 for each solve.

Conventions
    Matrices are lists of rows, vectors lists of floats; return new lists.
    cholesky returns the full n x n L with zeros above the diagonal and a
    positive diagonal. forward_substitution reads only the lower triangle of
    L (diagonal included) and back_substitution only the upper triangle of U:
    the other entries may hold anything and must be ignored. A matrix that is
    not positive definite, or a zero on a triangular diagonal, should raise
    ValueError (the optional "bad input" tier).

Example
    >>> cholesky([[4.0, 2.0], [2.0, 5.0]])
    [[2.0, 0.0], [1.0, 2.0]]
    >>> forward_substitution([[2.0, 0.0], [1.0, 1.0]], [4.0, 5.0])
    [2.0, 3.0]
    >>> back_substitution([[2.0, 1.0], [0.0, 4.0]], [4.0, 8.0])
    [1.0, 2.0]

Check it:  purepose exercise check cholesky cholesky.py
"""


def cholesky(A):
    """The lower triangular L with A = L L^T (A symmetric positive definite)."""
    # TODO: your code here
    raise NotImplementedError("cholesky")


def forward_substitution(L, b):
    """x with L x = b, L lower triangular (its upper triangle is ignored)."""
    # TODO: your code here
    raise NotImplementedError("forward_substitution")


def back_substitution(U, b):
    """x with U x = b, U upper triangular (its lower triangle is ignored)."""
    # TODO: your code here
    raise NotImplementedError("back_substitution")
'''


def _spd(rng: random.Random, n: int) -> list[list[float]]:
    M = [[rng.gauss(0, 1) for _ in range(n)] for _ in range(n)]
    # dot(row_i, row_j) and dot(row_j, row_i) round alike: A is exactly symmetric
    return [
        [
            math.fsum(a * b for a, b in zip(r, s)) + (0.1 * n if i == j else 0.0)
            for j, s in enumerate(M)
        ]
        for i, r in enumerate(M)
    ]


def _triangular(rng: random.Random, n: int, lower: bool, junk: bool = False) -> list[list[float]]:
    T = []
    for i in range(n):
        row = []
        for j in range(n):
            inside = j < i if lower else j > i
            if i == j:
                row.append(rng.choice((-1, 1)) * rng.uniform(0.5, 2.0))
            elif inside:
                row.append(rng.gauss(0, 1))
            else:
                row.append(rng.gauss(0, 100) if junk else 0.0)
        T.append(row)
    return T


def _chol(tier: str, label: str, A: list[list[float]], **kw: Any) -> Case:
    return Case(tier, label, {"f": "cholesky", "args": {"A": A}}, raises=tier == BAD_INPUT, **kw)


def _solve(tier: str, label: str, f: str, T: list[list[float]], b: list[float], **kw: Any) -> Case:
    name = "L" if f == "forward_substitution" else "U"
    payload = {"f": f, "args": {name: T, "b": b}}
    return Case(tier, label, payload, raises=tier == BAD_INPUT, **kw)


class CholeskyExercise(Exercise):
    name = "cholesky"
    level = "core"
    summary = "cholesky(A), forward_substitution(L, b) and back_substitution(U, b)"
    functions = ("cholesky", "forward_substitution", "back_substitution")
    tolerance = (
        "backward errors, computed exactly: |L L^T - A| <= 2 gamma(n + 1) |L||L^T| entry by "
        "entry, |b - T x| <= 2 gamma(n) |T||x| (twice Higham's theorems 10.3 and 8.5: any "
        "correct order of operations passes, whatever the condition number)"
    )
    starter_text = STARTER

    def answer(self) -> str:
        return source_of(
            "The model answer of exercise cholesky: purepose.textbook.linalg, as written.",
            textbook_linalg.cholesky,
            textbook_linalg.forward_substitution,
            textbook_linalg.back_substitution,
            prelude="import math\n\nfrom purepose.errors import NotPositiveDefiniteError",
        )

    def fast(self) -> Any:
        from types import SimpleNamespace

        from purepose.fast.decompositions import cholesky, solve_lower, solve_upper

        return SimpleNamespace(
            cholesky=cholesky, forward_substitution=solve_lower, back_substitution=solve_upper
        )

    def cases(self, rng: random.Random) -> list[Case]:
        cases = [
            _chol(ORDINARY, f"a {n} x {n} positive definite A", _spd(rng, n))
            for n in sorted(rng.randint(1, 6) for _ in range(4))
        ]
        for f, lower in (("forward_substitution", True), ("back_substitution", False)):
            for n in sorted(rng.randint(1, 6) for _ in range(3)):
                T = _triangular(rng, n, lower)
                b = [rng.gauss(0, 1) for _ in range(n)]
                cases.append(_solve(ORDINARY, f"{f} with a {n} x {n} matrix", f, T, b))
        hilbert = [[1.0 / (i + j + 1) for j in range(8)] for i in range(8)]
        cases.append(_chol(CAREFUL, "the 8 x 8 Hilbert matrix (condition number 1.5e10)", hilbert))
        tiny = [[1.0, 1.0], [1.0, 1.0 + 2.0**-46]]
        cases.append(_chol(CAREFUL, "a nearly singular 2 x 2: the second pivot is 2^-46", tiny))
        D = [1e100, 1e30, 1e-30, 1e-100]
        B = _spd(rng, 4)
        scaled = [[D[i] * B[i][j] * D[j] for j in range(4)] for i in range(4)]
        cases.append(
            _chol(
                CAREFUL,
                "rows and columns scaled from 1e100 to 1e-100",
                scaled,
                hint="never square an entry that may already be 1e200",
            )
        )
        n = 12
        growth = [
            [1.0 if i == j else (-1.0 if j < i else 0.0) for j in range(n)] for i in range(n)
        ]
        cases.append(
            _solve(
                CAREFUL,
                "unit diagonal and -1 below: x doubles at every row",
                "forward_substitution",
                growth,
                [1.0] * n,
            )
        )
        hint = "use only T[i][j] with j < i (forward) or j > i (back), and the diagonal"
        for f, lower, part in (
            ("forward_substitution", True, "above"),
            ("back_substitution", False, "below"),
        ):
            T = _triangular(rng, 5, lower, junk=True)
            b = [rng.gauss(0, 1) for _ in range(5)]
            label = f"{f}: the entries {part} the diagonal are not zero and must be ignored"
            cases.append(_solve(CAREFUL, label, f, T, b, hint=hint))
        cases.append(
            _solve(CAREFUL, "back_substitution with n = 1", "back_substitution", [[4.0]], [2.0])
        )
        cases += [
            _chol(
                BAD_INPUT, "not positive definite (eigenvalues 3 and -1)", [[1.0, 2.0], [2.0, 1.0]]
            ),
            _chol(BAD_INPUT, "not square (2 x 3)", [[4.0, 1.0, 0.0], [1.0, 3.0, 0.0]]),
            _solve(
                BAD_INPUT,
                "a zero on the diagonal of L",
                "forward_substitution",
                [[1.0, 0.0], [2.0, 0.0]],
                [1.0, 1.0],
            ),
            _solve(
                BAD_INPUT,
                "b has 2 values for a 3 x 3 U",
                "back_substitution",
                _triangular(rng, 3, False),
                [1.0, 2.0],
            ),
        ]
        return cases

    def speed_case(self, rng: random.Random) -> Case:
        return _chol(ORDINARY, "cholesky of an 80 x 80 matrix", _spd(rng, 80))

    def check(self, case: Case, got: Any) -> Verdict:
        f = case.payload["f"]
        args = case.payload["args"]
        if f == "cholesky":
            return _check_cholesky(args["A"], got)
        T, b = args["L" if f == "forward_substitution" else "U"], args["b"]
        return _check_solve(T, b, got, lower=f == "forward_substitution")


def _worst(residual: list, allowed: list) -> tuple[float, tuple[int, ...], float, float]:
    """(ratio, index, |residual|, allowed) of the entry farthest beyond its allowance."""
    worst = (-1.0, (), 0.0, 0.0)
    for i, (rrow, arow) in enumerate(zip(residual, allowed)):
        for j, (r, a) in enumerate(zip(rrow, arow)):
            err = float(abs(r))
            ratio = err / a if a > 0 else (math.inf if err else 0.0)
            if ratio > worst[0]:
                worst = (ratio, (i, j), err, a)
    return worst


def _check_cholesky(A: list[list[float]], L: Any) -> Verdict:
    n = len(A)
    problem = structure_problem(L, [[0.0] * n for _ in range(n)]) or finite_problem(L, "L")
    if problem:
        return Verdict.fail(problem)
    for i in range(n):
        for j in range(i + 1, n):
            if L[i][j] != 0.0:
                return Verdict.fail(
                    f"L[{i}][{j}] = {L[i][j]!r}: L must be zero above the diagonal"
                )
        if not L[i][i] > 0.0:
            return Verdict.fail(f"L[{i}][{i}] = {L[i][i]!r}: the diagonal of L must be positive")
    Lq = [[Fraction(v) for v in row] for row in L]
    residual = [
        [
            sum((Lq[i][k] * Lq[j][k] for k in range(n)), Fraction(0)) - Fraction(A[i][j])
            for j in range(i + 1)
        ]
        for i in range(n)
    ]
    allowed = [
        [
            2 * gamma(n + 1) * math.fsum(abs(L[i][k] * L[j][k]) for k in range(n))
            for j in range(i + 1)
        ]
        for i in range(n)
    ]
    ratio, (i, j), err, a = _worst(residual, allowed)
    if ratio <= 1.0:
        return Verdict.ok()
    lines = [
        f"(L L^T - A)[{i}][{j}] = {err:.3g}; allowed 2 gamma(n + 1) (|L||L^T|)[{i}][{j}] = {a:.3g}"
    ]
    try:
        want = textbook_linalg.cholesky(A)[i][j]
        off = ulps(abs(L[i][j] - want), want)
        in_ulps = f" ({off:.2g} ulps)" if off is not None else ""
        lines.append(f"L[{i}][{j}]: purepose's textbook gives {want!r}, got {L[i][j]!r}{in_ulps}")
    except ValueError:
        pass
    return Verdict.fail(*lines)


def _check_solve(T: list[list[float]], b: list[float], x: Any, lower: bool) -> Verdict:
    n = len(b)
    problem = structure_problem(x, [0.0] * n) or finite_problem(x, "x")
    if problem:
        return Verdict.fail(problem)
    part = [
        [T[i][j] if (j <= i if lower else j >= i) else 0.0 for j in range(n)] for i in range(n)
    ]
    residual = [
        [
            Fraction(b[i])
            - sum((Fraction(part[i][j]) * Fraction(x[j]) for j in range(n)), Fraction(0))
        ]
        for i in range(n)
    ]
    allowed = [
        [2 * gamma(n) * math.fsum(abs(part[i][j] * x[j]) for j in range(n))] for i in range(n)
    ]
    ratio, (i, _), err, a = _worst(residual, allowed)
    if ratio <= 1.0:
        return Verdict.ok()
    name = "L" if lower else "U"
    solve = textbook_linalg.forward_substitution if lower else textbook_linalg.back_substitution
    want = solve(part, b)
    return Verdict.fail(
        f"(b - {name} x)[{i}] = {err:.3g}; allowed 2 gamma(n) (|{name}||x|)[{i}] = {a:.3g}",
        f"x[{i}]: purepose's textbook gives {want[i]!r}, got {x[i]!r}",
    )
