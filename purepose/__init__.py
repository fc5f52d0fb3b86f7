"""purepose: predict hand pose from wrist EMG in plain Python.

h5py reads Meta's emg2pose HDF5 sessions; ``.tolist()`` turns them into
Python lists; from there every algorithm (matrix operations, PCA by power
iteration, k-means, least squares and ridge, filters and EMG features) is
written by hand with the standard library.

Start reading in ``purepose/textbook/`` (one algorithm per page), then
``purepose/textbook/pipeline.py`` (the whole task on one page).

The estimators are exported here, as ``sklearn.cluster`` exports its own:

>>> from purepose import Ridge
>>> model = Ridge(alpha=0.0).fit([[0.0], [1.0], [2.0]], [1.0, 3.0, 5.0])
>>> [round(y, 12) for y in model.predict([[3.0]])]
[7.0]

They load on first use, so ``import purepose.textbook.pca`` never pays for
(or needs) h5py.
"""

from importlib import import_module

from .errors import (
    ConvergenceWarning,
    NotFittedError,
    NotPositiveDefiniteError,
    PureposeError,
    RankDeficientError,
)

__version__ = "0.2.0"

# name -> module that defines it; loaded by __getattr__ on first access.
_LAZY = {
    "PCA": "purepose.fast.pca",
    "KMeans": "purepose.fast.kmeans",
    "LinearRegression": "purepose.fast.regression",
    "Ridge": "purepose.fast.regression",
    "MLPRegressor": "purepose.fast.mlp",
    "KNeighborsRegressor": "purepose.fast.neighbors",
    "RandomFeatures": "purepose.fast.random_features",
    "PoseRegressor": "purepose.pose.model",
    "open_recording": "purepose.data.sources",
}

__all__ = [
    *_LAZY,
    "ConvergenceWarning",
    "NotFittedError",
    "NotPositiveDefiniteError",
    "PureposeError",
    "RankDeficientError",
    "__version__",
]


def __getattr__(name: str):
    """Import an exported estimator the first time it is asked for (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module 'purepose' has no attribute {name!r}")
    value = getattr(import_module(_LAZY[name]), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
