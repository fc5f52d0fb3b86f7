"""Linear algebra on plain Python lists: one import for the whole fast layer.

A vector is a ``list[float]``; a matrix is a row-major ``list[list[float]]``,
one sample per row. The functions take and return lists, never mutate their
inputs, and check shapes with one-line errors. This module gathers, under
the names every caller uses (``purepose.fast.linalg.dot``, ``...cholesky``), the
three modules that implement them:

* :mod:`purepose.fast.blas`: the kernel :func:`sumprod` (``math.sumprod`` on 3.12+,
  ``sum(map(operator.mul, a, b))`` on 3.11) and what is built from it:
  ``dot``, ``norm``, ``axpy``, ``matvec``, ``matmul``, ``matmul_transposed``,
  ``transpose``, ``gram``, ``crossprod``, ``column_means`` ...
* :mod:`purepose.fast.decompositions`: ``cholesky``, ``solve_lower``,
  ``solve_upper``, ``cho_solve``, ``solve_spd``, ``inv_spd``,
  ``householder_qr``, ``qr``, ``lstsq``.
* :mod:`purepose.fast.comoments`: ``Comoments`` (streaming, mergeable shifted
  sums) and ``covariance``.
* the shared input checks of :mod:`purepose.checks` (``check_vector``,
  ``check_matrix``).

The same algorithms as index loops, the way a whiteboard writes them, are
:mod:`purepose.textbook.linalg`; ``tests/textbook/test_linalg.py`` holds the two
to the same floats (CPython 3.11) or to rounding (3.12+).

Cost: ``dot`` O(n); ``matvec`` O(mn); ``matmul`` of (m x k)(k x n) O(mkn);
``gram`` (A^T A) and ``covariance`` of n_samples x n_features
O(n_samples n_features^2 / 2); ``cholesky`` O(n^3 / 6); a triangular solve
O(n^2); ``householder_qr`` O(2 m n^2 - 2 n^3 / 3); ``lstsq`` that plus
O(4 m n) per right-hand side.

Reference: G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed.,
Johns Hopkins, 2013 (chapters 1, 4 and 5); N. J. Higham, *Accuracy and
Stability of Numerical Algorithms*, 2nd ed., SIAM, 2002 (chapters 8, 10, 19
and 20); T. F. Chan, G. H. Golub and R. J. LeVeque, "Algorithms for computing
the sample variance", *The American Statistician* 37 (1983) for the shifted
and pairwise-merged co-moments.

>>> matmul([[1.0, 2.0], [3.0, 4.0]], [[5.0], [6.0]])
[[17.0], [39.0]]
>>> cholesky([[4.0, 2.0], [2.0, 5.0]])
[[2.0, 0.0], [1.0, 2.0]]

Tests: ``tests/textbook/test_linalg.py`` holds it equal to the textbook;
``tests/fast/test_linalg.py``
checks it against numpy/scikit-learn.
"""

from __future__ import annotations

from purepose.checks import check_matrix, check_vector
from purepose.errors import NotPositiveDefiniteError, RankDeficientError
from purepose.types import Matrix, Vector

from .blas import (
    add,
    axpy,
    center_columns,
    column_means,
    crossprod,
    crossprod_of_columns,
    dot,
    frobenius_norm,
    gram,
    gram_of_columns,
    identity,
    matmul,
    matmul_transposed,
    matvec,
    norm,
    outer,
    scale,
    shape,
    subtract,
    sumprod,
    transpose,
    vec_scale,
    vec_sub,
    vecmat,
    zeros,
)
from .comoments import Comoments, covariance
from .decompositions import (
    HouseholderQR,
    apply_qt,
    cho_solve,
    cholesky,
    householder_qr,
    inv_spd,
    lstsq,
    qr,
    solve_lower,
    solve_spd,
    solve_upper,
)

__all__ = [
    "Comoments",
    "HouseholderQR",
    "Matrix",
    "NotPositiveDefiniteError",
    "RankDeficientError",
    "Vector",
    "add",
    "apply_qt",
    "axpy",
    "center_columns",
    "check_matrix",
    "check_vector",
    "cho_solve",
    "cholesky",
    "column_means",
    "covariance",
    "crossprod",
    "crossprod_of_columns",
    "dot",
    "frobenius_norm",
    "gram",
    "gram_of_columns",
    "householder_qr",
    "identity",
    "inv_spd",
    "lstsq",
    "matmul",
    "matmul_transposed",
    "matvec",
    "norm",
    "outer",
    "qr",
    "scale",
    "shape",
    "solve_lower",
    "solve_spd",
    "solve_upper",
    "subtract",
    "sumprod",
    "transpose",
    "vec_scale",
    "vec_sub",
    "vecmat",
    "zeros",
]
