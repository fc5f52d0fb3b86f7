"""Input checks shared by every numerical module: one home, one meaning each.

Validation happens once, at the public boundary (an estimator's ``fit``, a
``linalg`` function called by a user); the kernels behind it assume checked
input. Every check raises :class:`~purepose.errors.PureposeError` with a
one-line message naming the function (``func``), the argument (``name``), the
bad value and the limit.

* :func:`check_vector`, :func:`check_matrix`: non-empty, rectangular, finite.
* :func:`check_rows` (shape only) and :func:`check_finite` (values only), for
  kernels that find non-finite values as a by-product of their own arithmetic
  and only need the wording of the error.
* :func:`first_non_finite`: the index of the first NaN or inf, or None.
* :func:`check_square`, :func:`check_symmetric`: the symmetry test used by
  Cholesky and by the eigensolvers alike (see its docstring for the tolerance).
* :func:`check_positive_int`, :func:`check_iteration_params`: ``max_iter``,
  ``n_init``, ``tol`` and friends.

>>> check_matrix([[1.0, 2.0], [3.0, 4.0]])
(2, 2)
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from itertools import chain, islice
from typing import Any

from .errors import PureposeError

__all__ = [
    "SYMMETRY_RTOL",
    "check_finite",
    "check_finite_rows",
    "check_iteration_params",
    "check_matrix",
    "check_positive_int",
    "check_rows",
    "check_square",
    "check_symmetric",
    "check_time",
    "check_vector",
    "check_xy",
    "first_non_finite",
    "rows_of",
]

SYMMETRY_RTOL = 1e-10
"""Relative asymmetry :func:`check_symmetric` accepts (a covariance or Gram matrix
accumulated in a different order differs from its transpose by ~1e-16)."""


def first_non_finite(values: Sequence[float]) -> int | None:
    """Index of the first NaN or inf in ``values``, or None if every value is finite.

    ``sum`` settles the common case in one C-level pass (NaN and inf
    propagate); a non-finite sum may also be an overflow of finite values,
    hence the exact scan before answering.

    >>> first_non_finite([1.0, 2.0]) is None
    True
    >>> first_non_finite([1.0, float("inf"), float("nan")])
    1
    """
    if math.isfinite(sum(values)):
        return None
    return next((i for i, v in enumerate(values) if not math.isfinite(v)), None)


def check_finite_rows(
    where: str, field: str, rows: Sequence[Sequence[float]], offset: int = 0, step: int = 1
) -> None:
    """Raise naming the file row and column of the first NaN/inf in ``rows``.

    ``rows`` are rows ``offset, offset + step, ...`` of a file (a strided
    read), so the message names the row as the file numbers it.

    >>> check_finite_rows("s.hdf5", "emg", [[0.0], [float("nan")]], offset=200, step=39)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: s.hdf5: emg has non-finite value nan at row 239 column 0
    """
    if math.isfinite(sum(map(sum, rows))):
        return
    for i, row in enumerate(rows):
        j = first_non_finite(row)
        if j is not None:
            raise PureposeError(
                f"{where}: {field} has non-finite value {row[j]!r} at row {offset + i * step} "
                f"column {j}"
            )


def check_time(
    where: str,
    time: Sequence[float],
    offset: int = 0,
    step: int = 1,
    *,
    previous: float | None = None,
) -> None:
    """Raise naming the file row of the first non-finite or decreasing timestamp.

    ``time`` holds rows ``offset, offset + step, ...``; ``previous`` is the
    time just before them (the last row of the previous chunk), if any.
    Equal timestamps are allowed.

    >>> check_time("s.hdf5", [0.0, 1.0, 0.5], offset=10)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: s.hdf5: time decreases at row 12 (0.5 < previous 1.0)
    """
    i = first_non_finite(time)
    if i is not None:
        raise PureposeError(
            f"{where}: time has non-finite value {time[i]!r} at row {offset + i * step}"
        )
    if previous is not None and time and time[0] < previous:
        raise PureposeError(
            f"{where}: time decreases at row {offset} ({time[0]!r} < previous {previous!r})"
        )
    if all(map(operator.le, time, islice(time, 1, None))):
        return
    for i in range(1, len(time)):
        if time[i] < time[i - 1]:
            raise PureposeError(
                f"{where}: time decreases at row {offset + i * step} "
                f"({time[i]!r} < previous {time[i - 1]!r})"
            )


def check_vector(x: Sequence[float], name: str = "x", func: str = "linalg") -> int:
    """Return ``len(x)`` after checking that ``x`` is a non-empty finite vector.

    >>> check_vector([1.0, 2.0])
    2
    >>> check_vector([1.0, float("nan")], "y", "dot")
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: dot: y contains NaN or inf (at index 1)
    """
    if not isinstance(x, Sequence) or isinstance(x, (str, bytes)):
        raise PureposeError(f"{func}: {name} must be a list of numbers, got {type(x).__name__}")
    if len(x) == 0:
        raise PureposeError(f"{func}: {name} is empty")
    try:
        if not all(map(math.isfinite, x)):
            bad = next(i for i, v in enumerate(x) if not math.isfinite(v))
            raise PureposeError(f"{func}: {name} contains NaN or inf (at index {bad})")
    except TypeError:
        raise PureposeError(f"{func}: {name} must contain only numbers") from None
    return len(x)


def check_matrix(
    X: Sequence[Sequence[float]], name: str = "X", func: str = "linalg"
) -> tuple[int, int]:
    """Return ``(n_rows, n_cols)`` after checking ``X`` is non-empty, rectangular, finite.

    >>> check_matrix([[1.0, 2.0], [3.0]], "X", "matmul")
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: matmul: X is ragged: row 1 has 1 columns, row 0 has 2
    """
    shape = check_rows(X, name, func)
    check_finite(X, name, func)
    return shape


def check_rows(X: Sequence[Sequence[float]], name: str, func: str) -> tuple[int, int]:
    """:func:`check_matrix` without the finiteness pass: non-empty, rows, rectangular.

    >>> check_rows([[1.0, float("nan")]], "X", "f")
    (1, 2)
    >>> check_rows([], "X", "f")
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: f: X is empty (0 rows)
    """
    if not isinstance(X, Sequence) or isinstance(X, (str, bytes)):
        raise PureposeError(f"{func}: {name} must be a list of rows, got {type(X).__name__}")
    if len(X) == 0:
        raise PureposeError(f"{func}: {name} is empty (0 rows)")
    first = X[0]
    if not isinstance(first, Sequence) or isinstance(first, (str, bytes)):
        raise PureposeError(f"{func}: {name} must be a list of rows (a matrix), got a vector")
    n_cols = len(first)
    if n_cols == 0:
        raise PureposeError(f"{func}: {name} has rows of length 0")
    try:
        ragged = any(map(n_cols.__ne__, map(len, X)))  # one C-level pass over the rows
    except TypeError:
        bad = next(i for i, row in enumerate(X) if not isinstance(row, Sequence))
        raise PureposeError(f"{func}: {name} row {bad} is not a list of numbers") from None
    if ragged:
        i, row = next((i, row) for i, row in enumerate(X) if len(row) != n_cols)
        raise PureposeError(
            f"{func}: {name} is ragged: row {i} has {len(row)} columns, row 0 has {n_cols}"
        )
    return len(X), n_cols


def check_finite(X: Sequence[Sequence[float]], name: str, func: str) -> None:
    """Raise naming the first row of the rectangular ``X`` that holds NaN or inf.

    >>> check_finite([[1.0], [float("inf")]], "X", "f")
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: f: X contains NaN or inf (row 1)
    """
    try:
        finite = all(map(math.isfinite, chain.from_iterable(X)))
    except TypeError:
        raise PureposeError(f"{func}: {name} must contain only numbers") from None
    if not finite:
        for i, row in enumerate(X):
            if not all(map(math.isfinite, row)):
                raise PureposeError(f"{func}: {name} contains NaN or inf (row {i})")


def check_square(A: Sequence[Sequence[float]], name: str, func: str) -> int:
    """Return n after checking ``A`` is a finite n x n matrix.

    >>> check_square([[1.0, 2.0]], "A", "cholesky")
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: cholesky: A must be square, got 1x2
    """
    n_rows, n_cols = check_matrix(A, name, func)
    if n_rows != n_cols:
        raise PureposeError(f"{func}: {name} must be square, got {n_rows}x{n_cols}")
    return n_rows


def check_symmetric(
    A: Sequence[Sequence[float]], name: str, func: str, rtol: float = SYMMETRY_RTOL
) -> None:
    """Raise unless the square ``A`` is symmetric to a relative ``rtol``, entry by entry.

    The one meaning of "symmetric" in purepose (Cholesky, solves and the
    eigensolvers all use it):

        |A_ij - A_ji| <= rtol * max(|A_ij|, |A_ji|, sqrt(|A_ii A_jj|))

    The ``sqrt(|A_ii A_jj|)`` term bounds ``|A_ij|`` for a positive
    semi-definite matrix, so a tiny entry is judged on its own row and
    column's scale and the test is unchanged by rescaling features
    (``D A D``); comparing with the largest entry of A would let a
    small-variance feature's entries be arbitrarily asymmetric. Exactly
    symmetric rows are settled by one C-level list comparison.

    >>> check_symmetric([[2.0, 1.0], [1.0, 2.0]], "A", "cholesky")
    >>> check_symmetric([[1.0, 2.0], [3.0, 4.0]], "A", "cholesky")
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: cholesky: A is not symmetric (A[1][0] = 3.0, A[0][1] = 2.0)
    """
    for i, row in enumerate(A):
        above = [A_j[i] for A_j in A[:i]]  # A_ji for j < i: column i above the diagonal
        if row[:i] == above:  # the usual case: exactly symmetric
            continue
        for j, (a, b) in enumerate(zip(row, above)):
            size = max(abs(a), abs(b), math.sqrt(abs(row[i] * A[j][j])))
            if abs(a - b) > rtol * size:
                raise PureposeError(
                    f"{func}: {name} is not symmetric "
                    f"({name}[{i}][{j}] = {a!r}, {name}[{j}][{i}] = {b!r})"
                )


def check_positive_int(value: Any, name: str, func: str) -> int:
    """Return ``value`` after checking it is an int >= 1 (bool is not an int here).

    >>> check_positive_int(0, "max_iter", "KMeans.fit")
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: KMeans.fit: max_iter=0 must be an int >= 1
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise PureposeError(f"{func}: {name}={value!r} must be an int >= 1")
    return value


def check_iteration_params(max_iter: Any, tol: Any, func: str) -> None:
    """Check an iterative method's ``max_iter`` (int >= 1) and ``tol`` (number >= 0).

    >>> check_iteration_params(10, -1.0, "PCA.fit")
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: PCA.fit: tol=-1.0 must be a number >= 0
    """
    check_positive_int(max_iter, "max_iter", func)
    if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not tol >= 0.0:
        raise PureposeError(f"{func}: tol={tol!r} must be a number >= 0")


def _is_matrix(Y: object) -> bool:
    return (
        isinstance(Y, Sequence)
        and len(Y) > 0
        and isinstance(Y[0], Sequence)
        and not isinstance(Y[0], (str, bytes))
    )


def check_xy(X: Sequence[Sequence[float]], Y: Any, func: str) -> tuple[int, int, int, bool]:
    """Check X (n x d) and Y (n x t, or a vector of n); return ``(n, d, t, Y is a vector)``.

    >>> check_xy([[1.0], [2.0]], [3.0, 4.0], "Ridge.fit")
    (2, 1, 1, True)
    >>> check_xy([[1.0], [2.0]], [[3.0]], "Ridge.fit")
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: Ridge.fit: X has 2 samples but Y has 1
    """
    n_samples, n_features = check_matrix(X, "X", func)
    if _is_matrix(Y):
        n_y, n_targets = check_matrix(Y, "Y", func)
        y_is_vector = False
    else:
        n_y, n_targets = check_vector(Y, "y", func), 1
        y_is_vector = True
    if n_y != n_samples:
        raise PureposeError(f"{func}: X has {n_samples} samples but Y has {n_y}")
    return n_samples, n_features, n_targets, y_is_vector


def rows_of(Y: Any, y_is_vector: bool) -> Sequence[Sequence[float]]:
    """Y as rows: ``[[y] for y in Y]`` for a vector, Y itself (not copied) for a matrix.

    >>> rows_of([1.0, 2.0], True), rows_of([[1.0, 2.0]], False)
    ([[1.0], [2.0]], [[1.0, 2.0]])
    """
    return [[y] for y in Y] if y_is_vector else Y
