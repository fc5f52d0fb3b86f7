"""Errors and warnings shared by every purepose module.

One family: :class:`PureposeError` is a :class:`ValueError`, so callers that
already catch ``ValueError`` keep working, and the command line turns any of
them into one line on stderr with exit status 2.

>>> issubclass(NotFittedError, PureposeError)
True
"""

from __future__ import annotations


class PureposeError(ValueError):
    """Bad input or a state the computation cannot handle; the message says which."""


class NotFittedError(PureposeError, AttributeError):
    """An estimator was used (``predict``, ``transform`` ...) before ``fit``.

    Like scikit-learn's, it is both a ValueError and an AttributeError.
    """


class ConvergenceWarning(UserWarning):
    """An iterative method stopped at ``max_iter`` before reaching ``tol``."""


class NotPositiveDefiniteError(PureposeError):
    """A Cholesky factorization met a pivot ``<= 0``; ``index`` and ``pivot`` say where.

    Raised by both layers (``purepose.fast.linalg.cholesky`` and
    ``purepose.textbook.linalg.cholesky``); callers (least squares) read
    ``index`` to name the offending feature.
    """

    def __init__(self, message: str, index: int, pivot: float) -> None:
        super().__init__(message)
        self.index = index
        self.pivot = pivot


class RankDeficientError(PureposeError):
    """Least squares found column ``column`` (nearly) dependent on the columns before it."""

    def __init__(self, message: str, column: int, ratio: float) -> None:
        super().__init__(message)
        self.column = column
        self.ratio = ratio
