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
