"""Exercise ``matmul``: the dot product and the matrix product.

Expected values are exact (Fractions), and each entry may be off by the
bound of any order of summation of p products (Higham 2002, section 3.1):

    |fl(sum_k A_ik B_kj) - (A B)_ij| <= gamma(p) sum_k |A_ik B_kj|

so ``sum(map(mul, ...))``, ``math.sumprod`` and ``math.fsum`` all pass, and
an answer that pairs the wrong entries does not.
"""

from __future__ import annotations

import random
from types import SimpleNamespace
from typing import Any

from purepose.textbook import linalg as textbook_linalg

from . import exact
from .core import BAD_INPUT, CAREFUL, ORDINARY, Case, Exercise, Verdict, compare, gamma, source_of

STARTER = '''\
"""Exercise matmul: the dot product and the matrix product, in plain Python.

Task
    Write dot(a, b) and matmul(A, B) with the standard library only.
    Then make them fast: how many Python-level operations does each entry cost?

Math
    a . b     = sum_i a_i b_i
    (A B)_ij  = sum_k A_ik B_kj       A is m x p, B is p x n, the product is m x n
    Cost: m p n multiply-adds.

Conventions
    A vector is a list of floats; a matrix is a list of rows (one list of
    floats per row). Return new lists; never change the inputs. Shapes that
    do not fit (a and b of different lengths, A's columns != B's rows,
    ragged rows) should raise ValueError: the optional "bad input" tier.

Example
    >>> dot([1.0, 2.0, 3.0], [4.0, 5.0, 6.0])
    32.0
    >>> matmul([[1.0, 2.0], [3.0, 4.0]], [[0.0, 1.0], [1.0, 0.0]])
    [[2.0, 1.0], [4.0, 3.0]]
    >>> matmul([[1.0, 2.0, 3.0]], [[1.0], [1.0], [1.0]])   # 1 x 3 times 3 x 1
    [[6.0]]

Check it:  purepose exercise check matmul matmul.py
"""


def dot(a, b):
    """The inner product of two lists of floats of the same length."""
    # TODO: your code here
    raise NotImplementedError("dot")


def matmul(A, B):
    """The product of an m x p matrix A and a p x n matrix B: m rows of n floats."""
    # TODO: your code here
    raise NotImplementedError("matmul")
'''


def _matrix(rng: random.Random, rows: int, cols: int, scale: float = 1.0) -> list[list[float]]:
    return [[rng.gauss(0.0, scale) for _ in range(cols)] for _ in range(rows)]


def _vector(rng: random.Random, n: int, scale: float = 1.0) -> list[float]:
    return [rng.gauss(0.0, scale) for _ in range(n)]


def _dot(a: list[float], b: list[float]) -> dict[str, Any]:
    return {"f": "dot", "args": {"a": a, "b": b}}


def _mm(A: list[list[float]], B: list[list[float]]) -> dict[str, Any]:
    return {"f": "matmul", "args": {"A": A, "B": B}}


class MatmulExercise(Exercise):
    name = "matmul"
    level = "warm-up"
    summary = "dot(a, b) and matmul(A, B) for lists of rows, then make them fast"
    functions = ("dot", "matmul")
    tolerance = (
        "each entry within gamma(p) sum_k |A_ik B_kj| of the exact product, "
        "gamma(p) = p u / (1 - p u), u = 2^-53: the bound for p products added in any order"
    )
    starter_text = STARTER

    def answer(self) -> str:
        return source_of(
            "The model answer of exercise matmul: purepose.textbook.linalg.dot and matmul.",
            textbook_linalg.dot,
            textbook_linalg.matmul,
        )

    def fast(self) -> Any:
        from purepose.fast import blas

        return SimpleNamespace(dot=blas.dot, matmul=blas.matmul)

    def cases(self, rng: random.Random) -> list[Case]:
        cases = []
        for n in sorted(rng.randint(1, 12) for _ in range(4)):
            scale = 10.0 ** rng.uniform(-3, 3)
            a, b = _vector(rng, n, scale), _vector(rng, n)
            cases.append(Case(ORDINARY, f"dot of length {n}", _dot(a, b)))
        shapes = sorted(tuple(rng.randint(1, 5) for _ in range(3)) for _ in range(6))
        for m, p, n in shapes:
            A, B = _matrix(rng, m, p), _matrix(rng, p, n, 10.0 ** rng.uniform(-2, 2))
            label = f"matmul of {m} x {p} and {p} x {n}"
            cases.append(Case(ORDINARY, label, _mm(A, B)))
        careful = [
            ("an outer product: a 4 x 1 column times a 1 x 3 row (p = 1)", 4, 1, 3),
            ("a row vector times a matrix: 1 x 5 times 5 x 3", 1, 5, 3),
            ("a tall product: 7 x 2 times 2 x 1 (B is one column)", 7, 2, 1),
            ("not square: 2 x 3 times 3 x 4 (column j of B is not row j)", 2, 3, 4),
        ]
        for label, m, p, n in careful:
            A, B = _matrix(rng, m, p), _matrix(rng, p, n)
            cases.append(Case(CAREFUL, label, _mm(A, B)))
        a = [1e16, rng.uniform(1, 2), -1e16]
        cases.append(
            Case(
                CAREFUL,
                "dot with cancellation (1e16 + x - 1e16): the bound is absolute, "
                "gamma(n) sum |a_i b_i|, so a plain sum passes",
                _dot(a, [1.0, 1.0, 1.0]),
            )
        )
        bad = [
            ("dot of vectors of lengths 3 and 2", _dot([1.0, 2.0, 3.0], [1.0, 2.0])),
            (
                "matmul of 2 x 3 and 2 x 2 (3 columns, 2 rows)",
                _mm(_matrix(rng, 2, 3), _matrix(rng, 2, 2)),
            ),
            (
                "matmul with a ragged A (rows of 2 and 1 values)",
                _mm([[1.0, 2.0], [3.0]], _matrix(rng, 2, 2)),
            ),
        ]
        cases += [Case(BAD_INPUT, label, payload, raises=True) for label, payload in bad]
        return cases

    def speed_case(self, rng: random.Random) -> Case:
        A, B = _matrix(rng, 60, 60), _matrix(rng, 60, 60)
        return Case(ORDINARY, "matmul of 60 x 60 and 60 x 60", _mm(A, B))

    def check(self, case: Case, got: Any) -> Verdict:
        if case.payload["f"] == "dot":
            a, b = case.payload["args"].values()
            allowed = gamma(len(a)) * sum(abs(x * y) for x, y in zip(a, b))
            return compare(got, exact.exact_dot(a, b), allowed, what="dot")
        A, B = case.payload["args"].values()
        expected = exact.exact_matmul(A, B)
        allowed = [[gamma(len(B)) * v for v in row] for row in exact.abs_matmul(A, B)]
        verdict = compare(got, expected, allowed)
        m, p, n = len(A), len(B), len(B[0])
        if (
            not verdict.passed
            and p != n
            and isinstance(got, list)
            and len(got) == m
            and all(isinstance(row, list) and len(row) == p for row in got)
        ):
            verdict.lines.append(
                f"  that is {m} x {p}, one entry per row of B: entry (i, j) pairs row i of A "
                "with column j of B (zip(*B)), not with row j"
            )
        if not verdict.passed and p == n:
            Bt = [list(col) for col in zip(*B)]
            if compare(got, exact.exact_matmul(A, Bt), allowed).passed:
                verdict.lines.append(
                    "  that is A times B transposed: entry (i, j) pairs row i of A "
                    "with column j of B (zip(*B)), not with row j"
                )
        return verdict
